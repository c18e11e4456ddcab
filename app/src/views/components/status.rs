//! Showing and changing a ticket's status.

use leptos::prelude::*;

use super::live::refresh_after;
use crate::api::tickets::ChangeStatus;
use crate::domain::ticket::{TicketRef, TicketStatus};

#[component]
pub fn StatusBadge(status: TicketStatus) -> impl IntoView {
    view! { <span class=format!("badge badge--{}", status.as_str())>{status.label()}</span> }
}

/// The four steps of a request, with the current one marked: clients see where theirs stands.
#[component]
pub fn StatusSteps(status: TicketStatus) -> impl IntoView {
    let position = TicketStatus::ALL
        .iter()
        .position(|s| *s == status)
        .unwrap_or(0);
    view! {
        <ol class="steps" aria-label="Progress">
            {TicketStatus::ALL
                .iter()
                .enumerate()
                .map(|(i, step)| {
                    let class = match i.cmp(&position) {
                        std::cmp::Ordering::Less => "steps__item steps__item--done",
                        std::cmp::Ordering::Equal => "steps__item steps__item--current",
                        std::cmp::Ordering::Greater => "steps__item",
                    };
                    let current = (i == position).then_some("step");
                    view! { <li class=class aria-current=current>{step.label()}</li> }
                })
                .collect_view()}
        </ol>
    }
}

/// The verb on a button that moves a ticket from `from` to `to`.
pub fn move_label(from: TicketStatus, to: TicketStatus) -> &'static str {
    match (from, to) {
        (TicketStatus::Completed, TicketStatus::InProgress) => "Reopen",
        (TicketStatus::WaitingOnClient, TicketStatus::InProgress) => "Resume",
        (_, TicketStatus::InProgress) => "Start",
        (_, TicketStatus::WaitingOnClient) => "Wait on client",
        (_, TicketStatus::Completed) => "Complete",
        (_, TicketStatus::New) => "Mark new",
    }
}

/// Buttons for each status a ticket may move to next.
#[component]
pub fn StatusActions(reference: TicketRef, status: TicketStatus) -> impl IntoView {
    let change = ServerAction::<ChangeStatus>::new();
    let pending = change.pending();
    refresh_after(change);
    let error = move || {
        change
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.to_string())
    };

    view! {
        <div class="status-actions">
            {status
                .next_statuses()
                .iter()
                .map(|&to| {
                    let label = move_label(status, to);
                    view! {
                        <button
                            type="button"
                            class=format!("button button--small button--to-{}", to.as_str())
                            disabled=pending
                            aria-label=format!("{label}: move {reference} to {}", to.label())
                            on:click=move |_| {
                                change.dispatch(ChangeStatus { reference, status: to });
                            }
                        >
                            {label}
                        </button>
                    }
                })
                .collect_view()}
            <Show when=move || error().is_some()>
                <p class="field-error" role="alert">{error}</p>
            </Show>
        </div>
    }
}
