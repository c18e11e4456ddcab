//! Single sign-on with OpenID Connect (authorization code + PKCE S256), as a relying party.
//!
//! `GET /auth/sso?email=…` picks the provider — the company's, when the address is at a company's
//! verified domain and that company has one, else the agency's — keeps the sign-in's state (its
//! hash, in the database, with the nonce and PKCE verifier; the state itself in a cookie of this
//! browser) and sends the browser to the provider. `GET /auth/sso/callback` takes the state back
//! once, from the same browser, exchanges the code with the verifier, checks the ID token
//! (signature against the provider's JWKS, issuer, audience, expiry, nonce) and signs the person
//! in as `domain::sso::admit` decides. Any failure ends on the sign-in page with a reason.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use http_body_util::{BodyExt, Full};
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::auth::{self, cookie_value, hash_token, new_token};
use super::state::AppState;
use super::store::{NewUser, OidcClient, SsoAttempt};
use super::webhooks::{CheckedClient as HttpClient, check_target, checked_client};
use crate::domain::policy::Role;
use crate::domain::sign_in::parse_email;
use crate::domain::sso::{Admission, Known, Provider, SsoFailure, Vouched, admit};
use crate::domain::webhook::AllowedHosts;

/// How long a started sign-in waits for the provider.
const ATTEMPT_LIFETIME_MS: i64 = 10 * 60 * 1000;
/// The cookie holding this browser's sign-in state.
const STATE_COOKIE: &str = "fd_sso";
/// Where providers send people back.
pub const CALLBACK_PATH: &str = "/auth/sso/callback";
const MAX_ANSWER_BYTES: usize = 1 << 20;

/// The PKCE S256 challenge of a verifier (RFC 7636).
pub fn pkce_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// The sign-in page, saying why single sign-on did not work.
fn back_to_sign_in(why: SsoFailure) -> Response {
    Redirect::to(&format!("/signin?sso={}", why.code())).into_response()
}

#[derive(Debug, Deserialize)]
pub struct StartQuery {
    #[serde(default)]
    email: String,
}

/// `GET /auth/sso?email=…`: sends the browser to the right provider.
pub async fn start(State(state): State<AppState>, Query(query): Query<StartQuery>) -> Response {
    let Ok(email) = parse_email("email", &query.email) else {
        return back_to_sign_in(SsoFailure::NoEmail);
    };
    let domain = email.rsplit('@').next().unwrap_or_default();
    let company = match state.store.account_for_domain(domain).await {
        Ok(account) => account,
        Err(error) => return failed(&error.to_string()),
    };
    let company_client = match company {
        Some(account) => match state.store.sso_client(account).await {
            Ok(client) => client.map(|client| (account, client)),
            Err(error) => return failed(&error.to_string()),
        },
        None => None,
    };
    let (account_id, client) = match company_client {
        Some((account, client)) => (Some(account), client),
        None => match state.settings.staff_sso.clone() {
            Some(client) => (None, client),
            None => {
                return back_to_sign_in(SsoFailure::NotSetUp);
            }
        },
    };
    let http = checked_client(state.settings.webhook_hosts.clone());
    let discovery = match discover(&http, &client.issuer, &state.settings.webhook_hosts).await {
        Ok(discovery) => discovery,
        Err(error) => return failed(&error),
    };
    let (sign_in_state, nonce, verifier) = (new_token(), new_token(), new_token());
    let now = state.clock.now_ms();
    let attempt = SsoAttempt {
        account_id,
        nonce: nonce.clone(),
        verifier: verifier.clone(),
        created_at: now,
    };
    if let Err(error) = state
        .store
        .save_sso_attempt(
            &hash_token(&sign_in_state),
            &attempt,
            now - ATTEMPT_LIFETIME_MS,
        )
        .await
    {
        return failed(&error.to_string());
    }
    let Ok(mut target) = url::Url::parse(&discovery.authorization_endpoint) else {
        return failed("the provider's authorization endpoint is not a URL");
    };
    target
        .query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", &client.client_id)
        .append_pair("redirect_uri", &redirect_uri(&state))
        .append_pair("scope", "openid email profile")
        .append_pair("state", &sign_in_state)
        .append_pair("nonce", &nonce)
        .append_pair("code_challenge", &pkce_challenge(&verifier))
        .append_pair("code_challenge_method", "S256")
        .append_pair("login_hint", &email);
    let mut response = Redirect::to(target.as_str()).into_response();
    let cookie = auth::private_cookie(
        STATE_COOKIE,
        sign_in_state,
        state.settings.secure_cookies,
        ATTEMPT_LIFETIME_MS / 1000,
    );
    if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

fn failed(error: &str) -> Response {
    tracing::warn!(%error, "single sign-on failed");
    back_to_sign_in(SsoFailure::Broken)
}

fn redirect_uri(state: &AppState) -> String {
    format!("{}{CALLBACK_PATH}", state.settings.public_url)
}

#[derive(Debug, Deserialize)]
struct Discovery {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
}

/// The provider's discovery document. Its endpoints are called from the server, so they follow
/// the rules of every address an admin types in (public, or allowed by the operator).
async fn discover(
    http: &HttpClient,
    issuer: &str,
    allowed: &AllowedHosts,
) -> Result<Discovery, String> {
    let url = format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    );
    let discovery: Discovery = serde_json::from_slice(&fetch(http, get(&url)?).await?)
        .map_err(|e| format!("the provider's discovery document: {e}"))?;
    // The document must be the issuer's own (OpenID Connect Discovery, section 4.3).
    if discovery.issuer.trim_end_matches('/') != issuer.trim_end_matches('/') {
        return Err(format!(
            "the provider says it is {}, not {issuer}",
            discovery.issuer
        ));
    }
    for endpoint in [&discovery.token_endpoint, &discovery.jwks_uri] {
        check_target(endpoint, allowed)
            .map_err(|refused| format!("the provider's endpoint {endpoint}: {refused}"))?;
    }
    Ok(discovery)
}

fn get(url: &str) -> Result<axum::http::Request<Full<Bytes>>, String> {
    axum::http::Request::get(url)
        .header(header::ACCEPT, "application/json")
        .body(Full::new(Bytes::new()))
        .map_err(|e| format!("bad provider address {url}: {e}"))
}

/// Sends a request to the provider; the body of a 2xx answer.
async fn fetch(
    http: &HttpClient,
    request: axum::http::Request<Full<Bytes>>,
) -> Result<Bytes, String> {
    let uri = request.uri().clone();
    let answer = tokio::time::timeout(std::time::Duration::from_secs(10), http.request(request))
        .await
        .map_err(|_| format!("{uri} did not answer in time"))?
        .map_err(|e| format!("could not reach {uri}: {e}"))?;
    let status = answer.status();
    let body = http_body_util::Limited::new(answer.into_body(), MAX_ANSWER_BYTES)
        .collect()
        .await
        .map_err(|e| format!("could not read {uri}: {e}"))?
        .to_bytes();
    if status.is_success() {
        Ok(body)
    } else {
        // Not the body: it may hold what the log should not keep.
        Err(format!("{uri} answered {status}"))
    }
}

#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// What an ID token says (the claims Frontdoor reads).
#[derive(Debug, Deserialize)]
struct IdClaims {
    nonce: Option<String>,
    email: Option<String>,
    #[serde(default, deserialize_with = "true_or_text_true")]
    email_verified: bool,
    name: Option<String>,
}

/// `true`, or `"true"` as some providers write it; anything else is not verified.
fn true_or_text_true<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Bool(verified) => verified,
        serde_json::Value::String(text) => text == "true",
        _ => false,
    })
}

/// `GET /auth/sso/callback`: the provider sends the browser back with a code.
pub async fn callback(
    State(state): State<AppState>,
    Query(query): Query<CallbackQuery>,
    parts: Parts,
) -> Response {
    if let Some(error) = query.error {
        tracing::info!(%error, description = ?query.error_description, "the provider refused the sign-in");
        return back_to_sign_in(SsoFailure::ProviderRefused);
    }
    let (Some(code), Some(sign_in_state)) = (query.code, query.state) else {
        return back_to_sign_in(SsoFailure::Incomplete);
    };
    // The state must come back to the browser that started the sign-in (no login CSRF), once.
    if cookie_value(&parts.headers, STATE_COOKIE).as_deref() != Some(sign_in_state.as_str()) {
        return back_to_sign_in(SsoFailure::OtherBrowser);
    }
    let attempt = match state
        .store
        .take_sso_attempt(&hash_token(&sign_in_state))
        .await
    {
        Ok(Some(attempt)) if attempt.created_at + ATTEMPT_LIFETIME_MS > state.clock.now_ms() => {
            attempt
        }
        Ok(_) => {
            return back_to_sign_in(SsoFailure::Expired);
        }
        Err(error) => return failed(&error.to_string()),
    };
    let (provider, client) = match attempt.account_id {
        Some(account) => match state.store.sso_client(account).await {
            Ok(Some(client)) => (Provider::Company(account), client),
            Ok(None) => return back_to_sign_in(SsoFailure::TurnedOff),
            Err(error) => return failed(&error.to_string()),
        },
        None => match state.settings.staff_sso.clone() {
            Some(client) => (Provider::Agency, client),
            None => return back_to_sign_in(SsoFailure::TurnedOff),
        },
    };
    let vouched = match redeem(&state, &client, &code, &attempt).await {
        Ok(vouched) => vouched,
        Err(error) => return failed(&error),
    };
    sign_in(&state, parts, provider, &vouched).await
}

/// Exchanges the code (with the PKCE verifier) and checks the ID token.
async fn redeem(
    state: &AppState,
    client: &OidcClient,
    code: &str,
    attempt: &SsoAttempt,
) -> Result<Vouched, String> {
    let http = checked_client(state.settings.webhook_hosts.clone());
    let discovery = discover(&http, &client.issuer, &state.settings.webhook_hosts).await?;
    let form = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "authorization_code")
        .append_pair("code", code)
        .append_pair("redirect_uri", &redirect_uri(state))
        .append_pair("code_verifier", &attempt.verifier)
        .finish();
    let credentials = STANDARD.encode(format!(
        "{}:{}",
        form_encode(&client.client_id),
        form_encode(&client.client_secret)
    ));
    let request = axum::http::Request::post(&discovery.token_endpoint)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .header(header::AUTHORIZATION, format!("Basic {credentials}"))
        .body(Full::new(Bytes::from(form)))
        .map_err(|e| format!("bad token endpoint: {e}"))?;
    let tokens: HashMap<String, serde_json::Value> =
        serde_json::from_slice(&fetch(&http, request).await?)
            .map_err(|e| format!("the token answer: {e}"))?;
    let id_token = tokens
        .get("id_token")
        .and_then(|t| t.as_str())
        .ok_or("no ID token in the token answer")?;
    let jwks: JwkSet = serde_json::from_slice(&fetch(&http, get(&discovery.jwks_uri)?).await?)
        .map_err(|e| format!("the provider's keys: {e}"))?;
    let claims = check_id_token(id_token, &jwks, &discovery.issuer, &client.client_id)?;
    if claims.nonce.as_deref() != Some(attempt.nonce.as_str()) {
        return Err("the ID token is not for this sign-in (nonce)".to_owned());
    }
    let email = claims.email.ok_or("the ID token has no email")?;
    Ok(Vouched {
        email: parse_email("email", &email)
            .map_err(|_| format!("the ID token's email {email} is not an address"))?,
        email_verified: claims.email_verified,
        name: claims.name,
    })
}

/// Client credentials in HTTP Basic are form-encoded first (RFC 6749, section 2.3.1).
fn form_encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// Checks an ID token's signature with the provider's key (asymmetric algorithms only: a token
/// "signed" with a shared secret or none is refused), its issuer, audience and expiry.
fn check_id_token(
    id_token: &str,
    jwks: &JwkSet,
    issuer: &str,
    client_id: &str,
) -> Result<IdClaims, String> {
    let header = jsonwebtoken::decode_header(id_token).map_err(|e| format!("the ID token: {e}"))?;
    if !matches!(
        header.alg,
        Algorithm::RS256
            | Algorithm::RS384
            | Algorithm::RS512
            | Algorithm::PS256
            | Algorithm::PS384
            | Algorithm::PS512
            | Algorithm::ES256
            | Algorithm::ES384
            | Algorithm::EdDSA
    ) {
        return Err(format!(
            "the ID token is signed with {:?}, which is not accepted",
            header.alg
        ));
    }
    let jwk = match &header.kid {
        Some(kid) => jwks.find(kid),
        None => jwks.keys.first(),
    }
    .ok_or("the provider has no key for the ID token")?;
    let key = DecodingKey::from_jwk(jwk).map_err(|e| format!("the provider's key: {e}"))?;
    let mut validation = Validation::new(header.alg);
    validation.set_issuer(&[issuer]);
    validation.set_audience(&[client_id]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    jsonwebtoken::decode::<IdClaims>(id_token, &key, &validation)
        .map(|data| data.claims)
        .map_err(|e| format!("the ID token was refused: {e}"))
}

/// Signs the person in as `admit` decides, as a password sign-in would (two-step included).
async fn sign_in(
    state: &AppState,
    parts: Parts,
    provider: Provider,
    vouched: &Vouched,
) -> Response {
    let known = match known(state, vouched).await {
        Ok(known) => known,
        Err(error) => return failed(&error),
    };
    let user_id = match admit(provider, vouched, &known) {
        Admission::SignIn(user_id) => user_id,
        Admission::NewContact { account_id, name } => {
            let user = NewUser {
                account_id: Some(account_id),
                email: &vouched.email,
                name: &name,
                role: Role::Contact,
                password_hash: None,
            };
            match state.store.create_user(&user, state.clock.now_ms()).await {
                Ok(id) => {
                    tracing::info!(
                        user = id,
                        account = account_id,
                        "contact made at first single sign-on"
                    );
                    id
                }
                Err(error) => return failed(&error.to_string()),
            }
        }
        Admission::Refused(why) => return back_to_sign_in(SsoFailure::Refused(why)),
    };
    let Ok(Some(actor)) = state.store.active_actor(user_id).await else {
        return failed("the person signed in is gone");
    };
    let (went, options) =
        auth::with_request_context(parts, state, auth::sign_in_as(&actor, "sso")).await;
    let Ok(path) = went else {
        return failed("no session could be started");
    };
    let mut response = Redirect::to(&path).into_response();
    let cookies: Vec<HeaderValue> = options
        .0
        .read()
        .map(|set| {
            set.headers
                .get_all(header::SET_COOKIE)
                .iter()
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    for cookie in cookies {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    // The sign-in state is spent.
    let mut spent = auth::private_cookie(
        STATE_COOKIE,
        String::new(),
        state.settings.secure_cookies,
        0,
    );
    spent.make_removal();
    if let Ok(value) = HeaderValue::from_str(&spent.to_string()) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

async fn known(state: &AppState, vouched: &Vouched) -> Result<Known, String> {
    let store = &state.store;
    let person = store
        .actor_by_email(&vouched.email)
        .await
        .map_err(|e| e.to_string())?;
    let in_use = store
        .email_in_use(&vouched.email)
        .await
        .map_err(|e| e.to_string())?;
    let domain = vouched.email.rsplit('@').next().unwrap_or_default();
    let domain_account = store
        .account_for_domain(domain)
        .await
        .map_err(|e| e.to_string())?;
    Ok(Known {
        person,
        in_use,
        domain_account,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_challenges_are_those_of_rfc_7636() {
        // RFC 7636, appendix B.
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn id_tokens_signed_with_a_shared_secret_or_nothing_are_refused() {
        let jwks = JwkSet { keys: Vec::new() };
        let hs256 = jsonwebtoken::encode(
            &jsonwebtoken::Header::new(Algorithm::HS256),
            &serde_json::json!({ "sub": "x", "iss": "https://idp", "aud": "c", "exp": 9_999_999_999_i64 }),
            &jsonwebtoken::EncodingKey::from_secret(b"c"),
        )
        .unwrap();
        let refused = check_id_token(&hs256, &jwks, "https://idp", "c")
            .err()
            .unwrap();
        assert!(refused.contains("not accepted"), "{refused}");
        let none = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.";
        assert!(check_id_token(none, &jwks, "https://idp", "c").is_err());
    }
}
