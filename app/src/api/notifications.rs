//! The notification centre (the bell in the header).

use leptos::prelude::*;

use crate::domain::notification::Inbox;
use crate::error::AppError;

/// The signed-in person's newest notifications and their unread count.
#[server(endpoint = "notifications")]
pub async fn notifications() -> Result<Inbox, AppError> {
    use crate::backend::{auth, state::app_state, store::InboxReader};

    let actor = auth::require_actor()?;
    let state = app_state()?;
    let reader = InboxReader {
        user_id: actor.user_id,
        scope: actor.ticket_scope(),
        staff: actor.is_staff(),
    };
    Ok(state.store.inbox(reader, state.clock.now_ms()).await?)
}

/// Marks the person's notifications up to event `through` as read.
#[server(endpoint = "mark_notifications_read")]
pub async fn mark_notifications_read(through: i64) -> Result<(), AppError> {
    use crate::backend::{auth, state::app_state};

    let actor = auth::require_actor()?;
    let state = app_state()?;
    Ok(state
        .store
        .mark_notifications_seen(actor.user_id, through)
        .await?)
}
