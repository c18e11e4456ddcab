//! The append-only ticket event log, and reading it back for live updates.

use sqlx::{Any, FromRow, Transaction};

use super::tickets::{SCOPE_CLAUSE, scope_params};
use super::{Store, StoreError, StoreResult};
use crate::domain::policy::{TicketOwner, TicketScope};
use crate::domain::ticket::{LiveEvent, TicketChange, TicketRef};

#[derive(FromRow)]
struct EventRow {
    id: i64,
    ticket_id: i64,
    data: String,
}

impl EventRow {
    fn into_live(self) -> StoreResult<LiveEvent> {
        Ok(LiveEvent {
            id: self.id,
            reference: TicketRef(self.ticket_id),
            change: serde_json::from_str(&self.data)
                .map_err(|e| StoreError::Corrupt(format!("event {}: {e}", self.id)))?,
        })
    }
}

#[derive(FromRow)]
struct OwnedEventRow {
    #[sqlx(flatten)]
    event: EventRow,
    account_id: i64,
    requester_id: i64,
    internal: i64,
    actor_id: Option<i64>,
}

/// What [`OwnedEventRow`] reads, from `ticket_events e` joined with `tickets t`.
const OWNED_EVENT_COLUMNS: &str =
    "e.id, e.ticket_id, e.data, t.account_id, t.requester_id, e.internal, e.actor_id";

impl OwnedEventRow {
    fn into_owned(self) -> StoreResult<OwnedEvent> {
        Ok(OwnedEvent {
            owner: TicketOwner {
                account_id: self.account_id,
                requester_id: self.requester_id,
            },
            internal: self.internal != 0,
            actor_id: self.actor_id,
            event: self.event.into_live()?,
        })
    }
}

/// An event with what the reading policy needs to decide who may receive it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedEvent {
    pub event: LiveEvent,
    pub owner: TicketOwner,
    pub internal: bool,
    /// Who caused it (`None`: Frontdoor itself, e.g. an SLA alert).
    pub actor_id: Option<i64>,
}

impl Store {
    /// Appends one event inside a transaction opened with `begin_event_write`.
    pub(super) async fn append_event(
        tx: &mut Transaction<'static, Any>,
        ticket_id: i64,
        actor_id: Option<i64>,
        change: TicketChange,
        now: i64,
    ) -> StoreResult<LiveEvent> {
        let data = serde_json::to_string(&change)
            .map_err(|e| StoreError::Corrupt(format!("unserializable event: {e}")))?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO ticket_events (ticket_id, actor_id, kind, data, internal, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(ticket_id)
        .bind(actor_id)
        .bind(change.kind())
        .bind(&data)
        .bind(i64::from(change.is_internal()))
        .bind(now)
        .fetch_one(&mut **tx)
        .await?;
        Ok(LiveEvent {
            id,
            reference: TicketRef(ticket_id),
            change,
        })
    }

    /// Events after `after_id` on tickets in `scope`, oldest first, at most `limit`.
    pub async fn events_after(
        &self,
        after_id: i64,
        scope: TicketScope,
        include_internal: bool,
        limit: i64,
    ) -> StoreResult<Vec<OwnedEvent>> {
        let Some((account_id, requester_id)) = scope_params(scope) else {
            return Ok(Vec::new());
        };
        let rows: Vec<OwnedEventRow> = sqlx::query_as(&format!(
            "SELECT {OWNED_EVENT_COLUMNS} FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id \
             WHERE {SCOPE_CLAUSE} AND e.id > $3 AND (e.internal = 0 OR $4 = 1) \
             ORDER BY e.id LIMIT $5"
        ))
        .bind(account_id)
        .bind(requester_id)
        .bind(after_id)
        .bind(i64::from(include_internal))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(OwnedEventRow::into_owned).collect()
    }

    /// Every event after `after_id`, oldest first, at most `limit`, each with its ticket's owner:
    /// what one instance reads once to fan out to all its streams.
    pub async fn owned_events_after(
        &self,
        after_id: i64,
        limit: i64,
    ) -> StoreResult<Vec<OwnedEvent>> {
        let rows: Vec<OwnedEventRow> = sqlx::query_as(&format!(
            "SELECT {OWNED_EVENT_COLUMNS} FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id \
             WHERE e.id > $1 ORDER BY e.id LIMIT $2",
        ))
        .bind(after_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(OwnedEventRow::into_owned).collect()
    }

    /// The id of the newest event, 0 when there is none: where a fresh live stream starts.
    pub async fn latest_event_id(&self) -> StoreResult<i64> {
        Ok(
            sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM ticket_events")
                .fetch_one(&self.pool)
                .await?,
        )
    }
}
