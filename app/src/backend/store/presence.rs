//! Who else is working on a request: presence marks, and messages written meanwhile.

use super::{Store, StoreError, StoreResult};
use crate::domain::presence::{PRESENCE_TTL_MS, Presence};
use crate::domain::ticket::TicketRef;

impl Store {
    /// Marks `user_id` as on the request now (replying or not) and returns the others there.
    pub async fn mark_present(
        &self,
        reference: TicketRef,
        user_id: i64,
        replying: bool,
        now: i64,
    ) -> StoreResult<Vec<Presence>> {
        let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM tickets WHERE id = $1")
            .bind(reference.0)
            .fetch_optional(&self.pool)
            .await?;
        if exists.is_none() {
            return Err(StoreError::NotFound);
        }
        sqlx::query(
            "INSERT INTO ticket_presence (ticket_id, user_id, replying, seen_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (ticket_id, user_id) DO UPDATE SET replying = excluded.replying, seen_at = excluded.seen_at",
        )
        .bind(reference.0)
        .bind(user_id)
        .bind(i64::from(replying))
        .bind(now)
        .execute(&self.pool)
        .await?;
        let others: Vec<(String, i64)> = sqlx::query_as(
            "SELECT u.name, p.replying FROM ticket_presence p JOIN users u ON u.id = p.user_id \
             WHERE p.ticket_id = $1 AND p.user_id <> $2 AND p.seen_at > $3 ORDER BY u.name",
        )
        .bind(reference.0)
        .bind(user_id)
        .bind(now - PRESENCE_TTL_MS)
        .fetch_all(&self.pool)
        .await?;
        Ok(others
            .into_iter()
            .map(|(name, replying)| Presence {
                name,
                replying: replying != 0,
            })
            .collect())
    }

    /// Who else wrote on the request after event `since` (a reply, or a note when
    /// `include_internal`), by name, oldest first, each once.
    pub async fn written_since(
        &self,
        reference: TicketRef,
        since: i64,
        except_user: i64,
        include_internal: bool,
    ) -> StoreResult<Vec<String>> {
        let names: Vec<String> = sqlx::query_scalar(
            "SELECT u.name FROM ticket_events e JOIN users u ON u.id = e.actor_id \
             WHERE e.ticket_id = $1 AND e.id > $2 AND e.actor_id <> $3 \
             AND e.kind IN ('replied', 'note_added') AND (e.internal = 0 OR $4 = 1) \
             GROUP BY u.name ORDER BY MIN(e.id)",
        )
        .bind(reference.0)
        .bind(since)
        .bind(except_user)
        .bind(i64::from(include_internal))
        .fetch_all(&self.pool)
        .await?;
        Ok(names)
    }
}
