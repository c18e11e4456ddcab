//! Webhooks and their deliveries: an outbox like mail's (claimed with a lease, retried, settled),
//! that stays as each webhook's delivery log.

use sqlx::{Any, FromRow, Transaction};

use super::outbox::{LogFollower, claim_next_due};
use super::{Store, StoreError, StoreResult};
use crate::domain::ticket::TicketRef;
use crate::domain::webhook::{DeliveryInfo, DeliveryState, EventSet, WebhookInfo};

/// A webhook to add.
#[derive(Debug, Clone)]
pub struct NewWebhook<'a> {
    pub url: &'a str,
    pub description: &'a str,
    pub events: &'a EventSet,
    pub secret: &'a str,
    pub created_by: i64,
}

/// Where a webhook's deliveries go, and what signs them.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct WebhookTarget {
    pub url: String,
    pub secret: String,
    /// Removed webhooks get nothing more.
    pub removed_at: Option<i64>,
}

/// A delivery to queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDelivery {
    pub webhook_id: i64,
    pub message_id: String,
    pub event_type: String,
    pub ticket: Option<TicketRef>,
    pub payload: String,
}

/// A delivery claimed for sending.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct DueDelivery {
    pub id: i64,
    pub webhook_id: i64,
    pub message_id: String,
    pub payload: String,
    /// Including this one.
    pub attempts: i64,
}

/// How one try ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// The receiver's answer, when there was one.
    pub status: Option<i64>,
    /// `None`: delivered.
    pub error: Option<String>,
    /// When to try again (a failed try with tries left).
    pub retry_at: Option<i64>,
}

#[derive(FromRow)]
struct WebhookRow {
    id: i64,
    url: String,
    description: String,
    events: String,
    creator_name: String,
    created_at: i64,
}

#[derive(FromRow)]
struct DeliveryRow {
    id: i64,
    message_id: String,
    event_type: String,
    ticket_id: Option<i64>,
    created_at: i64,
    attempts: i64,
    last_attempt_at: Option<i64>,
    next_attempt_at: i64,
    sent_at: Option<i64>,
    delivered: i64,
    response_status: Option<i64>,
    last_error: Option<String>,
}

impl DeliveryRow {
    fn into_info(self) -> DeliveryInfo {
        let error = self.last_error.unwrap_or_default();
        let state = match (self.sent_at, self.delivered != 0) {
            (Some(_), true) => DeliveryState::Delivered {
                status: self.response_status.unwrap_or(200),
            },
            (Some(_), false) => DeliveryState::GaveUp { error },
            (None, _) if self.attempts == 0 => DeliveryState::Waiting,
            (None, _) => DeliveryState::Retrying {
                error,
                next_at: self.next_attempt_at,
            },
        };
        DeliveryInfo {
            id: self.id,
            message_id: self.message_id,
            event_type: self.event_type,
            ticket: self.ticket_id.map(TicketRef),
            created_at: self.created_at,
            attempts: self.attempts,
            last_attempt_at: self.last_attempt_at,
            state,
        }
    }
}

const DUE_COLUMNS: &str = "id, webhook_id, message_id, payload, attempts";

impl Store {
    pub async fn create_webhook(&self, webhook: &NewWebhook<'_>, now: i64) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO webhooks (url, description, events, secret, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(webhook.url)
        .bind(webhook.description)
        .bind(webhook.events.to_string())
        .bind(webhook.secret)
        .bind(webhook.created_by)
        .bind(now)
        .fetch_one(&self.pool)
        .await?)
    }

    /// The webhooks in use, oldest first.
    pub async fn webhooks(&self) -> StoreResult<Vec<WebhookInfo>> {
        let rows: Vec<WebhookRow> = sqlx::query_as(
            "SELECT w.id, w.url, w.description, w.events, u.name AS creator_name, w.created_at \
             FROM webhooks w JOIN users u ON u.id = w.created_by \
             WHERE w.removed_at IS NULL ORDER BY w.id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|row| {
                Ok(WebhookInfo {
                    events: EventSet::parse(&row.events).map_err(|error| {
                        StoreError::Corrupt(format!("webhook {}: {error}", row.id))
                    })?,
                    id: row.id,
                    url: row.url,
                    description: row.description,
                    creator_name: row.creator_name,
                    created_at: row.created_at,
                })
            })
            .collect()
    }

    pub async fn webhook_target(&self, id: i64) -> StoreResult<WebhookTarget> {
        sqlx::query_as("SELECT url, secret, removed_at FROM webhooks WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// Stops a webhook from getting anything more. `false` when there was no such webhook in use.
    pub async fn remove_webhook(&self, id: i64, now: i64) -> StoreResult<bool> {
        let removed =
            sqlx::query("UPDATE webhooks SET removed_at = $2 WHERE id = $1 AND removed_at IS NULL")
                .bind(id)
                .bind(now)
                .execute(&self.pool)
                .await?;
        Ok(removed.rows_affected() == 1)
    }

    /// Queues `deliveries` and moves the webhook follower from `from` to `to`, all or nothing.
    /// `false` when another instance moved it first (then nothing was queued).
    pub async fn queue_webhook_deliveries(
        &self,
        from: i64,
        to: i64,
        deliveries: &[NewDelivery],
        now: i64,
    ) -> StoreResult<bool> {
        in_transaction!(self.begin_write(), |tx| {
            if !Self::move_follower(tx, LogFollower::Webhooks, from, to).await? {
                return Ok(false);
            }
            for delivery in deliveries {
                Self::enqueue_delivery_in(tx, delivery, now).await?;
            }
            Ok(true)
        })
    }

    /// Queues one delivery (a test message, a redelivery) to be sent now.
    pub async fn enqueue_delivery(&self, delivery: &NewDelivery, now: i64) -> StoreResult<i64> {
        in_transaction!(self.begin_write(), |tx| {
            Self::enqueue_delivery_in(tx, delivery, now).await
        })
    }

    async fn enqueue_delivery_in(
        tx: &mut Transaction<'static, Any>,
        delivery: &NewDelivery,
        now: i64,
    ) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO webhook_deliveries (webhook_id, message_id, event_type, ticket_id, payload, \
                                             created_at, next_attempt_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
        )
        .bind(delivery.webhook_id)
        .bind(&delivery.message_id)
        .bind(&delivery.event_type)
        .bind(delivery.ticket.map(|r| r.0))
        .bind(&delivery.payload)
        .bind(now)
        .fetch_one(&mut **tx)
        .await?)
    }

    /// Takes the oldest delivery that is due and not being sent by someone else, for `lease_ms`.
    pub async fn claim_due_delivery(
        &self,
        now: i64,
        lease_ms: i64,
    ) -> StoreResult<Option<DueDelivery>> {
        Ok(
            sqlx::query_as(&claim_next_due("webhook_deliveries", DUE_COLUMNS))
                .bind(now)
                .bind(now + lease_ms)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Records how a try ended: delivered, to be retried at `retry_at`, or given up.
    pub async fn record_attempt(&self, id: i64, attempt: &Attempt, now: i64) -> StoreResult<()> {
        let settled = attempt.error.is_none() || attempt.retry_at.is_none();
        sqlx::query(
            "UPDATE webhook_deliveries SET claimed_until = NULL, last_attempt_at = $2, \
                 response_status = $3, last_error = $4, delivered = $5, \
                 next_attempt_at = COALESCE($6, next_attempt_at), \
                 sent_at = CASE WHEN $7 = 1 THEN $2 ELSE NULL END \
             WHERE id = $1",
        )
        .bind(id)
        .bind(now)
        .bind(attempt.status)
        .bind(attempt.error.as_deref())
        .bind(i64::from(attempt.error.is_none()))
        .bind(attempt.retry_at)
        .bind(i64::from(settled))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A webhook's deliveries, newest first, at most `limit`.
    pub async fn webhook_deliveries(
        &self,
        webhook_id: i64,
        limit: i64,
    ) -> StoreResult<Vec<DeliveryInfo>> {
        let rows: Vec<DeliveryRow> = sqlx::query_as(
            "SELECT id, message_id, event_type, ticket_id, created_at, attempts, last_attempt_at, \
                    next_attempt_at, sent_at, delivered, response_status, last_error \
             FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(webhook_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(DeliveryRow::into_info).collect())
    }

    /// Queues a settled delivery again, as a new entry of the log with the same message (its
    /// `webhook-id` too, so a receiver that got it already can tell). Returns the new entry and
    /// its webhook; `NotFound` for a delivery not settled yet or of a removed webhook.
    pub async fn redeliver(&self, delivery_id: i64, now: i64) -> StoreResult<(i64, i64)> {
        let (webhook_id, message_id, event_type, ticket_id, payload): (
            i64,
            String,
            String,
            Option<i64>,
            String,
        ) = sqlx::query_as(
            "SELECT d.webhook_id, d.message_id, d.event_type, d.ticket_id, d.payload \
             FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id \
             WHERE d.id = $1 AND d.sent_at IS NOT NULL AND w.removed_at IS NULL",
        )
        .bind(delivery_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        let delivery = NewDelivery {
            webhook_id,
            message_id,
            event_type,
            ticket: ticket_id.map(TicketRef),
            payload,
        };
        Ok((self.enqueue_delivery(&delivery, now).await?, webhook_id))
    }
}
