//! Live updates: an in-process bus that wakes event streams, and the per-person event stream.
//!
//! The bus carries only "event N was written". Each stream then reads the log after the last id it
//! sent, through the same policy as any read, so a stream never sends what its reader may not see,
//! resumes after a reconnect without gaps or doubles, and works the same when several app
//! instances share one database (they only need a way to wake each other).

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::Stream;
use serde::Deserialize;
use tokio::sync::broadcast;

use super::auth::session_from_parts;
use super::state::AppState;
use crate::domain::policy::Permission;
use crate::error::AppError;

/// The most events one read sends; a stream that is further behind catches up in rounds.
const BATCH: i64 = 200;

#[derive(Clone, Debug)]
pub struct EventBus {
    written: broadcast::Sender<i64>,
    /// Rings when sessions were ended (sign-out everywhere, revocation, deactivation), so that
    /// streams check whether theirs is one of them.
    sessions_ended: broadcast::Sender<()>,
}

impl Default for EventBus {
    fn default() -> Self {
        EventBus {
            written: broadcast::channel(1024).0,
            sessions_ended: broadcast::channel(16).0,
        }
    }
}

impl EventBus {
    /// Announces that the event with this id is committed.
    pub fn publish(&self, event_id: i64) {
        // An error only means nobody is listening right now.
        let _ = self.written.send(event_id);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<i64> {
        self.written.subscribe()
    }

    /// Announces that some sessions no longer exist.
    pub fn sessions_ended(&self) {
        let _ = self.sessions_ended.send(());
    }
}

#[derive(Debug, Deserialize)]
pub struct StreamQuery {
    /// Start after this event id (the page's data is as of this event).
    after: Option<i64>,
}

/// `GET /events`: server-sent events of ticket changes the signed-in person may see.
pub async fn event_stream(
    State(state): State<AppState>,
    parts: Parts,
    Query(query): Query<StreamQuery>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, AppError> {
    let session = session_from_parts(&parts).ok_or(AppError::Unauthorized)?;
    if session.two_step_missing {
        return Err(AppError::TwoStepSetupNeeded);
    }
    let actor = session.actor;
    let scope = actor.ticket_scope();
    let include_internal = actor.can(Permission::SeeInternalNotes);
    let mut after = match resume_from(&parts.headers).or(query.after) {
        Some(id) => id,
        None => state.store.latest_event_id().await?,
    };
    let mut written = state.events.subscribe();
    let mut sessions_ended = state.events.sessions_ended.subscribe();
    let mut shutdown = state.shutdown.clone();
    let store = state.store.clone();
    let clock = state.clock.clone();

    let stream = async_stream::stream! {
        let mut newest_announced = after;
        loop {
            match store.events_after(after, scope, include_internal, BATCH).await {
                Ok(batch) => {
                    let full = batch.len() as i64 == BATCH;
                    for event in batch {
                        after = event.id;
                        if let Ok(sse) = Event::default().id(event.id.to_string()).event("ticket").json_data(&event) {
                            yield Ok(sse);
                        }
                    }
                    if full {
                        continue;
                    }
                    // Everything announced so far is committed and was read: skip past what this
                    // reader may not see, so it is not scanned again.
                    after = after.max(newest_announced);
                }
                Err(error) => tracing::warn!(%error, "live stream could not read events"),
            }
            let check_session = tokio::select! {
                announced = written.recv() => match announced {
                    Ok(id) => {
                        newest_announced = newest_announced.max(id);
                        false
                    }
                    Err(broadcast::error::RecvError::Lagged(_)) => false,
                    Err(broadcast::error::RecvError::Closed) => break,
                },
                _ = sessions_ended.recv() => true,
                _ = shutdown.changed() => break,
                // A slow safety net: events written, or sessions ended, by another instance
                // without a wake-up.
                () = tokio::time::sleep(Duration::from_secs(15)) => true,
            };
            // A stream lives no longer than its session: a signed-out browser hears nothing more.
            if check_session && !matches!(store.session_exists(session.id, clock.now_ms()).await, Ok(true)) {
                break;
            }
        }
    };
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

/// The `Last-Event-ID` a reconnecting browser sends.
fn resume_from(headers: &HeaderMap) -> Option<i64> {
    headers
        .get("last-event-id")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse().ok())
}
