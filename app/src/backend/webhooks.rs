//! Outgoing webhooks. A planner follows the event log and queues, in the same transaction that
//! moves its position, one delivery per subscribed webhook for each change; a sender posts them,
//! signed the Standard Webhooks way, retrying on failure (`domain::webhook::retry_delay_ms`).
//!
//! Requests never reach the agency's own network by accident: a target naming a private address
//! is refused, and a host name is resolved once, its addresses checked, and the connection made
//! to exactly those (a name that resolves differently a moment later cannot slip through).

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Bytes;
use axum::http;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{KeyInit, Mac};
use http_body_util::Full;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::connect::dns::Name;
use hyper_util::rt::TokioExecutor;
use tokio::sync::watch;

use super::auth;
use super::rest::{Ticket, rfc3339};
use super::state::AppState;
use super::store::{Attempt, DueDelivery, NewDelivery, OwnedEvent, StoreResult};
use super::worker::keep_working;
use crate::domain::ticket::TicketChange;
use crate::domain::webhook::{
    AllowedHosts, MAX_ATTEMPTS, SECRET_PREFIX, WebhookEvent, is_public, retry_delay_ms,
};

/// Events read per round.
const BATCH: i64 = 200;
/// When nothing wakes the planner or the sender, they still look this often.
const POLL: Duration = Duration::from_secs(5);
/// How long one instance holds a delivery it is sending.
const LEASE_MS: i64 = 60_000;
/// How long a receiver has to answer.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// The event type of a test message sent from the admin page.
pub const TEST_EVENT: &str = "webhook.test";

type HmacSha256 = hmac::Hmac<sha2::Sha256>;
type Connector = hyper_rustls::HttpsConnector<HttpConnector<CheckedResolver>>;
pub(crate) type CheckedClient = Client<Connector, Full<Bytes>>;

/// A new signing secret: `whsec_` and 24 random bytes in base64.
pub fn new_secret() -> String {
    format!(
        "{SECRET_PREFIX}{}",
        STANDARD.encode(rand::random::<[u8; 24]>())
    )
}

/// A new message id (`webhook-id`).
pub fn new_message_id() -> String {
    format!("msg_{}", auth::new_token())
}

/// The `webhook-signature` header of a message: `v1,` and the base64 HMAC-SHA256, keyed with the
/// secret's bytes, of `id.timestamp.body`. `None` for a secret that is not `whsec_` + base64.
pub fn signature(secret: &str, message_id: &str, timestamp: i64, body: &[u8]) -> Option<String> {
    let key = STANDARD.decode(secret.strip_prefix(SECRET_PREFIX)?).ok()?;
    let mut mac = HmacSha256::new_from_slice(&key).ok()?;
    mac.update(format!("{message_id}.{timestamp}.").as_bytes());
    mac.update(body);
    Some(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// Why a target address is refused before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetRefused {
    #[error("Enter a full address starting with https:// (or http://).")]
    Malformed,
    #[error("Only http:// and https:// addresses can receive webhooks.")]
    Scheme,
    #[error("Put credentials in the receiver's own settings, not in the address.")]
    Credentials,
    #[error("{0} is a private or local address; webhooks go to the internet only.")]
    Private(String),
}

/// Checks a target address as written: an HTTP(S) URL without credentials whose host, if it is
/// an IP address, is public or allowed. Host names are checked when resolved.
pub fn check_target(target: &str, allowed: &AllowedHosts) -> Result<url::Url, TargetRefused> {
    let url = url::Url::parse(target.trim()).map_err(|_| TargetRefused::Malformed)?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(TargetRefused::Scheme);
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(TargetRefused::Credentials);
    }
    let ip = match url.host() {
        None => return Err(TargetRefused::Malformed),
        Some(url::Host::Domain(_)) => None,
        Some(url::Host::Ipv4(ip)) => Some(std::net::IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => Some(std::net::IpAddr::V6(ip)),
    };
    if let Some(ip) = ip
        && !is_public(ip)
        && !allowed.allows(&ip.to_string())
    {
        return Err(TargetRefused::Private(ip.to_string()));
    }
    Ok(url)
}

/// Resolves a host name once and answers only its checked addresses, which the connector then
/// connects to: every address must be public unless the operator allowed the host.
#[derive(Clone)]
pub struct CheckedResolver {
    allowed: Arc<AllowedHosts>,
}

impl tower::Service<Name> for CheckedResolver {
    type Response = std::vec::IntoIter<SocketAddr>;
    type Error = io::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, io::Error>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), io::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, name: Name) -> Self::Future {
        let allowed = self.allowed.clone();
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let addresses: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if !allowed.allows(&host)
                && let Some(private) = addresses.iter().find(|a| !is_public(a.ip()))
            {
                return Err(io::Error::new(
                    io::ErrorKind::PermissionDenied,
                    format!(
                        "{host} resolves to {}, a private or local address",
                        private.ip()
                    ),
                ));
            }
            Ok(addresses.into_iter())
        })
    }
}

/// An HTTP client that reaches public addresses only (and the operator's allowed hosts): for
/// every address an admin types in (webhooks, single sign-on issuers).
pub(crate) fn checked_client(allowed: Arc<AllowedHosts>) -> CheckedClient {
    let mut http = HttpConnector::new_with_resolver(CheckedResolver { allowed });
    http.enforce_http(false);
    http.set_connect_timeout(Some(SEND_TIMEOUT));
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_webpki_roots()
        .https_or_http()
        .enable_http1()
        .wrap_connector(http);
    Client::builder(TokioExecutor::new()).build(connector)
}

/// The planner: queues deliveries for new events whenever the event log grows, until shutdown.
pub async fn run_planner(state: AppState, shutdown: watch::Receiver<bool>) {
    let mut through = state.events.watch_through();
    keep_working!(
        "the webhook planner",
        POLL,
        plan_batch(&state),
        through.changed(),
        shutdown,
    );
}

/// Queues deliveries for the next batch of events. `true` when there may be more to read.
pub async fn plan_batch(state: &AppState) -> StoreResult<bool> {
    use super::store::LogFollower;

    let from = state.store.follower_position(LogFollower::Webhooks).await?;
    let events = state.store.owned_events_after(from, BATCH).await?;
    let Some(last) = events.last().map(|e| e.event.id) else {
        return Ok(false);
    };
    let webhooks = state.store.webhooks().await?;
    let mut deliveries = Vec::new();
    for owned in &events {
        let Some(kind) = WebhookEvent::of(&owned.event.change) else {
            continue;
        };
        let listening: Vec<i64> = webhooks
            .iter()
            .filter(|w| w.events.contains(kind))
            .map(|w| w.id)
            .collect();
        if listening.is_empty() {
            continue;
        }
        let payload = event_payload(state, owned, kind).await?;
        deliveries.extend(listening.into_iter().map(|webhook_id| NewDelivery {
            webhook_id,
            message_id: new_message_id(),
            event_type: kind.as_str().to_owned(),
            ticket: Some(owned.event.reference),
            payload: payload.clone(),
        }));
    }
    let now = state.clock.now_ms();
    if state
        .store
        .queue_webhook_deliveries(from, last, &deliveries, now)
        .await?
        && !deliveries.is_empty()
    {
        state.webhook_wake.notify_one();
    }
    Ok(events.len() as i64 == BATCH)
}

/// What a delivery says about one change: `type`, `timestamp` and `data` (the request as the
/// REST API shows it, who did it, and what changed).
async fn event_payload(
    state: &AppState,
    owned: &OwnedEvent,
    kind: WebhookEvent,
) -> StoreResult<String> {
    let record = state.store.ticket(owned.event.reference).await?;
    let actor = match owned.actor_id {
        Some(id) => Some(state.store.user_name(id).await?),
        None => None,
    };
    let change = match &owned.event.change {
        TicketChange::StatusChanged { from, to } => serde_json::json!({ "from": from, "to": to }),
        TicketChange::Replied { body } => serde_json::json!({ "body": body }),
        TicketChange::SlaAlerted { due, due_at, .. } => {
            serde_json::json!({ "due": due, "due_at": rfc3339(*due_at) })
        }
        TicketChange::TaskAdded { title } => serde_json::json!({ "title": title }),
        TicketChange::FeedbackGiven { resolved, comment } => {
            serde_json::json!({ "resolved": resolved, "comment": comment })
        }
        _ => serde_json::json!({}),
    };
    let url = format!(
        "{}/requests/{}",
        state.settings.public_url, owned.event.reference
    );
    Ok(envelope(
        kind.as_str(),
        state.clock.now_ms(),
        serde_json::json!({
            "event_id": owned.event.id,
            "ticket": Ticket::from(record.summary),
            "url": url,
            "actor": actor,
            "change": change,
        }),
    ))
}

/// The body of a test message sent from the admin page.
pub fn test_payload(webhook_id: i64, now: i64) -> String {
    envelope(
        TEST_EVENT,
        now,
        serde_json::json!({
            "webhook_id": webhook_id,
            "message": "A test message from Frontdoor: this webhook is set up."
        }),
    )
}

fn envelope(kind: &str, now: i64, data: serde_json::Value) -> String {
    serde_json::json!({ "type": kind, "timestamp": rfc3339(now), "data": data }).to_string()
}

/// The sender: delivers whatever is due whenever deliveries are queued (or retries fall due),
/// until shutdown.
pub async fn run_sender(state: AppState, shutdown: watch::Receiver<bool>) {
    let client = checked_client(state.settings.webhook_hosts.clone());
    keep_working!(
        "the webhook sender",
        POLL,
        deliver_next(&state, &client),
        state.webhook_wake.notified(),
        shutdown,
    );
}

/// Delivers everything due now; for tests, which run no background sender.
pub async fn deliver_due(state: &AppState) -> StoreResult<()> {
    let client = checked_client(state.settings.webhook_hosts.clone());
    while deliver_next(state, &client).await? {}
    Ok(())
}

/// Sends the next delivery due. `true` when there may be more.
async fn deliver_next(state: &AppState, client: &CheckedClient) -> StoreResult<bool> {
    let now = state.clock.now_ms();
    let Some(delivery) = state.store.claim_due_delivery(now, LEASE_MS).await? else {
        return Ok(false);
    };
    let target = state.store.webhook_target(delivery.webhook_id).await?;
    let outcome = if target.removed_at.is_some() {
        Err((None, "The webhook was removed.".to_owned()))
    } else {
        send(client, state, &target.url, &target.secret, &delivery).await
    };
    let now = state.clock.now_ms();
    let attempt = match outcome {
        Ok(status) => Attempt {
            status: Some(status),
            error: None,
            retry_at: None,
        },
        Err((status, error)) => {
            let retry_at = (target.removed_at.is_none() && delivery.attempts < MAX_ATTEMPTS)
                .then(|| retry_delay_ms(delivery.attempts).map(|delay| now + delay))
                .flatten();
            tracing::warn!(
                delivery = delivery.id,
                webhook = delivery.webhook_id,
                attempts = delivery.attempts,
                %error,
                "webhook not delivered"
            );
            Attempt {
                status,
                error: Some(error),
                retry_at,
            }
        }
    };
    state
        .store
        .record_attempt(delivery.id, &attempt, now)
        .await?;
    Ok(true)
}

/// Posts one delivery. `Ok(status)` for a 2xx answer; otherwise the status (if any) and what
/// went wrong, as an admin reads it in the delivery log.
async fn send(
    client: &CheckedClient,
    state: &AppState,
    url: &str,
    secret: &str,
    delivery: &DueDelivery,
) -> Result<i64, (Option<i64>, String)> {
    let uri = check_target(url, &state.settings.webhook_hosts)
        .map_err(|refused| (None, refused.to_string()))?;
    let timestamp = state.clock.now_ms() / 1000;
    let signed = signature(
        secret,
        &delivery.message_id,
        timestamp,
        delivery.payload.as_bytes(),
    )
    .ok_or((None, "The webhook's secret is damaged.".to_owned()))?;
    let request = http::Request::post(uri.as_str())
        .header(http::header::CONTENT_TYPE, "application/json")
        .header(http::header::USER_AGENT, "Frontdoor-Webhooks/1")
        .header("webhook-id", &delivery.message_id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signed)
        .body(Full::new(Bytes::from(delivery.payload.clone())))
        .map_err(|_| (None, TargetRefused::Malformed.to_string()))?;
    match tokio::time::timeout(SEND_TIMEOUT, client.request(request)).await {
        Err(_) => Err((
            None,
            "The receiver did not answer within 10 seconds.".into(),
        )),
        Ok(Err(error)) => Err((None, connect_failure(&error))),
        Ok(Ok(response)) => {
            let status = i64::from(response.status().as_u16());
            if response.status().is_success() {
                Ok(status)
            } else {
                Err((Some(status), format!("The receiver answered {status}.")))
            }
        }
    }
}

/// Why a request could not be made, in words: a refused address as the resolver put it,
/// otherwise the innermost cause.
fn connect_failure(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause: &(dyn std::error::Error + 'static) = error;
    loop {
        if let Some(io) = cause.downcast_ref::<io::Error>()
            && io.kind() == io::ErrorKind::PermissionDenied
        {
            return format!("Not sent: {io}.");
        }
        match cause.source() {
            Some(inner) => cause = inner,
            None => return format!("Could not reach the receiver: {cause}."),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_match_the_standard_webhooks_example() {
        // The example of the Standard Webhooks specification and its libraries' tests.
        let signed = signature(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1_614_265_330,
            br#"{"test": 2432232314}"#,
        );
        assert_eq!(
            signed.as_deref(),
            Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        );
        assert_eq!(signature("not-a-secret", "msg", 1, b"{}"), None);
    }

    #[test]
    fn targets_must_be_web_addresses_outside_the_agency_network() {
        let none = AllowedHosts::default();
        assert!(check_target("https://hooks.example.com/frontdoor", &none).is_ok());
        assert!(check_target("http://93.184.215.14:8080/in", &none).is_ok());
        assert_eq!(
            check_target("hooks.example.com", &none),
            Err(TargetRefused::Malformed)
        );
        assert_eq!(
            check_target("ftp://example.com/", &none),
            Err(TargetRefused::Scheme)
        );
        assert_eq!(
            check_target("file:///etc/passwd", &none),
            Err(TargetRefused::Scheme)
        );
        assert_eq!(
            check_target("https://user:pw@example.com/", &none),
            Err(TargetRefused::Credentials)
        );
        for private in [
            "http://127.0.0.1:9000/",
            "http://169.254.169.254/latest/meta-data",
            "http://[::1]/",
            "http://[::ffff:10.0.0.1]/",
            "http://2130706433/",
            "http://0x7f.1/",
            "http://10.1/",
        ] {
            assert!(
                matches!(check_target(private, &none), Err(TargetRefused::Private(_))),
                "{private}"
            );
        }
        let loopback = AllowedHosts::new(["127.0.0.1"]);
        assert!(check_target("http://127.0.0.1:9000/hook", &loopback).is_ok());
    }

    #[test]
    fn secrets_are_standard_webhooks_secrets() {
        let secret = new_secret();
        assert!(secret.starts_with(SECRET_PREFIX));
        assert!(signature(&secret, "msg_1", 1, b"{}").is_some());
        assert_ne!(secret, new_secret());
    }
}
