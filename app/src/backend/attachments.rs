//! The file routes: uploads, checked for what they really are and kept until their uploader
//! attaches them (or takes them back), and downloads, under the same policy as the ticket.

use axum::Json;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY, CONTENT_TYPE,
};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::auth::require_actor_in;
use super::state::AppState;
use super::store::{NewAttachment, StoreResult};
use crate::domain::attachment::{
    MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MAX_UNSENT_UPLOAD_BYTES, UNSENT_UPLOAD_KEPT_MS,
    UploadedFile, is_previewable_image, safe_filename, too_large_message, unsent_limit_message,
};
use crate::domain::policy::Permission;
use crate::domain::validation::FieldError;
use crate::error::AppError;

/// What a file is, judged from its bytes (the browser's claim is ignored): a known type by its
/// signature, plain text if it is valid UTF-8, otherwise opaque bytes. Markup a browser would run
/// (HTML, SVG, XML) is kept as plain text.
pub fn sniff(content: &[u8]) -> &'static str {
    match infer::get(content).map(|kind| kind.mime_type()) {
        Some("text/html" | "text/xml" | "application/xml" | "image/svg+xml") => "text/plain",
        Some(known) => known,
        None if std::str::from_utf8(content).is_ok() => "text/plain",
        None => "application/octet-stream",
    }
}

/// `POST /files`: stores the files of a multipart form (field `file`, several allowed) for the
/// signed-in person, up to what they may have unsent. Each is read chunk by chunk, so an oversized
/// file is refused without being held in memory. Uploads nobody sent in time go first.
pub async fn upload(
    State(state): State<AppState>,
    parts: Parts,
    form: Result<Multipart, MultipartRejection>,
) -> Result<Json<Vec<UploadedFile>>, AppError> {
    let person = require_actor_in(&parts)?.user_id;
    let malformed =
        |text: String| AppError::BadRequest(format!("The upload was malformed: {text}"));
    let mut form = form.map_err(|rejection| malformed(rejection.body_text()))?;
    let bad = |e: axum::extract::multipart::MultipartError| malformed(e.body_text());
    let now = state.clock.now_ms();
    let removed = state
        .store
        .remove_unsent_uploads(now - UNSENT_UPLOAD_KEPT_MS)
        .await?;
    if removed > 0 {
        tracing::info!(removed, "uploads never sent were removed");
    }
    let mut unsent =
        usize::try_from(state.store.unsent_upload_bytes(person).await?).unwrap_or(usize::MAX);
    let mut uploaded = Vec::new();
    while let Some(mut field) = form.next_field().await.map_err(bad)? {
        if field.name() != Some("file") {
            continue;
        }
        if uploaded.len() == MAX_ATTACHMENTS {
            let message = format!("Attach at most {MAX_ATTACHMENTS} files.");
            return Err(FieldError::new("attachments", message).into());
        }
        let filename = safe_filename(field.file_name().unwrap_or("file"));
        let mut content = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(bad)? {
            let size = content.len() + chunk.len();
            if size > MAX_ATTACHMENT_BYTES {
                return Err(FieldError::new("attachments", too_large_message(&filename)).into());
            }
            if unsent.saturating_add(size) > MAX_UNSENT_UPLOAD_BYTES {
                return Err(FieldError::new("attachments", unsent_limit_message()).into());
            }
            content.extend_from_slice(&chunk);
        }
        if content.is_empty() {
            let message = format!("“{filename}” is empty.");
            return Err(FieldError::new("attachments", message).into());
        }
        let id = store_file(&state, person, &filename, &content).await?;
        unsent += content.len();
        uploaded.push(UploadedFile {
            id,
            filename,
            size_bytes: content.len() as i64,
        });
    }
    Ok(Json(uploaded))
}

/// `DELETE /files/{id}`: takes back an upload of one's own that was not sent (a file removed
/// from a form), so it stops counting towards what one may have unsent. Anything else: 404.
pub async fn remove_unsent(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    parts: Parts,
) -> Result<StatusCode, AppError> {
    let person = require_actor_in(&parts)?.user_id;
    state.store.remove_unsent_upload(id, person).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The request body limit of `POST /files`: every file at its largest, plus the form around them.
pub const UPLOAD_BODY_LIMIT: usize = MAX_ATTACHMENTS * MAX_ATTACHMENT_BYTES + 64 * 1024;

/// Stores a file for `uploader` (a web upload, or a file that came by mail), typed by its bytes;
/// returns its id, ready to attach.
pub async fn store_file(
    state: &AppState,
    uploader: i64,
    filename: &str,
    content: &[u8],
) -> StoreResult<i64> {
    let content_type = sniff(content);
    let sha256 = URL_SAFE_NO_PAD.encode(Sha256::digest(content));
    let file = NewAttachment {
        uploaded_by: uploader,
        filename,
        content_type,
        is_image: is_previewable_image(content_type),
        sha256: &sha256,
        content,
    };
    state
        .store
        .add_attachment(&file, state.clock.now_ms())
        .await
}

#[derive(Debug, Deserialize)]
pub struct DownloadQuery {
    /// Show a raster image in the page instead of downloading it.
    preview: Option<u8>,
}

/// `GET /files/{id}`: a file, to whoever may see the message it came with (an unattached upload
/// only to its uploader). Always a download, except previews of real raster images.
pub async fn download(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(query): Query<DownloadQuery>,
    parts: Parts,
) -> Result<Response, AppError> {
    let actor = require_actor_in(&parts)?;
    let file = state.store.attachment(id).await?;
    let allowed = match file.ticket_id {
        None => file.uploaded_by == actor.user_id,
        Some(ticket_id) => {
            let record = state
                .store
                .ticket(crate::domain::ticket::TicketRef(ticket_id))
                .await?;
            actor.may_view(record.owner)
                && (file.internal == 0 || actor.can(Permission::SeeInternalNotes))
        }
    };
    if !allowed {
        // As for tickets: someone who may not see it learns nothing about it.
        return Err(AppError::NotFound);
    }
    let inline = query.preview == Some(1) && file.is_image == 1;
    Ok(file_response(
        &file.filename,
        &file.content_type,
        file.content,
        inline,
    ))
}

/// A stored file as a response: a download (or, `inline`, shown), never cached, never able to run
/// anything even if a browser rendered it.
pub fn file_response(
    filename: &str,
    content_type: &str,
    content: Vec<u8>,
    inline: bool,
) -> Response {
    let disposition = format!(
        "{}; filename=\"{}\"; filename*=UTF-8''{}",
        if inline { "inline" } else { "attachment" },
        filename.replace(|c: char| !c.is_ascii() || c == '%', "_"),
        percent_encode(filename),
    );
    let header = |value: &str| {
        HeaderValue::from_str(value).unwrap_or_else(|_| HeaderValue::from_static("attachment"))
    };
    (
        StatusCode::OK,
        [
            (CONTENT_TYPE, header(content_type)),
            (CONTENT_DISPOSITION, header(&disposition)),
            (CACHE_CONTROL, HeaderValue::from_static("private, no-store")),
            (
                CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("sandbox; default-src 'none'"),
            ),
        ],
        content,
    )
        .into_response()
}

/// RFC 5987 encoding of a file name for `filename*`.
fn percent_encode(name: &str) -> String {
    name.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_bytes() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), "image/png");
        assert_eq!(sniff(b"%PDF-1.7\n"), "application/pdf");
        assert_eq!(sniff("plain words, ünïcode".as_bytes()), "text/plain");
        assert_eq!(sniff(&[0xff, 0x00, 0xfe, 0x01]), "application/octet-stream");
        assert_eq!(
            sniff(b"<!DOCTYPE html><script>alert(1)</script>"),
            "text/plain"
        );
    }

    #[test]
    fn file_names_are_encoded_for_headers() {
        assert_eq!(percent_encode("a b.pdf"), "a%20b.pdf");
        assert_eq!(percent_encode("ü.txt"), "%C3%BC.txt");
    }
}
