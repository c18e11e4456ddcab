//! Outgoing mail, kept in the database until it is sent: a restart or a failing mail server
//! loses nothing, and several app instances share the work without sending anything twice.

use serde::{Deserialize, Serialize};
use sqlx::FromRow;

use super::{Store, StoreResult};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, FromRow)]
pub struct OutgoingMail {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub attempts: i64,
}

impl Store {
    pub async fn enqueue_mail(
        &self,
        recipient: &str,
        subject: &str,
        body_text: &str,
        now: i64,
    ) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO mail_outbox (recipient, subject, body_text, created_at, next_attempt_at) \
             VALUES ($1, $2, $3, $4, $4) RETURNING id",
        )
        .bind(recipient)
        .bind(subject)
        .bind(body_text)
        .bind(now)
        .fetch_one(&self.pool)
        .await?)
    }

    /// Takes the oldest mail that is due and not being sent by someone else, for `lease_ms`.
    ///
    /// The claim condition is repeated outside the sub-select: on Postgres a second instance that
    /// picked the same row waits for the first, then re-checks it and finds it claimed.
    pub async fn claim_due_mail(
        &self,
        now: i64,
        lease_ms: i64,
    ) -> StoreResult<Option<OutgoingMail>> {
        Ok(sqlx::query_as(
            "UPDATE mail_outbox SET claimed_until = $2, attempts = attempts + 1 \
             WHERE id = (SELECT id FROM mail_outbox \
                         WHERE sent_at IS NULL AND next_attempt_at <= $1 \
                           AND (claimed_until IS NULL OR claimed_until <= $1) \
                         ORDER BY next_attempt_at, id LIMIT 1) \
               AND sent_at IS NULL AND (claimed_until IS NULL OR claimed_until <= $1) \
             RETURNING id, recipient, subject, body_text, attempts",
        )
        .bind(now)
        .bind(now + lease_ms)
        .fetch_optional(&self.pool)
        .await?)
    }

    pub async fn mark_mail_sent(&self, id: i64, now: i64) -> StoreResult<()> {
        sqlx::query("UPDATE mail_outbox SET sent_at = $2, claimed_until = NULL, last_error = NULL WHERE id = $1")
            .bind(id)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Records a failed attempt; the mail is tried again from `retry_at`.
    pub async fn mark_mail_failed(&self, id: i64, error: &str, retry_at: i64) -> StoreResult<()> {
        sqlx::query(
            "UPDATE mail_outbox SET claimed_until = NULL, next_attempt_at = $2, last_error = $3 WHERE id = $1",
        )
        .bind(id)
        .bind(retry_at)
        .bind(error)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Mail to one address, newest first (what an admin or a test looks at).
    pub async fn mail_to(&self, recipient: &str) -> StoreResult<Vec<OutgoingMail>> {
        Ok(sqlx::query_as(
            "SELECT id, recipient, subject, body_text, attempts FROM mail_outbox \
             WHERE recipient = $1 ORDER BY id DESC",
        )
        .bind(recipient)
        .fetch_all(&self.pool)
        .await?)
    }
}
