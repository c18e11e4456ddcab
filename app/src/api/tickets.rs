//! Filing, reading and moving requests.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::listing::{Cursor, SearchHit};
use crate::domain::ticket::{RequestFilter, TicketDetail, TicketRef, TicketStatus, TicketSummary};
use crate::error::AppError;

/// How many requests one page of a client's list shows.
pub const MY_REQUESTS_PAGE: i64 = 25;
/// How many tickets a search shows.
pub const SEARCH_LIMIT: usize = 20;
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
    /// Where the next page starts, when there is one.
    pub next: Option<Cursor>,
    /// Requests with activity by others since the viewer last opened them (the staff board).
    pub unread: Vec<TicketRef>,
}

/// What the confirmation after filing shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiledRequest {
    pub reference: TicketRef,
    /// "within 1 business day"
    pub first_response: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketView {
    pub now: i64,
    pub detail: TicketDetail,
    /// The viewer may change this ticket's status.
    pub can_work: bool,
    /// The viewer (a client) may mark it resolved.
    pub can_mark_resolved: bool,
    /// The viewer's own user id (to tell their messages apart).
    pub viewer_id: i64,
    /// Who follows it, by name.
    pub followers: Vec<String>,
    /// Whether the viewer follows it; `None` when they cannot (staff, or the requester).
    pub following: Option<bool>,
    /// Staff: why mail to the requester bounced, when it did (updates are not mailed meanwhile).
    pub requester_bounce: Option<String>,
    /// For the requester of a completed request: "Was this resolved?" and their answer.
    pub feedback: Option<crate::api::feedback::FeedbackPrompt>,
}

/// Files a request: a client for their own company, or staff on behalf of a contact
/// (`requester`). Only title and description are required; `category` is a category id, or empty
/// for "Not sure". `attempt` names the writing session, whose opened article suggestions then
/// count as not having saved a request. `submission` is the sender's own key for this request
/// (one written offline is sent again until an answer arrives): the same key files it once.
/// Returns the reference and the first-response promise.
#[server(endpoint = "create_request")]
pub async fn create_request(
    title: String,
    description: String,
    category: Option<String>,
    attachments: Option<Vec<i64>>,
    requester: Option<i64>,
    follows: Option<TicketRef>,
    attempt: Option<String>,
    submission: Option<String>,
) -> Result<FiledRequest, AppError> {
    use crate::backend::{
        audit::Audit,
        auth,
        state::app_state,
        store::{Filing, NewTicket},
    };
    use crate::domain::attachment::MAX_ATTACHMENTS;
    use crate::domain::audit::AuditAction;
    use crate::domain::ticket::Priority;
    use crate::domain::validation::{FieldError, NewRequest, SubmissionKey};

    let actor = auth::require_actor()?;
    let state = app_state()?;
    let (account_id, requester_id, channel) = requester_of(&actor, requester).await?;
    // Nobody files what they could not then see (staff acting within one account).
    if !actor.may_view(crate::domain::policy::TicketOwner {
        account_id,
        requester_id,
    }) {
        return Err(AppError::Forbidden);
    }
    let request = NewRequest::parse(&title, &description)?;
    let category_id = category_of(category.as_deref()).await?;
    let attachments = attachments.unwrap_or_default();
    if attachments.len() > MAX_ATTACHMENTS {
        return Err(FieldError::new(
            "attachments",
            format!("Attach at most {MAX_ATTACHMENTS} files."),
        )
        .into());
    }
    if let Some(earlier) = follows {
        let record = state.store.ticket(earlier).await?;
        if !actor.may_view(record.owner) {
            return Err(AppError::NotFound);
        }
    }
    let submission = submission
        .filter(|key| !key.is_empty())
        .map(|key| {
            SubmissionKey::parse(&key).ok_or_else(|| {
                AppError::BadRequest("The submission key is not well formed.".into())
            })
        })
        .transpose()?;
    let priority = Priority::default();
    let ticket = NewTicket {
        channel,
        category_id,
        priority,
        follows,
        attachments: &attachments,
        filed_by: actor.user_id,
        ..NewTicket::from_portal(
            account_id,
            requester_id,
            &request.title,
            &request.description,
        )
    };
    let now = state.clock.now_ms();
    let event = match submission {
        Some(key) => match state
            .store
            .create_ticket_once(&ticket, key.as_str(), now)
            .await?
        {
            Filing::Filed(event) => event,
            // Sent before (the answer was lost on the way): the same request, nothing new.
            Filing::AlreadyFiled(reference) => return filed_request(reference).await,
        },
        None => state.store.create_ticket(&ticket, now).await?,
    };
    state.events.publish();
    if let Some(attempt) = attempt.filter(|a| !a.is_empty()) {
        state
            .store
            .suggestions_filed(&attempt, actor.user_id, event.reference.0)
            .await?;
    }
    Audit::new(
        AuditAction::RequestFiled,
        format!("ticket:{}", event.reference),
    )
    .account(Some(account_id))
    .detail(serde_json::json!({ "channel": channel.as_str() }))
    .record(&state)
    .await?;
    tracing::info!(reference = %event.reference, user = actor.user_id, channel = channel.as_str(), "request filed");
    filed_request(event.reference).await
}

/// The answer to filing `reference`: where it is, and when the first response is due.
#[cfg(feature = "ssr")]
async fn filed_request(reference: TicketRef) -> Result<FiledRequest, AppError> {
    use crate::backend::{auth, state::app_state};
    use crate::domain::sla::response_promise;

    // After the rules ran: they may have changed the priority or the tier.
    let (targets, _) = app_state()?.store.ticket_sla_policy(reference).await?;
    auth::redirect_plain_form_post(&format!("/requests/{reference}"));
    Ok(FiledRequest {
        reference,
        first_response: response_promise(targets.first_response_ms),
    })
}

/// Whose request it is: a client's own (through the portal), or, for staff, the contact they
/// file for (by phone or in a meeting). Returns the account, the requester and the channel.
#[cfg(feature = "ssr")]
async fn requester_of(
    actor: &crate::domain::policy::Actor,
    requester: Option<i64>,
) -> Result<(i64, i64, crate::domain::ticket::Channel), AppError> {
    use crate::backend::state::app_state;
    use crate::domain::policy::Permission;
    use crate::domain::ticket::Channel;
    use crate::domain::validation::FieldError;

    let choose = || FieldError::new("requester", "Choose the contact this request is for.");
    match (actor.is_staff(), requester) {
        (false, None) if actor.can(Permission::FileRequest) => Ok((
            actor.account_id.ok_or(AppError::Forbidden)?,
            actor.user_id,
            Channel::Web,
        )),
        (true, Some(contact_id)) => {
            let contact = app_state()?
                .store
                .active_actor(contact_id)
                .await?
                .filter(|person| !person.is_staff())
                .ok_or_else(choose)?;
            Ok((
                contact.account_id.ok_or(AppError::Forbidden)?,
                contact.user_id,
                Channel::Staff,
            ))
        }
        (true, None) => Err(choose().into()),
        (false, _) => Err(AppError::Forbidden),
    }
}

/// Clears what only the agency reads (the SLA clock) from tickets shown to a client.
#[cfg(feature = "ssr")]
fn hide_staff_fields<'a>(
    actor: &crate::domain::policy::Actor,
    tickets: impl Iterator<Item = &'a mut TicketSummary>,
) {
    if !actor.is_staff() {
        for ticket in tickets {
            ticket.sla = None;
        }
    }
}

/// A category picked on the form: an active category's id, or empty for "Not sure".
#[cfg(feature = "ssr")]
async fn category_of(value: Option<&str>) -> Result<Option<i64>, AppError> {
    use crate::backend::state::app_state;
    use crate::domain::validation::FieldError;

    let Some(raw) = value.map(str::trim).filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    let known = app_state()?.store.categories().await?;
    raw.parse::<i64>()
        .ok()
        .filter(|id| known.iter().any(|c| c.id == *id))
        .map(Some)
        .ok_or_else(|| {
            FieldError::new("category", "Choose one of the categories, or “Not sure”.").into()
        })
}

/// The requests the signed-in client may see in one of their lists, newest activity first, one
/// page at a time.
#[server(endpoint = "list_my_requests")]
pub async fn list_my_requests(
    filter: Option<RequestFilter>,
    after: Option<Cursor>,
) -> Result<TicketList, AppError> {
    use crate::backend::{
        auth,
        state::app_state,
        store::{StatusFilter, TicketQuery},
    };
    use crate::domain::ticket::RECENTLY_CLOSED_MS;

    let actor = auth::require_actor()?;
    let state = app_state()?;
    let now = state.clock.now_ms();
    let status = match filter.unwrap_or_default() {
        RequestFilter::Open => StatusFilter::Open,
        RequestFilter::Waiting => StatusFilter::Waiting,
        RequestFilter::Closed => StatusFilter::CompletedSince(now - RECENTLY_CLOSED_MS),
    };
    let page = state
        .store
        .list_page(&TicketQuery {
            scope: actor.ticket_scope(),
            status,
            viewer_id: actor.user_id,
            after,
            limit: MY_REQUESTS_PAGE,
            ..TicketQuery::default()
        })
        .await?;
    let mut tickets = page.tickets;
    hide_staff_fields(&actor, tickets.iter_mut());
    Ok(TicketList {
        now,
        tickets,
        next: page.next,
        unread: Vec::new(),
    })
}

/// Full-text search over the requests the signed-in person may see: titles, descriptions and
/// public replies, and for staff internal notes too. Best matches first, with a snippet.
#[server(endpoint = "search_requests")]
pub async fn search_requests(query: String) -> Result<Vec<SearchHit>, AppError> {
    use crate::backend::{auth, state::app_state};
    use crate::domain::policy::Permission;

    let actor = auth::require_actor()?;
    if query.chars().count() > 200 {
        return Err(AppError::BadRequest("The search is too long.".into()));
    }
    let state = app_state()?;
    let mut hits = state
        .store
        .search(
            actor.ticket_scope(),
            actor.can(Permission::SeeInternalNotes),
            &query,
            SEARCH_LIMIT,
        )
        .await?;
    hide_staff_fields(&actor, hits.iter_mut().map(|hit| &mut hit.ticket));
    Ok(hits)
}

/// The staff queue: every open ticket plus the most recently completed ones, narrowed by the
/// staff filters (an address-bar query, see `QueueFilter`).
#[server(endpoint = "list_queue")]
pub async fn list_queue(filter: Option<String>) -> Result<TicketList, AppError> {
    use crate::backend::{
        auth,
        state::app_state,
        store::{StatusFilter, TicketQuery},
    };
    use crate::domain::listing::QueueFilter;
    use crate::domain::policy::Permission;

    let actor = auth::require_permission(Permission::WorkQueue)?;
    let state = app_state()?;
    let query = TicketQuery {
        scope: actor.ticket_scope(),
        filter: QueueFilter::from_query(filter.as_deref().unwrap_or_default()),
        viewer_id: actor.user_id,
        status: StatusFilter::Open,
        limit: BOARD_OPEN_LIMIT,
        after: None,
    };
    let mut tickets = state.store.list_page(&query).await?.tickets;
    let completed = TicketQuery {
        status: StatusFilter::Completed,
        limit: BOARD_COMPLETED_LIMIT,
        ..query
    };
    tickets.extend(state.store.list_page(&completed).await?.tickets);
    let references: Vec<TicketRef> = tickets.iter().map(|t| t.reference).collect();
    let unread = state.store.unread_among(actor.user_id, &references).await?;
    Ok(TicketList {
        now: state.clock.now_ms(),
        tickets,
        next: None,
        unread,
    })
}

/// One ticket with its history. Someone who may not see it gets "not found", not "forbidden":
/// the answer does not reveal that the reference exists.
#[server(endpoint = "get_ticket")]
pub async fn get_ticket(reference: TicketRef) -> Result<TicketView, AppError> {
    use crate::backend::{auth, markdown::to_safe_html, state::app_state};
    use crate::domain::mention::emphasize_mentions;
    use crate::domain::policy::Permission;
    use crate::domain::ticket::TicketChange;

    let actor = auth::require_actor()?;
    let state = app_state()?;
    let record = state.store.ticket(reference).await?;
    if !actor.may_view(record.owner) {
        return Err(AppError::NotFound);
    }
    let staff_view = actor.can(Permission::SeeInternalNotes);
    // Opened by a person (not read by another system through the API): the board no longer
    // marks it until someone else does something.
    if staff_view && auth::api_call().is_none() {
        state
            .store
            .mark_ticket_seen(actor.user_id, reference)
            .await?;
    }
    let mut timeline = state.store.timeline(reference, staff_view).await?;
    let staff_names: Vec<String> = if staff_view {
        state
            .store
            .assignable_staff()
            .await?
            .into_iter()
            .map(|c| c.name)
            .collect()
    } else {
        Vec::new()
    };
    let staff_names: Vec<&str> = staff_names.iter().map(String::as_str).collect();
    for entry in &mut timeline {
        entry.html = match (&entry.change, entry.from_ticket) {
            // A merged duplicate's request itself reads as its opening message.
            (TicketChange::Created, Some(duplicate)) => {
                let merged = state.store.ticket(duplicate).await?;
                Some(to_safe_html(&format!(
                    "**{}**\n\n{}",
                    merged.summary.title, merged.description
                )))
            }
            // Mentions of colleagues stand out in notes.
            (TicketChange::NoteAdded { body }, _) => {
                Some(to_safe_html(&emphasize_mentions(body, &staff_names)))
            }
            (change, _) => change.body().map(to_safe_html),
        };
    }
    let mut summary = record.summary;
    hide_staff_fields(&actor, std::iter::once(&mut summary));
    let mut facts = record.facts;
    if !staff_view {
        // Tags are the agency's own words.
        facts.tags.clear();
    }
    let tasks = if staff_view {
        state.store.tasks(reference).await?
    } else {
        Vec::new()
    };
    let followers = state.store.followers(reference).await?;
    let following = followers.iter().any(|f| f.id == actor.user_id);
    let feedback =
        crate::api::feedback::prompt_for(&actor, &record.owner, summary.status, reference).await?;
    Ok(TicketView {
        now: state.clock.now_ms(),
        detail: TicketDetail {
            summary,
            description: record.description,
            facts,
            timeline,
            attachments: state.store.attachments(reference, staff_view).await?,
            merged_into: record.merged_into,
            follows: record.follows,
            tasks,
        },
        can_work: actor.can(Permission::WorkQueue),
        can_mark_resolved: actor.may_mark_resolved(record.owner),
        viewer_id: actor.user_id,
        followers: followers.into_iter().map(|f| f.name).collect(),
        following: (!actor.is_staff() && record.owner.requester_id != actor.user_id)
            .then_some(following),
        requester_bounce: if staff_view {
            state
                .store
                .mail_preferences(record.owner.requester_id)
                .await?
                .bounced
        } else {
            None
        },
        feedback,
    })
}

/// Adds a public reply (anyone who may see the request) or an internal note (staff) to its
/// conversation. A client's reply may move the request back in progress; to a request completed
/// more than 14 days ago it starts a new request that follows it, whose reference is returned.
///
/// `since` is the newest event the writer had seen when they started writing: if someone else
/// wrote meanwhile, the message is held back with a 409 naming them, unless `anyway`.
#[server(endpoint = "reply")]
pub async fn reply(
    reference: TicketRef,
    body: String,
    internal: Option<bool>,
    attachments: Option<Vec<i64>>,
    since: Option<i64>,
    anyway: Option<bool>,
) -> Result<Option<TicketRef>, AppError> {
    use crate::backend::{
        auth,
        state::app_state,
        store::{NewMessage, StoreError},
    };
    use crate::domain::policy::Permission;
    use crate::domain::ticket::ReplyRefused;
    use crate::domain::validation::parse_message;

    let actor = auth::require_actor()?;
    let internal = internal.unwrap_or(false);
    let state = app_state()?;
    let record = state.store.ticket(reference).await?;
    if !actor.may_view(record.owner) {
        return Err(AppError::NotFound);
    }
    if internal && !actor.can(Permission::SeeInternalNotes) {
        return Err(AppError::Forbidden);
    }
    let body = parse_message(&body)?;
    let attachments = attachments.unwrap_or_default();
    if attachments.len() > crate::domain::attachment::MAX_ATTACHMENTS {
        return Err(AppError::BadRequest(
            "Too many files on one message.".into(),
        ));
    }
    if let Some(since) = since.filter(|_| !anyway.unwrap_or(false)) {
        let include_internal = actor.can(Permission::SeeInternalNotes);
        let others = state
            .store
            .written_since(reference, since, actor.user_id, include_internal)
            .await?;
        if !others.is_empty() {
            return Err(AppError::Conflict(written_meanwhile(&others)));
        }
    }
    let message = NewMessage {
        author_id: actor.user_id,
        by_client: !actor.is_staff(),
        body: &body,
        internal,
        attachments: &attachments,
    };
    let events = match state
        .store
        .add_message(reference, &message, state.clock.now_ms())
        .await
    {
        Err(StoreError::ReplyRefused(ReplyRefused::ClosedLongAgo)) => {
            return follow_up(&record, &message).await.map(Some);
        }
        written => written?,
    };
    if !events.is_empty() {
        state.events.publish();
    }
    tracing::info!(%reference, internal, user = actor.user_id, "message added");
    Ok(None)
}

/// Files a client's late answer to a long-completed request as a new request that follows it.
#[cfg(feature = "ssr")]
async fn follow_up(
    earlier: &crate::backend::store::TicketRecord,
    message: &crate::backend::store::NewMessage<'_>,
) -> Result<TicketRef, AppError> {
    use crate::backend::{state::app_state, store::NewTicket};
    use crate::domain::validation::TITLE_MAX_CHARS;

    let state = app_state()?;
    let title: String = format!("Follow-up: {}", earlier.summary.title)
        .chars()
        .take(TITLE_MAX_CHARS)
        .collect();
    let ticket = NewTicket {
        follows: Some(earlier.summary.reference),
        category_id: earlier.facts.category_id,
        attachments: message.attachments,
        filed_by: message.author_id,
        ..NewTicket::from_portal(
            earlier.owner.account_id,
            message.author_id,
            &title,
            message.body,
        )
    };
    let event = state
        .store
        .create_ticket(&ticket, state.clock.now_ms())
        .await?;
    state.events.publish();
    tracing::info!(reference = %event.reference, follows = %earlier.summary.reference, "follow-up filed");
    Ok(event.reference)
}

/// A client marks their request resolved (it can be reopened by a reply within 14 days).
#[server(endpoint = "mark_resolved")]
pub async fn mark_resolved(reference: TicketRef) -> Result<(), AppError> {
    use crate::backend::{audit::Audit, auth, state::app_state};
    use crate::domain::audit::AuditAction;

    let actor = auth::require_actor()?;
    let state = app_state()?;
    let record = state.store.ticket(reference).await?;
    if !actor.may_view(record.owner) {
        return Err(AppError::NotFound);
    }
    if !actor.may_mark_resolved(record.owner) {
        return Err(AppError::Forbidden);
    }
    state
        .store
        .change_status(
            reference,
            TicketStatus::Completed,
            actor.user_id,
            state.clock.now_ms(),
        )
        .await?;
    state.events.publish();
    Audit::new(AuditAction::StatusChanged, format!("ticket:{reference}"))
        .account(Some(record.owner.account_id))
        .detail(serde_json::json!({ "after": "completed", "by": "client" }))
        .record(&state)
        .await
}

/// "Sam Rivera replied while you were writing…", for a message held back.
#[cfg(feature = "ssr")]
fn written_meanwhile(names: &[String]) -> String {
    let who = match names {
        [one] => one.clone(),
        [first @ .., last] => format!("{} and {last}", first.join(", ")),
        [] => "Someone".to_owned(),
    };
    format!(
        "{who} wrote on this request while you were writing. Read it above; send yours anyway if it still fits."
    )
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
    let state = app_state()?;
    state
        .store
        .change_status(reference, status, actor.user_id, state.clock.now_ms())
        .await?;
    state.events.publish();
    Audit::new(AuditAction::StatusChanged, format!("ticket:{reference}"))
        .detail(serde_json::json!({ "after": status.as_str() }))
        .record(&state)
        .await?;
    tracing::info!(%reference, status = status.as_str(), user = actor.user_id, "status changed");
    Ok(status)
}
