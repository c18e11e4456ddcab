//! Rules for files people attach: how big, how many, what they are called, and which may be shown
//! inline.

use serde::{Deserialize, Serialize};

/// A file stored and ready to attach, as `POST /files` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadedFile {
    pub id: i64,
    pub filename: String,
    pub size_bytes: i64,
}

/// Where files are uploaded (multipart, field `file`) and downloaded (`/files/{id}`).
pub const FILES_PATH: &str = "/files";

/// The largest file accepted.
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;
/// The most files on one request or message.
pub const MAX_ATTACHMENTS: usize = 5;

/// The most a person may have uploaded and not yet sent with a request or reply: two full forms'
/// worth. Uploads are stored as they are chosen, so without it anyone signed in could fill the
/// disk with files they never send.
pub const MAX_UNSENT_UPLOAD_BYTES: usize = 2 * MAX_ATTACHMENTS * MAX_ATTACHMENT_BYTES;
/// How long an upload waits to be sent before it is removed: long enough for a request written
/// on a phone that then lost its connection for a weekend.
pub const UNSENT_UPLOAD_KEPT_MS: i64 = 3 * 24 * 60 * 60 * 1000;

/// The message for an upload past [`MAX_UNSENT_UPLOAD_BYTES`].
pub fn unsent_limit_message() -> String {
    format!(
        "Files you have added but not sent yet come to over {} MB. Send the request or reply \
         they are for first; files never sent are removed after three days.",
        MAX_UNSENT_UPLOAD_BYTES / (1024 * 1024)
    )
}

/// The message for a file over the limit.
pub fn too_large_message(filename: &str) -> String {
    format!(
        "“{filename}” is larger than {} MB. Please attach a smaller file, or share a link to it.",
        MAX_ATTACHMENT_BYTES / (1024 * 1024)
    )
}

/// A file name safe to store and to put in a `Content-Disposition` header: no folders, no control
/// characters or quotes, at most 120 characters, never empty.
pub fn safe_filename(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '\\' | '/' | ';'))
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.');
    let name: String = cleaned.chars().take(120).collect();
    if name.is_empty() {
        "file".to_owned()
    } else {
        name
    }
}

/// Raster image types a browser can preview without running anything (SVG is not one).
pub fn is_previewable_image(content_type: &str) -> bool {
    matches!(
        content_type,
        "image/png" | "image/jpeg" | "image/gif" | "image/webp"
    )
}

/// "1.2 MB", "340 KB", "12 bytes".
pub fn human_size(bytes: i64) -> String {
    const KB: i64 = 1024;
    const MB: i64 = 1024 * 1024;
    if bytes >= MB {
        format!("{:.1} MB", bytes as f64 / MB as f64)
    } else if bytes >= KB {
        format!("{} KB", (bytes + KB / 2) / KB)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn names_lose_their_folders_and_tricks() {
        assert_eq!(safe_filename("C:\\Users\\mei\\invoice.pdf"), "invoice.pdf");
        assert_eq!(safe_filename("../../etc/passwd"), "passwd");
        assert_eq!(safe_filename("a\"b;\r\nc.txt"), "abc.txt");
        assert_eq!(safe_filename(".htaccess"), "htaccess");
        assert_eq!(safe_filename("   "), "file");
    }

    #[test]
    fn only_raster_images_preview() {
        assert!(is_previewable_image("image/png"));
        assert!(!is_previewable_image("image/svg+xml"));
        assert!(!is_previewable_image("text/html"));
    }

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(human_size(12), "12 bytes");
        assert_eq!(human_size(340 * 1024), "340 KB");
        assert_eq!(human_size(1_258_291), "1.2 MB");
    }

    proptest! {
        #[test]
        fn stored_names_are_always_safe(raw in ".{0,300}") {
            let name = safe_filename(&raw);
            prop_assert!(!name.is_empty() && name.chars().count() <= 120);
            prop_assert!(!name.contains(['/', '\\', '"', ';']));
            prop_assert!(!name.chars().any(char::is_control));
            prop_assert!(!name.starts_with('.'));
        }
    }
}
