//! Push notifications on a person's devices: the key browsers subscribe with, and turning a
//! device on or off. What is sent, and when, is decided with mail (`backend::mail_updates`).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// What a browser needs to subscribe, and how many devices the person has on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushSetup {
    /// The VAPID public key (`applicationServerKey`), base64url.
    pub public_key: String,
    pub devices: i64,
}

#[server(endpoint = "push_settings")]
pub async fn push_settings() -> Result<PushSetup, AppError> {
    use crate::backend::{auth, push, state::app_state};

    let actor = auth::require_actor()?;
    let state = app_state()?;
    let key = push::vapid_key(&state).await?;
    Ok(PushSetup {
        public_key: push::public_key_text(&key),
        devices: state.store.push_devices(actor.user_id).await?.len() as i64,
    })
}

/// Turns notifications on for the signed-in person on the device that subscribed: `endpoint`
/// (its push service's address, which must be a known push service), `p256dh` and `auth` (its
/// keys, base64url) as the browser's `PushSubscription` gives them.
#[server(endpoint = "subscribe_push")]
pub async fn subscribe_push(
    endpoint: String,
    p256dh: String,
    auth: String,
) -> Result<(), AppError> {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use web_push_native::p256::PublicKey;

    use crate::backend::{auth as session, state::app_state, store::NewSubscription};
    use crate::domain::push::check_endpoint;
    use crate::domain::validation::FieldError;

    let actor = session::require_actor()?;
    let state = app_state()?;
    check_endpoint(&endpoint, state.settings.push_loopback)
        .map_err(|refused| FieldError::new("endpoint", refused.to_string()))?;
    // Browsers give base64url; some pad it.
    let (p256dh, auth) = (p256dh.trim_end_matches('='), auth.trim_end_matches('='));
    let key_ok = URL_SAFE_NO_PAD
        .decode(p256dh)
        .is_ok_and(|bytes| PublicKey::from_sec1_bytes(&bytes).is_ok());
    let auth_ok = URL_SAFE_NO_PAD
        .decode(auth)
        .is_ok_and(|bytes| bytes.len() == 16);
    if !key_ok || !auth_ok {
        return Err(AppError::BadRequest(
            "The subscription's keys are not well formed.".into(),
        ));
    }
    let subscription = NewSubscription {
        endpoint: &endpoint,
        p256dh,
        auth,
    };
    state
        .store
        .save_push_subscription(actor.user_id, &subscription, state.clock.now_ms())
        .await?;
    tracing::info!(
        user = actor.user_id,
        "push notifications turned on for a device"
    );
    Ok(())
}

/// Turns notifications off on one of the signed-in person's devices.
#[server(endpoint = "unsubscribe_push")]
pub async fn unsubscribe_push(endpoint: String) -> Result<(), AppError> {
    use crate::backend::{auth, state::app_state};

    let actor = auth::require_actor()?;
    app_state()?
        .store
        .delete_push_subscription(actor.user_id, &endpoint)
        .await?;
    Ok(())
}
