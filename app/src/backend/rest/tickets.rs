//! `/api/v1/tickets`: list, read, file, reply, note and change requests.
//!
//! Reads take the caller's ticket scope; writes run the app's own server functions as the
//! token's maker, so the same rules, events, notifications and audit entries follow.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::caller::Caller;
use super::problem::{Body, Path, Problem, ProblemDocument, Query};
use crate::api::ticket_work::update_ticket;
use crate::api::tickets::{change_status, create_request, get_ticket, reply};
use crate::backend::state::AppState;
use crate::backend::store::TicketQuery;
use crate::domain::api_token::{Access, ApiResource};
use crate::domain::listing::{AssigneeFilter, Cursor, QueueFilter, normalize_tag};
use crate::domain::policy::Permission;
use crate::domain::sla::ClockState;
use crate::domain::ticket::{
    BadTicketRef, Channel, Priority, TicketChange, TicketDetail, TicketRef, TicketStatus,
    TicketSummary,
};
use crate::error::AppError;

/// The most tickets one page lists.
pub const MAX_PAGE: u32 = 100;

/// A moment as RFC 3339 in UTC, e.g. `2026-11-26T14:32:00Z`.
pub fn rfc3339(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms).map_or_else(|_| ms.to_string(), |t| t.to_string())
}

/// A request as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Ticket {
    /// e.g. `FD-1201`.
    pub reference: String,
    pub title: String,
    pub status: TicketStatus,
    pub priority: Priority,
    /// How it reached the agency.
    pub channel: Channel,
    pub category: Option<String>,
    pub account: String,
    pub requester: String,
    pub assignee: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<TicketSummary> for Ticket {
    fn from(t: TicketSummary) -> Ticket {
        Ticket {
            reference: t.reference.to_string(),
            title: t.title,
            status: t.status,
            priority: t.priority,
            channel: t.channel,
            category: t.category,
            account: t.account_name,
            requester: t.requester_name,
            assignee: t.assignee_name,
            created_at: rfc3339(t.created_at),
            updated_at: rfc3339(t.updated_at),
        }
    }
}

/// One entry of a request's conversation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Message {
    pub id: i64,
    /// `reply` (the client sees it) or `note` (agency only).
    pub kind: String,
    pub author: Option<String>,
    pub by_staff: bool,
    /// Markdown, as written.
    pub body: String,
    pub at: String,
}

/// A request with its description, tags and conversation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TicketWithConversation {
    #[serde(flatten)]
    pub ticket: Ticket,
    pub description: String,
    /// The agency's own labels (empty for clients).
    pub tags: Vec<String>,
    pub merged_into: Option<String>,
    pub follows: Option<String>,
    pub messages: Vec<Message>,
}

impl From<TicketDetail> for TicketWithConversation {
    fn from(detail: TicketDetail) -> TicketWithConversation {
        let messages = detail
            .timeline
            .into_iter()
            .filter_map(|entry| {
                let (kind, body) = match entry.change {
                    TicketChange::Replied { body } => ("reply", body),
                    TicketChange::NoteAdded { body } => ("note", body),
                    _ => return None,
                };
                Some(Message {
                    id: entry.id,
                    kind: kind.to_owned(),
                    author: entry.actor_name,
                    by_staff: entry.by_staff,
                    body,
                    at: rfc3339(entry.at),
                })
            })
            .collect();
        TicketWithConversation {
            ticket: detail.summary.into(),
            description: detail.description,
            tags: detail.facts.tags,
            merged_into: detail.merged_into.map(|r| r.to_string()),
            follows: detail.follows.map(|r| r.to_string()),
            messages,
        }
    }
}

/// One page of requests, newest activity first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TicketPage {
    pub tickets: Vec<Ticket>,
    /// Pass as `after` for the next page; absent on the last one.
    pub next: Option<String>,
}

/// Filters for listing requests: the queue board's, by the same names.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TicketFilter {
    pub status: Option<TicketStatus>,
    pub priority: Option<Priority>,
    /// A category id.
    pub category: Option<i64>,
    /// `me`, `none`, or a staff member's id.
    #[param(pattern = "^(me|none|[0-9]{1,15})$")]
    pub assignee: Option<String>,
    /// A team id.
    pub team: Option<i64>,
    /// A client account id.
    pub account: Option<i64>,
    pub channel: Option<Channel>,
    /// A tag, e.g. `vpn`.
    #[param(pattern = "[A-Za-z0-9]", max_length = 64)]
    pub tag: Option<String>,
    /// Where the SLA clock stands.
    pub sla: Option<ClockState>,
    /// The previous page's `next`.
    #[param(value_type = Option<String>, pattern = "^[0-9]{1,15}\\.[0-9]{1,15}$")]
    pub after: Option<Cursor>,
    /// How many to list; 25 when not given.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

/// A request's reference in a path.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ReferencePath {
    /// e.g. `FD-1201`.
    #[param(pattern = "^(FD-|fd-)?[1-9][0-9]{0,14}$")]
    pub reference: String,
}

impl TicketFilter {
    fn queue_filter(&self) -> Result<QueueFilter, Problem> {
        let assignee = self
            .assignee
            .as_deref()
            .map(|value| {
                AssigneeFilter::parse(value).ok_or_else(|| {
                    Problem::bad_request("`assignee` is `me`, `none` or a staff member's id.")
                })
            })
            .transpose()?;
        let tag = match self.tag.as_deref() {
            None => None,
            Some(raw) if raw.chars().count() > 64 => {
                return Err(Problem::bad_request("`tag` is at most 64 characters."));
            }
            Some(raw) => {
                Some(normalize_tag(raw).ok_or_else(|| Problem::bad_request("`tag` is empty."))?)
            }
        };
        Ok(QueueFilter {
            status: self.status,
            priority: self.priority,
            category_id: self.category,
            assignee,
            team_id: self.team,
            account_id: self.account,
            channel: self.channel,
            tag,
            sla: self.sla,
        })
    }
}

/// Lists requests the token may see, with the queue board's filters, a page at a time.
#[utoipa::path(
    get, path = "/api/v1/tickets", tag = "tickets", params(TicketFilter),
    security(("token" = ["tickets:read"])),
    responses(
        (status = 200, body = TicketPage),
        (status = "4XX", body = ProblemDocument, content_type = "application/problem+json"),
    )
)]
pub async fn list_tickets(
    State(state): State<AppState>,
    caller: Caller,
    Query(filter): Query<TicketFilter>,
) -> Result<Json<TicketPage>, Problem> {
    caller.needs(ApiResource::Tickets, Access::Read)?;
    let limit = filter.limit.unwrap_or(25);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(Problem::bad_request(format!("`limit` is 1 to {MAX_PAGE}.")));
    }
    let actor = &caller.actor;
    let page = state
        .store
        .list_page(&TicketQuery {
            scope: actor.ticket_scope(),
            filter: filter.queue_filter()?,
            viewer_id: actor.user_id,
            after: filter.after,
            limit: i64::from(limit),
            ..TicketQuery::default()
        })
        .await?;
    Ok(Json(TicketPage {
        tickets: page.tickets.into_iter().map(Ticket::from).collect(),
        next: page.next.map(|cursor| cursor.to_string()),
    }))
}

/// A reference from the path: `FD-1201`.
fn reference(raw: &str) -> Result<TicketRef, Problem> {
    raw.parse()
        .map_err(|bad: BadTicketRef| Problem::bad_request(format!("{bad}.")))
}

/// Reads one request with its conversation (internal notes for staff tokens).
#[utoipa::path(
    get, path = "/api/v1/tickets/{reference}", tag = "tickets",
    params(ReferencePath),
    security(("token" = ["tickets:read"])),
    responses(
        (status = 200, body = TicketWithConversation),
        (status = "4XX", body = ProblemDocument, content_type = "application/problem+json"),
    )
)]
pub async fn get_one(
    State(state): State<AppState>,
    caller: Caller,
    Path(ReferencePath { reference: raw }): Path<ReferencePath>,
) -> Result<Json<TicketWithConversation>, Problem> {
    caller.needs(ApiResource::Tickets, Access::Read)?;
    let reference = reference(&raw)?;
    let view = caller.run(&state, get_ticket(reference)).await?;
    Ok(Json(view.detail.into()))
}

/// A new request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTicketBody {
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub title: String,
    #[schema(min_length = 1, max_length = 20000, pattern = "\\S")]
    pub description: String,
    /// A category id; none for "not sure".
    #[schema(value_type = Option<i64>)]
    pub category_id: Option<Id>,
    /// The client contact it is filed for.
    #[schema(value_type = i64)]
    pub requester_id: Id,
}

/// Files a request. Send an `Idempotency-Key` header (8–64 letters, digits, `-` or `_`): sending
/// the same key again files nothing new and answers with the same request.
#[utoipa::path(
    post, path = "/api/v1/tickets", tag = "tickets", request_body = NewTicketBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Your own key for this request")),
    security(("token" = ["tickets:write"])),
    responses(
        (status = 201, body = TicketWithConversation, headers(("Location" = String))),
        (status = "4XX", body = ProblemDocument, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Body(body): Body<NewTicketBody>,
) -> Result<Response, Problem> {
    caller.needs(ApiResource::Tickets, Access::Write)?;
    let key = match headers.get("idempotency-key") {
        None => None,
        Some(value) => Some(
            value
                .to_str()
                .map_err(|_| Problem::bad_request("The Idempotency-Key is not plain text."))?
                .to_owned(),
        ),
    };
    let filed = caller
        .run(
            &state,
            create_request(
                body.title,
                body.description,
                body.category_id.map(|Id(id)| id.to_string()),
                None,
                Some(body.requester_id.0),
                None,
                None,
                key,
            ),
        )
        .await?;
    let view = caller.run(&state, get_ticket(filed.reference)).await?;
    let location = format!("/api/v1/tickets/{}", filed.reference);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(TicketWithConversation::from(view.detail)),
    )
        .into_response())
}

/// A message for a request's conversation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageBody {
    /// Markdown.
    #[schema(min_length = 1, max_length = 20000, pattern = "\\S")]
    pub body: String,
}

/// Where a message landed.
#[derive(Debug, Serialize, ToSchema)]
pub struct Posted {
    /// The request it was added to: this one, or (a client answering a request completed long
    /// ago) a new one that follows it.
    pub reference: String,
}

/// Adds a public reply: the client sees it and is notified.
#[utoipa::path(
    post, path = "/api/v1/tickets/{reference}/replies", tag = "tickets", request_body = MessageBody,
    params(ReferencePath),
    security(("token" = ["tickets:write"])),
    responses(
        (status = 201, body = Posted),
        (status = "4XX", body = ProblemDocument, content_type = "application/problem+json"),
    )
)]
pub async fn add_reply(
    state: State<AppState>,
    caller: Caller,
    path: Path<ReferencePath>,
    body: Body<MessageBody>,
) -> Result<(StatusCode, Json<Posted>), Problem> {
    post_message(state, caller, path, body, false).await
}

/// Adds an internal note: agency staff only; never shown to the client.
#[utoipa::path(
    post, path = "/api/v1/tickets/{reference}/notes", tag = "tickets", request_body = MessageBody,
    params(ReferencePath),
    security(("token" = ["tickets:write"])),
    responses(
        (status = 201, body = Posted),
        (status = "4XX", body = ProblemDocument, content_type = "application/problem+json"),
    )
)]
pub async fn add_note(
    state: State<AppState>,
    caller: Caller,
    path: Path<ReferencePath>,
    body: Body<MessageBody>,
) -> Result<(StatusCode, Json<Posted>), Problem> {
    post_message(state, caller, path, body, true).await
}

async fn post_message(
    State(state): State<AppState>,
    caller: Caller,
    Path(ReferencePath { reference: raw }): Path<ReferencePath>,
    Body(message): Body<MessageBody>,
    internal: bool,
) -> Result<(StatusCode, Json<Posted>), Problem> {
    caller.needs(ApiResource::Tickets, Access::Write)?;
    let reference = reference(&raw)?;
    let landed = caller
        .run(
            &state,
            reply(
                reference,
                message.body,
                Some(internal),
                None,
                None,
                Some(true),
            ),
        )
        .await?
        .unwrap_or(reference);
    Ok((
        StatusCode::CREATED,
        Json(Posted {
            reference: landed.to_string(),
        }),
    ))
}

/// An id in a body. JSON has one kind of number, so `7.0` is read as `7` (as JSON Schema's
/// `integer` allows); `7.5` is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Id(pub i64);

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Id, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Number {
            Whole(i64),
            Float(f64),
        }
        match Number::deserialize(d)? {
            Number::Whole(n) => Ok(Id(n)),
            #[allow(clippy::cast_possible_truncation)]
            Number::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(Id(f as i64)),
            Number::Float(f) => Err(serde::de::Error::custom(format!(
                "{f} is not a whole number"
            ))),
        }
    }
}

/// Reads a field that may be given as `null` (to clear it) or left out (to keep it).
fn given<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// Changes to a request; fields left out stay as they are.
// For the ids, left out (keep), `null` (clear) and a value (set) are three different things.
#[allow(clippy::option_option)]
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TicketChanges {
    /// Moves it along the workflow.
    pub status: Option<TicketStatus>,
    pub priority: Option<Priority>,
    /// A category id, or `null` for none.
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<i64>)]
    pub category_id: Option<Option<Id>>,
    /// A staff member's id, or `null` for unassigned.
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<i64>)]
    pub assignee_id: Option<Option<Id>>,
}

/// Changes a request's status, priority, category or assignee (agency staff tokens).
#[utoipa::path(
    patch, path = "/api/v1/tickets/{reference}", tag = "tickets", request_body = TicketChanges,
    params(ReferencePath),
    security(("token" = ["tickets:write"])),
    responses(
        (status = 200, body = TicketWithConversation),
        (status = "4XX", body = ProblemDocument, content_type = "application/problem+json"),
    )
)]
pub async fn change(
    State(state): State<AppState>,
    caller: Caller,
    Path(ReferencePath { reference: raw }): Path<ReferencePath>,
    Body(changes): Body<TicketChanges>,
) -> Result<Json<TicketWithConversation>, Problem> {
    caller.needs(ApiResource::Tickets, Access::Write)?;
    let reference = reference(&raw)?;
    if !caller.actor.can(Permission::WorkQueue) {
        return Err(AppError::Forbidden.into());
    }
    // The ticket must be one the token may see (its account limit), whatever the call does.
    let view = caller.run(&state, get_ticket(reference)).await?;
    let facts = view.detail.facts;
    if changes.priority.is_some() || changes.category_id.is_some() || changes.assignee_id.is_some()
    {
        let id_text = |id: Option<i64>| id.map(|id| id.to_string());
        let chosen =
            |change: Option<Option<Id>>, current| change.map_or(current, |id| id.map(|Id(id)| id));
        caller
            .run(
                &state,
                update_ticket(
                    reference,
                    facts.version,
                    changes.priority.unwrap_or(facts.priority),
                    id_text(chosen(changes.category_id, facts.category_id)),
                    id_text(chosen(changes.assignee_id, facts.assignee_id)),
                    id_text(facts.team_id),
                    Some(facts.tags.join(",")),
                ),
            )
            .await?;
    }
    if let Some(status) = changes.status
        && status != view.detail.summary.status
    {
        caller.run(&state, change_status(reference, status)).await?;
    }
    let view = caller.run(&state, get_ticket(reference)).await?;
    Ok(Json(view.detail.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_may_be_written_as_whole_numbers_of_any_kind() {
        assert_eq!(serde_json::from_str::<Id>("7").unwrap(), Id(7));
        assert_eq!(serde_json::from_str::<Id>("7.0").unwrap(), Id(7));
        assert_eq!(
            serde_json::from_str::<Id>("-298280.0").unwrap(),
            Id(-298_280)
        );
        assert!(serde_json::from_str::<Id>("7.5").is_err());
        assert!(serde_json::from_str::<Id>("1e300").is_err());
        assert!(serde_json::from_str::<Id>("\"7\"").is_err());
    }
}
