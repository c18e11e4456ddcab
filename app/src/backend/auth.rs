//! Who is asking: session cookies in, an [`Actor`] out; and the checks every entry point makes.
//!
//! The session is resolved once per request by [`resolve_actor`] (an axum middleware) and read by
//! server functions, REST routes and the event stream alike.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::{COOKIE, SET_COOKIE, USER_AGENT};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cookie::{Cookie, SameSite};
use sha2::{Digest, Sha256};

use super::audit::{Audit, user_subject};
use super::state::{AppState, app_state};
use super::store::{LiveSession, SessionOrigin};
use super::two_step::matching_step;
use crate::domain::audit::AuditAction;
use crate::domain::policy::{Actor, Permission, Role};
use crate::domain::two_step::{CHALLENGE_LIFETIME_MS, MAX_CODE_ATTEMPTS, parse_code, wrong_code};
use crate::error::AppError;

/// The session cookie's name. Over TLS it carries the `__Host-` prefix, which browsers only
/// accept from a secure origin, for the whole host, without a `Domain`: no sibling subdomain can
/// set or shadow it.
pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-fd_session"
    } else {
        "fd_session"
    }
}

/// Marks the browser that asked for a sign-in link, so the link only works there.
const LINK_BROWSER_COOKIE: &str = "fd_link_browser";

/// The session a request runs in, if signed in. Put into request extensions by [`resolve_actor`].
#[derive(Debug, Clone)]
pub struct CurrentSession(pub Option<LiveSession>);

/// Middleware: looks up the session cookie and records who is asking.
pub async fn resolve_actor(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let cookie_name = session_cookie_name(state.settings.secure_cookies);
    let session = match cookie_value(request.headers(), cookie_name) {
        Some(token) => state
            .store
            .live_session(&hash_token(&token), state.clock.now_ms())
            .await
            .unwrap_or_else(|error| {
                tracing::error!(%error, "could not look up a session");
                None
            }),
        None => None,
    };
    request.extensions_mut().insert(CurrentSession(session));
    next.run(request).await
}

/// The session a request runs in, from request parts prepared by [`resolve_actor`].
pub fn session_from_parts(parts: &Parts) -> Option<LiveSession> {
    parts
        .extensions
        .get::<CurrentSession>()
        .and_then(|current| current.0.clone())
}

/// The person a request runs for, from request parts prepared by [`resolve_actor`].
pub fn actor_from_parts(parts: &Parts) -> Option<Actor> {
    session_from_parts(parts).map(|session| session.actor)
}

/// The signed-in person behind a request's `parts` (a route, not a server function), or
/// `Unauthorized`; staff who still have to set up a required two-step sign-in get
/// `TwoStepSetupNeeded`.
pub fn require_actor_in(parts: &Parts) -> Result<Actor, AppError> {
    let session = session_from_parts(parts).ok_or(AppError::Unauthorized)?;
    if session.two_step_missing {
        return Err(AppError::TwoStepSetupNeeded);
    }
    Ok(session.actor)
}

/// The person behind a download request (not a server function), if they may do `permission`.
pub fn permitted_download(parts: &Parts, permission: Permission) -> Result<Actor, AppError> {
    let actor = require_actor_in(parts)?;
    if !actor.can(permission) {
        // Nobody learns anything of a download they may not have, not even that it exists.
        return Err(AppError::NotFound);
    }
    Ok(actor)
}

/// The current session inside a server function, if signed in.
pub fn current_session() -> Option<LiveSession> {
    leptos::prelude::use_context::<Parts>().and_then(|parts| session_from_parts(&parts))
}

/// The signed-in person inside a server function, if any.
pub fn current_actor() -> Option<Actor> {
    current_session().map(|session| session.actor)
}

/// The signed-in person as a reader of the help centre, which is open to the public: staff who
/// still have to set up a required two-step sign-in read what the public may.
pub fn current_reader() -> Option<Actor> {
    current_session()
        .filter(|session| !session.two_step_missing)
        .map(|session| session.actor)
}

/// The signed-in person inside a server function, or `Unauthorized`; staff who still have to set
/// up a required two-step sign-in get `TwoStepSetupNeeded`.
pub fn require_actor() -> Result<Actor, AppError> {
    let parts = leptos::prelude::use_context::<Parts>().ok_or(AppError::Unauthorized)?;
    require_actor_in(&parts)
}

/// The signed-in person, even one who still has to set up two-step sign-in: for their own
/// sessions and security settings.
pub fn require_signed_in() -> Result<Actor, AppError> {
    current_actor().ok_or(AppError::Unauthorized)
}

/// A signed-in agency staff member (two-step sign-in is theirs to set up).
pub fn require_staff_member() -> Result<Actor, AppError> {
    let actor = require_signed_in()?;
    if actor.is_staff() {
        Ok(actor)
    } else {
        Err(AppError::Forbidden)
    }
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

/// The API token a server function runs under, when called through the REST API.
pub fn api_call() -> Option<super::rest::ApiCall> {
    leptos::prelude::use_context::<Parts>()
        .and_then(|parts| parts.extensions.get::<super::rest::ApiCall>().cloned())
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

/// A header of the request a server function runs for.
fn request_header(name: impl axum::http::header::AsHeaderName) -> Option<String> {
    leptos::prelude::use_context::<Parts>().and_then(|parts| {
        parts
            .headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    })
}

/// A cookie of the request a server function runs for.
fn request_cookie(name: &str) -> Option<String> {
    leptos::prelude::use_context::<Parts>().and_then(|parts| cookie_value(&parts.headers, name))
}

/// The session token this browser sent, if any.
fn current_token() -> Option<String> {
    request_cookie(session_cookie_name(
        app_state().ok()?.settings.secure_cookies,
    ))
}

/// Starts a session for `actor`, as long as their role allows, and sets its cookie on the server
/// function's response. Any session this browser had is ended first: a session id never survives
/// a sign-in (no fixation).
async fn start_session(actor: &Actor) -> Result<(), AppError> {
    let lifetime_secs = actor.role.session_lifetime_secs();
    let state = app_state()?;
    if let Some(previous) = current_token() {
        state.store.delete_session(&hash_token(&previous)).await?;
    }
    let token = new_token();
    let now = state.clock.now_ms();
    let origin = SessionOrigin {
        user_agent: request_header(USER_AGENT)
            .unwrap_or_default()
            .chars()
            .take(300)
            .collect(),
        ip: client_address()
            .map(|ip| ip.to_string())
            .unwrap_or_default(),
    };
    state
        .store
        .create_session(
            actor.user_id,
            &hash_token(&token),
            &origin,
            now,
            now + lifetime_secs * 1000,
        )
        .await?;
    let secure = state.settings.secure_cookies;
    set_cookie(&private_cookie(
        session_cookie_name(secure),
        token,
        secure,
        lifetime_secs,
    ));
    Ok(())
}

/// An `HttpOnly`, `SameSite=Lax` cookie for the whole site.
pub(crate) fn private_cookie(
    name: &'static str,
    value: String,
    secure: bool,
    max_age_secs: i64,
) -> Cookie<'static> {
    Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(cookie::time::Duration::seconds(max_age_secs))
        .build()
}

/// A fresh random token (256 bits), URL-safe.
pub fn new_token() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

/// Gives this browser a mark (a cookie lasting as long as a sign-in link) and returns its hash,
/// to be stored with the link.
pub fn mark_link_browser(lifetime_ms: i64) -> Result<String, AppError> {
    let secure = app_state()?.settings.secure_cookies;
    let mark = request_cookie(LINK_BROWSER_COOKIE).unwrap_or_else(new_token);
    let hash = hash_token(&mark);
    set_cookie(&private_cookie(
        LINK_BROWSER_COOKIE,
        mark,
        secure,
        lifetime_ms / 1000,
    ));
    Ok(hash)
}

/// The hash of this browser's link mark, if it has one.
pub fn link_browser_hash() -> Option<String> {
    request_cookie(LINK_BROWSER_COOKIE).map(|mark| hash_token(&mark))
}

/// Marks a browser whose sign-in waits for its two-step code.
const TWO_STEP_COOKIE: &str = "fd_two_step";
/// Where the code is asked for.
pub const TWO_STEP_PAGE: &str = "/signin/two-step";

/// Finishes the first step of a sign-in (by `method`: `password`, `magic_link`, …). Someone with
/// two-step sign-in goes on to the code page; everyone else gets a session. Returns the path to
/// go to, which a plain form post is also redirected to.
pub async fn sign_in_as(actor: &Actor, method: &str) -> Result<String, AppError> {
    let state = app_state()?;
    if method != "sso"
        && state.settings.staff_sso_required
        && actor.is_staff()
        && actor.role != Role::Admin
    {
        return Err(AppError::SingleSignOnRequired);
    }
    if state.store.two_step_key(actor.user_id).await?.is_none() {
        return complete_sign_in(actor, method).await;
    }
    let token = new_token();
    let now = state.clock.now_ms();
    state
        .store
        .create_two_step_challenge(
            &hash_token(&token),
            actor.user_id,
            method,
            now,
            now + CHALLENGE_LIFETIME_MS,
        )
        .await?;
    let secure = state.settings.secure_cookies;
    set_cookie(&private_cookie(
        TWO_STEP_COOKIE,
        token,
        secure,
        CHALLENGE_LIFETIME_MS / 1000,
    ));
    redirect_plain_form_post(TWO_STEP_PAGE);
    Ok(TWO_STEP_PAGE.to_owned())
}

/// The second step: with the right code for the sign-in this browser started, its session.
pub async fn finish_two_step_sign_in(code: &str) -> Result<String, AppError> {
    let state = app_state()?;
    let expired =
        || AppError::Conflict("This sign-in has expired. Please sign in again.".to_owned());
    let token = request_cookie(TWO_STEP_COOKIE).ok_or_else(expired)?;
    let token_hash = hash_token(&token);
    let challenge = state
        .store
        .attempt_two_step_challenge(&token_hash, state.clock.now_ms())
        .await?
        .ok_or_else(expired)?;
    if challenge.attempts > MAX_CODE_ATTEMPTS {
        state.store.delete_two_step_challenge(&token_hash).await?;
        return Err(AppError::Conflict(
            "Too many wrong codes. Please sign in again.".to_owned(),
        ));
    }
    if let Err(error) = check_two_step_code(challenge.user_id, code).await {
        Audit::new(AuditAction::SignInFailed, user_subject(challenge.user_id))
            .detail(serde_json::json!({ "step": "two_step" }))
            .record(&state)
            .await?;
        return Err(error);
    }
    state.store.delete_two_step_challenge(&token_hash).await?;
    let mut cleared = private_cookie(
        TWO_STEP_COOKIE,
        String::new(),
        state.settings.secure_cookies,
        0,
    );
    cleared.make_removal();
    set_cookie(&cleared);
    let actor = state
        .store
        .active_actor(challenge.user_id)
        .await?
        .ok_or_else(expired)?;
    complete_sign_in(&actor, &format!("{}+two_step", challenge.method)).await
}

/// Checks a code from `user_id`'s authenticator app; each code works once.
pub async fn check_two_step_code(user_id: i64, code: &str) -> Result<(), AppError> {
    let state = app_state()?;
    let code = parse_code(code)?;
    let (key, last_used) = state
        .store
        .two_step_key(user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let step =
        matching_step(&key, &code, state.clock.now_ms(), last_used).ok_or_else(wrong_code)?;
    if !state.store.use_two_step_step(user_id, step).await? {
        return Err(wrong_code().into());
    }
    Ok(())
}

/// A new session, an audit entry, and the person's start page.
async fn complete_sign_in(actor: &Actor, method: &str) -> Result<String, AppError> {
    start_session(actor).await?;
    Audit::new(AuditAction::SignedIn, user_subject(actor.user_id))
        .by(actor.user_id)
        .account(actor.account_id)
        .detail(serde_json::json!({ "method": method }))
        .record(&app_state()?)
        .await?;
    let home = actor.role.home();
    redirect_plain_form_post(home);
    Ok(home.to_owned())
}

/// Runs `work` (sign-in code written for server functions) for a plain handler's request: with
/// the request's parts and the app's state as context. Returns its result and the response
/// options it set (cookies, a redirect).
pub async fn with_request_context<T>(
    parts: Parts,
    state: &AppState,
    work: impl Future<Output = T> + Send,
) -> (T, leptos_axum::ResponseOptions) {
    let owner = leptos::prelude::Owner::new();
    let options = leptos_axum::ResponseOptions::default();
    owner.with(|| {
        leptos::prelude::provide_context(parts);
        leptos::prelude::provide_context(state.clone());
        leptos::prelude::provide_context(options.clone());
    });
    let result = owner
        .with(|| leptos::reactive::computed::ScopedFuture::new(work))
        .await;
    (result, options)
}

/// Ends the current session (if any) and clears its cookie.
pub async fn end_session() -> Result<(), AppError> {
    let state = app_state()?;
    if let Some(token) = current_token() {
        state.store.delete_session(&hash_token(&token)).await?;
    }
    let secure = state.settings.secure_cookies;
    let mut cookie = private_cookie(session_cookie_name(secure), String::new(), secure, 0);
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

/// The value of the cookie `name` in a request's headers, if it has a non-empty one.
pub(crate) fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == name)
        .map(|cookie| cookie.value().to_owned())
        .filter(|token| !token.is_empty())
}

/// What is stored of a secret token: its SHA-256 (tokens are random, so no salt is needed).
pub fn hash_token(token: &str) -> String {
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
        assert_eq!(
            cookie_value(&headers, "fd_session").as_deref(),
            Some("abc123")
        );
        headers.insert(COOKIE, HeaderValue::from_static("fd_session="));
        assert_eq!(cookie_value(&headers, "fd_session"), None);
    }

    #[test]
    fn over_tls_the_session_cookie_is_host_only() {
        assert_eq!(session_cookie_name(true), "__Host-fd_session");
        assert_eq!(session_cookie_name(false), "fd_session");
    }

    #[test]
    fn tokens_are_stored_hashed() {
        let hash = hash_token("secret-token");
        assert_ne!(hash, "secret-token");
        assert_eq!(hash, hash_token("secret-token"));
    }
}
