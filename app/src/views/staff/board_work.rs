//! Working the board by hand: moving cards (drag and drop, shortcuts, bulk), selecting them, and
//! the keyboard path. Moves show at once and are undone, with a message, if the server refuses.
//! Completing asks first: it tells the client and asks them whether it was resolved.

use std::collections::{BTreeSet, HashMap};

use leptos::prelude::*;

use crate::api::board::bulk_change;
use crate::domain::ticket::{Priority, TicketRef, TicketStatus, TicketSummary};
use crate::views::browser::{
    focus_next_card, focused_card, open_focused_card, refocus_card, typing_in_field,
};
use crate::views::components::confirm::ConfirmPanel;
use crate::views::components::live::Live;

/// A card as the board draws it: where it shows (a pending move counts) and how it is marked.
// Independent marks of one card, each a class of its own.
#[allow(clippy::struct_excessive_bools)]
#[derive(Clone)]
pub struct CardView {
    pub ticket: TicketSummary,
    pub shown: TicketStatus,
    /// Moved here, not yet confirmed.
    pub moving: bool,
    /// Filed since the board was opened.
    pub fresh: bool,
    /// Drawn for the first time (plays the arrival animation once, not on every redraw).
    pub arrived: bool,
    /// Changed since the board was last drawn.
    pub changed: bool,
    /// Someone else did something on it since the viewer last opened it.
    pub unread: bool,
}

impl CardView {
    /// What the card's element shows; when any of it changes the card is drawn anew.
    /// The element's classes: `base`, its priority, and how it is marked.
    pub fn classes(&self, base: &str) -> String {
        let marks = [
            (self.fresh, "card--fresh"),
            (self.arrived, "card--arrived"),
            (self.changed, "card--changed"),
            (self.moving, "card--moving"),
            (self.ticket.callback_requested, "card--callback"),
        ];
        marks.iter().filter(|(on, _)| *on).fold(
            format!("{base} {base}--{}", self.ticket.priority.as_str()),
            |classes, (_, mark)| classes + " " + mark,
        )
    }

    pub fn key(&self) -> (TicketRef, i64, TicketStatus, bool, bool) {
        (
            self.ticket.reference,
            self.ticket.updated_at,
            self.shown,
            self.moving,
            self.unread,
        )
    }
}

/// A dot before the reference of a request with activity by others since it was last opened.
#[component]
pub fn UnreadDot(unread: bool) -> impl IntoView {
    unread.then(|| {
        view! {
            <span class="unread-dot" role="img" aria-label="New activity"
                title="New activity since you last opened it"></span>
        }
    })
}

/// The 44 px box that selects a card for bulk changes.
#[component]
pub fn SelectBox(reference: TicketRef, work: BoardWork) -> impl IntoView {
    view! {
        <label class="card__select">
            <input type="checkbox" aria-label=format!("Select {reference}")
                prop:checked=move || work.selected.with(|s| s.contains(&reference))
                on:change=move |_| work.toggle_selected(reference)/>
        </label>
    }
}

/// A change asked for on the board.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoardChange {
    Move(TicketStatus),
    AssignToMe,
    Priority(Priority),
}

/// A move shown before the server confirmed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PendingMove {
    pub to: TicketStatus,
    /// The server accepted it; the override goes once the board's data shows it.
    pub settled: bool,
}

/// The board's working state, shared by its cards, columns, bulk bar and shortcuts.
#[derive(Clone, Copy)]
pub struct BoardWork {
    pub moves: RwSignal<HashMap<TicketRef, PendingMove>>,
    pub selected: RwSignal<BTreeSet<TicketRef>>,
    /// The last outcome worth saying: `(is_error, text)`.
    pub notice: RwSignal<Option<(bool, String)>>,
    /// The card being dragged, and the column it comes from.
    pub dragging: RwSignal<Option<(TicketRef, TicketStatus)>>,
    /// Where each card is, as last drawn: shortcuts check moves against it.
    pub statuses: StoredValue<HashMap<TicketRef, TicketStatus>>,
    /// The card the keyboard was last on: shortcuts act on it even while a redraw has taken
    /// the focus away for a moment.
    pub cursor: StoredValue<Option<TicketRef>>,
    /// Cards waiting for the answer to "Complete …?".
    to_complete: RwSignal<Vec<TicketRef>>,
    /// Cards of the same change the board refused itself: the outcome names them too.
    refused_with_complete: StoredValue<Vec<(TicketRef, String)>>,
    asking: RwSignal<bool>,
    live: Live,
}

impl BoardWork {
    pub fn new(live: Live) -> Self {
        BoardWork {
            moves: RwSignal::new(HashMap::new()),
            selected: RwSignal::new(BTreeSet::new()),
            notice: RwSignal::new(None),
            dragging: RwSignal::new(None),
            statuses: StoredValue::new(HashMap::new()),
            cursor: StoredValue::new(None),
            to_complete: RwSignal::new(Vec::new()),
            refused_with_complete: StoredValue::new(Vec::new()),
            asking: RwSignal::new(false),
            live,
        }
    }

    /// Where a card shows: its pending move, else where the server has it.
    pub fn shown_status(self, reference: TicketRef, stored: TicketStatus) -> TicketStatus {
        self.moves
            .with(|moves| moves.get(&reference).map_or(stored, |m| m.to))
    }

    /// Drops the moves the server accepted, once fresh data shows the board as it now is.
    pub fn settle(self) {
        self.moves.update(|moves| moves.retain(|_, m| !m.settled));
    }

    /// What a shortcut acts on: the selected cards, else the focused one.
    pub fn targets(self) -> Vec<TicketRef> {
        let selected: Vec<TicketRef> = self.selected.get_untracked().into_iter().collect();
        if selected.is_empty() {
            focused_card()
                .or_else(|| self.cursor.get_value())
                .into_iter()
                .collect()
        } else {
            selected
        }
    }

    /// Applies `change` to `references`: moves show at once; what the server refuses goes back
    /// where it was, with the reason. Completing waits for the viewer to confirm it.
    pub fn apply(self, references: Vec<TicketRef>, change: BoardChange) {
        // Another change made meanwhile answers an open "Complete …?" with no.
        self.asking.set(false);
        if references.is_empty() {
            return;
        }
        let mut references = references;
        let mut refused = Vec::new();
        if let BoardChange::Move(to) = change {
            // Only moves the status machine allows; the rest are named, not sent.
            let (allowed, not_allowed): (Vec<_>, Vec<_>) = references.iter().partition(|r| {
                self.statuses.with_value(|s| {
                    s.get(r)
                        .is_none_or(|from| *from == to || from.can_move_to(to))
                })
            });
            if !not_allowed.is_empty() {
                self.notice.set(Some((
                    true,
                    format!("{} cannot move to {}.", list(&not_allowed), to.label()),
                )));
            }
            let why = format!("cannot move to {}", to.label());
            refused = not_allowed.into_iter().map(|r| (r, why.clone())).collect();
            references = allowed;
            if references.is_empty() {
                return;
            }
            if to == TicketStatus::Completed {
                self.to_complete.set(references);
                self.refused_with_complete.set_value(refused);
                self.asking.set(true);
                return;
            }
        }
        self.send(references, change, refused);
    }

    /// Sends `change` for `references`; `refused` are those of the same change the board held
    /// back, which the outcome names beside the server's answer rather than letting it hide them.
    fn send(
        self,
        references: Vec<TicketRef>,
        change: BoardChange,
        refused: Vec<(TicketRef, String)>,
    ) {
        if let BoardChange::Move(to) = change {
            self.moves.update(|moves| {
                for reference in &references {
                    moves.insert(*reference, PendingMove { to, settled: false });
                }
            });
        }
        let (status, assign_to_me, priority) = match change {
            BoardChange::Move(to) => (Some(to), None, None),
            BoardChange::AssignToMe => (None, Some(true), None),
            BoardChange::Priority(priority) => (None, None, Some(priority)),
        };
        leptos::task::spawn_local(async move {
            let outcome = bulk_change(references.clone(), status, assign_to_me, priority).await;
            let (done, mut failed): (Vec<TicketRef>, Vec<(TicketRef, String)>) = match outcome {
                Ok(outcome) => (
                    outcome.done,
                    outcome
                        .failed
                        .into_iter()
                        .map(|f| (f.reference, f.reason))
                        .collect(),
                ),
                Err(error) => (
                    Vec::new(),
                    references.iter().map(|r| (*r, error.to_string())).collect(),
                ),
            };
            self.moves.update(|moves| {
                for (reference, _) in &failed {
                    moves.remove(reference);
                }
                for reference in &done {
                    if let Some(pending) = moves.get_mut(reference) {
                        pending.settled = true;
                    }
                }
            });
            failed.extend(refused);
            self.notice
                .set(Some(outcome_notice(change, &done, &failed)));
            self.live.nudge();
        });
    }

    fn complete_asked(self) {
        let references = self.to_complete.get_untracked();
        self.selected.update(|selected| {
            for reference in &references {
                selected.remove(reference);
            }
        });
        let refused = self.refused_with_complete.get_value();
        self.send(
            references,
            BoardChange::Move(TicketStatus::Completed),
            refused,
        );
    }

    pub fn toggle_selected(self, reference: TicketRef) {
        self.selected.update(|selected| {
            if !selected.remove(&reference) {
                selected.insert(reference);
            }
        });
    }
}

/// What the board says once a change is answered, `(is_error, text)`: what was done, and each
/// request not changed with the reason (the server's, or the board's own for moves it held back).
fn outcome_notice(
    change: BoardChange,
    done: &[TicketRef],
    not_changed: &[(TicketRef, String)],
) -> (bool, String) {
    let reasons = || {
        not_changed
            .iter()
            .map(|(r, why)| format!("{r} ({why})"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match (done, not_changed) {
        (_, []) => (false, format!("{}: {}", list(done), said(change))),
        ([], [(reference, reason)]) => (true, format!("{reference} was not changed: {reason}")),
        ([], _) => (true, format!("Not changed: {}", reasons())),
        _ => (
            true,
            format!(
                "{}: {}; not changed: {}",
                list(done),
                said(change),
                reasons()
            ),
        ),
    }
}

fn list(references: &[TicketRef]) -> String {
    match references {
        [one] => one.to_string(),
        many => format!("{} requests", many.len()),
    }
}

fn said(change: BoardChange) -> String {
    match change {
        BoardChange::Move(to) => format!("moved to {}", to.label()),
        BoardChange::AssignToMe => "assigned to you".to_owned(),
        BoardChange::Priority(priority) => format!("priority {}", priority.label()),
    }
}

/// What each shortcut key does on the board.
fn shortcut(key: &str) -> Option<Shortcut> {
    Some(match key {
        "j" => Shortcut::Focus { forward: true },
        "k" => Shortcut::Focus { forward: false },
        "o" => Shortcut::Open,
        "x" => Shortcut::Select,
        "a" => Shortcut::Change(BoardChange::AssignToMe),
        "i" => Shortcut::Change(BoardChange::Move(TicketStatus::InProgress)),
        "w" => Shortcut::Change(BoardChange::Move(TicketStatus::WaitingOnClient)),
        "c" => Shortcut::Change(BoardChange::Move(TicketStatus::Completed)),
        "1" => Shortcut::Change(BoardChange::Priority(Priority::Critical)),
        "2" => Shortcut::Change(BoardChange::Priority(Priority::High)),
        "3" => Shortcut::Change(BoardChange::Priority(Priority::Normal)),
        "4" => Shortcut::Change(BoardChange::Priority(Priority::Low)),
        _ => return None,
    })
}

enum Shortcut {
    Focus { forward: bool },
    Open,
    Select,
    Change(BoardChange),
}

/// The keyboard path through the board, and its legend.
#[component]
pub fn BoardShortcuts(work: BoardWork) -> impl IntoView {
    let handle = window_event_listener(leptos::ev::keydown, move |event| {
        if event.ctrl_key()
            || event.meta_key()
            || event.alt_key()
            || typing_in_field(&event)
            || work.asking.get_untracked()
        {
            return;
        }
        let Some(action) = shortcut(&event.key()) else {
            return;
        };
        event.prevent_default();
        match action {
            Shortcut::Focus { forward } => focus_next_card(forward),
            Shortcut::Open => open_focused_card(),
            Shortcut::Select => {
                if let Some(reference) = focused_card().or_else(|| work.cursor.get_value()) {
                    work.toggle_selected(reference);
                }
            }
            Shortcut::Change(change) => work.apply(work.targets(), change),
        }
    });
    on_cleanup(move || handle.remove());
    view! {
        <details class="shortcuts">
            <summary>"Keyboard shortcuts"</summary>
            <dl class="shortcuts__list">
                <dt><kbd>"j"</kbd> " / " <kbd>"k"</kbd></dt><dd>"next / previous request"</dd>
                <dt><kbd>"o"</kbd></dt><dd>"open it"</dd>
                <dt><kbd>"x"</kbd></dt><dd>"select it (shortcuts then act on the selection)"</dd>
                <dt><kbd>"a"</kbd></dt><dd>"assign to me"</dd>
                <dt><kbd>"i"</kbd> " " <kbd>"w"</kbd> " " <kbd>"c"</kbd></dt><dd>"In progress, Waiting on client, Completed"</dd>
                <dt><kbd>"1"</kbd> "–" <kbd>"4"</kbd></dt><dd>"priority Critical, High, Normal, Low"</dd>
            </dl>
        </details>
    }
}

/// What to do with the selected cards.
#[component]
pub fn BulkBar(work: BoardWork) -> impl IntoView {
    let count = move || work.selected.with(BTreeSet::len);
    let act = move |change: BoardChange| {
        work.apply(work.selected.get_untracked().into_iter().collect(), change);
        // A question asked keeps the selection until it is answered.
        if !work.asking.get_untracked() {
            work.selected.set(BTreeSet::new());
        }
    };
    view! {
        <Show when=move || count() != 0>
            <div class="bulk-bar" role="toolbar" aria-label="Bulk actions">
                <span class="bulk-bar__count">{move || format!("{} selected", count())}</span>
                <button type="button" class="button button--small" on:click=move |_| act(BoardChange::Move(TicketStatus::InProgress))>"Start"</button>
                <button type="button" class="button button--small" on:click=move |_| act(BoardChange::Move(TicketStatus::WaitingOnClient))>"Wait on client"</button>
                <button type="button" class="button button--small" on:click=move |_| act(BoardChange::Move(TicketStatus::Completed))>"Complete"</button>
                <button type="button" class="button button--small" on:click=move |_| act(BoardChange::AssignToMe)>"Assign to me"</button>
                <label class="visually-hidden" for="bulk-priority">"Set priority"</label>
                <select id="bulk-priority" class="bulk-bar__priority" on:change=move |event| {
                    if let Ok(priority) = event_target_value(&event).parse::<Priority>() {
                        act(BoardChange::Priority(priority));
                    }
                }>
                    <option value="">"Set priority…"</option>
                    {Priority::ALL.iter().map(|p| view! { <option value=p.as_str()>{p.label()}</option> }).collect_view()}
                </select>
                <button type="button" class="button button--quiet button--small" on:click=move |_| work.selected.set(BTreeSet::new())>"Clear"</button>
            </div>
        </Show>
    }
}

/// "Complete …?": completing tells each client and asks them whether it was resolved, so a
/// stray key or a bulk press does not do it alone. Answered, the keyboard goes back to the card.
#[component]
pub fn CompleteQuestion(work: BoardWork) -> impl IntoView {
    let question = move || {
        let references = work.to_complete.get();
        match references.as_slice() {
            [one] => {
                format!("Complete {one}? Its client is told and asked whether it was resolved.")
            }
            many => format!(
                "Complete {} requests? Their clients are told and asked whether each was resolved.",
                many.len()
            ),
        }
    };
    Effect::new(move |was_asking: Option<bool>| {
        let asking = work.asking.get();
        if was_asking == Some(true)
            && !asking
            && let Some(reference) = work.cursor.get_value()
        {
            refocus_card(reference);
        }
        asking
    });
    view! {
        <ConfirmPanel
            open=work.asking
            label="Confirm completing"
            question
            confirm="Complete"
            confirm_class="button"
            calm=true
            on_confirm=move |()| work.complete_asked()
        />
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMPLETE: BoardChange = BoardChange::Move(TicketStatus::Completed);

    fn why(reference: i64, reason: &str) -> (TicketRef, String) {
        (TicketRef(reference), reason.to_owned())
    }

    #[test]
    fn all_done_reads_as_news() {
        assert_eq!(
            outcome_notice(COMPLETE, &[TicketRef(1), TicketRef(2)], &[]),
            (false, "2 requests: moved to Completed".to_owned())
        );
    }

    #[test]
    fn one_not_changed_says_why() {
        assert_eq!(
            outcome_notice(BoardChange::AssignToMe, &[], &[why(7, "it is gone")]),
            (true, "FD-7 was not changed: it is gone".to_owned())
        );
    }

    /// The moves the board held back stay named beside what the server did.
    #[test]
    fn a_partial_change_names_both_what_was_done_and_what_was_not() {
        let (error, text) = outcome_notice(
            COMPLETE,
            &[TicketRef(1), TicketRef(2), TicketRef(3)],
            &[why(4, "cannot move to Completed"), why(5, "offline")],
        );
        assert!(error);
        assert_eq!(
            text,
            "3 requests: moved to Completed; not changed: FD-4 (cannot move to Completed), FD-5 (offline)"
        );
    }

    #[test]
    fn nothing_done_lists_every_reason() {
        assert_eq!(
            outcome_notice(COMPLETE, &[], &[why(4, "a"), why(5, "b")]),
            (true, "Not changed: FD-4 (a), FD-5 (b)".to_owned())
        );
    }
}
