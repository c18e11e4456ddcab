//! Delivering push notifications (RFC 8030) to people's devices: each message encrypted for the
//! device (RFC 8291, aes128gcm) and signed with our VAPID key (RFC 8292), posted to the browser's
//! push service. A device its service calls gone (404/410) is forgotten; other failures are tried
//! again with growing pauses, like mail.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::http;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http_body_util::Full;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use tokio::sync::watch;
use web_push_native::jwt_simple::algorithms::{ECDSAP256PublicKeyLike, ES256KeyPair};
use web_push_native::p256::PublicKey;
use web_push_native::{Auth, WebPushBuilder};

use super::state::AppState;
use super::store::{OutgoingPush, StoreError, StoreResult};
use super::worker::{keep_working, retry_delay_ms};

/// When nothing wakes the sender, it still looks this often (retries fall due by time).
const POLL: Duration = Duration::from_secs(15);
/// How long one sender holds a claimed notification.
const LEASE_MS: i64 = 60_000;
/// A push service that does not answer in this long is tried again later.
const SEND_TIMEOUT: Duration = Duration::from_secs(15);
/// Tries before a notification is given up (it is stale by then anyway).
const MAX_ATTEMPTS: i64 = 6;
/// How long a push service keeps a message for a device that is off.
const TIME_TO_LIVE: Duration = Duration::from_hours(24);

/// This deployment's VAPID key pair, made on first use and kept in the database.
pub async fn vapid_key(state: &AppState) -> StoreResult<Arc<ES256KeyPair>> {
    state
        .vapid
        .get_or_try_init(|| async {
            let fresh: [u8; 32] = ES256KeyPair::generate()
                .to_bytes()
                .try_into()
                .map_err(|_| StoreError::Corrupt("a new VAPID key is not 32 bytes".into()))?;
            let stored = state.store.vapid_private_key(fresh).await?;
            ES256KeyPair::from_bytes(&stored)
                .map(Arc::new)
                .map_err(|e| StoreError::Corrupt(format!("VAPID key: {e}")))
        })
        .await
        .cloned()
}

/// The public half, as browsers take it (`applicationServerKey`): an uncompressed P-256 point,
/// base64url.
pub fn public_key_text(key: &ES256KeyPair) -> String {
    URL_SAFE_NO_PAD.encode(key.public_key().public_key().to_bytes_uncompressed())
}

/// What a push service said.
#[derive(Debug, PartialEq, Eq)]
enum Delivery {
    Accepted,
    /// The subscription no longer exists.
    Gone,
    Failed(String),
}

pub(crate) type HttpClient = Client<hyper_rustls::HttpsConnector<HttpConnector>, Full<Bytes>>;

pub(crate) fn http_client() -> HttpClient {
    // Plain HTTP only reaches endpoints that passed `check_endpoint` (a test's 127.0.0.1).
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_webpki_roots()
        .https_or_http()
        .enable_http1()
        .build();
    Client::builder(TokioExecutor::new()).build(connector)
}

/// The sender: delivers waiting notifications whenever some are queued (or retries fall due),
/// until shutdown.
pub async fn run_sender(state: AppState, shutdown: watch::Receiver<bool>) {
    let client = http_client();
    keep_working!(
        "the push sender",
        POLL,
        deliver_next(&state, &client),
        state.push_wake.notified(),
        shutdown,
    );
}

/// Delivers everything due now; for tests, which run no background sender.
pub async fn deliver_due(state: &AppState) -> StoreResult<()> {
    let client = http_client();
    while deliver_next(state, &client).await? {}
    Ok(())
}

/// Delivers the next notification due. `true` when there may be more.
async fn deliver_next(state: &AppState, client: &HttpClient) -> StoreResult<bool> {
    let now = state.clock.now_ms();
    let Some(push) = state.store.claim_due_push(now, LEASE_MS).await? else {
        return Ok(false);
    };
    let key = vapid_key(state).await?;
    let outcome = send(client, &key, &state.settings.public_url, &push).await;
    let now = state.clock.now_ms();
    match outcome {
        Delivery::Accepted => state.store.mark_push_sent(push.id, now).await?,
        Delivery::Gone => {
            tracing::info!(
                subscription = push.subscription_id,
                "push subscription gone: forgotten"
            );
            state
                .store
                .drop_push_subscription(push.subscription_id)
                .await?;
        }
        Delivery::Failed(error) => {
            let retry_at =
                (push.attempts < MAX_ATTEMPTS).then(|| now + retry_delay_ms(push.attempts));
            tracing::warn!(push = push.id, attempts = push.attempts, %error, "push not delivered");
            state
                .store
                .mark_push_failed(push.id, &error, retry_at, now)
                .await?;
        }
    }
    Ok(true)
}

async fn send(
    client: &HttpClient,
    key: &ES256KeyPair,
    contact: &str,
    push: &OutgoingPush,
) -> Delivery {
    let request = match encrypted_request(key, contact, push) {
        Ok(request) => request,
        Err(error) => return Delivery::Failed(error),
    };
    let (parts, body) = request.into_parts();
    let request = http::Request::from_parts(parts, Full::new(Bytes::from(body)));
    match tokio::time::timeout(SEND_TIMEOUT, client.request(request)).await {
        Err(_) => Delivery::Failed("the push service did not answer in time".into()),
        Ok(Err(error)) => Delivery::Failed(format!("could not reach the push service: {error}")),
        Ok(Ok(response)) => match response.status().as_u16() {
            200..=299 => Delivery::Accepted,
            404 | 410 => Delivery::Gone,
            status => Delivery::Failed(format!("the push service answered {status}")),
        },
    }
}

/// The POST for one notification: the payload encrypted for the device, with TTL and VAPID
/// headers. `contact` (our public address) goes into the VAPID claims as `sub`.
fn encrypted_request(
    key: &ES256KeyPair,
    contact: &str,
    push: &OutgoingPush,
) -> Result<http::Request<Vec<u8>>, String> {
    let endpoint = push
        .endpoint
        .parse()
        .map_err(|_| "the endpoint is not a URL".to_owned())?;
    let device_key = URL_SAFE_NO_PAD
        .decode(&push.p256dh)
        .ok()
        .and_then(|bytes| PublicKey::from_sec1_bytes(&bytes).ok())
        .ok_or("the device key is not a P-256 point")?;
    let auth = URL_SAFE_NO_PAD
        .decode(&push.auth)
        .ok()
        .filter(|bytes| bytes.len() == 16)
        .map(|bytes| Auth::clone_from_slice(&bytes))
        .ok_or("the device secret is not 16 bytes")?;
    WebPushBuilder::new(endpoint, device_key, auth)
        .with_valid_duration(TIME_TO_LIVE)
        .with_vapid(key, contact)
        .build(push.payload.as_bytes())
        .map_err(|e| format!("could not encrypt the notification: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_device_with_a_broken_key_is_not_sent_to() {
        let key = ES256KeyPair::generate();
        let push = OutgoingPush {
            id: 1,
            subscription_id: 1,
            endpoint: "https://fcm.googleapis.com/fcm/send/x".into(),
            p256dh: "not-a-key".into(),
            auth: URL_SAFE_NO_PAD.encode([7u8; 16]),
            payload: "{}".into(),
            attempts: 1,
        };
        assert!(encrypted_request(&key, "https://support.example", &push).is_err());
    }
}
