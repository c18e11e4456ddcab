//! `/api/v1/events`: the event log, for keeping another system in step with Frontdoor.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::caller::Caller;
use super::problem::{Problem, ProblemDocument, Query};
use crate::backend::state::AppState;
use crate::backend::store::OwnedEvent;
use crate::domain::api_token::{Access, ApiResource};
use crate::domain::policy::Permission;

pub const MAX_EVENTS: u32 = 500;

/// Something that happened to a request.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Event {
    /// Increasing; pass the last one seen as `after`.
    pub id: i64,
    /// The request, e.g. `FD-1201`.
    pub reference: String,
    /// What happened: an object whose `kind` is `created`, `status_changed` (`from`, `to`),
    /// `replied` (`body`), `note_added` (`body`, staff only), `fields_changed`, `merged_into`,
    /// `merged`, `callback_requested`, `task_added`, `task_done`, `routed`, `sla_alerted`,
    /// `escalated` or `feedback_given`.
    #[schema(value_type = Object)]
    pub change: serde_json::Value,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventPage {
    pub events: Vec<Event>,
    /// The id to pass as `after` next (the last event's, or `after` itself when none came).
    pub next_after: i64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EventQuery {
    /// Only events after this id; 0 (the default) for the beginning.
    #[param(minimum = 0)]
    pub after: Option<i64>,
    /// How many; 100 when not given.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
}

/// The events on requests the token may see, oldest first (internal notes for staff tokens).
#[utoipa::path(
    get, path = "/api/v1/events", tag = "events", params(EventQuery),
    security(("token" = ["events:read"])),
    responses(
        (status = 200, body = EventPage),
        (status = "4XX", body = ProblemDocument, content_type = "application/problem+json"),
    )
)]
pub async fn list_events(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<EventQuery>,
) -> Result<Json<EventPage>, Problem> {
    caller.needs(ApiResource::Events, Access::Read)?;
    let after = query.after.unwrap_or(0);
    let limit = query.limit.unwrap_or(100);
    if !(1..=MAX_EVENTS).contains(&limit) || after < 0 {
        return Err(Problem::bad_request(format!(
            "`after` is 0 or more; `limit` is 1 to {MAX_EVENTS}."
        )));
    }
    let actor = &caller.actor;
    let events = state
        .store
        .events_after(
            after,
            actor.ticket_scope(),
            actor.can(Permission::SeeInternalNotes),
            i64::from(limit),
        )
        .await?;
    let next_after = events.last().map_or(after, |owned| owned.event.id);
    Ok(Json(EventPage {
        events: events
            .into_iter()
            .map(|OwnedEvent { event, .. }| Event {
                id: event.id,
                reference: event.reference.to_string(),
                change: serde_json::to_value(&event.change).unwrap_or_default(),
            })
            .collect(),
        next_after,
    }))
}
