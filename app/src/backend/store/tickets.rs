//! Tickets and their status changes. Every change appends to the event log in the same transaction.

use sqlx::FromRow;

use super::listing::TicketQuery;
use super::{Store, StoreError, StoreResult, parse_stored};
use crate::domain::policy::{TicketOwner, TicketScope};
use crate::domain::sla::SlaMark;
use crate::domain::ticket::{
    Channel, LiveEvent, Priority, TicketChange, TicketFacts, TicketRef, TicketStatus,
    TicketSummary, TimelineEntry, status_after_reply,
};

#[derive(Debug, Clone)]
pub struct NewTicket<'a> {
    pub account_id: i64,
    pub requester_id: i64,
    pub title: &'a str,
    pub description: &'a str,
    pub channel: Channel,
    pub category_id: Option<i64>,
    pub priority: Priority,
    /// The earlier request this one follows up.
    pub follows: Option<TicketRef>,
    /// Files uploaded beforehand by `filed_by`, attached in the same transaction.
    pub attachments: &'a [i64],
    /// Who filed it: the requester, or staff filing on their behalf.
    pub filed_by: i64,
}

impl<'a> NewTicket<'a> {
    /// A request filed by its requester through the portal, with every default.
    pub fn from_portal(
        account_id: i64,
        requester_id: i64,
        title: &'a str,
        description: &'a str,
    ) -> Self {
        NewTicket {
            account_id,
            requester_id,
            title,
            description,
            channel: Channel::Web,
            category_id: None,
            priority: Priority::Normal,
            follows: None,
            attachments: &[],
            filed_by: requester_id,
        }
    }
}

/// A ticket as its page needs it, with the owner the policy checks against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketRecord {
    pub summary: TicketSummary,
    pub description: String,
    pub owner: TicketOwner,
    pub facts: TicketFacts,
    pub merged_into: Option<TicketRef>,
    pub follows: Option<TicketRef>,
}

/// Which tickets of a scope a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusFilter {
    #[default]
    Any,
    Open,
    /// Waiting on the client.
    Waiting,
    Completed,
    /// Completed at or after this time.
    CompletedSince(i64),
}

/// The columns of a [`SummaryRow`], read from [`SUMMARY_FROM`].
pub(super) const SUMMARY_COLUMNS: &str = "t.id, t.title, t.status, t.priority, t.channel, \
     c.name AS category_name, a.name AS account_name, u.name AS requester_name, \
     s.name AS assignee_name, \
     CASE WHEN t.callback_requested_at IS NULL THEN 0 ELSE 1 END AS callback_requested, \
     t.sla_state, t.sla_due_at, t.sla_due_kind, t.sla_warn_at, \
     t.created_at, t.updated_at, t.account_id, t.requester_id";
pub(super) const SUMMARY_FROM: &str = "FROM tickets t JOIN accounts a ON a.id = t.account_id \
     JOIN users u ON u.id = t.requester_id LEFT JOIN users s ON s.id = t.assignee_id \
     LEFT JOIN categories c ON c.id = t.category_id";

/// Restricts the tickets named `$alias` to a scope bound as `$1` (account id) and `$2` (requester
/// id); 0 means any.
macro_rules! scope_clause {
    ($alias:literal) => {
        concat!(
            "($1 = 0 OR ",
            $alias,
            ".account_id = $1) AND ($2 = 0 OR ",
            $alias,
            ".requester_id = $2)"
        )
    };
}
pub(super) use scope_clause;

/// [`scope_clause`] on `t`, the alias most queries give tickets.
pub(super) const SCOPE_CLAUSE: &str = scope_clause!("t");

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
pub(super) struct SummaryRow {
    id: i64,
    title: String,
    status: String,
    priority: String,
    channel: String,
    category_name: Option<String>,
    account_name: String,
    requester_name: String,
    assignee_name: Option<String>,
    callback_requested: i64,
    sla_state: Option<String>,
    sla_due_at: Option<i64>,
    sla_due_kind: Option<String>,
    sla_warn_at: Option<i64>,
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

    pub(super) fn into_summary(self) -> StoreResult<TicketSummary> {
        Ok(TicketSummary {
            reference: TicketRef(self.id),
            status: parse_stored(&self.status, "status")?,
            priority: parse_stored(&self.priority, "priority")?,
            channel: parse_stored(&self.channel, "channel")?,
            category: self.category_name,
            title: self.title,
            account_name: self.account_name,
            requester_name: self.requester_name,
            assignee_name: self.assignee_name,
            callback_requested: self.callback_requested == 1,
            sla: match &self.sla_state {
                None => None,
                Some(state) => Some(SlaMark {
                    state: parse_stored(state, "SLA state")?,
                    due_at: self.sla_due_at,
                    due_kind: self
                        .sla_due_kind
                        .as_deref()
                        .map(|kind| parse_stored(kind, "SLA due kind"))
                        .transpose()?,
                    warn_at: self.sla_warn_at,
                }),
            },
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
    category_id: Option<i64>,
    assignee_id: Option<i64>,
    team_id: Option<i64>,
    version: i64,
    merged_into: Option<i64>,
    follows: Option<i64>,
}

#[derive(FromRow)]
struct TimelineRow {
    id: i64,
    ticket_id: i64,
    actor_name: Option<String>,
    actor_is_staff: i64,
    data: String,
    created_at: i64,
    by_mail: i64,
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
    /// Files uploaded beforehand by the author, attached to this message.
    pub attachments: &'a [i64],
}

/// What sending a request with a key came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filing {
    /// Filed now: its creation event.
    Filed(LiveEvent),
    /// The same key had filed this one before; nothing new was made.
    AlreadyFiled(TicketRef),
}

impl Filing {
    pub fn reference(&self) -> TicketRef {
        match self {
            Filing::Filed(event) => event.reference,
            Filing::AlreadyFiled(reference) => *reference,
        }
    }
}

impl Store {
    /// Files a ticket, attaches its files and records its creation. Returns the creation event.
    pub async fn create_ticket(&self, ticket: &NewTicket<'_>, now: i64) -> StoreResult<LiveEvent> {
        let written: StoreResult<_> = in_transaction!(self.begin_event_write(), |tx| {
            Self::insert_ticket(tx, ticket, now).await
        });
        self.route_filed(written?, now).await
    }

    /// Files a ticket the way [`Store::create_ticket`] does, unless its sender already sent one
    /// under the same `key` (a retried or queued sending): then that one is the answer.
    pub async fn create_ticket_once(
        &self,
        ticket: &NewTicket<'_>,
        key: &str,
        now: i64,
    ) -> StoreResult<Filing> {
        let written: StoreResult<_> = in_transaction!(self.begin_event_write(), |tx| {
            // Event writes are serialized (see `begin_event_write`): no second sending of the
            // key can slip in between this look and the insert below.
            let earlier: Option<i64> = sqlx::query_scalar(
                "SELECT ticket_id FROM submissions WHERE author_id = $1 AND key = $2",
            )
            .bind(ticket.filed_by)
            .bind(key)
            .fetch_optional(&mut **tx)
            .await?;
            if let Some(id) = earlier {
                return Ok(Filing::AlreadyFiled(TicketRef(id)));
            }
            let event = Self::insert_ticket(tx, ticket, now).await?;
            sqlx::query(
                "INSERT INTO submissions (author_id, key, ticket_id, created_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(ticket.filed_by)
            .bind(key)
            .bind(event.reference.0)
            .bind(now)
            .execute(&mut **tx)
            .await?;
            Ok(Filing::Filed(event))
        });
        match written? {
            Filing::Filed(event) => Ok(Filing::Filed(self.route_filed(event, now).await?)),
            earlier @ Filing::AlreadyFiled(_) => Ok(earlier),
        }
    }

    async fn insert_ticket(
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        ticket: &NewTicket<'_>,
        now: i64,
    ) -> StoreResult<LiveEvent> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO tickets (account_id, requester_id, title, description, status, channel, \
                                  category_id, priority, follows, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 'new', $5, $6, $7, $8, $9, $9) RETURNING id",
        )
        .bind(ticket.account_id)
        .bind(ticket.requester_id)
        .bind(ticket.title)
        .bind(ticket.description)
        .bind(ticket.channel.as_str())
        .bind(ticket.category_id)
        .bind(ticket.priority.as_str())
        .bind(ticket.follows.map(|r| r.0))
        .bind(now)
        .fetch_one(&mut **tx)
        .await?;
        let event =
            Self::append_event(tx, id, Some(ticket.filed_by), TicketChange::Created, now).await?;
        Self::claim_attachments(tx, ticket.attachments, ticket.filed_by, id, None).await?;
        Ok(event)
    }

    /// After a ticket is filed: the routing rules, then its SLA clock.
    async fn route_filed(&self, filed: LiveEvent, now: i64) -> StoreResult<LiveEvent> {
        // The ticket is filed whatever the rules do: a rule pointing at something since
        // removed must not turn a request into an error the client would file again.
        let routed = match self.route_new_ticket(filed.reference, now).await {
            Ok(routed) => routed.is_some(),
            Err(error) => {
                tracing::warn!(%error, ticket = %filed.reference, "routing rules failed");
                false
            }
        };
        // A routing change has already set the clock, for the routed priority and tier.
        if !routed {
            self.refresh_sla(filed.reference, now).await?;
        }
        Ok(filed)
    }

    /// Tickets in a scope, most recently updated first: the first page of a [`TicketQuery`].
    pub async fn list_tickets(
        &self,
        scope: TicketScope,
        status: StatusFilter,
        limit: i64,
    ) -> StoreResult<Vec<TicketSummary>> {
        let query = TicketQuery {
            scope,
            status,
            limit,
            ..TicketQuery::default()
        };
        Ok(self.list_page(&query).await?.tickets)
    }

    /// One ticket, whoever owns it: the caller checks the owner against the policy.
    pub async fn ticket(&self, reference: TicketRef) -> StoreResult<TicketRecord> {
        let row: DetailRow = sqlx::query_as(&format!(
            "SELECT {SUMMARY_COLUMNS}, t.description, t.category_id, t.assignee_id, t.team_id, \
                    t.version, t.merged_into, t.follows \
             {SUMMARY_FROM} WHERE t.id = $1"
        ))
        .bind(reference.0)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        let owner = row.summary.owner();
        let tags = self.ticket_tags(reference).await?;
        let summary = row.summary.into_summary()?;
        Ok(TicketRecord {
            facts: TicketFacts {
                priority: summary.priority,
                category_id: row.category_id,
                assignee_id: row.assignee_id,
                team_id: row.team_id,
                tags,
                version: row.version,
            },
            summary,
            description: row.description,
            owner,
            merged_into: row.merged_into.map(TicketRef),
            follows: row.follows.map(TicketRef),
        })
    }

    /// A ticket's history, oldest first, with the messages of duplicates merged into it (their
    /// status changes belong to them, not to this ticket).
    /// Internal entries only when asked for.
    pub async fn timeline(
        &self,
        reference: TicketRef,
        include_internal: bool,
    ) -> StoreResult<Vec<TimelineEntry>> {
        let rows: Vec<TimelineRow> = sqlx::query_as(
            "SELECT e.id, e.ticket_id, u.name AS actor_name, \
                    CASE WHEN u.account_id IS NULL THEN 1 ELSE 0 END AS actor_is_staff, e.data, e.created_at, \
                    CASE WHEN EXISTS (SELECT 1 FROM mail_messages m WHERE m.event_id = e.id) THEN 1 ELSE 0 END AS by_mail \
             FROM ticket_events e LEFT JOIN users u ON u.id = e.actor_id \
             WHERE (e.ticket_id = $1 OR (e.kind IN ('created', 'replied', 'note_added') \
                    AND e.ticket_id IN (SELECT id FROM tickets WHERE merged_into = $1))) \
               AND (e.internal = 0 OR $2 = 1) ORDER BY e.id",
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
                    from_ticket: (row.ticket_id != reference.0).then_some(TicketRef(row.ticket_id)),
                    by_mail: row.by_mail == 1,
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
        let written: StoreResult<_> = in_transaction!(self.begin_event_write(), |tx| {
            let current: String = sqlx::query_scalar("SELECT status FROM tickets WHERE id = $1")
                .bind(reference.0)
                .fetch_optional(&mut **tx)
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
        .execute(&mut **tx)
        .await?;
            if updated.rows_affected() != 1 {
                return Err(StoreError::Conflict(format!(
                    "{reference} changed while you were looking; reload to see where it stands"
                )));
            }
            let event = Self::append_event(
                tx,
                reference.0,
                Some(actor_id),
                TicketChange::StatusChanged { from, to },
                now,
            )
            .await?;
            Ok(event)
        });
        let written = written?;
        self.refresh_sla(reference, now).await?;
        Ok(written)
    }

    /// Adds a message to a request's conversation, moving the request along as the reply rules
    /// say (in the same transaction). Returns the events written, the message first.
    pub async fn add_message(
        &self,
        reference: TicketRef,
        message: &NewMessage<'_>,
        now: i64,
    ) -> StoreResult<Vec<LiveEvent>> {
        let written: StoreResult<_> = in_transaction!(self.begin_event_write(), |tx| {
            let (current, resolved_at): (String, Option<i64>) =
                sqlx::query_as("SELECT status, resolved_at FROM tickets WHERE id = $1")
                    .bind(reference.0)
                    .fetch_optional(&mut **tx)
                    .await?
                    .ok_or(StoreError::NotFound)?;
            let from: TicketStatus = parse_stored(&current, "status")?;
            let body = message.body.to_owned();
            let (change, next) = if message.internal {
                (TicketChange::NoteAdded { body }, None)
            } else {
                let next = status_after_reply(from, message.by_client, resolved_at, now)?;
                (TicketChange::Replied { body }, next)
            };
            let message_event =
                Self::append_event(tx, reference.0, Some(message.author_id), change, now).await?;
            Self::claim_attachments(
                tx,
                message.attachments,
                message.author_id,
                reference.0,
                Some(message_event.id),
            )
            .await?;
            let mut events = vec![message_event];
            if !message.internal {
                // Notes leave no trace a client could see, not even "updated just now". A staff reply
                // answers a callback request too.
                sqlx::query(
                "UPDATE tickets SET updated_at = $2, \
                 first_response_at = CASE WHEN $3 = 1 AND first_response_at IS NULL THEN $2 ELSE first_response_at END, \
                 callback_requested_at = CASE WHEN $3 = 1 THEN NULL ELSE callback_requested_at END \
                 WHERE id = $1",
            )
            .bind(reference.0)
            .bind(now)
            .bind(i64::from(!message.by_client))
            .execute(&mut **tx)
            .await?;
            }
            if let Some(to) = next {
                sqlx::query("UPDATE tickets SET status = $2, resolved_at = NULL WHERE id = $1")
                    .bind(reference.0)
                    .bind(to.as_str())
                    .execute(&mut **tx)
                    .await?;
                events.push(
                    Self::append_event(
                        tx,
                        reference.0,
                        Some(message.author_id),
                        TicketChange::StatusChanged { from, to },
                        now,
                    )
                    .await?,
                );
            }
            Ok(events)
        });
        let written = written?;
        self.refresh_sla(reference, now).await?;
        Ok(written)
    }

    pub async fn count_tickets(&self) -> StoreResult<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM tickets")
            .fetch_one(&self.pool)
            .await?)
    }
}
