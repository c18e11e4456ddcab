//! Server-side sessions. Only a hash of each token is stored, so a copy of the database does not
//! sign anyone in.

use super::accounts::{ACTOR_COLUMNS, ActorRow};
use super::{Store, StoreResult};
use crate::domain::policy::Actor;

impl Store {
    pub async fn create_session(
        &self,
        user_id: i64,
        token_hash: &str,
        now: i64,
        expires_at: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(now)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The person a live session belongs to; `None` for an unknown or expired session or a
    /// deactivated person.
    pub async fn session_actor(&self, token_hash: &str, now: i64) -> StoreResult<Option<Actor>> {
        let row: Option<ActorRow> = sqlx::query_as(&format!(
            "SELECT {ACTOR_COLUMNS} FROM sessions s \
             JOIN users u ON u.id = s.user_id LEFT JOIN accounts a ON a.id = u.account_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active = 1"
        ))
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        row.map(ActorRow::into_actor).transpose()
    }

    pub async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
