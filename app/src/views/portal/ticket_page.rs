use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::desk::{DeskOptions, load_desk_options};
use crate::api::feedback::{FeedbackPrompt, GiveFeedback};
use crate::api::session::Me;
use crate::api::ticket_work::{FollowRequest, here};
use crate::api::tickets::{MarkResolved as MarkResolvedAction, Reply, TicketView, get_ticket};
use crate::domain::canned::{PlaceholderValues, expand};
use crate::domain::feedback::COMMENT_MAX_CHARS;
use crate::domain::notification::said;
#[cfg(feature = "hydrate")]
use crate::domain::presence::HEARTBEAT_MS;
use crate::domain::presence::describe;
use crate::domain::sla::ClockState;
use crate::domain::ticket::{
    AttachmentInfo, Task, TicketChange, TicketFacts, TicketRef, TicketStatus, TimelineEntry,
};
use crate::domain::validation::DESCRIPTION_MAX_CHARS;
use crate::error::AppError;
use crate::views::browser::{BrowserData, fill_text_area, use_hydrated};
use crate::views::components::attachments::{AttachmentList, AttachmentPicker, ChosenFiles};
use crate::views::components::confirm::AskFirst;
use crate::views::components::feedback::{ErrorPanel, PageLoading};
use crate::views::components::form::{FormErrors, FormMessage, TextField};
use crate::views::components::header::AppHeader;
use crate::views::components::live::{LinkState, answered_for, last_good, refresh_after, use_live};
use crate::views::components::sla::SlaChip;
use crate::views::components::status::{StatusActions, StatusBadge, StatusSteps};
use crate::views::components::time::ago;
use crate::views::server_data::{ServerData, from_server_data, server_data};
use crate::views::session::{Audience, Gate};
use crate::views::staff::article_picker::{ArticleLinkPicker, PickerState};
use crate::views::staff::ticket_tools::staff_tools;

/// One request: where it stands and what happened so far. Clients and staff both come here.
#[component]
pub fn TicketPage() -> impl IntoView {
    view! {
        <Gate audience=Audience::SignedIn let:me>
            <Ticket me/>
        </Gate>
    }
}

#[component]
fn Ticket(me: Me) -> impl IntoView {
    let live = use_live();
    let params = use_params_map();
    let reference = move || {
        params
            .read()
            .get("reference")
            .and_then(|r| r.parse::<TicketRef>().ok())
    };
    // Opening another request (or coming back to this one) is a new visit.
    let visit = RwSignal::new(0_u32);
    let draft = ReplyDraft::new(visit);
    let feedback = FeedbackDraft::new(visit);
    // What was sent shows at once, even where the live stream is down or held by a proxy.
    refresh_after(draft.send);
    refresh_after(feedback.give);
    // A draft belongs to one request: opening another starts empty.
    Effect::new(move |previous: Option<Option<TicketRef>>| {
        let current = reference();
        if previous.is_some_and(|previous| previous != current) {
            visit.update(|n| *n += 1);
            draft.clear();
            feedback.clear();
            // Nor does what happened to the last one's messages: its outcome, errors included.
            draft.send.clear();
            feedback.give.clear();
        }
        current
    });
    // Drawn again only when this request changes: other requests' traffic would otherwise close
    // the panels and confirmations someone is in the middle of.
    let revision = live.revision_for(reference);
    let ticket = server_data(
        move || (reference(), revision.get()),
        |(reference, _)| {
            answered_for(reference, async move {
                match reference {
                    Some(reference) => get_ticket(reference).await,
                    None => Err(AppError::NotFound),
                }
            })
        },
    );
    let ticket_now = last_good(ticket, reference);
    let back = if me.is_staff() {
        ("/board", "← Queue board")
    } else {
        ("/", "← My requests")
    };
    let agent_name = me.name.clone();
    // Staff pickers and canned replies, read once per page.
    let desk = me
        .is_staff()
        .then(|| server_data(|| (), |()| load_desk_options()));

    let presence = me.is_staff().then(|| {
        let writing = Memo::new(move |_| draft.is_writing());
        view! { <WhoElseIsHere reference=Signal::derive(reference) writing/> }
    });
    let page_class = if me.is_staff() {
        "page page--wide"
    } else {
        "page page--narrow"
    };
    view! {
        <AppHeader me/>
        <main class=page_class>
            <a class="back-link" href=back.0>{back.1}</a>
            {presence}
            <Transition fallback=PageLoading>
                <TicketBody ticket=ticket_now desk agent_name=agent_name.clone() draft feedback/>
            </Transition>
        </main>
    }
}

/// The request, and beside it for staff the tools to work it. The request is drawn again on every
/// change to it; the tools only when what they show changes (the triage form when the facts do, the
/// task list when the tasks do), so a form half filled in there survives a colleague's reply.
/// Made inside the `<Transition>`: the data read here makes the page wait on the server.
#[component]
fn TicketBody(
    ticket: impl Fn() -> Option<Result<TicketView, AppError>> + Copy + Send + Sync + 'static,
    desk: Option<ServerData<DeskOptions>>,
    agent_name: String,
    draft: ReplyDraft,
    feedback: FeedbackDraft,
) -> impl IntoView {
    let desk = move || desk.and_then(|d| d.get()).and_then(Result::ok);
    // What the staff tools show, for a request staff may work.
    let work = from_server_data(move || {
        ticket()
            .and_then(Result::ok)
            .filter(|view| view.can_work)
            .map(|view| StaffWork {
                reference: view.detail.summary.reference,
                facts: view.detail.facts,
                tasks: view.detail.tasks,
            })
    });
    let worked =
        from_server_data(move || work.with(|work| work.as_ref().map(|work| work.reference)));
    // The reply form is not part of the request drawn again on each change to it (a message, a
    // status): someone typing there keeps the box, and its focus (on a phone, the keyboard). It
    // is made again only for another request, or when who it writes to changes.
    let reply_to = from_server_data(move || {
        ticket()
            .and_then(Result::ok)
            .filter(|view| view.detail.merged_into.is_none())
            .map(|view| {
                let summary = view.detail.summary;
                (summary.reference, view.can_work, summary.requester_name)
            })
    });
    let latest_seen = from_server_data(move || {
        ticket().and_then(Result::ok).map_or(0, |view| {
            view.detail.timeline.iter().map(|e| e.id).max().unwrap_or(0)
        })
    });
    // "Was this resolved?" stands apart from the request for the same reason as the reply form:
    // a comment being typed keeps its box. Above the request, the first thing its requester sees
    // (its heading therefore comes before the request's title; drawing the request's head apart
    // too would fix that order at the cost of a third piece of the card).
    let feedback_prompt = from_server_data(move || {
        ticket()
            .and_then(Result::ok)
            .and_then(|view| Some((view.detail.summary.reference, view.feedback?)))
    });
    let hydrated = use_hydrated();
    view! {
        // The request shares the width with the tools when staff may work it; otherwise (a
        // client's view, "not found", errors) it takes the whole width.
        <div class=move || if worked.get().is_some() { "ticket-layout" } else { "" }>
            <div class="ticket-main">
                {move || feedback_prompt.get().map(|(reference, prompt)| view! {
                    <FeedbackPanel reference prompt draft=feedback/>
                })}
                {move || {
                    ticket()
                        .map(|result| match result {
                            Ok(view) => view! { <TicketDetails view/> }.into_any(),
                            Err(AppError::NotFound) => {
                                view! {
                                    <h1>"Request not found"</h1>
                                    <p class="lead">"Check the reference, or go back to your list."</p>
                                }
                                    .into_any()
                            }
                            Err(error) => view! { <ErrorPanel error/> }.into_any(),
                        })
                }}
                {move || {
                    // Desk first, whatever the request: see the tools below.
                    let canned = desk().map(|d| d.canned_replies).unwrap_or_default();
                    let (reference, staff, contact) = reply_to.get()?;
                    let placeholders = (contact, agent_name.clone());
                    Some(view! { <ReplyForm reference staff canned placeholders draft latest_seen/> })
                }}
            </div>
            {move || {
                // Both read before either may end the closure: the server's <Suspense> learns what
                // to wait for from these reads, and a desk list read only once the request had
                // come could be missing from the server's page but not from the browser's, which
                // then failed to take it over (seen in CI when the request answered first).
                let desk = desk();
                let reference = worked.get()?;
                let desk = desk?;
                // Made with the panels, for this request only: another request gets new ones.
                let facts = work_part(work, reference, |work| Some(work.facts.clone()));
                let tasks = work_part(work, reference, |work| work.tasks.clone());
                // The tools' code comes in a chunk of its own, which taking over the server's
                // page cannot wait for: they are drawn in the browser, once the page is hydrated.
                let tries = ToolsTries::new();
                Some(view! {
                    <aside class="ticket-tools" aria-label="Staff tools">
                        <Suspense fallback=|| view! { <p class="muted" role="status">"Loading the tools…"</p> }>
                            {move || hydrated.get().then(|| {
                                tries.count.track();
                                let tools = staff_tools(reference, facts, tasks, desk.clone());
                                Suspend::new(async move {
                                    tools.await.unwrap_or_else(|_| view! { <ToolsUnavailable tries/> }.into_any())
                                })
                            })}
                        </Suspense>
                    </aside>
                })
            }}
        </div>
    }
}

/// What the staff tools of a request show.
#[derive(Clone, PartialEq)]
struct StaffWork {
    reference: TicketRef,
    facts: TicketFacts,
    tasks: Vec<Task>,
}

/// One part of the staff tools' data, for the request `reference` only (the default while
/// another is on screen). A panel follows its own part: a task done leaves the triage form be.
fn work_part<T>(
    work: Signal<Option<StaffWork>>,
    reference: TicketRef,
    part: fn(&StaffWork) -> T,
) -> Memo<T>
where
    T: Clone + Default + PartialEq + Send + Sync + 'static,
{
    Memo::new(move |_| {
        work.with(|work| {
            work.as_ref()
                .filter(|work| work.reference == reference)
                .map(part)
                .unwrap_or_default()
        })
    })
}

/// How many tries in a row the tools make on their own after failing, 1, 2, 4… seconds apart.
const TOOLS_AUTO_TRIES: u32 = 5;

/// Tries at loading the staff tools: each one draws them again.
#[derive(Clone, Copy)]
struct ToolsTries {
    count: RwSignal<u32>,
    /// Tries made on their own since the last one asked for (a press, the link coming back).
    automatic: StoredValue<u32>,
}

impl ToolsTries {
    fn new() -> Self {
        ToolsTries {
            count: RwSignal::new(0),
            automatic: StoredValue::new(0),
        }
    }

    fn again(self, automatic: bool) {
        self.automatic
            .update_value(|n| *n = if automatic { *n + 1 } else { 0 });
        self.count.update(|n| *n += 1);
    }
}

/// The staff tools' chunk could not be fetched: the request stays usable. Offline before the
/// tools were ever loaded, they are tried again on request, as soon as the live link is back, and
/// a few times by themselves while it is up; an old tab after a deploy asks for a chunk the
/// server no longer has, and needs a reload.
#[component]
fn ToolsUnavailable(tries: ToolsTries) -> impl IntoView {
    let link = use_live().link;
    let retry = move || tries.again(false);
    // This panel is drawn anew for each failed try, and its link watch starts from the link as
    // it is: a try that failed just after the link came back (a fetch can still fail a moment
    // after the network returns) would otherwise be the last.
    let in_a_row = tries.automatic.get_value();
    if in_a_row < TOOLS_AUTO_TRIES {
        let later = std::time::Duration::from_secs(1 << in_a_row);
        let try_if_linked = move || {
            if link.get_untracked() == LinkState::Connected {
                tries.again(true);
            }
        };
        if let Ok(timer) = set_timeout_with_handle(try_if_linked, later) {
            on_cleanup(move || timer.clear());
        }
    }
    let first = tries.count.get_untracked() == 0;
    // Back on the live link after losing it: the network works again. (Not at the device's
    // "online" event: fetches can still fail for a moment then.)
    Effect::new(move |before: Option<LinkState>| {
        let now = link.get();
        if before.is_some_and(|before| before != LinkState::Connected)
            && now == LinkState::Connected
        {
            retry();
        }
        now
    });
    view! {
        // (Said out loud once: each try that fails draws the panel again.)
        <div class="error-panel" role=first.then_some("alert")>
            <p>"The staff tools could not be loaded. Check the connection; after an update, reload the page."</p>
            <p class="error-panel__actions">
                <button type="button" class="button" on:click=move |_| retry()>"Try again"</button>
                <a class="button" href="" rel="external">"Reload the page"</a>
            </p>
        </div>
    }
}

/// "Sam Rivera is viewing · Priya Shah is replying": other staff on this request right now. The
/// page says it is here on arrival, every few seconds, and when writing starts or stops.
#[component]
fn WhoElseIsHere(reference: Signal<Option<TicketRef>>, writing: Memo<bool>) -> impl IntoView {
    let beat = RwSignal::new(0_u32);
    #[cfg(feature = "hydrate")]
    {
        let every = std::time::Duration::from_millis(HEARTBEAT_MS);
        if let Ok(timer) = set_interval_with_handle(move || beat.update(|n| *n += 1), every) {
            on_cleanup(move || timer.clear());
        }
    }
    // Read in the browser only, once hydrated: see `Hydrated`.
    let hydrated = use_hydrated();
    let others = LocalResource::new(move || {
        let (reference, writing) = (reference.get(), writing.get());
        beat.track();
        async move {
            match reference {
                Some(reference) => here(reference, writing).await.unwrap_or_default(),
                None => Vec::new(),
            }
        }
    });
    view! {
        <BrowserData>
            <p class="presence" role="status" aria-live="polite">
                {move || hydrated.read(others).and_then(|others| describe(&others))}
            </p>
        </BrowserData>
    }
}

/// What someone is writing on a request. It lives above the request's data, which every live
/// change re-reads and draws again, so that a refresh never drops the text, the files, or the
/// choice of an internal note (which would otherwise fall back to a public reply).
#[derive(Clone, Copy)]
struct ReplyDraft {
    body: RwSignal<String>,
    internal: RwSignal<bool>,
    files: ChosenFiles,
    /// The newest event on screen when writing began: messages after it were written meanwhile.
    since: RwSignal<Option<i64>>,
    /// Sending, and its outcome (an error, or "held back: someone else wrote") stay on screen
    /// through refreshes too.
    send: ServerAction<Reply>,
    /// A message from this visit is on its way.
    sending: Signal<bool>,
    /// Counts messages that went through: each one starts a fresh, empty form.
    sent: RwSignal<u32>,
    /// A help-article search under way (staff).
    picker: PickerState,
}

impl ReplyDraft {
    fn new(visit: RwSignal<u32>) -> Self {
        let mut draft = ReplyDraft {
            body: RwSignal::new(String::new()),
            internal: RwSignal::new(false),
            files: ChosenFiles::default(),
            since: RwSignal::new(None),
            send: ServerAction::new(),
            sending: Signal::stored(false),
            sent: RwSignal::new(0),
            picker: PickerState::default(),
        };
        draft.sending = sent_from_visit(draft.send, visit, move || {
            draft.sent.update(|count| *count += 1);
            draft.clear();
        });
        draft
    }

    fn clear(self) {
        self.body.set(String::new());
        self.internal.set(false);
        self.files.ready.set(Vec::new());
        self.since.set(None);
        self.picker.clear();
    }

    fn is_writing(self) -> bool {
        !self.body.read().trim().is_empty()
    }
}

/// Keeps `action`'s outcome to the visit it was sent from: `after` runs when it succeeds there, and
/// the returned signal says it is on its way there. Someone who opened another request (or came
/// back to this one) before the answer came keeps what they are writing now, and is shown no
/// outcome that is not theirs: a "held back" prompt would send the new draft with `anyway`.
fn sent_from_visit<A>(
    action: ServerAction<A>,
    visit: RwSignal<u32>,
    after: impl Fn() + 'static,
) -> Signal<bool>
where
    A: leptos::server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    A::Output: Clone + Send + Sync + 'static,
{
    // The input is there while it is on its way (the latest one's: only its answer is kept).
    let sent_in = RwSignal::new(None::<u32>);
    Effect::new(move |_| {
        if action.input().with(Option::is_some) {
            sent_in.set(Some(visit.get_untracked()));
        }
    });
    Effect::new(move |_| {
        let Some(succeeded) = action
            .value()
            .with(|outcome| outcome.as_ref().map(Result::is_ok))
        else {
            return;
        };
        if sent_in.get_untracked() != Some(visit.get_untracked()) {
            action.clear();
        } else if succeeded {
            after();
        }
    });
    Signal::derive(move || action.pending().get() && sent_in.get() == Some(visit.get()))
}

/// An answer to "Was this resolved?" being written, kept above the request's data like the reply
/// draft: a change to the request while the comment is typed must not drop it.
#[derive(Clone, Copy)]
struct FeedbackDraft {
    give: ServerAction<GiveFeedback>,
    /// An answer from this visit is on its way.
    giving: Signal<bool>,
    /// Changing an answer given before.
    changing: RwSignal<bool>,
    comment: RwSignal<String>,
}

impl FeedbackDraft {
    fn new(visit: RwSignal<u32>) -> Self {
        let mut draft = FeedbackDraft {
            give: ServerAction::new(),
            giving: Signal::stored(false),
            changing: RwSignal::new(false),
            comment: RwSignal::new(String::new()),
        };
        draft.giving = sent_from_visit(draft.give, visit, move || draft.clear());
        draft
    }

    fn clear(self) {
        self.changing.set(false);
        self.comment.set(String::new());
    }
}

#[component]
fn TicketDetails(view: TicketView) -> impl IntoView {
    let TicketView {
        now,
        detail,
        can_work,
        can_mark_resolved,
        viewer_id: _,
        followers,
        following,
        requester_bounce,
        feedback: _,
    } = view;
    let summary = detail.summary;
    let reference = summary.reference;
    let status = summary.status;
    // Where the request itself has been (entries merged in from a duplicate are the duplicate's).
    let reached = detail
        .timeline
        .iter()
        .filter(|entry| entry.from_ticket.is_none())
        .filter_map(|entry| match entry.change {
            TicketChange::StatusChanged { to, .. } => Some(to),
            _ => None,
        })
        .collect::<Vec<_>>();
    let attachments = StoredValue::new(detail.attachments);
    let files_of = move |event_id: Option<i64>| {
        attachments.with_value(|all| {
            all.iter()
                .filter(|f| f.event_id == event_id)
                .cloned()
                .collect::<Vec<AttachmentInfo>>()
        })
    };
    view! {
        <Title text=format!("{} · {} · Frontdoor", reference, summary.title)/>
        <article class="ticket" data-ref=reference.to_string()>
            <p class="ticket__meta">
                <span class="reference">{reference.to_string()}</span>
                " · "
                {summary.account_name}
                " · filed by "
                {summary.requester_name}
                " "
                {ago(now, summary.created_at)}
                {(summary.channel != crate::domain::ticket::Channel::Web)
                    .then(|| format!(" · {}", summary.channel.label()))}
            </p>
            <h1 class="ticket__title">{summary.title}</h1>
            {detail.merged_into.map(|survivor| view! {
                <p class="notice notice--info">
                    "This request was merged into "
                    <a href=format!("/requests/{survivor}")>{survivor.to_string()}</a>
                    ". The conversation continues there."
                </p>
            })}
            {detail.follows.map(|earlier| view! {
                <p class="notice">"Follows up " <a href=format!("/requests/{earlier}")>{earlier.to_string()}</a></p>
            })}
            {summary.callback_requested.then(|| view! {
                <p class="notice notice--urgent">"☎ A call back was requested."</p>
            })}
            <p class="ticket__status">
                "Status: " <StatusBadge status/>
            </p>
            {summary.sla.filter(|_| can_work).map(|mark| view! { <p class="ticket__sla"><SlaChip mark now/></p> })}
            <p class="ticket__facts">
                "Priority: " {summary.priority.label()}
                {summary.category.map(|c| format!(" · {c}"))}
                {summary.assignee_name.map(|name| format!(" · {name} is on it"))}
            </p>
            <StatusSteps status reached/>
            {requester_bounce.map(|reason| view! {
                <p class="notice notice--urgent" role="status">
                    "Mail to the requester bounced"
                    {(!reason.is_empty()).then(|| format!(" ({reason})"))}
                    ". Updates are not mailed to them until they write to us again: call, or reply here and tell them in another way."
                </p>
            })}
            {can_work.then(|| view! { <StatusActions reference status/> })}
            {
                let resolvable = can_mark_resolved && status.is_open();
                let talk = !can_work && detail.merged_into.is_none();
                (resolvable || talk).then(|| view! {
                    <div class="ticket__actions">
                        {resolvable.then(|| view! { <MarkResolved reference/> })}
                        {talk.then(|| view! {
                            <a class="button button--small" href=format!("/talk?request={reference}")>"☎ Talk to a person"</a>
                        })}
                    </div>
                })
            }
            <Followers followers following reference/>
            <section class="ticket__body">
                <h2 class="visually-hidden">"Description"</h2>
                <p class="prose">{detail.description}</p>
                <AttachmentList files=files_of(None)/>
            </section>
            <section class="timeline" aria-labelledby="conversation-heading">
                <h2 id="conversation-heading">"Conversation"</h2>
                <ol>
                    {detail
                        .timeline
                        .into_iter()
                        .map(|entry| {
                            let files = files_of(Some(entry.id));
                            view! { <TimelineItem entry now files staff=can_work/> }
                        })
                        .collect_view()}
                </ol>
            </section>
            {(status == TicketStatus::Completed && !can_work).then(|| view! {
                <p class="ticket__after muted">
                    "Still not right? Reply within 14 days of completion to reopen it, or "
                    <a href=format!("/requests/new?follows={reference}")>"file a follow-up request"</a>
                    "."
                </p>
            })}
        </article>
    }
}

/// "Was this resolved?" for the requester of a completed request: Yes or No with an optional
/// comment; "No" reopens it. The answer can be changed for a week.
#[component]
fn FeedbackPanel(
    reference: TicketRef,
    prompt: FeedbackPrompt,
    draft: FeedbackDraft,
) -> impl IntoView {
    let FeedbackDraft {
        give,
        giving: pending,
        changing,
        comment,
    } = draft;
    let errors = FormErrors::of(give, &["comment"]);
    let answer = prompt.answer.clone();
    let asking = move || prompt.open && (answer.is_none() || changing.get());
    let said = prompt.answer.clone().map(|given| {
        let verdict = if given.resolved {
            "You said this was resolved. Thank you!"
        } else {
            "You said this was not resolved, so we reopened it."
        };
        view! {
            <p class="feedback__answer" role="status">{verdict}</p>
            {(!given.comment.is_empty()).then(|| view! { <p class="feedback__comment">"“" {given.comment.clone()} "”"</p> })}
        }
    });
    view! {
        <section class="feedback" aria-labelledby="feedback-head">
            <h2 id="feedback-head">"Was this resolved?"</h2>
            {said}
            {move || asking().then(|| view! {
                <ActionForm action=give attr:class="form form--compact" attr:novalidate=true>
                    <input type="hidden" name="reference" value=reference.to_string()/>
                    <TextField name="comment" label="Anything to add? (optional)" placeholder="What worked, or what is still wrong"
                        max_chars=COMMENT_MAX_CHARS multiline=true error=errors.field("comment") value=comment/>
                    <div class="feedback__choices">
                        <button type="submit" name="resolved" value="true" class="button button--ok" disabled=pending>"Yes, resolved"</button>
                        <button type="submit" name="resolved" value="false" class="button button--danger" disabled=pending>"No, reopen it"</button>
                    </div>
                    <FormMessage message=errors.general() note=""/>
                </ActionForm>
            })}
            {move || (prompt.open && prompt.answer.is_some() && !changing.get()).then(|| view! {
                <button type="button" class="button button--small button--quiet" on:click=move |_| changing.set(true)>
                    "Change my answer"
                </button>
            })}
        </section>
    }
}

/// Who follows the request, and for colleagues of the requester a way to follow it too.
#[component]
fn Followers(
    followers: Vec<String>,
    /// Whether the viewer follows it; `None` when they cannot.
    following: Option<bool>,
    reference: TicketRef,
) -> impl IntoView {
    let follow = ServerAction::<FollowRequest>::new();
    refresh_after(follow);
    let list = (!followers.is_empty()).then(|| format!("Followed by {}", followers.join(", ")));
    (list.is_some() || following.is_some()).then(|| view! {
        <p class="followers">
            {list}
            {following.map(|following| view! {
                <button
                    type="button"
                    class="button button--small"
                    aria-pressed=following.to_string()
                    disabled=follow.pending()
                    on:click=move |_| { follow.dispatch(FollowRequest { reference, follow: !following }); }
                >
                    {if following { "Following ✓" } else { "Follow" }}
                </button>
            })}
        </p>
    })
}

/// A client closes their own request, after a confirmation.
#[component]
fn MarkResolved(reference: TicketRef) -> impl IntoView {
    let resolve = ServerAction::<MarkResolvedAction>::new();
    refresh_after(resolve);
    let errors = FormErrors::of(resolve, &[]);
    view! {
        <FormMessage message=errors.general()/>
        <AskFirst
            button="Mark as resolved"
            button_class="button button--small"
            label="Confirm resolved"
            question="Close this request? If something is still wrong, reply within 14 days to reopen it."
            confirm="Yes, it's resolved"
            confirm_class="button button--primary"
            cancel="Not yet"
            calm=true
            pending=resolve.pending()
            on_confirm=move |()| {
                resolve.dispatch(MarkResolvedAction { reference });
            }
        />
    }
}

/// Writing to the conversation, with files. Staff can choose an internal note instead of a reply
/// and start from a canned reply. What was typed stays if sending fails, and clears once it is
/// sent.
#[component]
fn ReplyForm(
    reference: TicketRef,
    staff: bool,
    canned: Vec<crate::domain::canned::CannedReply>,
    /// The contact's and the agent's names, for canned replies' placeholders.
    placeholders: (String, String),
    draft: ReplyDraft,
    /// The newest event this page shows.
    latest_seen: Signal<i64>,
) -> impl IntoView {
    let send = draft.send;
    Effect::new(move |_| {
        if draft.is_writing() && draft.since.get_untracked().is_none() {
            draft.since.set(Some(latest_seen.get_untracked()));
        }
    });
    // Someone else wrote while this was being written: the next send goes anyway.
    let held_back = move || matches!(send.value().get(), Some(Err(AppError::Conflict(_))));
    let errors = FormErrors::of(send, &["body"]);
    let pending = draft.sending;
    let internal = draft.internal;
    let files = draft.files;
    let sent = draft.sent;
    let canned = StoredValue::new(canned);
    let placeholders = StoredValue::new(placeholders);
    let insert_canned = move |event: leptos::ev::Event| {
        let Ok(id) = event_target_value(&event).parse::<i64>() else {
            return;
        };
        let reference = reference.to_string();
        let Some(reply) = canned.with_value(|all| all.iter().find(|c| c.id == id).cloned()) else {
            return;
        };
        let text = placeholders.with_value(|(contact_name, agent_name)| {
            expand(
                &reply.body,
                &PlaceholderValues {
                    contact_name,
                    reference: &reference,
                    agent_name,
                },
            )
        });
        draft.body.set(text.clone());
        fill_text_area("body", &text);
    };
    view! {
        <section class="reply" aria-label="Reply">
            {move || {
                sent.track();
                view! {
                    <ActionForm action=send attr:class="form form--compact" attr:novalidate=true>
                        <input type="hidden" name="reference" value=reference.to_string()/>
                        {move || draft.since.get().map(|since| view! { <input type="hidden" name="since" value=since/> })}
                        {move || held_back().then(|| view! { <input type="hidden" name="anyway" value="true"/> })}
                        {(staff && canned.with_value(|c| !c.is_empty())).then(|| view! {
                            <div class="field field--inline">
                                <label for="canned">"Canned reply"</label>
                                <select id="canned" on:change=insert_canned>
                                    <option value="">"Insert a canned reply…"</option>
                                    {canned.get_value().into_iter().map(|c| view! {
                                        <option value=c.id>{c.title}</option>
                                    }).collect_view()}
                                </select>
                            </div>
                        })}
                        {staff.then(|| view! {
                            <ArticleLinkPicker state=draft.picker on_pick=move |link: String| {
                                let text = draft.body.with_untracked(|body| {
                                    if body.trim().is_empty() { link.clone() } else { format!("{}\n\n{link}", body.trim_end()) }
                                });
                                draft.body.set(text.clone());
                                fill_text_area("body", &text);
                            }/>
                        })}
                        <TextField
                            name="body"
                            label=if staff { "Message" } else { "Add a reply" }
                            // Staff know Markdown; a client is only told what comes out.
                            placeholder=if staff { "Write here. Markdown works: **bold**, lists, links." } else { "Write here. Links and lists are kept." }
                            max_chars=DESCRIPTION_MAX_CHARS
                            multiline=true
                            error=errors.field("body")
                            value=draft.body
                        />
                        <AttachmentPicker chosen=files id="reply-attachments"/>
                        {staff.then(|| view! {
                            <label class="check">
                                <input
                                    type="checkbox"
                                    name="internal"
                                    value="true"
                                    prop:checked=move || internal.get()
                                    on:change=move |event| internal.set(event_target_checked(&event))
                                />
                                "Internal note (only the agency sees it)"
                            </label>
                        })}
                        <FormMessage message=errors.general() note="What you wrote is still here."/>
                        {move || send.value().get().and_then(Result::ok).flatten().map(|started| view! {
                            <p class="notice notice--info" role="status">
                                "This request was completed a while ago, so your message started a new one: "
                                <a href=format!("/requests/{started}")>{started.to_string()}</a>
                                ". It follows this one."
                            </p>
                        })}
                        <button type="submit" class="button button--primary"
                            disabled=move || pending.get() || files.uploading.get()>
                            {move || match (pending.get(), files.uploading.get(), held_back(), internal.get()) {
                                (true, ..) => "Sending…",
                                (false, true, ..) => "Waiting for files…",
                                (false, false, true, _) => "Send anyway",
                                (false, false, false, true) => "Add internal note",
                                (false, false, false, false) => "Send reply",
                            }}
                        </button>
                    </ActionForm>
                }
            }}
        </section>
    }
}

#[component]
fn TimelineItem(
    entry: TimelineEntry,
    now: i64,
    files: Vec<AttachmentInfo>,
    /// Staff may open a mailed message's original.
    staff: bool,
) -> impl IntoView {
    let who = entry.actor_name.unwrap_or_else(|| "Frontdoor".to_owned());
    let when = ago(now, entry.at);
    let internal = entry.change.is_internal();
    let event = entry.id;
    // Staff can open what came by mail as it came.
    let original = move || {
        view! {
            " · by email"
            {staff.then(|| view! {
                " · "
                <a href=format!("/mail/original/{event}") download>"original"</a>
            })}
        }
    };
    let by_mail = entry.by_mail.then_some(original);
    let what = match entry.change {
        TicketChange::Created if entry.from_ticket.is_none() => format!("{who} filed the request"),
        TicketChange::StatusChanged { to, .. } => format!("{who} moved it to {}", to.label()),
        TicketChange::FieldsChanged { changes } => format!("{who} set {}", said(&changes)),
        TicketChange::Routed { rule, changes } => {
            format!("Rule “{rule}” set {}", said(&changes))
        }
        TicketChange::Escalated { changes } => {
            format!("Missed target escalated: {}", said(&changes))
        }
        TicketChange::SlaAlerted { state, due, .. } => {
            let how = if state == ClockState::Breached {
                "was missed"
            } else {
                "is at risk"
            };
            format!("{} target {how}", due.label())
        }
        TicketChange::MergedInto { survivor } => format!("{who} merged this into {survivor}"),
        TicketChange::Merged { duplicate } => format!("{who} merged {duplicate} into this request"),
        TicketChange::CallbackRequested { reach_by, phone } => match phone {
            Some(phone) => format!(
                "{who} asked to talk to a person, by {} on {phone}",
                reach_by.label()
            ),
            None => format!("{who} asked to talk to a person, by {}", reach_by.label()),
        },
        TicketChange::TaskAdded { title } => format!("{who} added task “{title}”"),
        TicketChange::FeedbackGiven { resolved, comment } => {
            let answer = if resolved { "resolved" } else { "not resolved" };
            if comment.is_empty() {
                format!("{who} said it is {answer}")
            } else {
                format!("{who} said it is {answer}: “{comment}”")
            }
        }
        TicketChange::TaskDone { title, all_done } => {
            let all = if all_done { " All tasks are done." } else { "" };
            format!("{who} finished task “{title}”.{all}")
        }
        TicketChange::Created | TicketChange::Replied { .. } | TicketChange::NoteAdded { .. } => {
            let class = match (internal, entry.by_staff) {
                (true, _) => "message message--note",
                (false, true) => "message message--agency",
                (false, false) => "message message--client",
            };
            let label = match (internal, entry.from_ticket) {
                (true, _) => " · internal note".to_owned(),
                (false, Some(from)) => format!(" · from {from}"),
                (false, None) => String::new(),
            };
            // Rendered from markdown and sanitized on the server (backend::markdown).
            let html = entry.html.unwrap_or_default();
            return view! {
                <li class=class>
                    <p class="message__meta">
                        <span class="message__author">{who}</span>
                        {label}
                        {by_mail.map(|original| original())}
                        " · "
                        {when}
                    </p>
                    <div class="message__body prose-html" inner_html=html></div>
                    <AttachmentList files/>
                </li>
            }
            .into_any();
        }
    };
    let class = if internal {
        "timeline__item timeline__item--internal"
    } else {
        "timeline__item"
    };
    view! {
        <li class=class>
            <span class="timeline__what">{what}{by_mail.map(|original| original())}</span>
            <span class="timeline__when">{when}</span>
        </li>
    }
    .into_any()
}
