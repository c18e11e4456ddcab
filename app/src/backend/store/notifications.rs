//! The notification centre's reads: recent events that tell a person something, and how many
//! they have not seen.

use sqlx::FromRow;

use super::tickets::{SCOPE_CLAUSE, scope_params};
use super::{Store, StoreError, StoreResult};
use crate::domain::notification::{
    CLIENT_KINDS, INBOX_SIZE, Inbox, Notification, STAFF_KINDS, headline,
};
use crate::domain::policy::TicketScope;
use crate::domain::ticket::{TicketChange, TicketRef};

#[derive(FromRow)]
struct NotificationRow {
    id: i64,
    ticket_id: i64,
    title: String,
    data: String,
    created_at: i64,
    actor_name: Option<String>,
}

/// Who the bell is for: their ticket scope, and whether they are staff (who hear only of the
/// requests assigned to them, internal notes included).
#[derive(Debug, Clone, Copy)]
pub struct InboxReader {
    pub user_id: i64,
    pub scope: TicketScope,
    pub staff: bool,
}

/// The events a reader's bell shows ($1, $2: scope; $3: the reader; $4: staff).
fn for_reader(staff: bool) -> String {
    let kinds = if staff { STAFF_KINDS } else { CLIENT_KINDS };
    let kinds = kinds
        .iter()
        .map(|kind| format!("'{kind}'"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "{SCOPE_CLAUSE} AND (e.actor_id IS NULL OR e.actor_id <> $3) AND (e.internal = 0 OR $4 = 1) \
         AND ($4 = 0 OR t.assignee_id = $3) AND e.kind IN ({kinds})"
    )
}

impl Store {
    /// The reader's newest notifications and how many came after what they last saw.
    pub async fn inbox(&self, reader: InboxReader, now: i64) -> StoreResult<Inbox> {
        let Some((account_id, requester_id)) = scope_params(reader.scope) else {
            return Ok(Inbox {
                items: Vec::new(),
                unread: 0,
                now,
            });
        };
        let seen: i64 = sqlx::query_scalar("SELECT notifications_seen FROM users WHERE id = $1")
            .bind(reader.user_id)
            .fetch_optional(&self.pool)
            .await?
            .unwrap_or(0);
        let filter = for_reader(reader.staff);
        let rows: Vec<NotificationRow> = sqlx::query_as(&format!(
            "SELECT e.id, e.ticket_id, t.title, e.data, e.created_at, u.name AS actor_name \
             FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id \
             LEFT JOIN users u ON u.id = e.actor_id \
             WHERE {filter} ORDER BY e.id DESC LIMIT $5"
        ))
        .bind(account_id)
        .bind(requester_id)
        .bind(reader.user_id)
        .bind(i64::from(reader.staff))
        .bind(INBOX_SIZE)
        .fetch_all(&self.pool)
        .await?;
        let unread: i64 = sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id \
             WHERE {filter} AND e.id > $5"
        ))
        .bind(account_id)
        .bind(requester_id)
        .bind(reader.user_id)
        .bind(i64::from(reader.staff))
        .bind(seen)
        .fetch_one(&self.pool)
        .await?;
        let items = rows
            .into_iter()
            .map(|row| {
                let change: TicketChange = serde_json::from_str(&row.data)
                    .map_err(|e| StoreError::Corrupt(format!("event {}: {e}", row.id)))?;
                Ok(Notification {
                    event_id: row.id,
                    reference: TicketRef(row.ticket_id),
                    title: row.title,
                    text: headline(&change, row.actor_name.as_deref()),
                    at: row.created_at,
                    unread: row.id > seen,
                })
            })
            .collect::<StoreResult<_>>()?;
        Ok(Inbox { items, unread, now })
    }

    /// Marks everything up to event `through` as seen (never moving backwards).
    pub async fn mark_notifications_seen(&self, user_id: i64, through: i64) -> StoreResult<()> {
        sqlx::query(
            "UPDATE users SET notifications_seen = $2 WHERE id = $1 AND notifications_seen < $2",
        )
        .bind(user_id)
        .bind(through)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

impl Store {
    /// Records that the person has seen everything on the request so far.
    pub async fn mark_ticket_seen(&self, user_id: i64, reference: TicketRef) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO ticket_reads (user_id, ticket_id, seen_event) \
             SELECT $1, $2, COALESCE(MAX(id), 0) FROM ticket_events WHERE ticket_id = $2 \
             ON CONFLICT (user_id, ticket_id) DO UPDATE SET seen_event = excluded.seen_event",
        )
        .bind(user_id)
        .bind(reference.0)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Which of these requests had activity by someone else since the person last opened them
    /// (all activity, for requests they never opened).
    pub async fn unread_among(
        &self,
        user_id: i64,
        references: &[TicketRef],
    ) -> StoreResult<Vec<TicketRef>> {
        if references.is_empty() {
            return Ok(Vec::new());
        }
        // Integers only: safe to write into the statement, and one statement for any length.
        let ids = references
            .iter()
            .map(|r| r.0.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        let unread: Vec<i64> = sqlx::query_scalar(&format!(
            "SELECT t.id FROM tickets t WHERE t.id IN ({ids}) AND EXISTS ( \
               SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.id \
               AND (e.actor_id IS NULL OR e.actor_id <> $1) \
               AND e.id > COALESCE((SELECT r.seen_event FROM ticket_reads r \
                                    WHERE r.user_id = $1 AND r.ticket_id = t.id), 0))"
        ))
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(unread.into_iter().map(TicketRef).collect())
    }
}
