//! The page's live link to the server: one event stream per page, shared by every list on it.
//!
//! Lists key their data on [`Live::revision`], so each change a person may see refetches what is
//! on screen, without a reload.

use std::time::Duration;

use leptos::prelude::*;

use crate::api::session::Me;
use crate::domain::mention::mentions;
use crate::domain::policy::Role;
use crate::domain::sla::ClockState;
use crate::domain::ticket::{LiveEvent, TicketChange, TicketRef};
use crate::error::AppError;
use crate::views::components::form::on_success;
use crate::views::server_data::ServerData;
use crate::views::session::use_session;

/// How the event stream is doing, for the small indicator in the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    Idle,
    Connected,
    Reconnecting,
    /// The device says it has no network; the stream resumes when it is back.
    Offline,
}

#[derive(Clone, Copy)]
pub struct Live {
    /// Bumped on every event; resources that show tickets read it.
    pub revision: RwSignal<u64>,
    /// The newest change someone else made: what a toast tells of. One's own changes (on this
    /// device or another) refresh the lists but are not announced.
    pub latest: RwSignal<Option<LiveEvent>>,
    pub link: RwSignal<LinkState>,
    /// How many events this page has received, and the newest id: what the stream delivered,
    /// shown (as data attributes) beside the live indicator.
    pub received: RwSignal<(u64, i64)>,
    /// The request the last bump of `revision` was about; `None` for a nudge or a resync, which
    /// may concern anything.
    cause: StoredValue<Option<TicketRef>>,
    started: StoredValue<bool>,
}

impl Live {
    /// Opens the event stream once per page, after event `cursor`.
    pub fn connect(self, cursor: i64) {
        if self.started.get_value() {
            return;
        }
        self.started.set_value(true);
        #[cfg(feature = "hydrate")]
        stream::open(self, cursor);
        #[cfg(not(feature = "hydrate"))]
        let _ = cursor;
    }

    /// Asks every list on the page to refetch (after this page changed something itself).
    pub fn nudge(self) {
        self.bump(None);
    }

    fn bump(self, cause: Option<TicketRef>) {
        self.cause.set_value(cause);
        self.revision.update(|n| *n += 1);
    }

    /// A revision that moves only for changes to the request `reference()` names (and for nudges
    /// and resyncs). A page about one request keys on it, so that the rest of the queue's traffic
    /// does not draw it again under the hands of someone working on it.
    pub fn revision_for(
        self,
        reference: impl Fn() -> Option<TicketRef> + Send + Sync + 'static,
    ) -> Memo<u64> {
        let looked_at = StoredValue::new(self.revision.get_untracked());
        Memo::new(move |previous: Option<&u64>| {
            let now = self.revision.get();
            // Several changes landed before the page looked: only the last one's cause is known,
            // and any of them may have been about this request.
            let several = now > looked_at.get_value() + 1;
            looked_at.set_value(now);
            let concerns = several
                || self
                    .cause
                    .get_value()
                    .is_none_or(|cause| Some(cause) == reference());
            match previous {
                Some(&n) if !concerns => n,
                Some(&n) => n + 1,
                None => 0,
            }
        })
    }
}

/// Refreshes the page's data as soon as `action` succeeds, even if the live stream is slow or down.
pub fn refresh_after<A>(action: ServerAction<A>)
where
    A: leptos::server_fn::ServerFn<Error = crate::error::AppError> + Clone + Send + Sync + 'static,
    A::Output: Clone + Send + Sync + 'static,
{
    let live = use_live();
    on_success(action, move |_| live.nudge());
}

pub fn provide_live() -> Live {
    let live = Live {
        revision: RwSignal::new(0),
        latest: RwSignal::new(None),
        link: RwSignal::new(LinkState::Idle),
        received: RwSignal::new((0, 0)),
        cause: StoredValue::new(None),
        started: StoredValue::new(false),
    };
    provide_context(live);
    live
}

pub fn use_live() -> Live {
    expect_context::<Live>()
}

#[cfg(feature = "hydrate")]
mod stream {
    use std::cell::RefCell;
    use std::rc::Rc;

    use leptos::prelude::{GetUntracked, Set, Update};
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    use web_sys::{EventSource, MessageEvent};

    use super::{LinkState, Live};
    use crate::domain::ticket::LiveEvent;
    use crate::views::server_data::read_json;

    /// Opens the stream, and closes it while the device is offline: on the way back it reopens
    /// after the last event received, so the server replays exactly what was missed.
    pub(super) fn open(live: Live, cursor: i64) {
        // A page opened offline (a saved copy) waits for the connection instead of retrying.
        let first = if crate::views::browser::is_online() {
            connect(live, cursor)
        } else {
            live.link.set(LinkState::Offline);
            None
        };
        let current = Rc::new(RefCell::new(first));
        crate::views::browser::on_connectivity(move |online| {
            if !online {
                live.link.set(LinkState::Offline);
                if let Some(source) = current.borrow_mut().take() {
                    source.close();
                }
                return;
            }
            live.link.set(LinkState::Reconnecting);
            let (received, newest) = live.received.get_untracked();
            let after = if received == 0 { cursor } else { newest };
            if let Some(stale) = current.replace_with(|_| connect(live, after)) {
                stale.close();
            }
        });
    }

    fn connect(live: Live, after: i64) -> Option<EventSource> {
        let Ok(source) = EventSource::new(&format!("/events?after={after}")) else {
            live.link.set(LinkState::Reconnecting);
            return None;
        };
        let on_ticket = on_change(live, true);
        let on_own = on_change(live, false);
        // Too far behind to replay: everything on screen is read again.
        let on_resync = Closure::<dyn FnMut()>::new(move || live.nudge());
        let on_open = Closure::<dyn FnMut()>::new(move || {
            // Back after losing the link: anything that failed to load meanwhile is read again.
            // Now rather than at the device's "online" event, when fetches can still fail.
            let lost = matches!(
                live.link.get_untracked(),
                LinkState::Offline | LinkState::Reconnecting
            );
            live.link.set(LinkState::Connected);
            if lost {
                live.nudge();
            }
        });
        // The browser reconnects by itself and resumes after the last event id it saw.
        let watched = source.clone();
        let on_error = Closure::<dyn FnMut()>::new(move || {
            if live.link.get_untracked() != LinkState::Offline {
                live.link.set(LinkState::Reconnecting);
            }
            // Refused for good (the session ended meanwhile): the browser will not reopen it, so
            // the page reads its data again now and learns why.
            if watched.ready_state() == EventSource::CLOSED {
                live.nudge();
            }
        });
        let _ =
            source.add_event_listener_with_callback("ticket", on_ticket.as_ref().unchecked_ref());
        let _ = source.add_event_listener_with_callback("own", on_own.as_ref().unchecked_ref());
        let _ =
            source.add_event_listener_with_callback("resync", on_resync.as_ref().unchecked_ref());
        source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        // The handlers live as long as this connection; a closed one never calls them again.
        on_ticket.forget();
        on_own.forget();
        on_resync.forget();
        on_open.forget();
        on_error.forget();
        Some(source)
    }

    /// Handles a change to a request (named `ticket` by the stream, or `own` when this person made
    /// it, which is not `announce`d).
    fn on_change(live: Live, announce: bool) -> Closure<dyn FnMut(MessageEvent)> {
        Closure::new(move |message: MessageEvent| {
            let Some(event) = message
                .data()
                .as_string()
                .and_then(|data| read_json::<LiveEvent>(&data).ok())
            else {
                return;
            };
            live.received.update(|(count, newest)| {
                *count += 1;
                *newest = event.id;
            });
            let reference = event.reference;
            if announce {
                live.latest.set(Some(event));
            }
            live.bump(Some(reference));
        })
    }
}

/// A resource's answer, except that while the server cannot be reached the last good answer
/// stays on screen (the header says the page is offline) instead of an error, if it was for what
/// the page `shows` now (the request, the filter): a link to another request or a switch to
/// another list never shows the one before under the new address. Answers carry what they were
/// asked for ([`answered_for`]) because while a new answer loads the resource still holds the old.
pub fn last_good<K, T>(
    resource: ServerData<(K, T)>,
    shows: impl Fn() -> K + Copy + Send + Sync + 'static,
) -> impl Fn() -> Option<Result<T, AppError>> + Copy + Send + Sync + 'static
where
    K: PartialEq + Clone + Send + Sync + 'static,
    T: Clone + Send + Sync + 'static,
{
    let kept = StoredValue::new(None::<(K, T)>);
    move || {
        resource.get().map(|answer| match answer {
            Ok((asked, value)) => {
                kept.set_value(Some((asked, value.clone())));
                Ok(value)
            }
            // What the page shows now, not when the answer came: switched to another list while
            // offline, the page says it could not reach the server rather than keep the old list.
            Err(AppError::Unreachable) => {
                let now = shows();
                kept.with_value(|kept| match kept {
                    Some((asked, value)) if *asked == now => Ok(value.clone()),
                    _ => Err(AppError::Unreachable),
                })
            }
            Err(error) => Err(error),
        })
    }
}

/// `fetch`'s answer together with what it was asked for (`asked`), for [`last_good`].
pub async fn answered_for<K, T>(
    asked: K,
    fetch: impl Future<Output = Result<T, AppError>>,
) -> Result<(K, T), AppError> {
    fetch.await.map(|value| (asked, value))
}

/// Notes on screen at once; older ones give way.
const MAX_TOASTS: usize = 3;

/// A note of [`LiveToasts`].
#[derive(Clone, PartialEq, Eq)]
struct Toast {
    id: i64,
    text: String,
    /// News the request on screen shows as it happens: only read out, not drawn over the page.
    read_out_only: bool,
    /// News (a message, a status) rather than a call to action: on a phone a newer note covers
    /// it (the style sheet), where a call to action stays its time.
    news: bool,
}

impl Toast {
    fn class(read_out_only: bool, news: bool) -> &'static str {
        match (read_out_only, news) {
            (true, _) => "toast visually-hidden",
            (false, true) => "toast toast--news",
            (false, false) => "toast",
        }
    }
}

/// The request a page at `path` shows, if it shows one.
fn request_on_screen(path: &str) -> Option<TicketRef> {
    path.strip_prefix("/requests/")?.parse().ok()
}

/// A short note when someone else does something to a request (its status, a message, a note, a
/// merge, the last task done), on every page: elsewhere it says where to look. On the request
/// itself, news it shows as it happens (a message, a status) is only what a screen reader
/// announces (the conversation is not a live region); a call to action (all tasks done, an SLA
/// alert, a call back) is drawn there too. Each stays its full time: a busy queue's notes stack
/// up (a few; on a phone a newer note hides older news) instead of replacing one another at
/// once, and the same note is not shown twice.
#[component]
pub fn LiveToasts() -> impl IntoView {
    let live = use_live();
    let session = use_session();
    let location = leptos_router::hooks::use_location();
    let toasts = RwSignal::new(Vec::<Toast>::new());
    Effect::new(move |_| {
        let Some(event) = live.latest.get() else {
            return;
        };
        let me = session.get_untracked().and_then(Result::ok).flatten();
        let staff = me.as_ref().is_some_and(Me::is_staff);
        let shows_itself = matches!(
            event.change,
            TicketChange::StatusChanged { .. }
                | TicketChange::Replied { .. }
                | TicketChange::NoteAdded { .. }
                | TicketChange::MergedInto { .. }
        );
        let text = match event.change {
            TicketChange::StatusChanged { to, .. } => {
                format!("{} is now {}", event.reference, to.label())
            }
            TicketChange::Replied { .. } => format!("New message on {}", event.reference),
            TicketChange::NoteAdded { body } => {
                if me.is_some_and(|me| mentions(&body, &me.name)) {
                    format!("You were mentioned on {}", event.reference)
                } else {
                    format!("New internal note on {}", event.reference)
                }
            }
            TicketChange::MergedInto { survivor } => {
                format!("{} was merged into {survivor}", event.reference)
            }
            // Only the agency needs telling: the client just asked.
            TicketChange::CallbackRequested { .. } if staff => {
                format!("A client asked to talk to a person on {}", event.reference)
            }
            TicketChange::TaskDone { all_done: true, .. } => {
                format!(
                    "All tasks on {} are done: reply or complete it",
                    event.reference
                )
            }
            // The assignee hears of their ticket's clock; leads and admins of every one.
            TicketChange::SlaAlerted {
                state,
                due,
                assignee_id,
                ..
            } if me.as_ref().is_some_and(|me| {
                assignee_id == Some(me.id) || matches!(me.role, Role::Admin | Role::Lead)
            }) =>
            {
                let how = if state == ClockState::Breached {
                    "missed"
                } else {
                    "at risk"
                };
                format!("{}: {} target {how}", event.reference, due.label())
            }
            TicketChange::Created
            | TicketChange::SlaAlerted { .. }
            | TicketChange::Routed { .. }
            | TicketChange::Escalated { .. }
            | TicketChange::FeedbackGiven { .. }
            | TicketChange::CallbackRequested { .. }
            | TicketChange::FieldsChanged { .. }
            | TicketChange::Merged { .. }
            | TicketChange::TaskAdded { .. }
            | TicketChange::TaskDone { .. } => return,
        };
        let id = event.id;
        let read_out_only = shows_itself
            && request_on_screen(&location.pathname.get_untracked()) == Some(event.reference);
        let same = |toast: &Toast| toast.text == text && toast.read_out_only == read_out_only;
        if toasts.with_untracked(|shown| shown.iter().any(same)) {
            return;
        }
        toasts.update(|shown| {
            shown.push(Toast {
                id,
                text,
                read_out_only,
                news: shows_itself,
            });
            // Only drawn notes crowd the screen; those only read out leave with their timer.
            if shown.iter().filter(|toast| !toast.read_out_only).count() > MAX_TOASTS
                && let Some(oldest) = shown.iter().position(|toast| !toast.read_out_only)
            {
                shown.remove(oldest);
            }
        });
        set_timeout(
            move || toasts.update(|shown| shown.retain(|toast| toast.id != id)),
            Duration::from_secs(6),
        );
    });
    view! {
        <div class="toast-region" role="status" aria-live="polite">
            <For each=move || toasts.get() key=|toast| toast.id let(toast)>
                <p class=Toast::class(toast.read_out_only, toast.news)>{toast.text}</p>
            </For>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page about request `this`: its live link, its revision and where that starts.
    fn page_about(this: TicketRef) -> (Owner, Live, Memo<u64>, u64) {
        let owner = Owner::new();
        owner.set();
        let live = provide_live();
        let revision = live.revision_for(move || Some(this));
        let seen = revision.get();
        (owner, live, revision, seen)
    }

    #[test]
    fn only_a_request_page_shows_a_request() {
        assert_eq!(
            request_on_screen("/requests/FD-1214"),
            Some(TicketRef(1214))
        );
        assert_eq!(request_on_screen("/requests/new"), None);
        assert_eq!(request_on_screen("/requests"), None);
        assert_eq!(request_on_screen("/board"), None);
        assert_eq!(request_on_screen("/"), None);
    }

    #[test]
    fn a_request_page_moves_only_for_its_own_request_and_for_nudges() {
        let this = TicketRef(1001);
        let (_owner, live, revision, seen) = page_about(this);
        live.bump(Some(TicketRef(1002)));
        assert_eq!(revision.get(), seen, "another request's change");
        live.bump(Some(this));
        assert_eq!(revision.get(), seen + 1, "this request's change");
        live.nudge();
        assert_eq!(
            revision.get(),
            seen + 2,
            "a nudge or a resync concerns anything"
        );
    }

    #[test]
    fn a_change_to_this_request_counts_even_when_a_later_one_lands_before_the_page_looks() {
        let this = TicketRef(1001);
        let (_owner, live, revision, seen) = page_about(this);
        live.bump(Some(this));
        live.bump(Some(TicketRef(1002)));
        assert_eq!(revision.get(), seen + 1);
        live.bump(Some(TicketRef(1002)));
        assert_eq!(
            revision.get(),
            seen + 1,
            "one other request's change, looked at"
        );
        live.bump(Some(TicketRef(1002)));
        live.bump(Some(TicketRef(1003)));
        assert_eq!(
            revision.get(),
            seen + 2,
            "several before the page looked: any may have been about it, so it reads again"
        );
    }
}
