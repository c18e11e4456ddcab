use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::session::Me;
use crate::api::tickets::{MarkResolved as MarkResolvedAction, Reply, TicketView, get_ticket};
use crate::domain::ticket::{TicketChange, TicketRef, TimelineEntry};
use crate::domain::validation::DESCRIPTION_MAX_CHARS;
use crate::error::AppError;
use crate::views::components::confirm::ConfirmPanel;
use crate::views::components::feedback::{ErrorPanel, PageLoading};
use crate::views::components::form::{FormErrors, FormMessage, TextField};
use crate::views::components::header::AppHeader;
use crate::views::components::live::use_live;
use crate::views::components::status::{StatusActions, StatusBadge, StatusSteps};
use crate::views::components::time::ago;
use crate::views::session::{Audience, Gate};

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
    let ticket = Resource::new(
        move || (reference(), live.revision.get()),
        |(reference, _)| async move {
            match reference {
                Some(reference) => get_ticket(reference).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let back = if me.is_staff() {
        ("/board", "← Queue board")
    } else {
        ("/", "← My requests")
    };

    view! {
        <AppHeader me/>
        <main class="page page--narrow">
            <a class="back-link" href=back.0>{back.1}</a>
            <Transition fallback=PageLoading>
                {move || {
                    ticket
                        .get()
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
            </Transition>
        </main>
    }
}

#[component]
fn TicketDetails(view: TicketView) -> impl IntoView {
    let TicketView {
        now,
        detail,
        can_work,
        can_mark_resolved,
    } = view;
    let summary = detail.summary;
    let reference = summary.reference;
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
            </p>
            <h1 class="ticket__title">{summary.title}</h1>
            <p class="ticket__status">
                "Status: " <StatusBadge status=summary.status/>
            </p>
            <StatusSteps status=summary.status/>
            {can_work.then(|| view! { <StatusActions reference status=summary.status/> })}
            {(can_mark_resolved && summary.status.is_open()).then(|| view! { <MarkResolved reference/> })}
            <section class="ticket__body">
                <h2 class="visually-hidden">"Description"</h2>
                <p class="prose">{detail.description}</p>
            </section>
            <section class="timeline" aria-labelledby="conversation-heading">
                <h2 id="conversation-heading">"Conversation"</h2>
                <ol>
                    {detail
                        .timeline
                        .into_iter()
                        .map(|entry| view! { <TimelineItem entry now/> })
                        .collect_view()}
                </ol>
            </section>
            <ReplyForm reference staff=can_work/>
        </article>
    }
}

/// A client closes their own request, after a confirmation.
#[component]
fn MarkResolved(reference: TicketRef) -> impl IntoView {
    let resolve = ServerAction::<MarkResolvedAction>::new();
    let errors = FormErrors::of(resolve, &[]);
    let confirming = RwSignal::new(false);
    view! {
        <FormMessage message=errors.general()/>
        <Show when=move || !confirming.get()>
            <button type="button" class="button button--small" on:click=move |_| confirming.set(true)>
                "Mark as resolved"
            </button>
        </Show>
        <ConfirmPanel
            open=confirming
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

/// Writing to the conversation. Staff can choose an internal note instead of a reply. What was
/// typed stays if sending fails, and clears once it is sent.
#[component]
fn ReplyForm(reference: TicketRef, staff: bool) -> impl IntoView {
    let send = ServerAction::<Reply>::new();
    let errors = FormErrors::of(send, &["body"]);
    let pending = send.pending();
    let internal = RwSignal::new(false);
    // A fresh, empty form after each message that went through (and only then).
    let sent = RwSignal::new(0_u32);
    Effect::new(move |_| {
        if matches!(send.value().get(), Some(Ok(()))) {
            sent.update(|count| *count += 1);
            internal.set(false);
        }
    });
    view! {
        <section class="reply" aria-label="Reply">
            {move || {
                sent.track();
                view! {
                    <ActionForm action=send attr:class="form form--compact" attr:novalidate=true>
                        <input type="hidden" name="reference" value=reference.to_string()/>
                        <TextField
                            name="body"
                            label=if staff { "Message" } else { "Add a reply" }
                            placeholder="Write here. Markdown works: **bold**, lists, links."
                            max_chars=DESCRIPTION_MAX_CHARS
                            multiline=true
                            error=errors.field("body")
                        />
                        {staff.then(|| view! {
                            <label class="check">
                                <input
                                    type="checkbox"
                                    name="internal"
                                    value="true"
                                    on:change=move |event| internal.set(event_target_checked(&event))
                                />
                                "Internal note (only the agency sees it)"
                            </label>
                        })}
                        <FormMessage message=errors.general() note="What you wrote is still here."/>
                        <button type="submit" class="button button--primary" disabled=pending>
                            {move || match (pending.get(), internal.get()) {
                                (true, _) => "Sending…",
                                (false, true) => "Add internal note",
                                (false, false) => "Send reply",
                            }}
                        </button>
                    </ActionForm>
                }
            }}
        </section>
    }
}

#[component]
fn TimelineItem(entry: TimelineEntry, now: i64) -> impl IntoView {
    let who = entry.actor_name.unwrap_or_else(|| "Frontdoor".to_owned());
    let when = ago(now, entry.at);
    let what = match entry.change {
        TicketChange::Created => format!("{who} filed the request"),
        TicketChange::StatusChanged { to, .. } => format!("{who} moved it to {}", to.label()),
        TicketChange::Replied { .. } | TicketChange::NoteAdded { .. } => {
            let class = match (entry.change.is_internal(), entry.by_staff) {
                (true, _) => "message message--note",
                (false, true) => "message message--agency",
                (false, false) => "message message--client",
            };
            let label = if entry.change.is_internal() {
                " · internal note"
            } else {
                ""
            };
            // Rendered from markdown and sanitized on the server (backend::markdown).
            let html = entry.html.unwrap_or_default();
            return view! {
                <li class=class>
                    <p class="message__meta">
                        <span class="message__author">{who}</span>
                        {label}
                        " · "
                        {when}
                    </p>
                    <div class="message__body prose-html" inner_html=html></div>
                </li>
            }
            .into_any();
        }
    };
    view! {
        <li class="timeline__item">
            <span class="timeline__what">{what}</span>
            <span class="timeline__when">{when}</span>
        </li>
    }
    .into_any()
}
