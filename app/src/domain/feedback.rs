//! "Was this resolved?": who is asked, when an answer may still change, and what an answer does.

use serde::{Deserialize, Serialize};

use super::policy::{Actor, TicketOwner};
use super::ticket::TicketStatus;
use super::validation::FieldError;

/// An answer may be changed for this long after it was first given (7 days).
pub const CHANGE_WINDOW_MS: i64 = 7 * 24 * 60 * 60 * 1000;
/// A feedback link in a completion email works for this long (30 days).
pub const LINK_LIFETIME_MS: i64 = 30 * 24 * 60 * 60 * 1000;
pub const COMMENT_MAX_CHARS: usize = 2_000;

/// An answer as given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feedback {
    pub resolved: bool,
    pub comment: String,
    /// When it was first answered (the change window starts here).
    pub answered_at: i64,
}

/// Why an answer is not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FeedbackRefused {
    #[error("We ask once a request is completed.")]
    NotCompleted,
    #[error("Answers can be changed for 7 days. File a new request if something is still wrong.")]
    WindowClosed,
}

/// Only the requester answers, and only a client: staff filing for themselves are not asked.
pub fn may_answer(actor: &Actor, owner: TicketOwner) -> bool {
    !actor.is_staff() && owner.requester_id == actor.user_id && actor.may_view(owner)
}

/// Whether an answer may be given now: the first once the request is completed, a change
/// within [`CHANGE_WINDOW_MS`] of the first (the request may have reopened meanwhile).
pub fn check_answer(
    status: TicketStatus,
    earlier: Option<&Feedback>,
    now: i64,
) -> Result<(), FeedbackRefused> {
    match earlier {
        None if status == TicketStatus::Completed => Ok(()),
        None => Err(FeedbackRefused::NotCompleted),
        Some(earlier) if now - earlier.answered_at <= CHANGE_WINDOW_MS => Ok(()),
        Some(_) => Err(FeedbackRefused::WindowClosed),
    }
}

/// Whether the request goes back to work: "not resolved" on a completed request reopens it.
pub fn reopens(resolved: bool, status: TicketStatus) -> bool {
    !resolved && status == TicketStatus::Completed
}

/// The comment as kept: trimmed, within bounds.
pub fn parse_comment(comment: &str) -> Result<String, FieldError> {
    let comment = comment.trim();
    if comment.chars().count() > COMMENT_MAX_CHARS {
        return Err(FieldError::new(
            "comment",
            format!("Keep it under {COMMENT_MAX_CHARS} characters."),
        ));
    }
    Ok(comment.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::policy::{Role, Visibility};

    const DAY: i64 = 24 * 60 * 60 * 1000;

    fn person(user_id: i64, role: Role, account_id: Option<i64>) -> Actor {
        Actor {
            user_id,
            name: "P".into(),
            role,
            account_id,
            visibility: Visibility::Company,
            account_limit: None,
        }
    }

    #[test]
    fn only_the_requester_answers() {
        let owner = TicketOwner {
            account_id: 3,
            requester_id: 7,
        };
        assert!(may_answer(&person(7, Role::Contact, Some(3)), owner));
        assert!(!may_answer(&person(8, Role::AccountAdmin, Some(3)), owner));
        assert!(!may_answer(&person(7, Role::Agent, None), owner));
        assert!(!may_answer(&person(7, Role::Contact, Some(4)), owner));
    }

    #[test]
    fn the_first_answer_waits_for_completion_and_changes_close_after_a_week() {
        assert_eq!(check_answer(TicketStatus::Completed, None, 0), Ok(()));
        assert_eq!(
            check_answer(TicketStatus::InProgress, None, 0),
            Err(FeedbackRefused::NotCompleted)
        );
        let given = Feedback {
            resolved: false,
            comment: String::new(),
            answered_at: 10 * DAY,
        };
        // Reopened by the answer, and still changeable.
        assert_eq!(
            check_answer(TicketStatus::InProgress, Some(&given), 17 * DAY),
            Ok(())
        );
        assert_eq!(
            check_answer(TicketStatus::Completed, Some(&given), 17 * DAY + 1),
            Err(FeedbackRefused::WindowClosed)
        );
    }

    #[test]
    fn comments_are_trimmed_and_bounded() {
        assert_eq!(parse_comment("  thanks \n").unwrap(), "thanks");
        assert_eq!(
            parse_comment(&"x".repeat(COMMENT_MAX_CHARS + 1))
                .unwrap_err()
                .field,
            "comment"
        );
    }

    #[test]
    fn no_on_a_completed_request_reopens_it_and_the_machine_allows_that() {
        assert!(reopens(false, TicketStatus::Completed));
        assert!(!reopens(true, TicketStatus::Completed));
        assert!(!reopens(false, TicketStatus::InProgress));
        assert!(TicketStatus::Completed.can_move_to(TicketStatus::InProgress));
    }
}
