//! Server-side sessions. Only a hash of each token is stored, so a copy of the database does not
//! sign anyone in.

use sqlx::FromRow;

use super::accounts::{ACTOR_COLUMNS, ActorRow};
use super::{Store, StoreResult};
use crate::domain::people::SessionInfo;
use crate::domain::policy::Actor;

/// Seen-time is written at most this often per session, not on every request.
const TOUCH_EVERY_MS: i64 = 60 * 1000;

/// What a new session records about where it was started.
#[derive(Debug, Clone, Default)]
pub struct SessionOrigin {
    pub user_agent: String,
    pub ip: String,
}

/// A session that is valid right now.
#[derive(Debug, Clone)]
pub struct LiveSession {
    pub id: i64,
    pub actor: Actor,
    /// Staff whose agency requires two-step sign-in and who have not set it up yet: they may
    /// only do that (and manage their sessions) until they have.
    pub two_step_missing: bool,
}

#[derive(FromRow)]
struct SessionRow {
    session_id: i64,
    last_seen_at: i64,
    has_two_step: i64,
    two_step_required: i64,
    #[sqlx(flatten)]
    actor: ActorRow,
}

impl Store {
    pub async fn create_session(
        &self,
        user_id: i64,
        token_hash: &str,
        origin: &SessionOrigin,
        now: i64,
        expires_at: i64,
    ) -> StoreResult<()> {
        in_transaction!(self.begin_write(), |tx| {
            sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at, user_agent, ip) \
             VALUES ($1, $2, $3, $4, $3, $5, $6)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(now)
        .bind(expires_at)
        .bind(&origin.user_agent)
        .bind(&origin.ip)
        .execute(&mut **tx)
        .await?;
            sqlx::query("UPDATE users SET last_sign_in_at = $2 WHERE id = $1")
                .bind(user_id)
                .bind(now)
                .execute(&mut **tx)
                .await?;
            // Expired sessions of this person are of no use to anyone.
            sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND expires_at <= $2")
                .bind(user_id)
                .bind(now)
                .execute(&mut **tx)
                .await?;
            Ok(())
        })
    }

    /// The session behind a token, if it is neither expired, idle for too long, nor of a
    /// deactivated person. Records that it was used.
    pub async fn live_session(
        &self,
        token_hash: &str,
        now: i64,
    ) -> StoreResult<Option<LiveSession>> {
        let row: Option<SessionRow> = sqlx::query_as(&format!(
            "SELECT s.id AS session_id, s.last_seen_at, \
                    CASE WHEN u.totp_secret IS NULL THEN 0 ELSE 1 END AS has_two_step, \
                    (SELECT COUNT(*) FROM settings \
                     WHERE key = 'staff_two_step_required' AND value = '1') AS two_step_required, \
                    {ACTOR_COLUMNS} FROM sessions s \
             JOIN users u ON u.id = s.user_id LEFT JOIN accounts a ON a.id = u.account_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active = 1"
        ))
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let actor = row.actor.into_actor()?;
        if now - row.last_seen_at > actor.role.session_idle_secs() * 1000 {
            self.delete_session(token_hash).await?;
            return Ok(None);
        }
        if now - row.last_seen_at > TOUCH_EVERY_MS {
            sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE id = $1")
                .bind(row.session_id)
                .bind(now)
                .execute(&self.pool)
                .await?;
        }
        Ok(Some(LiveSession {
            id: row.session_id,
            two_step_missing: actor.is_staff()
                && row.two_step_required > 0
                && row.has_two_step == 0,
            actor,
        }))
    }

    /// The person behind a session that still exists and has not expired, as they are now: their
    /// role, or their company's visibility, may have changed since the session began (for
    /// long-lived streams).
    pub async fn session_actor(&self, session_id: i64, now: i64) -> StoreResult<Option<Actor>> {
        let row: Option<ActorRow> = sqlx::query_as(&format!(
            "SELECT {ACTOR_COLUMNS} FROM sessions s JOIN users u ON u.id = s.user_id \
             LEFT JOIN accounts a ON a.id = u.account_id \
             WHERE s.id = $1 AND s.expires_at > $2 AND u.active = 1"
        ))
        .bind(session_id)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        row.map(ActorRow::into_actor).transpose()
    }

    /// A person's current sessions, most recently used first.
    pub async fn sessions_of(&self, user_id: i64, now: i64) -> StoreResult<Vec<SessionInfo>> {
        Ok(sqlx::query_as(
            "SELECT id, created_at, last_seen_at, user_agent, ip FROM sessions \
             WHERE user_id = $1 AND expires_at > $2 ORDER BY last_seen_at DESC, id DESC",
        )
        .bind(user_id)
        .bind(now)
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Ends one of a person's sessions; `false` if they have no such session.
    pub async fn delete_session_of(&self, user_id: i64, session_id: i64) -> StoreResult<bool> {
        let result = sqlx::query("DELETE FROM sessions WHERE id = $1 AND user_id = $2")
            .bind(session_id)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(result.rows_affected() > 0)
    }

    /// Ends every session of a person, except `keep` if given. Returns how many ended.
    pub async fn delete_sessions_of(&self, user_id: i64, keep: Option<i64>) -> StoreResult<u64> {
        let result = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
            .bind(user_id)
            .bind(keep.unwrap_or(-1))
            .execute(&self.pool)
            .await?;
        Ok(result.rows_affected())
    }
}
