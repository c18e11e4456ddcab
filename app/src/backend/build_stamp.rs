//! This build's stamp: a digest of the browser app's files. Their URLs carry it
//! (`/pkg/<stamp>/frontdoor.wasm`), so a browser may keep them for good (a new build has new
//! URLs), and the service worker carries it, so a new build is a new worker.

use std::fmt::Write;

/// 16 hex digits of a SHA-256 over the files of `site_root/pkg` (the app, its lazily loaded
/// chunks and the stylesheet), by name; none at all still makes a stamp, so a server run without
/// a built site still answers.
pub fn of(site_root: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut files: Vec<_> = std::fs::read_dir(format!("{site_root}/pkg"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    let mut digest = Sha256::new();
    for file in files {
        digest.update(file.file_name().unwrap_or_default().as_encoded_bytes());
        digest.update(std::fs::read(&file).unwrap_or_default());
    }
    digest
        .finalize()
        .iter()
        .take(8)
        .fold(String::new(), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

/// Where pages ask for the assets (Leptos's `site_pkg_dir`): under the stamp.
pub fn pkg_dir(stamp: &str) -> String {
    format!("pkg/{stamp}")
}

/// The stamp of a `pkg_dir`, if it has one.
pub fn from_pkg_dir(pkg_dir: &str) -> Option<&str> {
    pkg_dir
        .strip_prefix("pkg/")
        .filter(|stamp| !stamp.is_empty() && stamp.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stamp_follows_the_assets() {
        let site = std::env::temp_dir().join(format!("fd-stamp-{}", std::process::id()));
        std::fs::create_dir_all(site.join("pkg")).unwrap();
        let root = site.to_str().unwrap();
        let empty = of(root);
        assert_eq!(empty.len(), 16);
        assert_eq!(of(root), empty, "the same build, the same stamp");
        std::fs::write(site.join("pkg/frontdoor.wasm"), b"\0asm new build").unwrap();
        let built = of(root);
        assert_ne!(built, empty, "a new build, a new stamp");
        std::fs::write(site.join("pkg/split_board.wasm"), b"\0asm a page's chunk").unwrap();
        assert_ne!(of(root), built, "a lazily loaded chunk counts too");
        std::fs::remove_dir_all(site).unwrap();
    }

    #[test]
    fn a_pkg_dir_names_its_stamp() {
        assert_eq!(from_pkg_dir(&pkg_dir("0123abcd")), Some("0123abcd"));
        assert_eq!(from_pkg_dir("pkg"), None);
        assert_eq!(from_pkg_dir("pkg/../x"), None);
    }
}
