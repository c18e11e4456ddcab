//! "Was this resolved?" answers, and the key that signs feedback links.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sqlx::FromRow;

use super::{Store, StoreError, StoreResult, parse_stored};
use crate::domain::feedback::{Feedback, check_answer, reopens};
use crate::domain::ticket::{LiveEvent, TicketChange, TicketRef, TicketStatus};

/// A request's answer, as [`FeedbackRow`] reads it.
const FEEDBACK_OF_TICKET: &str =
    "SELECT resolved, comment, answered_at FROM ticket_feedback WHERE ticket_id = $1";

/// The settings row holding the link-signing key (one for every instance on the database).
const SIGNING_KEY_SETTING: &str = "link_signing_key";

#[derive(FromRow)]
struct FeedbackRow {
    resolved: i64,
    comment: String,
    answered_at: i64,
}

impl From<FeedbackRow> for Feedback {
    fn from(row: FeedbackRow) -> Self {
        Feedback {
            resolved: row.resolved != 0,
            comment: row.comment,
            answered_at: row.answered_at,
        }
    }
}

/// An answer to record.
#[derive(Debug, Clone, Copy)]
pub struct NewFeedback<'a> {
    pub reference: TicketRef,
    pub user_id: i64,
    pub resolved: bool,
    pub comment: &'a str,
}

impl Store {
    pub async fn feedback(&self, reference: TicketRef) -> StoreResult<Option<Feedback>> {
        let row: Option<FeedbackRow> = sqlx::query_as(FEEDBACK_OF_TICKET)
            .bind(reference.0)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(Feedback::from))
    }

    /// Records (or changes) the requester's answer, as the feedback rules allow, and reopens a
    /// completed request answered "not resolved" — all in one transaction. Returns the events
    /// written.
    pub async fn give_feedback(
        &self,
        answer: NewFeedback<'_>,
        now: i64,
    ) -> StoreResult<Vec<LiveEvent>> {
        let reference = answer.reference;
        let (events, reopened): (Vec<LiveEvent>, bool) = in_transaction!(
            self.begin_event_write(),
            |tx| {
                let (status, account_id): (String, i64) =
                    sqlx::query_as("SELECT status, account_id FROM tickets WHERE id = $1")
                        .bind(reference.0)
                        .fetch_optional(&mut **tx)
                        .await?
                        .ok_or(StoreError::NotFound)?;
                let status: TicketStatus = parse_stored(&status, "status")?;
                let earlier: Option<FeedbackRow> = sqlx::query_as(FEEDBACK_OF_TICKET)
                    .bind(reference.0)
                    .fetch_optional(&mut **tx)
                    .await?;
                let earlier = earlier.map(Feedback::from);
                check_answer(status, earlier.as_ref(), now)
                    .map_err(|refused| StoreError::Conflict(refused.to_string()))?;
                sqlx::query(
                    "INSERT INTO ticket_feedback (ticket_id, account_id, user_id, resolved, comment, answered_at, changed_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $6) \
                     ON CONFLICT (ticket_id) DO UPDATE SET resolved = excluded.resolved, \
                         comment = excluded.comment, user_id = excluded.user_id, changed_at = excluded.changed_at",
                )
                .bind(reference.0)
                .bind(account_id)
                .bind(answer.user_id)
                .bind(i64::from(answer.resolved))
                .bind(answer.comment)
                .bind(now)
                .execute(&mut **tx)
                .await?;
                let mut events = vec![
                    Self::append_event(
                        tx,
                        reference.0,
                        Some(answer.user_id),
                        TicketChange::FeedbackGiven {
                            resolved: answer.resolved,
                            comment: answer.comment.to_owned(),
                        },
                        now,
                    )
                    .await?,
                ];
                let reopened = reopens(answer.resolved, status);
                if reopened {
                    let to = TicketStatus::InProgress;
                    sqlx::query(
                        "UPDATE tickets SET status = $2, resolved_at = NULL, updated_at = $3 WHERE id = $1",
                    )
                    .bind(reference.0)
                    .bind(to.as_str())
                    .bind(now)
                    .execute(&mut **tx)
                    .await?;
                    events.push(
                        Self::append_event(
                            tx,
                            reference.0,
                            Some(answer.user_id),
                            TicketChange::StatusChanged { from: status, to },
                            now,
                        )
                        .await?,
                    );
                }
                Ok((events, reopened))
            }
        )?;
        if reopened {
            self.refresh_sla(reference, now).await?;
        }
        Ok(events)
    }

    /// The key feedback links are signed with: made on first use and kept in the database, so
    /// every instance signs and checks alike.
    pub async fn signing_key(&self) -> StoreResult<Vec<u8>> {
        self.secret_made_once(SIGNING_KEY_SETTING, &rand::random::<[u8; 32]>())
            .await
    }

    /// The secret kept under `key` in settings: `fresh` if none was kept yet (the first writer
    /// wins when instances start together).
    pub(super) async fn secret_made_once(&self, key: &str, fresh: &[u8]) -> StoreResult<Vec<u8>> {
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
        )
        .bind(key)
        .bind(URL_SAFE_NO_PAD.encode(fresh))
        .execute(&self.pool)
        .await?;
        let stored: String = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_one(&self.pool)
            .await?;
        URL_SAFE_NO_PAD
            .decode(stored)
            .map_err(|e| StoreError::Corrupt(format!("{key}: {e}")))
    }
}
