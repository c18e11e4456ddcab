//! Webhooks, for agency admins: subscribe a URL to events, see each one's deliveries, send a
//! test message, send a delivery again, remove one.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::webhook::{DeliveryInfo, WebhookInfo};
use crate::error::AppError;

/// The most deliveries a webhook's log shows.
pub const LOG_LENGTH: i64 = 50;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookList {
    pub webhooks: Vec<WebhookInfo>,
}

/// A webhook just added: the only time its signing secret is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddedWebhook {
    pub id: i64,
    pub secret: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryLog {
    pub now: i64,
    pub deliveries: Vec<DeliveryInfo>,
}

#[server(endpoint = "list_webhooks")]
pub async fn list_webhooks() -> Result<WebhookList, AppError> {
    use crate::backend::{auth, state::app_state};
    use crate::domain::policy::Permission;

    auth::require_permission(Permission::ManageIntegrations)?;
    Ok(WebhookList {
        webhooks: app_state()?.store.webhooks().await?,
    })
}

/// Subscribes `url` to `events` (space-separated event names). Addresses in private or local
/// ranges are refused, whether written as an address or a name that resolves to one, unless the
/// operator allowed the host.
#[server(endpoint = "add_webhook")]
pub async fn add_webhook(
    url: String,
    description: String,
    events: String,
) -> Result<AddedWebhook, AppError> {
    use crate::backend::webhooks::{check_target, new_secret};
    use crate::backend::{audit::Audit, auth, state::app_state, store::NewWebhook};
    use crate::domain::audit::AuditAction;
    use crate::domain::policy::Permission;
    use crate::domain::validation::FieldError;
    use crate::domain::webhook::{EventSet, MAX_DESCRIPTION_CHARS, MAX_URL_CHARS, is_public};

    let actor = auth::require_permission(Permission::ManageIntegrations)?;
    let state = app_state()?;
    let allowed = &state.settings.webhook_hosts;
    let url = url.trim();
    if url.chars().count() > MAX_URL_CHARS {
        return Err(FieldError::new(
            "url",
            format!("Use an address of at most {MAX_URL_CHARS} characters."),
        )
        .into());
    }
    let target = check_target(url, allowed).map_err(|e| FieldError::new("url", e.to_string()))?;
    // A name is checked now too, for an answer while the admin is here; it is checked again at
    // every delivery, where it counts. A name that does not resolve yet is let through.
    if let Some(url::Host::Domain(host)) = target.host()
        && !allowed.allows(host)
        && let Ok(addresses) = tokio::net::lookup_host((host, 0)).await
        && let Some(private) = addresses.map(|a| a.ip()).find(|ip| !is_public(*ip))
    {
        return Err(FieldError::new(
            "url",
            format!("{host} points to {private}, a private or local address; webhooks go to the internet only."),
        )
        .into());
    }
    let description = description.trim();
    if description.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(FieldError::new(
            "description",
            format!("Keep the description to {MAX_DESCRIPTION_CHARS} characters."),
        )
        .into());
    }
    let events =
        EventSet::parse(&events).map_err(|error| FieldError::new("events", error.to_string()))?;
    let secret = new_secret();
    let id = state
        .store
        .create_webhook(
            &NewWebhook {
                url: target.as_str(),
                description,
                events: &events,
                secret: &secret,
                created_by: actor.user_id,
            },
            state.clock.now_ms(),
        )
        .await?;
    Audit::new(AuditAction::WebhookAdded, format!("webhook:{id}"))
        .detail(serde_json::json!({ "url": target.as_str(), "events": events.to_string() }))
        .record(&state)
        .await?;
    tracing::info!(webhook = id, "webhook added");
    Ok(AddedWebhook { id, secret })
}

#[server(endpoint = "remove_webhook")]
pub async fn remove_webhook(id: i64) -> Result<(), AppError> {
    use crate::backend::{audit::Audit, auth, state::app_state};
    use crate::domain::audit::AuditAction;
    use crate::domain::policy::Permission;

    auth::require_permission(Permission::ManageIntegrations)?;
    let state = app_state()?;
    if !state.store.remove_webhook(id, state.clock.now_ms()).await? {
        return Err(AppError::NotFound);
    }
    Audit::new(AuditAction::WebhookRemoved, format!("webhook:{id}"))
        .record(&state)
        .await?;
    tracing::info!(webhook = id, "webhook removed");
    Ok(())
}

/// A webhook's latest deliveries, newest first.
#[server(endpoint = "webhook_deliveries")]
pub async fn webhook_deliveries(webhook_id: i64) -> Result<DeliveryLog, AppError> {
    use crate::backend::{auth, state::app_state};
    use crate::domain::policy::Permission;

    auth::require_permission(Permission::ManageIntegrations)?;
    let state = app_state()?;
    Ok(DeliveryLog {
        now: state.clock.now_ms(),
        deliveries: state
            .store
            .webhook_deliveries(webhook_id, LOG_LENGTH)
            .await?,
    })
}

/// Sends a test message (`webhook.test`) to a webhook now.
#[server(endpoint = "test_webhook")]
pub async fn test_webhook(webhook_id: i64) -> Result<(), AppError> {
    use crate::backend::webhooks::{TEST_EVENT, new_message_id, test_payload};
    use crate::backend::{auth, state::app_state, store::NewDelivery};
    use crate::domain::policy::Permission;

    auth::require_permission(Permission::ManageIntegrations)?;
    let state = app_state()?;
    if !state
        .store
        .webhooks()
        .await?
        .iter()
        .any(|w| w.id == webhook_id)
    {
        return Err(AppError::NotFound);
    }
    let now = state.clock.now_ms();
    let delivery = NewDelivery {
        webhook_id,
        message_id: new_message_id(),
        event_type: TEST_EVENT.to_owned(),
        ticket: None,
        payload: test_payload(webhook_id, now),
    };
    state.store.enqueue_delivery(&delivery, now).await?;
    state.webhook_wake.notify_one();
    Ok(())
}

/// Sends a settled delivery again, now (same message and `webhook-id`).
#[server(endpoint = "redeliver_webhook")]
pub async fn redeliver_webhook(delivery_id: i64) -> Result<(), AppError> {
    use crate::backend::{audit::Audit, auth, state::app_state};
    use crate::domain::audit::AuditAction;
    use crate::domain::policy::Permission;

    auth::require_permission(Permission::ManageIntegrations)?;
    let state = app_state()?;
    let (id, webhook_id) = state
        .store
        .redeliver(delivery_id, state.clock.now_ms())
        .await?;
    state.webhook_wake.notify_one();
    Audit::new(
        AuditAction::WebhookRedelivered,
        format!("webhook:{webhook_id}"),
    )
    .detail(serde_json::json!({ "delivery": delivery_id, "again_as": id }))
    .record(&state)
    .await?;
    Ok(())
}
