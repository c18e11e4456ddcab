//! Mail as it came, for staff: the original of a message that arrived about a request, and (for
//! admins) a quarantined message. Both are downloads, through the same policy as everything else.

use axum::extract::{Path, State};
use axum::http::request::Parts;
use axum::response::Response;

use super::attachments::file_response;
use super::auth::session_from_parts;
use super::state::AppState;
use crate::domain::policy::{Actor, Permission};
use crate::error::AppError;

/// The person behind the request, if they may do `permission`.
fn permitted(parts: &Parts, permission: Permission) -> Result<Actor, AppError> {
    let session = session_from_parts(parts).ok_or(AppError::Unauthorized)?;
    if session.two_step_missing {
        return Err(AppError::TwoStepSetupNeeded);
    }
    if !session.actor.can(permission) {
        // Clients learn nothing about mail they may not see, not even that it exists.
        return Err(AppError::NotFound);
    }
    Ok(session.actor)
}

/// `GET /mail/original/{event}`: the message a conversation entry came from, as it arrived (staff).
pub async fn original(
    State(state): State<AppState>,
    Path(event_id): Path<i64>,
    parts: Parts,
) -> Result<Response, AppError> {
    let actor = permitted(&parts, Permission::SeeInternalNotes)?;
    let (reference, raw) = state.store.original_mail(event_id).await?;
    let ticket = state.store.ticket(reference).await?;
    if !actor.may_view(ticket.owner) {
        return Err(AppError::NotFound);
    }
    Ok(file_response(
        &format!("{reference}-{event_id}.eml"),
        "message/rfc822",
        raw,
        false,
    ))
}

/// `GET /mail/quarantine/{id}`: a message that could not be read, as it came (admins).
pub async fn quarantined(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    parts: Parts,
) -> Result<Response, AppError> {
    permitted(&parts, Permission::ManageAccounts)?;
    let (_, raw) = state.store.quarantined_raw(id).await?;
    Ok(file_response(
        &format!("unreadable-{id}.eml"),
        "message/rfc822",
        raw,
        false,
    ))
}
