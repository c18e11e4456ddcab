//! "Was this resolved?" — asked of the requester when a request is completed: in the portal,
//! and through the signed link in the completion email (which works signed out and for nothing
//! else).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::feedback::Feedback;
use crate::domain::ticket::TicketRef;
use crate::error::AppError;

/// What the requester's ticket page asks, or shows they answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackPrompt {
    pub answer: Option<Feedback>,
    /// Whether an answer may be given (or changed) now.
    pub open: bool,
}

/// The prompt for `actor` on a request: only for its requester (a client), once it is
/// completed or they have answered.
#[cfg(feature = "ssr")]
pub async fn prompt_for(
    actor: &crate::domain::policy::Actor,
    owner: &crate::domain::policy::TicketOwner,
    status: crate::domain::ticket::TicketStatus,
    reference: TicketRef,
) -> Result<Option<FeedbackPrompt>, AppError> {
    use crate::backend::state::app_state;
    use crate::domain::feedback::{check_answer, may_answer};

    if !may_answer(actor, *owner) {
        return Ok(None);
    }
    let state = app_state()?;
    let answer = state.store.feedback(reference).await?;
    let open = check_answer(status, answer.as_ref(), state.clock.now_ms()).is_ok();
    Ok((open || answer.is_some()).then_some(FeedbackPrompt { answer, open }))
}

/// Records the answer, reopening the request on "not resolved", and tells everyone watching.
#[cfg(feature = "ssr")]
async fn record(
    reference: TicketRef,
    user_id: i64,
    resolved: bool,
    comment: &str,
) -> Result<(), AppError> {
    use crate::backend::state::app_state;
    use crate::backend::store::NewFeedback;
    use crate::domain::feedback::parse_comment;

    let comment = parse_comment(comment)?;
    let state = app_state()?;
    let answer = NewFeedback {
        reference,
        user_id,
        resolved,
        comment: &comment,
    };
    state
        .store
        .give_feedback(answer, state.clock.now_ms())
        .await?;
    state.events.publish();
    tracing::info!(%reference, user = user_id, resolved, "feedback given");
    Ok(())
}

/// The requester answers in the portal.
#[server(endpoint = "give_feedback")]
pub async fn give_feedback(
    reference: TicketRef,
    resolved: bool,
    #[server(default)] comment: String,
) -> Result<(), AppError> {
    use crate::backend::{auth, state::app_state};
    use crate::domain::feedback::may_answer;

    let actor = auth::require_actor()?;
    let record_of = app_state()?.store.ticket(reference).await?;
    if !actor.may_view(record_of.owner) {
        return Err(AppError::NotFound);
    }
    if !may_answer(&actor, record_of.owner) {
        return Err(AppError::Forbidden);
    }
    record(reference, actor.user_id, resolved, &comment).await
}

/// What a feedback link's page shows: only the reference (never the request's content) and
/// the answer so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackLinkState {
    pub reference: TicketRef,
    pub answer: Option<bool>,
    pub open: bool,
}

/// The request a valid link is for (and its status), if its person may still answer.
#[cfg(feature = "ssr")]
async fn linked_request(
    token: &str,
) -> Result<(TicketRef, crate::domain::ticket::TicketStatus, i64), AppError> {
    use crate::backend::feedback_link::FeedbackLink;
    use crate::backend::state::app_state;
    use crate::domain::feedback::may_answer;

    let state = app_state()?;
    let key = state.store.signing_key().await?;
    let link = FeedbackLink::verify(token, &key, state.clock.now_ms())
        .map_err(|refused| AppError::BadRequest(refused.to_string()))?;
    let reference = TicketRef(link.ticket_id);
    let record = state.store.ticket(reference).await?;
    // The person must still be an active contact and the requester.
    let actor = state
        .store
        .active_actor(link.user_id)
        .await?
        .ok_or(AppError::Forbidden)?;
    if !may_answer(&actor, record.owner) {
        return Err(AppError::Forbidden);
    }
    Ok((reference, record.summary.status, actor.user_id))
}

#[server(endpoint = "linked_feedback")]
pub async fn linked_feedback(token: String) -> Result<FeedbackLinkState, AppError> {
    use crate::backend::state::app_state;
    use crate::domain::feedback::check_answer;

    let (reference, status, _) = linked_request(&token).await?;
    let state = app_state()?;
    let answer = state.store.feedback(reference).await?;
    Ok(FeedbackLinkState {
        reference,
        open: check_answer(status, answer.as_ref(), state.clock.now_ms()).is_ok(),
        answer: answer.map(|a| a.resolved),
    })
}

/// Answers through the link, signed out.
#[server(endpoint = "feedback_by_link")]
pub async fn feedback_by_link(
    token: String,
    resolved: bool,
    #[server(default)] comment: String,
) -> Result<(), AppError> {
    let (reference, _, user_id) = linked_request(&token).await?;
    record(reference, user_id, resolved, &comment).await
}
