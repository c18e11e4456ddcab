//! Tickets and their status changes. Every change appends to the event log in the same transaction.

use sqlx::FromRow;

use super::{Store, StoreError, StoreResult, parse_stored};
use crate::domain::policy::{TicketOwner, TicketScope};
use crate::domain::ticket::{
    LiveEvent, TicketChange, TicketRef, TicketStatus, TicketSummary, TimelineEntry,
    status_after_reply,
};

#[derive(Debug, Clone)]
pub struct NewTicket<'a> {
    pub account_id: i64,
    pub requester_id: i64,
    pub title: &'a str,
    pub description: &'a str,
    pub channel: &'a str,
}

/// A ticket as its page needs it, with the owner the policy checks against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketRecord {
    pub summary: TicketSummary,
    pub description: String,
    pub owner: TicketOwner,
}

/// Which tickets of a scope a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    Any,
    Open,
    /// Waiting on the client.
    Waiting,
    Completed,
    /// Completed at or after this time.
    CompletedSince(i64),
}

/// The columns of a [`SummaryRow`], read from [`SUMMARY_FROM`].
const SUMMARY_COLUMNS: &str = "t.id, t.title, t.status, a.name AS account_name, \
     u.name AS requester_name, t.created_at, t.updated_at, t.account_id, t.requester_id";
const SUMMARY_FROM: &str =
    "FROM tickets t JOIN accounts a ON a.id = t.account_id JOIN users u ON u.id = t.requester_id";

/// Restricts `t` to a scope bound as `$1` (account id) and `$2` (requester id); 0 means any.
pub(super) const SCOPE_CLAUSE: &str =
    "($1 = 0 OR t.account_id = $1) AND ($2 = 0 OR t.requester_id = $2)";

/// The two parameters of [`SCOPE_CLAUSE`], or `None` when the scope admits nothing.
pub(super) fn scope_params(scope: TicketScope) -> Option<(i64, i64)> {
    match scope {
        TicketScope::All => Some((0, 0)),
        TicketScope::Account(account_id) => Some((account_id, 0)),
        TicketScope::Requester {
            account_id,
            user_id,
        } => Some((account_id, user_id)),
        TicketScope::Nothing => None,
    }
}

#[derive(FromRow)]
struct SummaryRow {
    id: i64,
    title: String,
    status: String,
    account_name: String,
    requester_name: String,
    created_at: i64,
    updated_at: i64,
    account_id: i64,
    requester_id: i64,
}

impl SummaryRow {
    fn owner(&self) -> TicketOwner {
        TicketOwner {
            account_id: self.account_id,
            requester_id: self.requester_id,
        }
    }

    fn into_summary(self) -> StoreResult<TicketSummary> {
        Ok(TicketSummary {
            reference: TicketRef(self.id),
            status: parse_stored(&self.status, "status")?,
            title: self.title,
            account_name: self.account_name,
            requester_name: self.requester_name,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

#[derive(FromRow)]
struct DetailRow {
    #[sqlx(flatten)]
    summary: SummaryRow,
    description: String,
}

#[derive(FromRow)]
struct TimelineRow {
    id: i64,
    actor_name: Option<String>,
    actor_is_staff: i64,
    data: String,
    created_at: i64,
}

/// A message to add to a request's conversation.
#[derive(Debug, Clone)]
pub struct NewMessage<'a> {
    pub author_id: i64,
    /// The author is a client (their answers move the request along; see `status_after_reply`).
    pub by_client: bool,
    pub body: &'a str,
    /// An internal note: staff only, and it changes nothing the client can see.
    pub internal: bool,
}

impl Store {
    /// Files a ticket and records its creation. Returns the creation event.
    pub async fn create_ticket(&self, ticket: &NewTicket<'_>, now: i64) -> StoreResult<LiveEvent> {
        let mut tx = self.begin_event_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO tickets (account_id, requester_id, title, description, status, channel, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 'new', $5, $6, $6) RETURNING id",
        )
        .bind(ticket.account_id)
        .bind(ticket.requester_id)
        .bind(ticket.title)
        .bind(ticket.description)
        .bind(ticket.channel)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let event = Self::append_event(
            &mut tx,
            id,
            Some(ticket.requester_id),
            TicketChange::Created,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(event)
    }

    /// Tickets in a scope, most recently updated first.
    pub async fn list_tickets(
        &self,
        scope: TicketScope,
        filter: StatusFilter,
        limit: i64,
    ) -> StoreResult<Vec<TicketSummary>> {
        let Some((account_id, requester_id)) = scope_params(scope) else {
            return Ok(Vec::new());
        };
        let status_clause = match filter {
            StatusFilter::Any => String::new(),
            StatusFilter::Open => " AND t.status <> 'completed'".to_owned(),
            StatusFilter::Waiting => " AND t.status = 'waiting_on_client'".to_owned(),
            StatusFilter::Completed => " AND t.status = 'completed'".to_owned(),
            // An integer we produced, so formatting it into the query is safe.
            StatusFilter::CompletedSince(since) => {
                format!(" AND t.status = 'completed' AND t.resolved_at >= {since}")
            }
        };
        let rows: Vec<SummaryRow> = sqlx::query_as(&format!(
            "SELECT {SUMMARY_COLUMNS} {SUMMARY_FROM} WHERE {SCOPE_CLAUSE}{status_clause} \
             ORDER BY t.updated_at DESC, t.id DESC LIMIT $3"
        ))
        .bind(account_id)
        .bind(requester_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(SummaryRow::into_summary).collect()
    }

    /// One ticket, whoever owns it: the caller checks the owner against the policy.
    pub async fn ticket(&self, reference: TicketRef) -> StoreResult<TicketRecord> {
        let row: DetailRow = sqlx::query_as(&format!(
            "SELECT {SUMMARY_COLUMNS}, t.description {SUMMARY_FROM} WHERE t.id = $1"
        ))
        .bind(reference.0)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        let owner = row.summary.owner();
        Ok(TicketRecord {
            summary: row.summary.into_summary()?,
            description: row.description,
            owner,
        })
    }

    /// A ticket's history, oldest first. Internal entries only when asked for.
    pub async fn timeline(
        &self,
        reference: TicketRef,
        include_internal: bool,
    ) -> StoreResult<Vec<TimelineEntry>> {
        let rows: Vec<TimelineRow> = sqlx::query_as(
            "SELECT e.id, u.name AS actor_name, \
                    CASE WHEN u.account_id IS NULL THEN 1 ELSE 0 END AS actor_is_staff, e.data, e.created_at \
             FROM ticket_events e LEFT JOIN users u ON u.id = e.actor_id \
             WHERE e.ticket_id = $1 AND (e.internal = 0 OR $2 = 1) ORDER BY e.id",
        )
        .bind(reference.0)
        .bind(i64::from(include_internal))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|row| {
                Ok(TimelineEntry {
                    id: row.id,
                    actor_name: row.actor_name,
                    by_staff: row.actor_is_staff == 1,
                    change: serde_json::from_str(&row.data)
                        .map_err(|e| StoreError::Corrupt(format!("event {}: {e}", row.id)))?,
                    at: row.created_at,
                    html: None,
                })
            })
            .collect()
    }

    /// Moves a ticket to `to` if the status machine allows it from where it stands now.
    pub async fn change_status(
        &self,
        reference: TicketRef,
        to: TicketStatus,
        actor_id: i64,
        now: i64,
    ) -> StoreResult<LiveEvent> {
        let mut tx = self.begin_event_write().await?;
        let current: String = sqlx::query_scalar("SELECT status FROM tickets WHERE id = $1")
            .bind(reference.0)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let from: TicketStatus = parse_stored(&current, "status")?;
        from.move_to(to)?;
        let resolved_at = (to == TicketStatus::Completed).then_some(now);
        let updated = sqlx::query(
            "UPDATE tickets SET status = $1, updated_at = $2, resolved_at = $3 WHERE id = $4 AND status = $5",
        )
        .bind(to.as_str())
        .bind(now)
        .bind(resolved_at)
        .bind(reference.0)
        .bind(from.as_str())
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() != 1 {
            return Err(StoreError::Conflict(format!(
                "{reference} changed while you were looking; reload to see where it stands"
            )));
        }
        let event = Self::append_event(
            &mut tx,
            reference.0,
            Some(actor_id),
            TicketChange::StatusChanged { from, to },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(event)
    }

    /// Adds a message to a request's conversation, moving the request along as the reply rules
    /// say (in the same transaction). Returns the events written, the message first.
    pub async fn add_message(
        &self,
        reference: TicketRef,
        message: &NewMessage<'_>,
        now: i64,
    ) -> StoreResult<Vec<LiveEvent>> {
        let mut tx = self.begin_event_write().await?;
        let (current, resolved_at): (String, Option<i64>) =
            sqlx::query_as("SELECT status, resolved_at FROM tickets WHERE id = $1")
                .bind(reference.0)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound)?;
        let from: TicketStatus = parse_stored(&current, "status")?;
        let body = message.body.to_owned();
        let (change, next) = if message.internal {
            (TicketChange::NoteAdded { body }, None)
        } else {
            let next = status_after_reply(from, message.by_client, resolved_at, now)
                .map_err(|refused| StoreError::Conflict(refused.to_string()))?;
            (TicketChange::Replied { body }, next)
        };
        let mut events = vec![
            Self::append_event(&mut tx, reference.0, Some(message.author_id), change, now).await?,
        ];
        if !message.internal {
            // Notes leave no trace a client could see, not even "updated just now".
            sqlx::query(
                "UPDATE tickets SET updated_at = $2, \
                 first_response_at = CASE WHEN $3 = 1 AND first_response_at IS NULL THEN $2 ELSE first_response_at END \
                 WHERE id = $1",
            )
            .bind(reference.0)
            .bind(now)
            .bind(i64::from(!message.by_client))
            .execute(&mut *tx)
            .await?;
        }
        if let Some(to) = next {
            sqlx::query("UPDATE tickets SET status = $2, resolved_at = NULL WHERE id = $1")
                .bind(reference.0)
                .bind(to.as_str())
                .execute(&mut *tx)
                .await?;
            events.push(
                Self::append_event(
                    &mut tx,
                    reference.0,
                    Some(message.author_id),
                    TicketChange::StatusChanged { from, to },
                    now,
                )
                .await?,
            );
        }
        tx.commit().await?;
        Ok(events)
    }

    pub async fn count_tickets(&self) -> StoreResult<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM tickets")
            .fetch_one(&self.pool)
            .await?)
    }
}
