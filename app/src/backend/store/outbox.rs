//! Outgoing mail, kept in the database until it is sent: a restart or a failing mail server
//! loses nothing, and several app instances share the work without sending anything twice.

use serde::{Deserialize, Serialize};
use sqlx::FromRow;

use sqlx::{Any, Transaction};

use super::mail::MailThread;
use super::{Store, StoreResult};
use crate::domain::ticket::TicketRef;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, FromRow)]
pub struct OutgoingMail {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: Option<String>,
    pub message_id: Option<String>,
    pub in_reply_to: Option<String>,
    /// Message-IDs this mail follows, space-separated.
    pub refs: String,
    pub automatic: i64,
    pub attempts: i64,
}

/// A mail to queue.
#[derive(Debug, Clone)]
pub struct NewMail<'a> {
    pub recipient: &'a str,
    pub subject: &'a str,
    pub body_text: &'a str,
    pub body_html: Option<&'a str>,
    /// What it is about (`sign_in`, `acknowledgement`, `status`, `reply`, …): limits and the
    /// mail log read it.
    pub kind: &'a str,
    /// The request it belongs to: it gets a Message-ID of its own, answers the conversation so
    /// far, and replies to it find their way back.
    pub ticket: Option<TicketRef>,
    pub thread: MailThread,
    /// Its own Message-ID (without angle brackets), fixed when queued so a retry is the same
    /// message; mail about a request has one.
    pub message_id: Option<&'a str>,
    /// Sent by Frontdoor on its own (`Auto-Submitted: auto-generated`), not written by a person.
    pub automatic: bool,
}

impl<'a> NewMail<'a> {
    /// An automatic plain-text mail about no request in particular.
    pub fn plain(recipient: &'a str, subject: &'a str, body_text: &'a str, kind: &'a str) -> Self {
        NewMail {
            recipient,
            subject,
            body_text,
            body_html: None,
            kind,
            ticket: None,
            thread: MailThread::default(),
            message_id: None,
            automatic: true,
        }
    }
}

const OUTGOING_COLUMNS: &str = "id, recipient, subject, body_text, body_html, message_id, in_reply_to, refs, automatic, attempts";

/// The statement that claims the oldest due row of an outbox `table` (columns `sent_at`,
/// `next_attempt_at`, `claimed_until`, `attempts`) until `$2`, as of `$1`, returning `columns`.
///
/// The claim condition is repeated outside the sub-select: on Postgres a second instance that
/// picked the same row waits for the first, then re-checks it and finds it claimed.
pub(super) fn claim_next_due(table: &str, columns: &str) -> String {
    format!(
        "UPDATE {table} SET claimed_until = $2, attempts = attempts + 1 \
         WHERE id = (SELECT id FROM {table} \
                     WHERE sent_at IS NULL AND next_attempt_at <= $1 \
                       AND (claimed_until IS NULL OR claimed_until <= $1) \
                     ORDER BY next_attempt_at, id LIMIT 1) \
           AND sent_at IS NULL AND (claimed_until IS NULL OR claimed_until <= $1) \
         RETURNING {columns}"
    )
}

/// What follows the event log to send something for each change, each with its own position
/// (a row of `mail_notifier`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFollower {
    /// Mail and push notifications to clients.
    Mail,
    /// Deliveries to webhooks.
    Webhooks,
    /// Posts to the Slack threads of requests.
    Slack,
}

impl LogFollower {
    fn name(self) -> &'static str {
        match self {
            LogFollower::Mail => "ticket_updates",
            LogFollower::Webhooks => "webhooks",
            LogFollower::Slack => "slack",
        }
    }
}

impl Store {
    pub async fn enqueue_mail(&self, mail: &NewMail<'_>, now: i64) -> StoreResult<i64> {
        in_transaction!(self.begin_write(), |tx| {
            Self::enqueue_in(tx, mail, now).await
        })
    }

    /// Queues a mail inside a transaction; mail about a request is recorded in its thread.
    pub(super) async fn enqueue_in(
        tx: &mut Transaction<'static, Any>,
        mail: &NewMail<'_>,
        now: i64,
    ) -> StoreResult<i64> {
        let mut refs: Vec<&str> = [mail.thread.first.as_deref(), mail.thread.newest.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        refs.dedup();
        let id = sqlx::query_scalar(
            "INSERT INTO mail_outbox (recipient, subject, body_text, body_html, kind, ticket_id, \
                                      message_id, in_reply_to, refs, automatic, created_at, next_attempt_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
        )
        .bind(mail.recipient)
        .bind(mail.subject)
        .bind(mail.body_text)
        .bind(mail.body_html)
        .bind(mail.kind)
        .bind(mail.ticket.map(|r| r.0))
        .bind(mail.message_id)
        .bind(mail.thread.newest.as_deref())
        .bind(refs.join(" "))
        .bind(i64::from(mail.automatic))
        .bind(now)
        .fetch_one(&mut **tx)
        .await?;
        if let Some(message_id) = mail.message_id {
            Self::record_sent_mail(tx, mail, message_id, now).await?;
        }
        Ok(id)
    }

    /// Where `follower` has read the event log up to.
    pub async fn follower_position(&self, follower: LogFollower) -> StoreResult<i64> {
        Ok(
            sqlx::query_scalar("SELECT after_event FROM mail_notifier WHERE name = $1")
                .bind(follower.name())
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// Moves `follower` from `from` to `to` inside a transaction. `false` when another instance
    /// moved it first: then what it would have queued is theirs to queue.
    pub(super) async fn move_follower(
        tx: &mut Transaction<'static, Any>,
        follower: LogFollower,
        from: i64,
        to: i64,
    ) -> StoreResult<bool> {
        let moved = sqlx::query(
            "UPDATE mail_notifier SET after_event = $3 WHERE name = $1 AND after_event = $2",
        )
        .bind(follower.name())
        .bind(from)
        .bind(to)
        .execute(&mut **tx)
        .await?;
        Ok(moved.rows_affected() == 1)
    }

    /// Takes the oldest mail that is due and not being sent by someone else, for `lease_ms`.
    pub async fn claim_due_mail(
        &self,
        now: i64,
        lease_ms: i64,
    ) -> StoreResult<Option<OutgoingMail>> {
        Ok(
            sqlx::query_as(&claim_next_due("mail_outbox", OUTGOING_COLUMNS))
                .bind(now)
                .bind(now + lease_ms)
                .fetch_optional(&self.pool)
                .await?,
        )
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
        Ok(sqlx::query_as(&format!(
            "SELECT {OUTGOING_COLUMNS} FROM mail_outbox WHERE recipient = $1 ORDER BY id DESC"
        ))
        .bind(recipient)
        .fetch_all(&self.pool)
        .await?)
    }
}
