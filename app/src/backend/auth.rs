//! Who is asking: session cookies in, an [`Actor`] out; and the checks every entry point makes.
//!
//! The session is resolved once per request by [`resolve_actor`] (an axum middleware) and read by
//! server functions, REST routes and the event stream alike.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cookie::{Cookie, SameSite};
use sha2::{Digest, Sha256};

use super::state::{AppState, app_state};
use crate::domain::policy::{Actor, Permission};
use crate::error::AppError;

pub const SESSION_COOKIE: &str = "fd_session";

/// The person a request runs for, if signed in. Put into request extensions by [`resolve_actor`].
#[derive(Debug, Clone)]
pub struct CurrentActor(pub Option<Actor>);

/// Middleware: looks up the session cookie and records who is asking.
pub async fn resolve_actor(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let actor = match session_token(request.headers()) {
        Some(token) => state
            .store
            .session_actor(&hash_token(&token), state.clock.now_ms())
            .await
            .unwrap_or_else(|error| {
                tracing::error!(%error, "could not look up a session");
                None
            }),
        None => None,
    };
    request.extensions_mut().insert(CurrentActor(actor));
    next.run(request).await
}

/// The signed-in person, from request parts prepared by [`resolve_actor`].
pub fn actor_from_parts(parts: &Parts) -> Option<Actor> {
    parts
        .extensions
        .get::<CurrentActor>()
        .and_then(|current| current.0.clone())
}

/// The signed-in person inside a server function, if any.
pub fn current_actor() -> Option<Actor> {
    leptos::prelude::use_context::<Parts>().and_then(|parts| actor_from_parts(&parts))
}

/// The signed-in person inside a server function, or `Unauthorized`.
pub fn require_actor() -> Result<Actor, AppError> {
    current_actor().ok_or(AppError::Unauthorized)
}

/// The signed-in person, who must hold `permission`.
pub fn require_permission(permission: Permission) -> Result<Actor, AppError> {
    let actor = require_actor()?;
    if actor.can(permission) {
        Ok(actor)
    } else {
        Err(AppError::Forbidden)
    }
}

/// The address a request came from, when the server knows it.
pub fn client_address() -> Option<IpAddr> {
    leptos::prelude::use_context::<Parts>().and_then(|parts| {
        parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0.ip())
    })
}

/// Starts a session for `actor`, as long as their role allows, and sets its cookie on the server
/// function's response. Any session this browser had is ended first: a session id never survives
/// a sign-in (no fixation).
async fn start_session(actor: &Actor) -> Result<(), AppError> {
    let lifetime_secs = actor.role.session_lifetime_secs();
    let state = app_state();
    if let Some(previous) =
        leptos::prelude::use_context::<Parts>().and_then(|parts| session_token(&parts.headers))
    {
        state.store.delete_session(&hash_token(&previous)).await?;
    }
    let token = URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>());
    let now = state.clock.now_ms();
    state
        .store
        .create_session(
            actor.user_id,
            &hash_token(&token),
            now,
            now + lifetime_secs * 1000,
        )
        .await?;
    let cookie = Cookie::build((SESSION_COOKIE, token))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.settings.secure_cookies)
        .max_age(cookie::time::Duration::seconds(lifetime_secs))
        .build();
    set_cookie(&cookie);
    Ok(())
}

/// Finishes a successful sign-in: a new session, and the person's start page, which is
/// returned to the app and (for a plain form post) redirected to.
pub async fn sign_in_as(actor: &Actor) -> Result<String, AppError> {
    start_session(actor).await?;
    let home = actor.role.home();
    redirect_plain_form_post(home);
    Ok(home.to_owned())
}

/// Ends the current session (if any) and clears its cookie.
pub async fn end_session() -> Result<(), AppError> {
    let state = app_state();
    let token =
        leptos::prelude::use_context::<Parts>().and_then(|parts| session_token(&parts.headers));
    if let Some(token) = token {
        state.store.delete_session(&hash_token(&token)).await?;
    }
    let mut cookie = Cookie::build((SESSION_COOKIE, "")).path("/").build();
    cookie.make_removal();
    set_cookie(&cookie);
    Ok(())
}

/// Sends a browser without JavaScript (a plain form post) on to `path`. The hydrated app handles
/// the answer itself, so it gets none.
pub fn redirect_plain_form_post(path: &str) {
    let accepts_html = leptos::prelude::use_context::<Parts>().is_some_and(|parts| {
        parts
            .headers
            .get(axum::http::header::ACCEPT)
            .and_then(|accept| accept.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"))
    });
    if accepts_html {
        leptos_axum::redirect(path);
    }
}

fn set_cookie(cookie: &Cookie<'_>) {
    if let (Some(response), Ok(value)) = (
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        HeaderValue::from_str(&cookie.to_string()),
    ) {
        response.append_header(SET_COOKIE, value);
    }
}

fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == SESSION_COOKIE)
        .map(|cookie| cookie.value().to_owned())
        .filter(|token| !token.is_empty())
}

fn hash_token(token: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_token_is_found_among_other_cookies() {
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_static("theme=dark; fd_session=abc123; x=y"),
        );
        assert_eq!(session_token(&headers).as_deref(), Some("abc123"));
        headers.insert(COOKIE, HeaderValue::from_static("fd_session="));
        assert_eq!(session_token(&headers), None);
    }

    #[test]
    fn tokens_are_stored_hashed() {
        let hash = hash_token("secret-token");
        assert_ne!(hash, "secret-token");
        assert_eq!(hash, hash_token("secret-token"));
    }
}
