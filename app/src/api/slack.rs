//! Slack channels connected to client accounts, for agency admins: messages in a connected
//! channel become that account's requests (see `backend::slack`).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::people::AccountSummary;
use crate::error::AppError;

/// A channel and the account its messages are filed for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectedChannel {
    pub channel_id: String,
    pub account_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlackOverview {
    /// The server runs with a Slack app (signing secret and bot token).
    pub configured: bool,
    pub channels: Vec<ConnectedChannel>,
    pub accounts: Vec<AccountSummary>,
}

#[server(endpoint = "slack_setup")]
pub async fn slack_setup() -> Result<SlackOverview, AppError> {
    use crate::backend::{auth, state::app_state};
    use crate::domain::policy::Permission;

    auth::require_permission(Permission::ManageIntegrations)?;
    let state = app_state()?;
    Ok(SlackOverview {
        configured: state.settings.slack.is_some(),
        channels: state
            .store
            .slack_channels()
            .await?
            .into_iter()
            .map(|c| ConnectedChannel {
                channel_id: c.channel_id,
                account_name: c.account_name,
            })
            .collect(),
        accounts: state.store.accounts().await?,
    })
}

/// Connects a channel (its id, e.g. `C0123ABCD`) to a client account.
#[server(endpoint = "connect_slack_channel")]
pub async fn connect_slack_channel(channel_id: String, account: String) -> Result<(), AppError> {
    use crate::api::ticket_work::optional_id;
    use crate::backend::{audit::Audit, auth, state::app_state};
    use crate::domain::audit::AuditAction;
    use crate::domain::policy::Permission;
    use crate::domain::slack::is_channel_id;
    use crate::domain::validation::FieldError;

    auth::require_permission(Permission::ManageIntegrations)?;
    let channel_id = channel_id.trim().to_ascii_uppercase();
    if !is_channel_id(&channel_id) {
        return Err(FieldError::new(
            "channel_id",
            "Enter the channel's ID, like C0123ABCD (in Slack: the channel's name › About, at the bottom).",
        )
        .into());
    }
    let state = app_state()?;
    let account = optional_id(Some(&account), "company")?
        .filter(|id| *id > 0)
        .ok_or_else(|| FieldError::new("account", "Choose the company whose channel it is."))?;
    if !state
        .store
        .accounts()
        .await?
        .iter()
        .any(|a| a.id == account)
    {
        return Err(FieldError::new("account", "Choose one of the companies.").into());
    }
    if !state
        .store
        .connect_slack_channel(&channel_id, account, state.clock.now_ms())
        .await?
    {
        return Err(FieldError::new("channel_id", "This channel is connected already.").into());
    }
    Audit::new(
        AuditAction::SlackChannelConnected,
        format!("slack:{channel_id}"),
    )
    .account(Some(account))
    .record(&state)
    .await?;
    Ok(())
}

#[server(endpoint = "disconnect_slack_channel")]
pub async fn disconnect_slack_channel(channel_id: String) -> Result<(), AppError> {
    use crate::backend::{audit::Audit, auth, state::app_state};
    use crate::domain::audit::AuditAction;
    use crate::domain::policy::Permission;

    auth::require_permission(Permission::ManageIntegrations)?;
    let state = app_state()?;
    if !state.store.disconnect_slack_channel(&channel_id).await? {
        return Err(AppError::NotFound);
    }
    Audit::new(
        AuditAction::SlackChannelDisconnected,
        format!("slack:{channel_id}"),
    )
    .record(&state)
    .await?;
    Ok(())
}
