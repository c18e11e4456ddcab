//! Slack: connected channels, each request's thread, requests already handled, and posts to
//! threads waiting to be sent.

use serde::{Deserialize, Serialize};
use sqlx::any::AnyQueryResult;
use sqlx::{Any, FromRow, Transaction};

use super::outbox::{LogFollower, claim_next_due};
use super::{Store, StoreResult, is_unique_violation};
use crate::domain::ticket::TicketRef;

/// A channel whose messages become one account's requests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, FromRow)]
pub struct SlackChannel {
    pub channel_id: String,
    pub account_id: i64,
    pub account_name: String,
}

/// Where a request's thread is.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct SlackThread {
    pub channel_id: String,
    pub thread_ts: String,
}

/// A post to a thread.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct SlackPost {
    pub id: i64,
    pub channel_id: String,
    pub thread_ts: String,
    pub text: String,
    pub attempts: i64,
}

/// Whether an insert added its row (`false`: one with the same key was there).
fn first_time(inserted: Result<AnyQueryResult, sqlx::Error>) -> StoreResult<bool> {
    match inserted {
        Ok(_) => Ok(true),
        Err(error) if is_unique_violation(&error) => Ok(false),
        Err(error) => Err(error.into()),
    }
}

impl Store {
    /// Connects a channel to an account; `false` when it is connected already.
    pub async fn connect_slack_channel(
        &self,
        channel_id: &str,
        account_id: i64,
        now: i64,
    ) -> StoreResult<bool> {
        let inserted = sqlx::query(
            "INSERT INTO slack_channels (channel_id, account_id, created_at) VALUES ($1, $2, $3)",
        )
        .bind(channel_id)
        .bind(account_id)
        .bind(now)
        .execute(&self.pool)
        .await;
        first_time(inserted)
    }

    pub async fn disconnect_slack_channel(&self, channel_id: &str) -> StoreResult<bool> {
        let removed = sqlx::query("DELETE FROM slack_channels WHERE channel_id = $1")
            .bind(channel_id)
            .execute(&self.pool)
            .await?;
        Ok(removed.rows_affected() == 1)
    }

    pub async fn slack_channels(&self) -> StoreResult<Vec<SlackChannel>> {
        Ok(sqlx::query_as(
            "SELECT c.channel_id, c.account_id, a.name AS account_name \
             FROM slack_channels c JOIN accounts a ON a.id = c.account_id ORDER BY a.name, c.channel_id",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// The account a channel is connected to.
    pub async fn slack_channel_account(&self, channel_id: &str) -> StoreResult<Option<i64>> {
        Ok(
            sqlx::query_scalar("SELECT account_id FROM slack_channels WHERE channel_id = $1")
                .bind(channel_id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    pub async fn save_slack_thread(
        &self,
        reference: TicketRef,
        thread: &SlackThread,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO slack_threads (ticket_id, channel_id, thread_ts) VALUES ($1, $2, $3)",
        )
        .bind(reference.0)
        .bind(&thread.channel_id)
        .bind(&thread.thread_ts)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn slack_thread_of(&self, reference: TicketRef) -> StoreResult<Option<SlackThread>> {
        Ok(
            sqlx::query_as("SELECT channel_id, thread_ts FROM slack_threads WHERE ticket_id = $1")
                .bind(reference.0)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    pub async fn ticket_of_slack_thread(
        &self,
        thread: &SlackThread,
    ) -> StoreResult<Option<TicketRef>> {
        let id: Option<i64> = sqlx::query_scalar(
            "SELECT ticket_id FROM slack_threads WHERE channel_id = $1 AND thread_ts = $2",
        )
        .bind(&thread.channel_id)
        .bind(&thread.thread_ts)
        .fetch_optional(&self.pool)
        .await?;
        Ok(id.map(TicketRef))
    }

    /// Notes `key` (an event id, a signature) as handled; `false` when it was already. Entries
    /// older than `forget_before` are dropped on the way.
    pub async fn first_slack_sighting(
        &self,
        key: &str,
        now: i64,
        forget_before: i64,
    ) -> StoreResult<bool> {
        sqlx::query("DELETE FROM slack_seen WHERE seen_at < $1")
            .bind(forget_before)
            .execute(&self.pool)
            .await?;
        let inserted = sqlx::query("INSERT INTO slack_seen (key, seen_at) VALUES ($1, $2)")
            .bind(key)
            .bind(now)
            .execute(&self.pool)
            .await;
        first_time(inserted)
    }

    /// Forgets a sighting: what it stood for was not handled after all.
    pub async fn forget_slack_sighting(&self, key: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM slack_seen WHERE key = $1")
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Queues `posts` and moves the Slack follower from `from` to `to`, all or nothing; `false`
    /// when another instance moved it first.
    pub async fn queue_slack_posts(
        &self,
        from: i64,
        to: i64,
        posts: &[(SlackThread, String)],
        now: i64,
    ) -> StoreResult<bool> {
        in_transaction!(self.begin_write(), |tx| {
            if !Self::move_follower(tx, LogFollower::Slack, from, to).await? {
                return Ok(false);
            }
            for (thread, text) in posts {
                Self::queue_slack_post_in(tx, thread, text, now).await?;
            }
            Ok(true)
        })
    }

    /// Queues one post to a thread, to be sent now.
    pub async fn queue_slack_post(
        &self,
        thread: &SlackThread,
        text: &str,
        now: i64,
    ) -> StoreResult<()> {
        in_transaction!(self.begin_write(), |tx| {
            Self::queue_slack_post_in(tx, thread, text, now).await
        })
    }

    async fn queue_slack_post_in(
        tx: &mut Transaction<'static, Any>,
        thread: &SlackThread,
        text: &str,
        now: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO slack_outbox (channel_id, thread_ts, text, created_at, next_attempt_at) \
             VALUES ($1, $2, $3, $4, $4)",
        )
        .bind(&thread.channel_id)
        .bind(&thread.thread_ts)
        .bind(text)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    pub async fn claim_due_slack_post(
        &self,
        now: i64,
        lease_ms: i64,
    ) -> StoreResult<Option<SlackPost>> {
        Ok(sqlx::query_as(&claim_next_due(
            "slack_outbox",
            "id, channel_id, thread_ts, text, attempts",
        ))
        .bind(now)
        .bind(now + lease_ms)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Records how sending went: sent (`error` none), to be retried at `retry_at`, or given up.
    pub async fn settle_slack_post(
        &self,
        id: i64,
        error: Option<&str>,
        retry_at: Option<i64>,
        now: i64,
    ) -> StoreResult<()> {
        let settled = error.is_none() || retry_at.is_none();
        sqlx::query(
            "UPDATE slack_outbox SET claimed_until = NULL, last_error = $2, \
                 next_attempt_at = COALESCE($3, next_attempt_at), \
                 sent_at = CASE WHEN $4 = 1 THEN $5 ELSE NULL END \
             WHERE id = $1",
        )
        .bind(id)
        .bind(error)
        .bind(retry_at)
        .bind(i64::from(settled))
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
