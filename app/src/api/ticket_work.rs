//! Staff work on a ticket beyond replying (facts, merges, tasks), and a client asking to talk to
//! a person.

use leptos::prelude::*;

use crate::domain::ticket::{Priority, ReachBy, TicketRef};
use crate::error::AppError;

/// Sets priority, category, assignee, team and tags (form fields: ids, empty for none; tags
/// comma-separated). `version` is the version the editor started from: if someone changed the
/// ticket since, the edit is refused with a conflict rather than silently overwriting their
/// change. Returns the new version.
#[server(endpoint = "update_ticket")]
pub async fn update_ticket(
    reference: TicketRef,
    version: i64,
    priority: Priority,
    category: Option<String>,
    assignee: Option<String>,
    team: Option<String>,
    tags: Option<String>,
) -> Result<i64, AppError> {
    use crate::backend::{auth, state::app_state};
    use crate::domain::policy::Permission;
    use crate::domain::ticket::TicketFacts;

    let actor = auth::require_permission(Permission::WorkQueue)?;
    let tags: Vec<String> = tags
        .unwrap_or_default()
        .split(',')
        .filter_map(crate::domain::listing::normalize_tag)
        .collect();
    if tags.len() > 20 {
        return Err(AppError::BadRequest("At most 20 tags.".into()));
    }
    let facts = TicketFacts {
        priority,
        category_id: optional_id(category.as_deref(), "category")?,
        assignee_id: optional_id(assignee.as_deref(), "assignee")?,
        team_id: optional_id(team.as_deref(), "team")?,
        tags,
        version,
    };
    let state = app_state()?;
    let (event, version) = state
        .store
        .update_facts(reference, &facts, actor.user_id, state.clock.now_ms())
        .await?;
    if event.is_some() {
        state.events.publish();
    }
    tracing::info!(%reference, version, user = actor.user_id, "ticket updated");
    Ok(version)
}

/// A picker's value: an id, or empty for none.
#[cfg(feature = "ssr")]
pub(crate) fn optional_id(value: Option<&str>, field: &str) -> Result<Option<i64>, AppError> {
    use crate::domain::validation::{ECHO_MAX_CHARS, shortened};

    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(raw) => raw.parse().map(Some).map_err(|_| {
            let quoted = shortened(raw, ECHO_MAX_CHARS);
            AppError::BadRequest(format!("“{quoted}” is not a {field}."))
        }),
    }
}

/// Merges a duplicate request into the one that continues: the duplicate is completed, points to
/// the survivor, its conversation and files move over and its requester is told.
#[server(endpoint = "merge_requests")]
pub async fn merge_requests(duplicate: TicketRef, survivor: TicketRef) -> Result<(), AppError> {
    use crate::backend::{audit::Audit, auth, state::app_state};
    use crate::domain::audit::AuditAction;
    use crate::domain::policy::{Permission, check_merge};

    let actor = auth::require_permission(Permission::WorkQueue)?;
    let state = app_state()?;
    let duplicate_record = state.store.ticket(duplicate).await?;
    let survivor_record = state.store.ticket(survivor).await?;
    let visibility = state
        .store
        .visibility(survivor_record.owner.account_id)
        .await?;
    check_merge(duplicate_record.owner, survivor_record.owner, visibility)
        .map_err(|refused| AppError::Conflict(refused.to_string()))?;
    let events = state
        .store
        .merge(duplicate, survivor, actor.user_id, state.clock.now_ms())
        .await?;
    if !events.is_empty() {
        state.events.publish();
    }
    Audit::new(AuditAction::RequestsMerged, format!("ticket:{duplicate}"))
        .account(Some(survivor_record.owner.account_id))
        .detail(serde_json::json!({ "into": survivor.to_string() }))
        .record(&state)
        .await?;
    tracing::info!(%duplicate, %survivor, user = actor.user_id, "requests merged");
    Ok(())
}

/// "Talk to a person": flags a request for a person to get back to the client the way they prefer
/// (a phone call needs a number), or files a new request for it when there is none. Returns the
/// request flagged.
#[server(endpoint = "request_callback")]
pub async fn request_callback(
    reference: Option<TicketRef>,
    reach_by: Option<ReachBy>,
    phone: Option<String>,
    note: Option<String>,
) -> Result<TicketRef, AppError> {
    use crate::backend::{auth, state::app_state, store::NewTicket};
    use crate::domain::validation::{FieldError, parse_phone};

    let actor = auth::require_actor()?;
    if actor.is_staff() {
        return Err(AppError::Forbidden);
    }
    let reach_by = reach_by.unwrap_or_default();
    let phone = match (
        reach_by,
        phone.as_deref().map(str::trim).filter(|p| !p.is_empty()),
    ) {
        (_, Some(number)) => Some(parse_phone(number)?),
        (ReachBy::Phone, None) => {
            return Err(FieldError::new("phone", "Enter the number we should call.").into());
        }
        (ReachBy::Email, None) => None,
    };
    let state = app_state()?;
    let now = state.clock.now_ms();
    let reference = if let Some(reference) = reference {
        let record = state.store.ticket(reference).await?;
        if !actor.may_view(record.owner) {
            return Err(AppError::NotFound);
        }
        reference
    } else {
        let account_id = actor.account_id.ok_or(AppError::Forbidden)?;
        let note = note.unwrap_or_default();
        let description = match note.trim() {
            "" => "Please call me back.",
            text if text.chars().count() > 2000 => {
                return Err(FieldError::new(
                    "note",
                    "Keep the note short; we'll talk on the phone.",
                )
                .into());
            }
            text => text,
        };
        let ticket = NewTicket::from_portal(
            account_id,
            actor.user_id,
            "Please call me back",
            description,
        );
        let event = state.store.create_ticket(&ticket, now).await?;
        state.events.publish();
        event.reference
    };
    state
        .store
        .request_callback(reference, reach_by, phone.as_deref(), actor.user_id, now)
        .await?;
    state.events.publish();
    tracing::info!(%reference, user = actor.user_id, "call back requested");
    Ok(reference)
}

/// Hands part of a ticket's work off into an internal task. `checklist` is one item per line;
/// `due` a date (`2026-12-01`).
#[server(endpoint = "add_task")]
pub async fn add_task(
    reference: TicketRef,
    title: String,
    assignee: Option<i64>,
    due: Option<String>,
    checklist: Option<String>,
) -> Result<(), AppError> {
    use crate::backend::{auth, state::app_state, store::NewTask};
    use crate::domain::policy::Permission;
    use crate::domain::validation::{FieldError, parse_date, single_line};

    let actor = auth::require_permission(Permission::WorkQueue)?;
    let title = single_line(&title);
    if title.is_empty() || title.chars().count() > 200 {
        return Err(FieldError::new("title", "Give the task a short title.").into());
    }
    let due_at = match due.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(date) => Some(parse_date(date)?),
        None => None,
    };
    let checklist: Vec<String> = checklist
        .unwrap_or_default()
        .lines()
        .map(single_line)
        .filter(|line| !line.is_empty())
        .take(30)
        .collect();
    let state = app_state()?;
    state.store.ticket(reference).await?;
    let task = NewTask {
        title: &title,
        assignee_id: assignee,
        due_at,
        checklist: &checklist,
    };
    state
        .store
        .add_task(reference, &task, actor.user_id, state.clock.now_ms())
        .await?;
    state.events.publish();
    Ok(())
}

/// Ticks or unticks one line of a task's checklist. Answers the line's state as now stored.
#[server(endpoint = "tick_checklist_item")]
pub async fn tick_checklist_item(task: i64, index: usize, done: bool) -> Result<bool, AppError> {
    use crate::backend::{auth, state::app_state};
    use crate::domain::policy::Permission;

    auth::require_permission(Permission::WorkQueue)?;
    app_state()?
        .store
        .set_checklist_item(task, index, done)
        .await?;
    Ok(done)
}

/// Marks a task done; the last one prompts the ticket's owner to reply or complete.
#[server(endpoint = "complete_task")]
pub async fn complete_task(task: i64) -> Result<(), AppError> {
    use crate::backend::{auth, state::app_state};
    use crate::domain::policy::Permission;

    let actor = auth::require_permission(Permission::WorkQueue)?;
    let state = app_state()?;
    state
        .store
        .complete_task(task, actor.user_id, state.clock.now_ms())
        .await?;
    state.events.publish();
    Ok(())
}

/// A client follows (or stops following) a request of their company they may see: its updates
/// reach them like the requester.
#[server(endpoint = "follow_request")]
pub async fn follow_request(reference: TicketRef, follow: bool) -> Result<(), AppError> {
    use crate::backend::{auth, state::app_state};

    let actor = auth::require_actor()?;
    let state = app_state()?;
    let record = state.store.ticket(reference).await?;
    if !actor.may_view(record.owner) {
        return Err(AppError::NotFound);
    }
    if actor.is_staff() || record.owner.requester_id == actor.user_id {
        return Err(AppError::Forbidden);
    }
    Ok(state
        .store
        .set_following(reference, actor.user_id, follow)
        .await?)
}

/// A staff member's open ticket page says it is there (and whether they are writing); the answer
/// is who else is on the request.
#[server(endpoint = "here")]
pub async fn here(
    reference: TicketRef,
    replying: bool,
) -> Result<Vec<crate::domain::presence::Presence>, AppError> {
    use crate::backend::{auth, state::app_state};
    use crate::domain::policy::Permission;

    let actor = auth::require_permission(Permission::WorkQueue)?;
    let state = app_state()?;
    let now = state.clock.now_ms();
    Ok(state
        .store
        .mark_present(reference, actor.user_id, replying, now)
        .await?)
}
