//! The HTTP surface: pages and server functions (Leptos), the live event stream, health, and the
//! cross-cutting layers every response passes through.

use std::time::Duration;

use app::backend::{
    AppState, attachments, auth, live, mail_intake, mail_originals, report_export, rest,
    service_worker, slack, sso,
};
use app::domain::email::MAX_MESSAGE_BYTES;
use app::error::AppError;
use app::{App, shell};
use axum::body::{Body, to_bytes};
use axum::extract::DefaultBodyLimit;
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderName, HeaderValue};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// Server function error bodies are small JSON; anything bigger is not one of ours.
const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// The most text a request may carry: axum's default body limit, which server functions keep to
/// (the REST API takes less and says so itself; uploads and raw mail are not text).
const TEXT_BODY_LIMIT: usize = 2 * 1024 * 1024;

/// What text holding a NUL character is told.
const NUL_REFUSED: &str = "Text may not contain NUL characters.";

/// Where a mail provider's webhook posts raw mail, which may hold any bytes.
const INBOUND_MAIL_PATH: &str = "/inbound/mail";

const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
     frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

pub fn router(state: AppState) -> Router {
    let page_routes = generate_route_list(App);
    let leptos_options = state.leptos_options.clone();
    // Everything that acts for a person learns who they are first.
    let personal = Router::new()
        .leptos_routes(&state, page_routes, move || shell(leptos_options.clone()))
        .route("/events", get(live::event_stream))
        .route(
            "/files",
            post(attachments::upload).layer(DefaultBodyLimit::max(attachments::UPLOAD_BODY_LIMIT)),
        )
        .route(
            "/files/{id}",
            get(attachments::download).delete(attachments::remove_unsent),
        )
        .route("/mail/original/{event}", get(mail_originals::original))
        .route("/mail/quarantine/{id}", get(mail_originals::quarantined))
        .route("/reports/{file}", get(report_export::export))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            auth::resolve_actor,
        ))
        // Someone's requests are theirs: no HTTP cache keeps them (the service worker keeps a
        // copy for offline reading, and drops it at sign-out).
        .route_layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        ));

    // The app's own assets, compressed at build time (brotli q11 / gzip -9), under this build's
    // stamp: a browser keeps them for good, and a new build asks for new URLs.
    let assets = Router::new()
        .fallback_service(
            ServeDir::new(format!("{}/pkg", state.leptos_options.site_root))
                .precompressed_br()
                .precompressed_gzip(),
        )
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        ));
    let assets_path = format!("/{}", state.leptos_options.site_pkg_dir);

    // Other systems, with API tokens (no cookies). What a token reads is someone's data: no
    // HTTP cache keeps it.
    let api = rest::router().layer(SetResponseHeaderLayer::if_not_present(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    ));

    let mut router = Router::new()
        .nest("/api/v1", api)
        .route("/healthz", get(healthz))
        .route("/sw.js", get(service_worker::serve))
        .route(
            INBOUND_MAIL_PATH,
            post(mail_intake::hook).layer(DefaultBodyLimit::max(MAX_MESSAGE_BYTES)),
        )
        .route("/slack/commands", post(slack::command))
        .route("/slack/events", post(slack::event))
        .route("/auth/sso", get(sso::start))
        .route(sso::CALLBACK_PATH, get(sso::callback));
    if state.clock.is_movable() {
        router = router.route("/test/clock", post(move_clock));
    }
    router
        .nest(&assets_path, assets)
        .merge(personal)
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(middleware::from_fn(server_fn_status))
        .layer(middleware::from_fn(refuse_nul_text))
        .layer(middleware::from_fn(same_origin_writes))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("x-frame-options"),
            HeaderValue::from_static("DENY"),
        ))
        // Pages and API answers on the fly (assets come precompressed); the default predicate
        // leaves event streams alone so events are not held back.
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// `GET /healthz`: 200 when the database answers, 503 when it does not.
async fn healthz(State(state): State<AppState>) -> Response {
    match tokio::time::timeout(Duration::from_secs(2), state.store.ping()).await {
        Ok(Ok(())) => (StatusCode::OK, "ok").into_response(),
        _ => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response(),
    }
}

#[derive(serde::Deserialize)]
struct MoveClock {
    minutes: i64,
}

/// `POST /test/clock?minutes=N` (only with `--test-clock`): moves the server's clock forward and
/// lets the SLA timer look at once, the way time passing would.
async fn move_clock(
    State(state): State<AppState>,
    axum::extract::Query(by): axum::extract::Query<MoveClock>,
) -> Response {
    if by.minutes < 0 {
        return (StatusCode::BAD_REQUEST, "the clock only moves forward").into_response();
    }
    state.clock.advance(by.minutes.saturating_mul(60_000));
    state.sla_watch.wake();
    state.clock.now_ms().to_string().into_response()
}

/// Server functions answer every error with 500; this gives each the status it means
/// (a malformed call is a 400, a missing sign-in a 401, a failed check a 422, …).
async fn server_fn_status(request: Request, next: Next) -> Response {
    let is_server_fn = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if !is_server_fn || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match to_bytes(body, ERROR_BODY_LIMIT).await {
        Ok(bytes) => bytes,
        Err(error) => {
            // Not one of ours, and now lost: the caller still gets an error it can read.
            tracing::error!(%error, "a server function's error answer could not be read");
            return (StatusCode::INTERNAL_SERVER_ERROR, Json(AppError::Internal)).into_response();
        }
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// How a request's body writes a NUL character, if it is text at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TextBody {
    /// `\u0000`.
    Json,
    /// `%00`: forms, and anything else, since server functions read a body as a form whatever
    /// its type says.
    Form,
}

impl TextBody {
    /// `None` for bodies that are not text: uploads (multipart) and raw mail, which intake reads
    /// and quarantines itself.
    fn of(request: &Request) -> Option<TextBody> {
        if request.uri().path() == INBOUND_MAIL_PATH {
            return None;
        }
        let media_type = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split(';').next())
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        if media_type.starts_with("multipart/") {
            None
        } else if media_type == "application/json" || media_type.ends_with("+json") {
            Some(TextBody::Json)
        } else {
            Some(TextBody::Form)
        }
    }

    fn has_nul(self, body: &[u8]) -> bool {
        body.contains(&0)
            || match self {
                TextBody::Json => has_json_nul_escape(body),
                TextBody::Form => body.windows(3).any(|w| w == b"%00"),
            }
    }
}

/// Whether JSON text holds an escaped NUL: `\u0000` whose backslash is not itself escaped (an odd
/// run of backslashes), so the text `\\u0000` is not one.
fn has_json_nul_escape(body: &[u8]) -> bool {
    body.windows(6).enumerate().any(|(at, window)| {
        window == b"\\u0000"
            && body[..at]
                .iter()
                .rev()
                .take_while(|byte| **byte == b'\\')
                .count()
                % 2
                == 0
    })
}

/// Refuses text holding a NUL character, in the URL or the body, before any route reads it:
/// PostgreSQL cannot store one and would fail with a 500, so every route on either database says
/// 400 instead. The body is read (up to [`TEXT_BODY_LIMIT`]) and passed on unchanged.
async fn refuse_nul_text(request: Request, next: Next) -> Response {
    let in_url = request
        .uri()
        .path_and_query()
        .is_some_and(|url| url.as_str().contains("%00"));
    if in_url {
        return nul_refused(request.uri().path());
    }
    let Some(text) = TextBody::of(&request) else {
        return next.run(request).await;
    };
    let (parts, body) = request.into_parts();
    let bytes = match to_bytes(body, TEXT_BODY_LIMIT).await {
        Ok(bytes) => bytes,
        // Over the limit, or cut off by a client that is gone and will not read this.
        Err(error) => {
            tracing::debug!(%error, "request body not read");
            return (StatusCode::PAYLOAD_TOO_LARGE, "The request is too large.").into_response();
        }
    };
    if text.has_nul(&bytes) {
        return nul_refused(parts.uri.path());
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// The refusal of text holding a NUL, in the form the caller reads errors in: the REST API's
/// problem document (422: well-formed input whose content is refused, as its reference says),
/// a server function's error, or plain text.
fn nul_refused(path: &str) -> Response {
    if path.starts_with("/api/v1/") {
        rest::Problem::new("validation_failed", NUL_REFUSED).into_response()
    } else if path.starts_with("/api/") {
        let error = AppError::BadRequest(NUL_REFUSED.to_owned());
        (StatusCode::BAD_REQUEST, Json(error)).into_response()
    } else {
        (StatusCode::BAD_REQUEST, NUL_REFUSED).into_response()
    }
}

/// Refuses state-changing requests a browser sends on behalf of another site (CSRF), on top of
/// the `SameSite=Lax` session cookie.
async fn same_origin_writes(request: Request, next: Next) -> Response {
    if request.method().is_safe() || is_same_origin(request.headers()) {
        next.run(request).await
    } else {
        (StatusCode::FORBIDDEN, "Cross-site request refused.").into_response()
    }
}

fn is_same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return matches!(site.as_bytes(), b"same-origin" | b"none");
    }
    // Older browsers: compare Origin with Host. No Origin at all means not a browser form post.
    match headers.get(header::ORIGIN) {
        None => true,
        Some(origin) => {
            let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
            let origin_host = origin
                .to_str()
                .ok()
                .and_then(|o| o.split_once("://"))
                .map(|(_, rest)| rest);
            host.is_some() && host == origin_host
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| (HeaderName::from_static(k), HeaderValue::from_static(v)))
            .collect()
    }

    #[test]
    fn only_real_json_escapes_are_nul() {
        assert!(has_json_nul_escape(br#"{"a":"x\u0000"}"#));
        assert!(has_json_nul_escape(br#"{"a":"\\\u0000"}"#));
        assert!(!has_json_nul_escape(br#"{"a":"\\u0000"}"#));
        assert!(!has_json_nul_escape(br#"{"a":"u0000 %00"}"#));
        assert!(TextBody::Form.has_nul(b"email=a%00b"));
        assert!(!TextBody::Json.has_nul(br#"{"a":"100%00"}"#));
        assert!(TextBody::Json.has_nul(b"{\"a\":\"\0\"}"));
    }

    #[test]
    fn cross_site_writes_are_recognised() {
        assert!(is_same_origin(&headers(&[(
            "sec-fetch-site",
            "same-origin"
        )])));
        assert!(!is_same_origin(&headers(&[(
            "sec-fetch-site",
            "cross-site"
        )])));
        assert!(!is_same_origin(&headers(&[(
            "sec-fetch-site",
            "same-site"
        )])));
        assert!(is_same_origin(&headers(&[
            ("origin", "http://portal.test"),
            ("host", "portal.test")
        ])));
        assert!(!is_same_origin(&headers(&[
            ("origin", "http://evil.test"),
            ("host", "portal.test")
        ])));
        assert!(is_same_origin(&headers(&[])));
    }
}
