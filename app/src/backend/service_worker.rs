//! `GET /sw.js`: the service worker (`service_worker.js`), stamped with this build's stamp. A
//! browser compares the script byte for byte, so a new build is a new worker, and the same build
//! is never mistaken for one.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::state::AppState;
use super::{auth, build_stamp};

const TEMPLATE: &str = include_str!("service_worker.js");

/// The script for assets served under `pkg_dir` (`pkg/<stamp>`).
pub fn script(pkg_dir: &str) -> String {
    let version = build_stamp::from_pkg_dir(pkg_dir).unwrap_or("unstamped");
    TEMPLATE
        .replace("__VERSION__", version)
        .replace("__PKG__", &format!("/{pkg_dir}"))
}

/// The cookie a browser test sets to see the next build's worker (`--test-clock` servers only):
/// how a new version rolls out can be tested without building one, and without other tests'
/// browsers seeing it.
const TEST_BUILD_COOKIE: &str = "frontdoor_test_build";

#[allow(clippy::unused_async)] // an axum handler
pub async fn serve(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let script = script(&state.leptos_options.site_pkg_dir);
    let test_build = state
        .clock
        .is_movable()
        .then(|| test_build(&headers))
        .flatten();
    let script = match test_build {
        Some(build) => script.replacen(
            "const VERSION = '",
            &format!("const VERSION = '{build}-"),
            1,
        ),
        None => script,
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

/// The next build a browser test asked for: a short alphanumeric value of its cookie.
fn test_build(headers: &HeaderMap) -> Option<String> {
    auth::cookie_value(headers, TEST_BUILD_COOKIE)
        .filter(|value| value.len() <= 16 && value.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worker_carries_the_stamp_and_its_asset_urls() {
        let script = script(&build_stamp::pkg_dir("00ff00ff00ff00ff"));
        assert!(script.contains("const VERSION = '00ff00ff00ff00ff'"));
        assert!(script.contains("const PKG = '/pkg/00ff00ff00ff00ff/'"));
        // The shell: the app, its chunk loader, the WASM and the stylesheet.
        for file in [
            "frontdoor.js",
            "__wasm_split.js",
            "frontdoor.wasm",
            "frontdoor.css",
        ] {
            assert!(
                script.contains(&format!("${{PKG}}{file}`")),
                "{file} in the shell"
            );
        }
        // Placeholders are `__CAPITALS__`.
        let placeholder = script.split("__").skip(1).find(|between| {
            !between.is_empty() && between.bytes().all(|b| b.is_ascii_uppercase() || b == b'_')
        });
        assert_eq!(placeholder, None, "every placeholder filled");
    }

    #[test]
    fn a_test_build_is_read_from_its_cookie_only_when_well_formed() {
        let with = |cookie: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::COOKIE, HeaderValue::from_str(cookie).unwrap());
            test_build(&headers)
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
