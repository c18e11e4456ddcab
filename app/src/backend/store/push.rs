//! Web Push: people's subscribed devices, the notifications waiting for them, and the VAPID key.

use sqlx::{Any, FromRow, Transaction};

use super::outbox::claim_next_due;
use super::{Store, StoreResult};

/// The settings row holding the VAPID private key (one for every instance on the database).
const VAPID_KEY_SETTING: &str = "vapid_private_key";

/// A browser's push subscription, as it hands it over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSubscription<'a> {
    pub endpoint: &'a str,
    /// The browser's P-256 public key, base64url.
    pub p256dh: &'a str,
    /// The browser's 16-byte authentication secret, base64url.
    pub auth: &'a str,
}

/// A notification to deliver to one device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPush {
    pub subscription_id: i64,
    pub payload: String,
}

/// A notification claimed for delivery, with where it goes.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct OutgoingPush {
    pub id: i64,
    pub subscription_id: i64,
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
    pub payload: String,
    pub attempts: i64,
}

impl Store {
    /// Keeps a device for `user_id`. A browser subscribing again (for them or, on a shared
    /// device, someone else) replaces what was kept for its endpoint.
    pub async fn save_push_subscription(
        &self,
        user_id: i64,
        subscription: &NewSubscription<'_>,
        now: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO push_subscriptions (user_id, endpoint, p256dh, auth, created_at) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (endpoint) DO UPDATE SET user_id = $1, p256dh = $3, auth = $4, created_at = $5",
        )
        .bind(user_id)
        .bind(subscription.endpoint)
        .bind(subscription.p256dh)
        .bind(subscription.auth)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Forgets `user_id`'s device at `endpoint` (turned off on it). Another person's is left alone.
    pub async fn delete_push_subscription(&self, user_id: i64, endpoint: &str) -> StoreResult<()> {
        let id: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM push_subscriptions WHERE user_id = $1 AND endpoint = $2",
        )
        .bind(user_id)
        .bind(endpoint)
        .fetch_optional(&self.pool)
        .await?;
        if let Some(id) = id {
            self.drop_push_subscription(id).await?;
        }
        Ok(())
    }

    /// Forgets a device and what waited for it: its push service said it is gone (404/410).
    pub async fn drop_push_subscription(&self, subscription_id: i64) -> StoreResult<()> {
        in_transaction!(self.begin_write(), |tx| {
            sqlx::query("DELETE FROM push_outbox WHERE subscription_id = $1")
                .bind(subscription_id)
                .execute(&mut **tx)
                .await?;
            sqlx::query("DELETE FROM push_subscriptions WHERE id = $1")
                .bind(subscription_id)
                .execute(&mut **tx)
                .await?;
            Ok(())
        })
    }

    /// The devices `user_id` takes notifications on (none for someone no longer active).
    pub async fn push_devices(&self, user_id: i64) -> StoreResult<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT s.id FROM push_subscriptions s JOIN users u ON u.id = s.user_id \
             WHERE s.user_id = $1 AND u.active = 1 ORDER BY s.id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Whether `endpoint` is one of `user_id`'s devices.
    pub async fn has_push_device(&self, user_id: i64, endpoint: &str) -> StoreResult<bool> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM push_subscriptions WHERE user_id = $1 AND endpoint = $2",
        )
        .bind(user_id)
        .bind(endpoint)
        .fetch_optional(&self.pool)
        .await?;
        Ok(found.is_some())
    }

    pub(super) async fn enqueue_push_in(
        tx: &mut Transaction<'static, Any>,
        push: &NewPush,
        now: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO push_outbox (subscription_id, payload, created_at, next_attempt_at) \
             VALUES ($1, $2, $3, $3)",
        )
        .bind(push.subscription_id)
        .bind(&push.payload)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Claims the next notification due for `lease_ms` (one sender at a time, on any instance).
    pub async fn claim_due_push(
        &self,
        now: i64,
        lease_ms: i64,
    ) -> StoreResult<Option<OutgoingPush>> {
        let claimed: Option<(i64,)> = sqlx::query_as(&claim_next_due("push_outbox", "id"))
            .bind(now)
            .bind(now + lease_ms)
            .fetch_optional(&self.pool)
            .await?;
        let Some((id,)) = claimed else {
            return Ok(None);
        };
        Ok(sqlx::query_as(
            "SELECT o.id, o.subscription_id, s.endpoint, s.p256dh, s.auth, o.payload, o.attempts \
             FROM push_outbox o JOIN push_subscriptions s ON s.id = o.subscription_id WHERE o.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }

    pub async fn mark_push_sent(&self, id: i64, now: i64) -> StoreResult<()> {
        sqlx::query(
            "UPDATE push_outbox SET sent_at = $2, claimed_until = NULL, last_error = NULL WHERE id = $1",
        )
        .bind(id)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records a failed attempt; tried again from `retry_at`, or never (`None`: given up).
    pub async fn mark_push_failed(
        &self,
        id: i64,
        error: &str,
        retry_at: Option<i64>,
        now: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE push_outbox SET claimed_until = NULL, last_error = $2, \
             next_attempt_at = COALESCE($3, next_attempt_at), \
             sent_at = CASE WHEN $3 IS NULL THEN $4 ELSE NULL END WHERE id = $1",
        )
        .bind(id)
        .bind(error)
        .bind(retry_at)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The VAPID private key (a P-256 scalar) push requests are signed with: made on first use
    /// (`fresh`) and kept in the database, so every instance signs alike and browsers'
    /// subscriptions (made for its public half) stay valid across restarts.
    pub async fn vapid_private_key(&self, fresh: [u8; 32]) -> StoreResult<Vec<u8>> {
        self.secret_made_once(VAPID_KEY_SETTING, &fresh).await
    }
}
