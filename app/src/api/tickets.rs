//! Filing, reading and moving requests.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::ticket::{RequestFilter, TicketDetail, TicketRef, TicketStatus, TicketSummary};
use crate::error::AppError;

/// How many requests a client's list shows.
pub const MY_REQUESTS_LIMIT: i64 = 100;
/// How many open tickets the board shows at most.
pub const BOARD_OPEN_LIMIT: i64 = 500;
/// How many recently completed tickets the board keeps in view.
pub const BOARD_COMPLETED_LIMIT: i64 = 20;

/// A list of requests with the server's clock, so "3 min ago" reads the same before and after
/// hydration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketList {
    pub now: i64,
    pub tickets: Vec<TicketSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketView {
    pub now: i64,
    pub detail: TicketDetail,
    /// The viewer may change this ticket's status.
    pub can_work: bool,
    /// The viewer (a client) may mark it resolved.
    pub can_mark_resolved: bool,
}

/// Files a request for the signed-in client's company. Returns its reference.
#[server(endpoint = "create_request")]
pub async fn create_request(title: String, description: String) -> Result<TicketRef, AppError> {
    use crate::backend::{audit::Audit, auth, state::app_state, store::NewTicket};
    use crate::domain::{audit::AuditAction, policy::Permission, validation::NewRequest};

    let actor = auth::require_permission(Permission::FileRequest)?;
    let request = NewRequest::parse(&title, &description)?;
    let account_id = actor.account_id.ok_or(AppError::Forbidden)?;
    let state = app_state();
    let ticket = NewTicket {
        account_id,
        requester_id: actor.user_id,
        title: &request.title,
        description: &request.description,
        channel: "web",
    };
    let event = state
        .store
        .create_ticket(&ticket, state.clock.now_ms())
        .await?;
    state.events.publish(event.id);
    Audit::new(
        AuditAction::RequestFiled,
        format!("ticket:{}", event.reference),
    )
    .account(Some(account_id))
    .record(&state)
    .await?;
    tracing::info!(reference = %event.reference, user = actor.user_id, "request filed");
    auth::redirect_plain_form_post(&format!("/requests/{}", event.reference));
    Ok(event.reference)
}

/// The requests the signed-in client may see in one of their lists, newest activity first.
#[server(endpoint = "list_my_requests")]
pub async fn list_my_requests(filter: Option<RequestFilter>) -> Result<TicketList, AppError> {
    use crate::backend::{auth, state::app_state, store::StatusFilter};
    use crate::domain::ticket::RECENTLY_CLOSED_MS;

    let actor = auth::require_actor()?;
    let state = app_state();
    let now = state.clock.now_ms();
    let status = match filter.unwrap_or_default() {
        RequestFilter::Open => StatusFilter::Open,
        RequestFilter::Waiting => StatusFilter::Waiting,
        RequestFilter::Closed => StatusFilter::CompletedSince(now - RECENTLY_CLOSED_MS),
    };
    let tickets = state
        .store
        .list_tickets(actor.ticket_scope(), status, MY_REQUESTS_LIMIT)
        .await?;
    Ok(TicketList { now, tickets })
}

/// The staff queue: every open ticket plus the most recently completed ones.
#[server(endpoint = "list_queue")]
pub async fn list_queue() -> Result<TicketList, AppError> {
    use crate::backend::{auth, state::app_state, store::StatusFilter};
    use crate::domain::policy::Permission;

    let actor = auth::require_permission(Permission::WorkQueue)?;
    let state = app_state();
    let scope = actor.ticket_scope();
    let mut tickets = state
        .store
        .list_tickets(scope, StatusFilter::Open, BOARD_OPEN_LIMIT)
        .await?;
    tickets.extend(
        state
            .store
            .list_tickets(scope, StatusFilter::Completed, BOARD_COMPLETED_LIMIT)
            .await?,
    );
    Ok(TicketList {
        now: state.clock.now_ms(),
        tickets,
    })
}

/// One ticket with its history. Someone who may not see it gets "not found", not "forbidden":
/// the answer does not reveal that the reference exists.
#[server(endpoint = "get_ticket")]
pub async fn get_ticket(reference: TicketRef) -> Result<TicketView, AppError> {
    use crate::backend::{auth, state::app_state};
    use crate::domain::policy::Permission;

    let actor = auth::require_actor()?;
    let state = app_state();
    let record = state.store.ticket(reference).await?;
    if !actor.may_view(record.owner) {
        return Err(AppError::NotFound);
    }
    let mut timeline = state
        .store
        .timeline(reference, actor.can(Permission::SeeInternalNotes))
        .await?;
    for entry in &mut timeline {
        entry.html = entry
            .change
            .body()
            .map(crate::backend::markdown::to_safe_html);
    }
    Ok(TicketView {
        now: state.clock.now_ms(),
        detail: TicketDetail {
            summary: record.summary,
            description: record.description,
            timeline,
        },
        can_work: actor.can(Permission::WorkQueue),
        can_mark_resolved: actor.may_mark_resolved(record.owner),
    })
}

/// Adds a public reply (anyone who may see the request) or an internal note (staff) to its
/// conversation. A client's reply may move the request back in progress.
#[server(endpoint = "reply")]
pub async fn reply(
    reference: TicketRef,
    body: String,
    internal: Option<bool>,
) -> Result<(), AppError> {
    use crate::backend::{auth, state::app_state, store::NewMessage};
    use crate::domain::policy::Permission;
    use crate::domain::validation::parse_message;

    let actor = auth::require_actor()?;
    let internal = internal.unwrap_or(false);
    let state = app_state();
    let record = state.store.ticket(reference).await?;
    if !actor.may_view(record.owner) {
        return Err(AppError::NotFound);
    }
    if internal && !actor.can(Permission::SeeInternalNotes) {
        return Err(AppError::Forbidden);
    }
    let body = parse_message(&body)?;
    let message = NewMessage {
        author_id: actor.user_id,
        by_client: !actor.is_staff(),
        body: &body,
        internal,
    };
    let events = state
        .store
        .add_message(reference, &message, state.clock.now_ms())
        .await?;
    for event in &events {
        state.events.publish(event.id);
    }
    tracing::info!(%reference, internal, user = actor.user_id, "message added");
    Ok(())
}

/// A client marks their request resolved (it can be reopened by a reply within 14 days).
#[server(endpoint = "mark_resolved")]
pub async fn mark_resolved(reference: TicketRef) -> Result<(), AppError> {
    use crate::backend::{audit::Audit, auth, state::app_state};
    use crate::domain::audit::AuditAction;

    let actor = auth::require_actor()?;
    let state = app_state();
    let record = state.store.ticket(reference).await?;
    if !actor.may_view(record.owner) {
        return Err(AppError::NotFound);
    }
    if !actor.may_mark_resolved(record.owner) {
        return Err(AppError::Forbidden);
    }
    let event = state
        .store
        .change_status(
            reference,
            TicketStatus::Completed,
            actor.user_id,
            state.clock.now_ms(),
        )
        .await?;
    state.events.publish(event.id);
    Audit::new(AuditAction::StatusChanged, format!("ticket:{reference}"))
        .account(Some(record.owner.account_id))
        .detail(serde_json::json!({ "after": "completed", "by": "client" }))
        .record(&state)
        .await
}

/// Moves a ticket along the status machine.
#[server(endpoint = "change_status")]
pub async fn change_status(
    reference: TicketRef,
    status: TicketStatus,
) -> Result<TicketStatus, AppError> {
    use crate::backend::{audit::Audit, auth, state::app_state};
    use crate::domain::audit::AuditAction;
    use crate::domain::policy::Permission;

    let actor = auth::require_permission(Permission::WorkQueue)?;
    let state = app_state();
    let event = state
        .store
        .change_status(reference, status, actor.user_id, state.clock.now_ms())
        .await?;
    state.events.publish(event.id);
    Audit::new(AuditAction::StatusChanged, format!("ticket:{reference}"))
        .detail(serde_json::json!({ "after": status.as_str() }))
        .record(&state)
        .await?;
    tracing::info!(%reference, status = status.as_str(), user = actor.user_id, "status changed");
    Ok(status)
}
