//! The notification centre (the bell): which events tell a person something, and how they read.
//!
//! Clients hear where their company's (or their own) requests stand and what the agency said;
//! staff hear of the requests assigned to them. Nobody is told of their own actions.

use serde::{Deserialize, Serialize};

use super::sla::ClockState;
use super::ticket::{FieldChange, TicketChange, TicketRef};

/// Event kinds that reach a client's bell.
pub const CLIENT_KINDS: &[&str] = &["status_changed", "replied", "merged_into"];
/// Event kinds that reach a staff member's bell, for requests assigned to them.
pub const STAFF_KINDS: &[&str] = &[
    "status_changed",
    "replied",
    "note_added",
    "fields_changed",
    "callback_requested",
    "task_done",
    "routed",
    "sla_alerted",
    "escalated",
    "feedback_given",
];
/// How many notifications the bell lists.
pub const INBOX_SIZE: i64 = 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub event_id: i64,
    pub reference: TicketRef,
    pub title: String,
    pub text: String,
    pub at: i64,
    pub unread: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inbox {
    /// Newest first.
    pub items: Vec<Notification>,
    pub unread: i64,
    pub now: i64,
}

/// One line saying what happened, from the reader's side. `actor` is who did it, if a person.
pub fn headline(change: &TicketChange, actor: Option<&str>) -> String {
    let who = actor.unwrap_or("Someone");
    match change {
        TicketChange::Created => format!("{who} filed it"),
        TicketChange::StatusChanged { to, .. } => format!("Now {}", to.label()),
        TicketChange::Replied { .. } => format!("{who} replied"),
        TicketChange::NoteAdded { .. } => format!("{who} added an internal note"),
        TicketChange::FieldsChanged { changes } => format!("{who} changed {}", said(changes)),
        TicketChange::MergedInto { survivor } => format!("Continues on {survivor}"),
        TicketChange::Merged { duplicate } => format!("{duplicate} was merged into it"),
        TicketChange::CallbackRequested { .. } => format!("{who} asked to talk to a person"),
        TicketChange::TaskAdded { title } => format!("Task added: {title}"),
        TicketChange::TaskDone { title, all_done } => {
            if *all_done {
                format!("Last task done: {title}")
            } else {
                format!("Task done: {title}")
            }
        }
        TicketChange::Routed { rule, .. } => format!("Routed to you by “{rule}”"),
        TicketChange::SlaAlerted { state, due, .. } => {
            let how = if *state == ClockState::Breached {
                "missed"
            } else {
                "at risk"
            };
            format!("{} target {how}", due.label())
        }
        TicketChange::Escalated { changes } => format!("Escalated: {}", said(changes)),
        TicketChange::FeedbackGiven { resolved: true, .. } => format!("{who} said it is resolved"),
        TicketChange::FeedbackGiven { .. } => format!("{who} said it is not resolved"),
    }
}

/// Field changes as a phrase: "priority to High, cleared assignee".
pub fn said(changes: &[FieldChange]) -> String {
    changes
        .iter()
        .map(|c| match &c.to {
            Some(to) => format!("{} to {to}", c.field),
            None => format!("cleared {}", c.field),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::sla::DueKind;
    use crate::domain::ticket::TicketStatus;

    #[test]
    fn headlines_read_from_the_readers_side() {
        let moved = TicketChange::StatusChanged {
            from: TicketStatus::New,
            to: TicketStatus::WaitingOnClient,
        };
        assert_eq!(
            headline(&moved, Some("Sam Rivera")),
            "Now Waiting on client"
        );
        let replied = TicketChange::Replied { body: "Hi".into() };
        assert_eq!(headline(&replied, Some("Sam Rivera")), "Sam Rivera replied");
        let missed = TicketChange::SlaAlerted {
            state: ClockState::Breached,
            due: DueKind::FirstResponse,
            due_at: 0,
            assignee_id: None,
        };
        assert_eq!(headline(&missed, None), "First response target missed");
        let edited = TicketChange::FieldsChanged {
            changes: vec![
                FieldChange {
                    field: "priority".into(),
                    from: None,
                    to: Some("High".into()),
                },
                FieldChange {
                    field: "assignee".into(),
                    from: Some("Sam".into()),
                    to: None,
                },
            ],
        };
        assert_eq!(
            headline(&edited, Some("Jordan Lee")),
            "Jordan Lee changed priority to High, cleared assignee"
        );
    }

    #[test]
    fn clients_are_never_told_of_internal_kinds() {
        let internal = [
            TicketChange::NoteAdded {
                body: String::new(),
            },
            TicketChange::FieldsChanged { changes: vec![] },
            TicketChange::Merged {
                duplicate: TicketRef(1),
            },
            TicketChange::TaskAdded {
                title: String::new(),
            },
            TicketChange::TaskDone {
                title: String::new(),
                all_done: true,
            },
            TicketChange::Routed {
                rule: String::new(),
                changes: vec![],
            },
            TicketChange::Escalated { changes: vec![] },
        ];
        for change in internal {
            assert!(change.is_internal());
            assert!(!CLIENT_KINDS.contains(&change.kind()), "{change:?}");
        }
    }
}
