//! Two-step sign-in: staff keys, the code step of a sign-in in progress, and the agency's
//! "required for all staff" setting.

use sqlx::FromRow;

use super::{Store, StoreResult};

const REQUIRED_SETTING: &str = "staff_two_step_required";

/// A sign-in waiting for its code.
#[derive(Debug, Clone, FromRow)]
pub struct TwoStepChallenge {
    pub user_id: i64,
    /// How the first step was made (`password`, `magic_link`, …), for the audit log.
    pub method: String,
    pub attempts: i64,
}

impl Store {
    /// A person's confirmed key and the last time step a code was accepted in.
    pub async fn two_step_key(&self, user_id: i64) -> StoreResult<Option<(String, i64)>> {
        let row: Option<(Option<String>, i64)> =
            sqlx::query_as("SELECT totp_secret, totp_last_step FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.and_then(|(key, step)| key.map(|key| (key, step))))
    }

    /// Keeps a key someone is setting up until they confirm it with a code.
    pub async fn set_pending_two_step_key(&self, user_id: i64, key: &str) -> StoreResult<()> {
        sqlx::query("UPDATE users SET totp_pending_secret = $2 WHERE id = $1")
            .bind(user_id)
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn pending_two_step_key(&self, user_id: i64) -> StoreResult<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT totp_pending_secret FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?
                .flatten(),
        )
    }

    /// Makes the pending key the person's key; `step` is the one its confirming code used.
    pub async fn confirm_two_step_key(&self, user_id: i64, step: i64) -> StoreResult<()> {
        sqlx::query(
            "UPDATE users SET totp_secret = totp_pending_secret, totp_pending_secret = NULL, \
             totp_last_step = $2 WHERE id = $1 AND totp_pending_secret IS NOT NULL",
        )
        .bind(user_id)
        .bind(step)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn remove_two_step_key(&self, user_id: i64) -> StoreResult<()> {
        sqlx::query(
            "UPDATE users SET totp_secret = NULL, totp_pending_secret = NULL WHERE id = $1",
        )
        .bind(user_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records that a code of `step` was used. `false` if that step (or a later one) was used
    /// already: of two simultaneous uses of one code, one wins.
    pub async fn use_two_step_step(&self, user_id: i64, step: i64) -> StoreResult<bool> {
        let result = sqlx::query(
            "UPDATE users SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2",
        )
        .bind(user_id)
        .bind(step)
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected() == 1)
    }

    pub async fn create_two_step_challenge(
        &self,
        token_hash: &str,
        user_id: i64,
        method: &str,
        now: i64,
        expires_at: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO two_step_challenges (token_hash, user_id, method, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(method)
        .bind(now)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The sign-in waiting for its code, counting this attempt at it.
    pub async fn attempt_two_step_challenge(
        &self,
        token_hash: &str,
        now: i64,
    ) -> StoreResult<Option<TwoStepChallenge>> {
        Ok(sqlx::query_as(
            "UPDATE two_step_challenges SET attempts = attempts + 1 \
             WHERE token_hash = $1 AND expires_at > $2 \
             RETURNING user_id, method, attempts",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?)
    }

    pub async fn delete_two_step_challenge(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM two_step_challenges WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Whether the agency requires two-step sign-in of all staff.
    pub async fn two_step_required(&self) -> StoreResult<bool> {
        let value: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
            .bind(REQUIRED_SETTING)
            .fetch_optional(&self.pool)
            .await?;
        Ok(value.as_deref() == Some("1"))
    }

    pub async fn set_two_step_required(&self, required: bool) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES ($1, $2) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(REQUIRED_SETTING)
        .bind(if required { "1" } else { "0" })
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
