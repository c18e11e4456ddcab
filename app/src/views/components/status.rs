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
/// A step passed over (completed without ever waiting on the client) is not drawn as done.
#[component]
pub fn StatusSteps(status: TicketStatus, reached: Vec<TicketStatus>) -> impl IntoView {
    view! {
        <ol class="steps" aria-label="Progress">
            {TicketStatus::ALL
                .into_iter()
                .map(|step| {
                    let (class, current) = match step_state(step, status, &reached) {
                        StepState::Done => ("steps__item steps__item--done", None),
                        StepState::Current => ("steps__item steps__item--current", Some("step")),
                        StepState::Skipped => ("steps__item steps__item--skipped", None),
                        StepState::Ahead => ("steps__item", None),
                    };
                    view! { <li class=class aria-current=current>{step.label()}</li> }
                })
                .collect_view()}
        </ol>
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StepState {
    Done,
    Current,
    /// Before the current step, but the request never was there.
    Skipped,
    Ahead,
}

/// How `step` is drawn for a request now at `status` that has been at each of `reached` (every
/// request starts new).
fn step_state(step: TicketStatus, status: TicketStatus, reached: &[TicketStatus]) -> StepState {
    let index = |s: TicketStatus| TicketStatus::ALL.iter().position(|a| *a == s);
    match index(step).cmp(&index(status)) {
        std::cmp::Ordering::Equal => StepState::Current,
        std::cmp::Ordering::Greater => StepState::Ahead,
        std::cmp::Ordering::Less if step == TicketStatus::New || reached.contains(&step) => {
            StepState::Done
        }
        std::cmp::Ordering::Less => StepState::Skipped,
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

#[cfg(test)]
mod tests {
    use super::StepState::{Ahead, Current, Done, Skipped};
    use super::step_state;
    use crate::domain::ticket::TicketStatus::{Completed, InProgress, New, WaitingOnClient};

    #[test]
    fn steps_passed_over_are_not_drawn_as_done() {
        let states = |status, reached: &[_]| {
            [New, InProgress, WaitingOnClient, Completed]
                .map(|step| step_state(step, status, reached))
        };
        assert_eq!(states(New, &[]), [Current, Ahead, Ahead, Ahead]);
        assert_eq!(
            states(InProgress, &[InProgress]),
            [Done, Current, Ahead, Ahead]
        );
        // Completed straight from work: it never waited on the client.
        assert_eq!(
            states(Completed, &[InProgress, Completed]),
            [Done, Done, Skipped, Current]
        );
        assert_eq!(
            states(
                Completed,
                &[InProgress, WaitingOnClient, InProgress, Completed]
            ),
            [Done, Done, Done, Current]
        );
        // Completed from new, and waiting on the client before anyone started.
        assert_eq!(
            states(Completed, &[Completed]),
            [Done, Skipped, Skipped, Current]
        );
        assert_eq!(
            states(WaitingOnClient, &[WaitingOnClient]),
            [Done, Skipped, Current, Ahead]
        );
    }
}
