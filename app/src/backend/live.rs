//! Live updates: one fan-out per app instance, and the per-person event stream.
//!
//! Each instance reads new events from the log once (woken by its own writes, by PostgreSQL
//! `NOTIFY` from other instances, or by a slow timer) into a bounded window of recent events.
//! Every stream takes from that window only what its reader's ticket scope admits — the same
//! policy as any read — so a thousand open boards cost one query per change, not a thousand.
//! A stream whose reader is behind the window (a long-dropped connection, a slow client) reads
//! its missed events from the log instead, or, when too far behind, is told to refresh.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::Stream;
use serde::Deserialize;
use tokio::sync::{Notify, broadcast, watch};
use tokio::time::{Instant, MissedTickBehavior};

use super::auth::session_from_parts;
use super::state::AppState;
use super::store::{OwnedEvent, Store};
use crate::domain::policy::{Permission, TicketScope};
use crate::error::AppError;

/// The most events one read of the log returns; a reader further behind catches up in rounds.
const BATCH: i64 = 200;
/// How many recent events each instance keeps for its streams.
const WINDOW: usize = 4096;
/// A reader this many events behind gets "refresh everything" instead of every missed event.
const FAR_BEHIND: i64 = 2000;
/// The slow safety net: how often the fan-out looks for events nobody announced, and streams
/// check that their session still exists.
const SAFETY_NET: Duration = Duration::from_secs(15);

/// An event ready to send: its JSON is made once, whoever receives it.
#[derive(Debug)]
struct WindowEvent {
    owned: OwnedEvent,
    json: String,
}

/// The recent events of this instance: every event with `base < id <= through`, in id order.
#[derive(Debug)]
struct Window {
    base: i64,
    through: i64,
    events: VecDeque<Arc<WindowEvent>>,
}

impl Window {
    /// Nothing read yet: every reader goes to the log until the fan-out starts.
    const fn empty() -> Self {
        Window {
            base: i64::MAX,
            through: 0,
            events: VecDeque::new(),
        }
    }

    /// The events after `after` this reader may receive, and where to continue; `None` when the
    /// window no longer reaches back to `after`.
    fn read(
        &self,
        after: i64,
        scope: TicketScope,
        include_internal: bool,
    ) -> Option<(Vec<Arc<WindowEvent>>, i64)> {
        if after < self.base {
            return None;
        }
        let start = self.events.partition_point(|e| e.owned.event.id <= after);
        let visible = self
            .events
            .range(start..)
            .filter(|e| scope.contains(e.owned.owner) && (include_internal || !e.owned.internal))
            .cloned()
            .collect();
        Some((visible, after.max(self.through)))
    }

    fn extend(&mut self, events: Vec<OwnedEvent>) {
        for owned in events {
            self.through = owned.event.id;
            let Ok(json) = serde_json::to_string(&owned.event) else {
                continue;
            };
            self.events.push_back(Arc::new(WindowEvent { owned, json }));
        }
        while self.events.len() > WINDOW {
            if let Some(oldest) = self.events.pop_front() {
                self.base = oldest.owned.event.id;
            }
        }
    }
}

#[derive(Clone, Debug)]
pub struct EventBus {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    /// Rung when this instance, or another one, wrote an event.
    written: Notify,
    window: RwLock<Window>,
    /// The window's `through`, for streams to wait on.
    through: watch::Sender<i64>,
    /// Rings when someone's access changed (sign-out everywhere, revocation, deactivation, a
    /// role or a company's visibility), so that streams read their session's person again.
    access_changed: broadcast::Sender<()>,
}

impl Default for EventBus {
    fn default() -> Self {
        EventBus {
            shared: Arc::new(Shared {
                written: Notify::new(),
                window: RwLock::new(Window::empty()),
                through: watch::channel(0).0,
                access_changed: broadcast::channel(16).0,
            }),
        }
    }
}

impl EventBus {
    /// Announces that events were committed: the fan-out reads everything after what it has.
    pub fn publish(&self) {
        self.shared.written.notify_one();
    }

    /// Changes whenever this instance's fan-out has read new events from the log.
    pub fn watch_through(&self) -> watch::Receiver<i64> {
        self.shared.through.subscribe()
    }

    /// Announces that someone's access changed (sessions ended, a role, a company's visibility):
    /// this instance's streams read their person again (others' within [`SAFETY_NET`]).
    pub fn access_changed(&self) {
        let _ = self.shared.access_changed.send(());
    }

    fn read_window(
        &self,
        after: i64,
        scope: TicketScope,
        include_internal: bool,
    ) -> Option<(Vec<Arc<WindowEvent>>, i64)> {
        self.shared
            .window
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .read(after, scope, include_internal)
    }

    /// Reads new events into the window whenever woken, until shutdown.
    pub async fn run_fanout(self, store: Store, mut shutdown: watch::Receiver<bool>) {
        let mut through = loop {
            match store.latest_event_id().await {
                Ok(latest) => break latest,
                Err(error) => tracing::warn!(%error, "live fan-out cannot read the event log yet"),
            }
            tokio::select! {
                () = tokio::time::sleep(Duration::from_secs(1)) => {}
                _ = shutdown.changed() => return,
            }
        };
        {
            let mut window = self.window_mut();
            window.base = through;
            window.through = through;
        }
        self.shared.through.send_replace(through);
        loop {
            match store.owned_events_after(through, BATCH).await {
                Ok(events) if !events.is_empty() => {
                    let full = events.len() as i64 == BATCH;
                    let mut window = self.window_mut();
                    window.extend(events);
                    through = window.through;
                    drop(window);
                    self.shared.through.send_replace(through);
                    if full {
                        continue;
                    }
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "live fan-out could not read events"),
            }
            tokio::select! {
                () = self.shared.written.notified() => {}
                () = tokio::time::sleep(SAFETY_NET) => {}
                _ = shutdown.changed() => return,
            }
        }
    }

    /// Wakes this instance's fan-out whenever another instance writes an event (PostgreSQL only).
    pub async fn relay_postgres_notifications(
        self,
        database_url: String,
        mut shutdown: watch::Receiver<bool>,
    ) {
        loop {
            tokio::select! {
                result = self.listen_to_postgres(&database_url) => {
                    let Err(error) = result;
                    tracing::warn!(%error, "lost the PostgreSQL notification link; reconnecting");
                }
                _ = shutdown.changed() => return,
            }
            tokio::select! {
                () = tokio::time::sleep(Duration::from_secs(1)) => {}
                _ = shutdown.changed() => return,
            }
        }
    }

    async fn listen_to_postgres(&self, database_url: &str) -> Result<Infallible, sqlx::Error> {
        let mut listener = sqlx::postgres::PgListener::connect(database_url).await?;
        listener.listen("frontdoor_events").await?;
        // Events written while this instance was not listening are read now.
        self.publish();
        loop {
            listener.recv().await?;
            self.publish();
        }
    }

    fn window_mut(&self) -> std::sync::RwLockWriteGuard<'_, Window> {
        self.shared
            .window
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
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
    let reader = session.actor.user_id;
    let mut scope = session.actor.ticket_scope();
    let mut include_internal = session.actor.can(Permission::SeeInternalNotes);
    let latest = state.store.latest_event_id().await?;
    // An id from the client is only a place to resume from: never before the log, nor past it.
    let mut after = resume_from(&parts.headers)
        .or(query.after)
        .map_or(latest, |id| id.clamp(0, latest));
    let bus = state.events.clone();
    let mut through = bus.shared.through.subscribe();
    let mut access_changed = bus.shared.access_changed.subscribe();
    let mut shutdown = state.shutdown.clone();
    let store = state.store.clone();
    let clock = state.clock.clone();

    let stream = async_stream::stream! {
        // On its own clock, not restarted by each event: a busy desk's streams recheck too.
        let mut recheck = tokio::time::interval_at(Instant::now() + SAFETY_NET, SAFETY_NET);
        recheck.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            let fanned_out = *through.borrow_and_update();
            if let Some((events, next)) = bus.read_window(after, scope, include_internal) {
                for event in events {
                    yield Ok(ticket_event(&event.owned, event.json.clone(), reader));
                }
                after = next;
            } else {
                // Behind the window: from the log, or start afresh when too far behind.
                match store.latest_event_id().await {
                    Ok(latest) if latest - after > FAR_BEHIND => {
                        after = latest;
                        yield Ok(Event::default().id(latest.to_string()).event("resync").data("{}"));
                        continue;
                    }
                    Ok(_) => {}
                    Err(error) => tracing::warn!(%error, "live stream could not read events"),
                }
                match store.events_after(after, scope, include_internal, BATCH).await {
                    Ok(batch) => {
                        let full = batch.len() as i64 == BATCH;
                        for owned in batch {
                            after = owned.event.id;
                            if let Ok(json) = serde_json::to_string(&owned.event) {
                                yield Ok(ticket_event(&owned, json, reader));
                            }
                        }
                        if full {
                            continue;
                        }
                        // Everything fanned out before that read is committed and was read:
                        // skip past what this reader may not see.
                        after = after.max(fanned_out);
                    }
                    Err(error) => tracing::warn!(%error, "live stream could not read events"),
                }
            }
            let check_session = tokio::select! {
                // In this order: a change of access applies before the events written after it.
                biased;
                _ = access_changed.recv() => true,
                _ = shutdown.changed() => break,
                changed = through.changed() => {
                    if changed.is_err() {
                        break;
                    }
                    false
                }
                _ = recheck.tick() => true,
            };
            if check_session {
                // A stream lives no longer than its session (a signed-out browser hears nothing
                // more), and carries what its person may see now: a new role, or their company
                // now sharing only their own requests, applies to a stream already open.
                let Ok(Some(now_actor)) = store.session_actor(session.id, clock.now_ms()).await else {
                    break;
                };
                scope = now_actor.ticket_scope();
                include_internal = now_actor.can(Permission::SeeInternalNotes);
            }
        }
    };
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

/// A change as `reader` receives it: `ticket`, or `own` when they made it themselves (on this
/// device or another), which refreshes their lists like any change but is not announced to them.
fn ticket_event(owned: &OwnedEvent, json: String, reader: i64) -> Event {
    let name = if owned.actor_id == Some(reader) {
        "own"
    } else {
        "ticket"
    };
    Event::default()
        .id(owned.event.id.to_string())
        .event(name)
        .data(json)
}

/// The `Last-Event-ID` a reconnecting browser sends.
fn resume_from(headers: &HeaderMap) -> Option<i64> {
    headers
        .get("last-event-id")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::policy::TicketOwner;
    use crate::domain::ticket::{LiveEvent, TicketChange, TicketRef};

    fn owned(id: i64, account_id: i64, internal: bool) -> OwnedEvent {
        OwnedEvent {
            event: LiveEvent {
                id,
                reference: TicketRef(id),
                change: TicketChange::Created,
            },
            owner: TicketOwner {
                account_id,
                requester_id: 100 + account_id,
            },
            internal,
            actor_id: None,
        }
    }

    fn ids(read: Option<(Vec<Arc<WindowEvent>>, i64)>) -> Option<(Vec<i64>, i64)> {
        read.map(|(events, next)| (events.iter().map(|e| e.owned.event.id).collect(), next))
    }

    #[test]
    fn a_reader_gets_what_its_scope_admits_and_moves_past_the_rest() {
        let mut window = Window::empty();
        window.base = 10;
        window.through = 10;
        window.extend(vec![
            owned(11, 1, false),
            owned(12, 2, false),
            owned(13, 1, true),
        ]);
        let account = TicketScope::Account(1);
        assert_eq!(ids(window.read(10, account, false)), Some((vec![11], 13)));
        assert_eq!(ids(window.read(11, account, false)), Some((vec![], 13)));
        assert_eq!(
            ids(window.read(10, TicketScope::All, true)),
            Some((vec![11, 12, 13], 13))
        );
        assert_eq!(
            ids(window.read(10, TicketScope::Nothing, false)),
            Some((vec![], 13))
        );
        // Ahead of the window (the page is newer than the fan-out): nothing yet, cursor kept.
        assert_eq!(
            ids(window.read(20, TicketScope::All, true)),
            Some((vec![], 20))
        );
    }

    #[test]
    fn a_reader_behind_the_window_is_sent_to_the_log() {
        let mut window = Window::empty();
        assert!(
            window.read(0, TicketScope::All, true).is_none(),
            "not started"
        );
        window.base = 0;
        window.through = 0;
        window.extend(
            (1..=(WINDOW as i64 + 5))
                .map(|id| owned(id, 1, false))
                .collect(),
        );
        assert_eq!(window.events.len(), WINDOW);
        assert_eq!(window.base, 5);
        assert!(window.read(4, TicketScope::All, true).is_none());
        let (events, next) = ids(window.read(5, TicketScope::All, true)).unwrap();
        assert_eq!(
            (events.len(), events[0], next),
            (WINDOW, 6, WINDOW as i64 + 5)
        );
    }
}
