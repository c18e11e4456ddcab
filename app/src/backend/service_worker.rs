//! `GET /sw.js`: the service worker (`service_worker.js`), stamped with a digest of this build's
//! assets. A browser compares the script byte for byte, so a new build is a new worker, and the
//! same build is never mistaken for one.

use std::fmt::Write;
use std::sync::OnceLock;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::state::AppState;

const TEMPLATE: &str = include_str!("service_worker.js");
/// What the app shell is built from, under the site root.
const ASSETS: [&str; 3] = [
    "pkg/frontdoor.wasm",
    "pkg/frontdoor.js",
    "pkg/frontdoor.css",
];

/// The script for the assets under `site_root` (a missing asset counts as empty: a server run
/// without a built site still answers).
pub fn script(site_root: &str) -> String {
    let mut digest = Sha256::new();
    for asset in ASSETS {
        digest.update(asset.as_bytes());
        digest.update(std::fs::read(format!("{site_root}/{asset}")).unwrap_or_default());
    }
    let version = digest
        .finalize()
        .iter()
        .take(8)
        .fold(String::new(), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        });
    TEMPLATE.replace("__VERSION__", &version)
}

/// The cookie a browser test sets to see the next build's worker (`--test-clock` servers only):
/// how a new version rolls out can be tested without building one, and without other tests'
/// browsers seeing it.
const TEST_BUILD_COOKIE: &str = "frontdoor_test_build=";

#[allow(clippy::unused_async)] // an axum handler
pub async fn serve(State(state): State<AppState>, headers: HeaderMap) -> Response {
    // The assets do not change while the server runs: digest them once.
    static SCRIPT: OnceLock<String> = OnceLock::new();
    let script = SCRIPT.get_or_init(|| script(&state.leptos_options.site_root));
    let test_build = state
        .clock
        .is_movable()
        .then(|| cookie_value(&headers, TEST_BUILD_COOKIE))
        .flatten();
    let script = match test_build {
        Some(build) => script.replacen(
            "const VERSION = '",
            &format!("const VERSION = '{build}-"),
            1,
        ),
        None => script.clone(),
    };
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            ),
            // Browsers check for a new worker on every visit; never from a stale HTTP cache.
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        script,
    )
        .into_response()
}

/// A short alphanumeric cookie value after `prefix` (`name=`), if the request has one.
fn cookie_value(headers: &HeaderMap, prefix: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(prefix))
        .filter(|value| !value.is_empty() && value.len() <= 16)
        .filter(|value| value.bytes().all(|b| b.is_ascii_alphanumeric()))
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_follows_the_assets() {
        let site = std::env::temp_dir().join(format!("fd-sw-{}", std::process::id()));
        std::fs::create_dir_all(site.join("pkg")).unwrap();
        let root = site.to_str().unwrap();
        let empty = script(root);
        assert!(!empty.contains("__VERSION__"));
        assert_eq!(script(root), empty, "the same build, the same worker");
        std::fs::write(site.join("pkg/frontdoor.wasm"), b"\0asm new build").unwrap();
        assert_ne!(script(root), empty, "a new build, a new worker");
        std::fs::remove_dir_all(site).unwrap();
    }

    #[test]
    fn a_test_build_is_read_from_its_cookie_only_when_well_formed() {
        let with = |cookie: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::COOKIE, HeaderValue::from_str(cookie).unwrap());
            cookie_value(&headers, TEST_BUILD_COOKIE)
        };
        assert_eq!(
            with("a=1; frontdoor_test_build=next2"),
            Some("next2".into())
        );
        assert_eq!(with("frontdoor_test_build='x'"), None);
        assert_eq!(with("frontdoor_test_build="), None);
        assert_eq!(with("other=1"), None);
    }
}
