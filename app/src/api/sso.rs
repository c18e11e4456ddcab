//! Single sign-on for client companies, set up by agency admins: a company's OpenID provider
//! signs its people in (see `backend::sso`).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::people::AccountSummary;
use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SsoOverview {
    /// The agency's own provider is set (a server setting) for staff.
    pub staff_configured: bool,
    /// Where providers send people back: what to register with them.
    pub redirect_uri: String,
    pub companies: Vec<CompanySso>,
    pub accounts: Vec<AccountSummary>,
}

/// A company's provider (its secret is never shown again).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanySso {
    pub account_id: i64,
    pub account_name: String,
    pub issuer: String,
    pub client_id: String,
}

#[server(endpoint = "sso_setup")]
pub async fn sso_setup() -> Result<SsoOverview, AppError> {
    use crate::backend::sso::CALLBACK_PATH;
    use crate::backend::{auth, state::app_state};
    use crate::domain::policy::Permission;

    auth::require_permission(Permission::ManageIntegrations)?;
    let state = app_state()?;
    Ok(SsoOverview {
        staff_configured: state.settings.staff_sso.is_some(),
        redirect_uri: format!("{}{CALLBACK_PATH}", state.settings.public_url),
        companies: state
            .store
            .sso_connections()
            .await?
            .into_iter()
            .map(|c| CompanySso {
                account_id: c.account_id,
                account_name: c.account_name,
                issuer: c.issuer,
                client_id: c.client_id,
            })
            .collect(),
        accounts: state.store.accounts().await?,
    })
}

/// Sets a company's provider: its issuer URL, and Frontdoor's client id and secret there.
#[server(endpoint = "connect_sso")]
pub async fn connect_sso(
    account: String,
    issuer: String,
    client_id: String,
    client_secret: String,
) -> Result<(), AppError> {
    use crate::api::ticket_work::optional_id;
    use crate::backend::store::OidcClient;
    use crate::backend::webhooks::check_target;
    use crate::backend::{audit::Audit, auth, state::app_state};
    use crate::domain::audit::AuditAction;
    use crate::domain::policy::Permission;
    use crate::domain::validation::FieldError;

    auth::require_permission(Permission::ManageIntegrations)?;
    let state = app_state()?;
    let account = optional_id(Some(&account), "company")?
        .filter(|id| *id > 0)
        .ok_or_else(|| FieldError::new("account", "Choose the company."))?;
    if !state
        .store
        .accounts()
        .await?
        .iter()
        .any(|a| a.id == account)
    {
        return Err(FieldError::new("account", "Choose one of the companies.").into());
    }
    // The issuer is called from the server: the same rules as a webhook's address.
    let issuer = check_target(&issuer, &state.settings.webhook_hosts)
        .map_err(|refused| FieldError::new("issuer", refused.to_string()))?;
    let (client_id, client_secret) = (client_id.trim(), client_secret.trim());
    if client_id.is_empty() || client_id.len() > 200 {
        return Err(FieldError::new(
            "client_id",
            "Enter the client ID the provider gave Frontdoor.",
        )
        .into());
    }
    if client_secret.is_empty() || client_secret.len() > 500 {
        return Err(FieldError::new(
            "client_secret",
            "Enter the client secret the provider gave Frontdoor.",
        )
        .into());
    }
    let client = OidcClient {
        issuer: issuer.as_str().trim_end_matches('/').to_owned(),
        client_id: client_id.to_owned(),
        client_secret: client_secret.to_owned(),
    };
    state
        .store
        .connect_sso(account, &client, state.clock.now_ms())
        .await?;
    Audit::new(AuditAction::SsoConnected, format!("account:{account}"))
        .account(Some(account))
        .detail(serde_json::json!({ "issuer": client.issuer }))
        .record(&state)
        .await?;
    Ok(())
}

#[server(endpoint = "remove_sso")]
pub async fn remove_sso(account: i64) -> Result<(), AppError> {
    use crate::backend::{audit::Audit, auth, state::app_state};
    use crate::domain::audit::AuditAction;
    use crate::domain::policy::Permission;

    auth::require_permission(Permission::ManageIntegrations)?;
    let state = app_state()?;
    if !state.store.remove_sso(account).await? {
        return Err(AppError::NotFound);
    }
    Audit::new(AuditAction::SsoRemoved, format!("account:{account}"))
        .account(Some(account))
        .record(&state)
        .await?;
    Ok(())
}
