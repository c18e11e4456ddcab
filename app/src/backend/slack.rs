//! Slack intake: a Slack app's slash command (`/request`) and Events API subscription.
//!
//! Every request from Slack is checked as Slack documents: `X-Slack-Signature` is `v0=` and the
//! hex HMAC-SHA256, keyed with the app's signing secret, of `v0:{timestamp}:{body}`, compared in
//! constant time; a timestamp more than five minutes off is refused, and so is a request seen
//! before (the same signature; the same event id when Slack retries). Then:
//! - `/request <text>` files a request (channel: chat) for the Slack user's Frontdoor contact, and
//!   posts its reference in the channel: that post's thread is the request's thread.
//! - A message in a channel connected to a client account files a request there; the reference is
//!   posted in its thread. A client's reply in a request's thread joins its conversation.
//! - Status changes and staff replies are posted to the thread (a follower of the event log and
//!   an outbox, like mail and webhooks).
//!
//! Who someone is comes from Slack's `users.info` (their profile email, which needs the
//! `users:read.email` scope): only active client contacts file and reply.

use std::fmt::Write;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use hmac::{KeyInit, Mac};
use http_body_util::{BodyExt, Full};
use serde::Deserialize;
use tokio::sync::watch;

use super::push::{HttpClient, http_client};
use super::state::AppState;
use super::store::{
    LogFollower, NewMessage, NewTicket, SlackPost, SlackThread, StoreError, StoreResult,
};
use super::worker::{keep_working, retry_delay_ms};
use crate::domain::policy::{Actor, Visibility};
use crate::domain::slack::{
    Audience, REPLAY_WINDOW_S, filed_text, fresh, is_direct_message, message_text, request_from,
    thread_update,
};
use crate::domain::ticket::{Channel, TicketRef};

/// Events read per round.
const BATCH: i64 = 200;
const POLL: std::time::Duration = std::time::Duration::from_secs(5);
const LEASE_MS: i64 = 60_000;
const MAX_ATTEMPTS: i64 = 6;
/// The largest answer read from Slack's Web API.
const MAX_ANSWER_BYTES: usize = 1 << 20;

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// How this server talks to a Slack app.
#[derive(Debug, Clone)]
pub struct SlackSettings {
    /// The app's signing secret (Basic Information in Slack's app settings).
    pub signing_secret: String,
    /// The bot token (`xoxb-…`) for the Web API: looking people up, posting to threads.
    pub bot_token: String,
    /// Slack's Web API, without a trailing slash (`https://slack.com/api`).
    pub api_url: String,
}

/// Why a request from Slack was refused, as the answer says.
fn refused(status: StatusCode, why: &str) -> Response {
    (status, Json(serde_json::json!({ "error": why }))).into_response()
}

/// Checks that a request comes from Slack, now, for the first time. The answer to send instead
/// when it does not.
async fn check_request(
    state: &AppState,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<SlackSettings, Response> {
    let Some(settings) = state.settings.slack.clone() else {
        return Err(refused(StatusCode::NOT_FOUND, "Slack is not set up here."));
    };
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let (Some(timestamp), Some(signature)) = (
        header("x-slack-request-timestamp").and_then(|t| t.parse::<i64>().ok()),
        header("x-slack-signature"),
    ) else {
        return Err(refused(StatusCode::UNAUTHORIZED, "Unsigned request."));
    };
    let now = state.clock.now_ms();
    if !fresh(timestamp, now / 1000) {
        return Err(refused(StatusCode::UNAUTHORIZED, "Stale request."));
    }
    if !signature_matches(&settings.signing_secret, timestamp, body, signature) {
        return Err(refused(StatusCode::UNAUTHORIZED, "Bad signature."));
    }
    let first = state
        .store
        .first_slack_sighting(
            &format!("sig:{signature}"),
            now,
            now - 2 * REPLAY_WINDOW_S * 1000,
        )
        .await
        .map_err(|error| store_failure(&error))?;
    if !first {
        return Err(refused(StatusCode::UNAUTHORIZED, "Replayed request."));
    }
    Ok(settings)
}

/// Whether `signature` (`v0=<hex>`) signs `v0:{timestamp}:{body}` with `secret`; compared in
/// constant time.
pub fn signature_matches(secret: &str, timestamp: i64, body: &[u8], signature: &str) -> bool {
    let Some(given) = signature.strip_prefix("v0=").and_then(hex_bytes) else {
        return false;
    };
    let Ok(mut mac) = HmacSha256::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(format!("v0:{timestamp}:").as_bytes());
    mac.update(body);
    mac.verify_slice(&given).is_ok()
}

/// The signature Slack would send (for tests and tools that play Slack).
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(format!("v0:{timestamp}:").as_bytes());
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let hex = digest.iter().fold(String::new(), |mut hex, b| {
        let _ = write!(hex, "{b:02x}");
        hex
    });
    format!("v0={hex}")
}

fn hex_bytes(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

fn store_failure(error: &StoreError) -> Response {
    tracing::error!(%error, "slack intake could not use the store");
    refused(StatusCode::SERVICE_UNAVAILABLE, "Try again in a moment.")
}

/// Slack's Web API, as the bot.
struct WebApi<'a> {
    client: &'a HttpClient,
    settings: &'a SlackSettings,
}

impl WebApi<'_> {
    /// Calls `method` with form arguments; the answer when Slack says `ok`.
    async fn call(&self, method: &str, args: &[(&str, &str)]) -> Result<serde_json::Value, String> {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(args)
            .finish();
        let request = axum::http::Request::post(format!("{}/{method}", self.settings.api_url))
            .header("content-type", "application/x-www-form-urlencoded")
            .header(
                "authorization",
                format!("Bearer {}", self.settings.bot_token),
            )
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| format!("bad Slack API address: {e}"))?;
        let answer = tokio::time::timeout(
            std::time::Duration::from_secs(10),
            self.client.request(request),
        )
        .await
        .map_err(|_| "Slack did not answer in time".to_owned())?
        .map_err(|e| format!("could not reach Slack: {e}"))?;
        let status = answer.status();
        let bytes = http_body_util::Limited::new(answer.into_body(), MAX_ANSWER_BYTES)
            .collect()
            .await
            .map_err(|e| format!("could not read Slack's answer: {e}"))?
            .to_bytes();
        let value: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|_| format!("Slack answered {status} without JSON"))?;
        if value["ok"] == true {
            Ok(value)
        } else {
            Err(format!(
                "Slack said {}",
                value["error"].as_str().unwrap_or("no")
            ))
        }
    }

    /// The active Frontdoor person a Slack user is, by their profile email.
    async fn person(&self, state: &AppState, slack_user: &str) -> Result<Option<Actor>, String> {
        let info = self.call("users.info", &[("user", slack_user)]).await?;
        let Some(email) = info["user"]["profile"]["email"].as_str() else {
            return Ok(None);
        };
        state
            .store
            .actor_by_email(email)
            .await
            .map_err(|e| e.to_string())
    }

    /// Posts to a channel (in a thread when `thread_ts` is given); the new message's `ts`.
    async fn post(
        &self,
        channel: &str,
        thread_ts: Option<&str>,
        text: &str,
    ) -> Result<String, String> {
        let mut args = vec![
            ("channel", channel),
            ("text", text),
            ("unfurl_links", "false"),
        ];
        if let Some(thread_ts) = thread_ts {
            args.push(("thread_ts", thread_ts));
        }
        let answer = self.call("chat.postMessage", &args).await?;
        Ok(answer["ts"].as_str().unwrap_or_default().to_owned())
    }
}

/// A slash command, as Slack posts it (form-encoded; other fields are not needed).
#[derive(Debug, Default)]
struct SlashCommand {
    user_id: String,
    channel_id: String,
    text: String,
}

impl SlashCommand {
    fn read(body: &[u8]) -> Option<SlashCommand> {
        let mut command = SlashCommand::default();
        for (name, value) in url::form_urlencoded::parse(body) {
            match name.as_ref() {
                "user_id" => command.user_id = value.into_owned(),
                "channel_id" => command.channel_id = value.into_owned(),
                "text" => command.text = value.into_owned(),
                _ => {}
            }
        }
        (!command.user_id.is_empty() && !command.channel_id.is_empty()).then_some(command)
    }
}

/// An ephemeral answer: only the person who typed the command sees it.
fn ephemeral(text: impl Into<String>) -> Response {
    Json(serde_json::json!({ "response_type": "ephemeral", "text": text.into() })).into_response()
}

/// `POST /slack/commands`: `/request <what you need>`.
pub async fn command(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let settings = match check_request(&state, &headers, &body).await {
        Ok(settings) => settings,
        Err(answer) => return answer,
    };
    let Some(command) = SlashCommand::read(&body) else {
        return refused(StatusCode::BAD_REQUEST, "Not a slash command.");
    };
    let Some((title, description)) = request_from(&command.text) else {
        return ephemeral(
            "Say what you need after the command, e.g. `/request The printer on floor 2 jams`. The first line is the title.",
        );
    };
    let client = http_client();
    let api = WebApi {
        client: &client,
        settings: &settings,
    };
    let person = match api.person(&state, &command.user_id).await {
        Ok(Some(person)) if !person.is_staff() && person.account_id.is_some() => person,
        Ok(_) => {
            return ephemeral(
                "Your Slack email address is not a client contact in Frontdoor. Ask your company's Frontdoor admin to invite you, then try again.",
            );
        }
        Err(error) => {
            tracing::warn!(%error, "slack: could not look someone up");
            return ephemeral(
                "Frontdoor could not look you up in Slack just now; nothing was filed. Try again in a moment.",
            );
        }
    };
    let reference = match file(&state, &person, &title, &description).await {
        Ok(reference) => reference,
        Err(error) => return store_failure(&error),
    };
    let link = format!("{}/requests/{reference}", state.settings.public_url);
    let filed = ephemeral(format!(
        "Filed as {reference}: {title}. Follow it at {link}"
    ));
    // The reference goes to the channel, whose thread becomes the request's — in a direct
    // message, or a channel of the person's own company; nowhere else would its updates be
    // theirs to share.
    let own_channel = match state.store.slack_channel_account(&command.channel_id).await {
        Ok(account) => account.is_some() && account == person.account_id,
        Err(error) => return store_failure(&error),
    };
    if !is_direct_message(&command.channel_id) && !own_channel {
        return filed;
    }
    match api
        .post(
            &command.channel_id,
            None,
            &filed_text(reference, &title, &link),
        )
        .await
    {
        Ok(ts) if !ts.is_empty() => {
            let thread = SlackThread {
                channel_id: command.channel_id,
                thread_ts: ts,
            };
            if let Err(error) = state.store.save_slack_thread(reference, &thread).await {
                return store_failure(&error);
            }
        }
        Ok(_) | Err(_) => {
            tracing::warn!(%reference, "slack: the reference could not be posted; no thread");
        }
    }
    filed
}

/// Files a request for `person` from Slack.
async fn file(
    state: &AppState,
    person: &Actor,
    title: &str,
    description: &str,
) -> StoreResult<TicketRef> {
    let account = person.account_id.ok_or(StoreError::NotFound)?;
    let ticket = NewTicket {
        channel: Channel::Chat,
        ..NewTicket::from_portal(account, person.user_id, title, description)
    };
    let event = state
        .store
        .create_ticket(&ticket, state.clock.now_ms())
        .await?;
    state.events.publish();
    tracing::info!(reference = %event.reference, "request filed from Slack");
    Ok(event.reference)
}

/// What the Events API posts.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Envelope {
    UrlVerification {
        challenge: String,
    },
    EventCallback {
        event_id: String,
        event: MessageEvent,
    },
    #[serde(other)]
    Other,
}

/// A message event (other event types come with other fields; they are ignored).
#[derive(Debug, Deserialize)]
struct MessageEvent {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    subtype: Option<String>,
    #[serde(default)]
    bot_id: Option<String>,
    #[serde(default)]
    user: Option<String>,
    #[serde(default)]
    text: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    ts: String,
    #[serde(default)]
    thread_ts: Option<String>,
}

/// `POST /slack/events`: Slack's URL check, and messages in connected channels.
pub async fn event(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let settings = match check_request(&state, &headers, &body).await {
        Ok(settings) => settings,
        Err(answer) => return answer,
    };
    let envelope = match serde_json::from_slice::<Envelope>(&body) {
        Ok(envelope) => envelope,
        Err(error) => {
            return refused(
                StatusCode::BAD_REQUEST,
                &format!("Not a Slack event: {error}"),
            );
        }
    };
    match envelope {
        Envelope::UrlVerification { challenge } => {
            Json(serde_json::json!({ "challenge": challenge })).into_response()
        }
        Envelope::EventCallback { event_id, event } => {
            let now = state.clock.now_ms();
            // Slack retries what it thinks was not received: handled once.
            match state
                .store
                .first_slack_sighting(
                    &format!("event:{event_id}"),
                    now,
                    now - 2 * REPLAY_WINDOW_S * 1000,
                )
                .await
            {
                Ok(true) => {}
                Ok(false) => return StatusCode::OK.into_response(),
                Err(error) => return store_failure(&error),
            }
            match take_message(&state, &settings, event).await {
                Ok(()) => StatusCode::OK.into_response(),
                Err(not_taken) => {
                    // Slack sends it again when told to: it must then be taken, not skipped.
                    let key = format!("event:{event_id}");
                    if let Err(error) = state.store.forget_slack_sighting(&key).await {
                        tracing::error!(%error, "slack: a failed event could not be forgotten");
                    }
                    match not_taken {
                        NotTaken::Store(error) => store_failure(&error),
                        NotTaken::Lookup(error) => {
                            tracing::warn!(%error, "slack: could not look someone up; Slack will send the message again");
                            refused(StatusCode::SERVICE_UNAVAILABLE, "Try again in a moment.")
                        }
                    }
                }
            }
        }
        Envelope::Other => StatusCode::OK.into_response(),
    }
}

/// Why a message could not be taken now (Slack is asked to send it again).
enum NotTaken {
    Store(StoreError),
    Lookup(String),
}

impl From<StoreError> for NotTaken {
    fn from(error: StoreError) -> Self {
        NotTaken::Store(error)
    }
}

/// A person's message in a connected channel: a new request, or a reply in a request's thread.
async fn take_message(
    state: &AppState,
    settings: &SlackSettings,
    event: MessageEvent,
) -> Result<(), NotTaken> {
    // Only what people write: not edits, joins or bots (Frontdoor's own posts included).
    if event.kind != "message" || event.subtype.is_some() || event.bot_id.is_some() {
        return Ok(());
    }
    let Some(account) = state.store.slack_channel_account(&event.channel).await? else {
        return Ok(());
    };
    let Some(user) = event.user.as_deref() else {
        return Ok(());
    };
    let client = http_client();
    let api = WebApi {
        client: &client,
        settings,
    };
    let person = match api.person(state, user).await {
        Ok(Some(person)) if !person.is_staff() && person.account_id == Some(account) => person,
        Ok(_) => {
            tracing::info!(channel = %event.channel, "slack: a message from someone who is not this company's contact; ignored");
            return Ok(());
        }
        Err(error) => return Err(NotTaken::Lookup(error)),
    };
    if let Some(thread_ts) = event.thread_ts.filter(|ts| *ts != event.ts) {
        let thread = SlackThread {
            channel_id: event.channel,
            thread_ts,
        };
        return match state.store.ticket_of_slack_thread(&thread).await? {
            Some(reference) => Ok(reply(state, &person, reference, &event.text).await?),
            None => Ok(()),
        };
    }
    let Some((title, description)) = request_from(&event.text) else {
        return Ok(());
    };
    let reference = file(state, &person, &title, &description).await?;
    let thread = SlackThread {
        channel_id: event.channel,
        thread_ts: event.ts,
    };
    state.store.save_slack_thread(reference, &thread).await?;
    let link = format!("{}/requests/{reference}", state.settings.public_url);
    let filed = filed_text(reference, &title, &link);
    state
        .store
        .queue_slack_post(&thread, &filed, state.clock.now_ms())
        .await?;
    state.slack_wake.notify_one();
    Ok(())
}

/// A client's reply in a request's thread joins its conversation (a closed request reopens as
/// the portal's rules say; one closed too long is left alone).
async fn reply(
    state: &AppState,
    person: &Actor,
    reference: TicketRef,
    text: &str,
) -> StoreResult<()> {
    let ticket = state.store.ticket(reference).await?;
    let body = message_text(text);
    if !person.may_view(ticket.owner) || body.is_empty() {
        return Ok(());
    }
    let message = NewMessage {
        author_id: person.user_id,
        by_client: true,
        body: &body,
        internal: false,
        attachments: &[],
    };
    match state
        .store
        .add_message(reference, &message, state.clock.now_ms())
        .await
    {
        Ok(_) => {
            state.events.publish();
            Ok(())
        }
        Err(StoreError::ReplyRefused(why)) => {
            tracing::info!(%reference, ?why, "slack: a thread reply was refused");
            Ok(())
        }
        Err(error) => Err(error),
    }
}

/// The follower: queues posts to threads for new events, until shutdown.
pub async fn run_planner(state: AppState, shutdown: watch::Receiver<bool>) {
    let mut through = state.events.watch_through();
    keep_working!(
        "the Slack planner",
        POLL,
        plan_batch(&state),
        through.changed(),
        shutdown
    );
}

/// Queues thread posts for the next batch of events. `true` when there may be more.
pub async fn plan_batch(state: &AppState) -> StoreResult<bool> {
    let from = state.store.follower_position(LogFollower::Slack).await?;
    let events = state.store.owned_events_after(from, BATCH).await?;
    let Some(last) = events.last().map(|e| e.event.id) else {
        return Ok(false);
    };
    let mut posts = Vec::new();
    for owned in events.iter().filter(|e| !e.internal) {
        let Some(thread) = state.store.slack_thread_of(owned.event.reference).await? else {
            continue;
        };
        let Some(audience) = audience(state, &thread.channel_id, owned.owner.account_id).await?
        else {
            continue;
        };
        let (name, by_staff) = match owned.actor_id {
            Some(id) => {
                let staff = state
                    .store
                    .active_actor(id)
                    .await?
                    .is_some_and(|actor| actor.is_staff());
                (state.store.user_name(id).await?, staff)
            }
            None => ("Frontdoor".to_owned(), true),
        };
        if let Some(text) = thread_update(&owned.event.change, &name, by_staff, audience) {
            posts.push((thread, text));
        }
    }
    let now = state.clock.now_ms();
    if state
        .store
        .queue_slack_posts(from, last, &posts, now)
        .await?
        && !posts.is_empty()
    {
        state.slack_wake.notify_one();
    }
    Ok(events.len() as i64 == BATCH)
}

/// Who reads a channel, as far as a request's thread there may tell them: `None` when the thread
/// may no longer be posted to (the channel was disconnected from the request's company, or
/// connected to another). A direct message is the requester's own.
async fn audience(
    state: &AppState,
    channel_id: &str,
    account_id: i64,
) -> StoreResult<Option<Audience>> {
    if is_direct_message(channel_id) {
        return Ok(Some(Audience::Requester));
    }
    if state.store.slack_channel_account(channel_id).await? != Some(account_id) {
        return Ok(None);
    }
    Ok(Some(match state.store.visibility(account_id).await? {
        Visibility::Company => Audience::Company,
        Visibility::OwnRequests => Audience::CompanyNotSharingRequests,
    }))
}

/// The sender: posts what is due to Slack, until shutdown.
pub async fn run_sender(state: AppState, shutdown: watch::Receiver<bool>) {
    let client = http_client();
    keep_working!(
        "the Slack sender",
        POLL,
        post_next(&state, &client),
        state.slack_wake.notified(),
        shutdown,
    );
}

/// Posts everything due now; for tests, which run no background sender.
pub async fn post_due(state: &AppState) -> StoreResult<()> {
    let client = http_client();
    while post_next(state, &client).await? {}
    Ok(())
}

async fn post_next(state: &AppState, client: &HttpClient) -> StoreResult<bool> {
    let Some(settings) = state.settings.slack.as_ref() else {
        return Ok(false);
    };
    let Some(post) = state
        .store
        .claim_due_slack_post(state.clock.now_ms(), LEASE_MS)
        .await?
    else {
        return Ok(false);
    };
    let SlackPost {
        id,
        channel_id,
        thread_ts,
        text,
        attempts,
    } = post;
    let api = WebApi { client, settings };
    let outcome = api.post(&channel_id, Some(&thread_ts), &text).await;
    let now = state.clock.now_ms();
    match outcome {
        Ok(_) => state.store.settle_slack_post(id, None, None, now).await?,
        Err(error) => {
            tracing::warn!(post = id, attempts, %error, "slack post not sent");
            // 30 s, 1 min, 2 min, … then given up.
            let retry_at = (attempts < MAX_ATTEMPTS).then(|| now + retry_delay_ms(attempts));
            state
                .store
                .settle_slack_post(id, Some(&error), retry_at, now)
                .await?;
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_checked_as_slack_documents() {
        // Slack's documented example ("Verifying requests from Slack").
        let secret = "8f742231b10e8888abcd99yyyzzz85a5";
        let body = b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
        let expected = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
        assert_eq!(sign(secret, 1_531_420_618, body), expected);
        assert!(signature_matches(secret, 1_531_420_618, body, expected));
        assert!(!signature_matches(secret, 1_531_420_619, body, expected));
        assert!(!signature_matches("other", 1_531_420_618, body, expected));
        assert!(!signature_matches(secret, 1_531_420_618, body, "v0=zz"));
        assert!(!signature_matches(secret, 1_531_420_618, body, "a2114d57"));
    }
}
