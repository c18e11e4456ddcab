//! Mail as it came, for staff: the original of a message that arrived about a request, and (for
//! admins) a quarantined message. Both are downloads, through the same policy as everything else.

use axum::extract::{Path, State};
use axum::http::request::Parts;
use axum::response::Response;

use super::attachments::file_response;
use super::auth::permitted_download;
use super::state::AppState;
use crate::domain::policy::Permission;
use crate::error::AppError;

/// `GET /mail/original/{event}`: the message a conversation entry came from, as it arrived (staff).
pub async fn original(
    State(state): State<AppState>,
    Path(event_id): Path<i64>,
    parts: Parts,
) -> Result<Response, AppError> {
    let actor = permitted_download(&parts, Permission::SeeInternalNotes)?;
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
    permitted_download(&parts, Permission::ManageAccounts)?;
    let kept = state.store.quarantined_original(id).await?;
    let name = if kept.header_only == 1 {
        format!("unreadable-{id}-header.eml")
    } else {
        format!("unreadable-{id}.eml")
    };
    Ok(file_response(&name, "message/rfc822", kept.raw, false))
}
