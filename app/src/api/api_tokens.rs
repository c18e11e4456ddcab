//! API tokens, made and revoked by agency staff on their Account page. A token acts as its maker
//! through the REST API (`backend::rest`), narrowed by its scopes and optional account limit.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::api_token::ApiTokenInfo;
use crate::domain::people::AccountSummary;
use crate::error::AppError;

/// The tokens the viewer may see (their own; every token for an admin), and the accounts a new
/// one may be limited to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokenList {
    pub now: i64,
    pub viewer_id: i64,
    /// Admins see and may revoke everyone's tokens.
    pub everyone: bool,
    pub tokens: Vec<ApiTokenInfo>,
    pub accounts: Vec<AccountSummary>,
}

/// A token just made: the only time its secret is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedToken {
    pub id: i64,
    pub secret: String,
}

#[server(endpoint = "list_api_tokens")]
pub async fn list_api_tokens() -> Result<ApiTokenList, AppError> {
    use crate::backend::{auth, state::app_state};
    use crate::domain::policy::Role;

    let actor = auth::require_actor()?;
    if !actor.is_staff() {
        return Err(AppError::Forbidden);
    }
    let state = app_state()?;
    let everyone = actor.role == Role::Admin;
    Ok(ApiTokenList {
        now: state.clock.now_ms(),
        viewer_id: actor.user_id,
        everyone,
        tokens: state
            .store
            .api_tokens((!everyone).then_some(actor.user_id))
            .await?,
        accounts: state.store.accounts().await?,
    })
}

/// Makes a token for the signed-in staff member. `scopes` reads like `tickets:write
/// events:read`; `account` (an account id, or empty) limits it to one client account;
/// `expires_in_days` (1–366, or empty for a token that lasts until revoked). `service` (admins
/// only): the token acts as a service account of its own, an agent named after it, instead of
/// as its maker, so it outlives the maker's access.
#[server(endpoint = "create_api_token")]
pub async fn create_api_token(
    name: String,
    scopes: String,
    account: Option<String>,
    expires_in_days: Option<String>,
    #[server(default)] service: bool,
) -> Result<CreatedToken, AppError> {
    use crate::api::ticket_work::optional_id;
    use crate::backend::{audit::Audit, auth, state::app_state, store::NewApiToken};
    use crate::domain::api_token::{
        MAX_LIFETIME_DAYS, MAX_NAME_CHARS, Scopes, TOKEN_PREFIX, parse_name, shown_part,
    };
    use crate::domain::audit::AuditAction;
    use crate::domain::policy::Role;
    use crate::domain::validation::FieldError;

    let actor = auth::require_actor()?;
    if !actor.is_staff() || (service && actor.role != Role::Admin) {
        return Err(AppError::Forbidden);
    }
    let name = parse_name(&name).ok_or_else(|| {
        FieldError::new(
            "name",
            format!("Give the token a name of at most {MAX_NAME_CHARS} characters."),
        )
    })?;
    let scopes =
        Scopes::parse(&scopes).map_err(|error| FieldError::new("scopes", error.to_string()))?;
    let account = optional_id(account.as_deref(), "company")?;
    let expires_in_days = optional_id(expires_in_days.as_deref(), "lifetime")?;
    let state = app_state()?;
    if let Some(account) = account
        && !state
            .store
            .accounts()
            .await?
            .iter()
            .any(|a| a.id == account)
    {
        return Err(FieldError::new("account", "Choose one of the companies, or none.").into());
    }
    let now = state.clock.now_ms();
    let expires_at = match expires_in_days {
        None => None,
        Some(days) if (1..=MAX_LIFETIME_DAYS).contains(&days) => Some(now + days * 86_400_000),
        Some(_) => {
            return Err(FieldError::new(
                "expires_in_days",
                format!("A token lasts 1 to {MAX_LIFETIME_DAYS} days, or until revoked."),
            )
            .into());
        }
    };
    let secret = format!("{TOKEN_PREFIX}{}", auth::new_token());
    let (secret_hash, shown) = (auth::hash_token(&secret), shown_part(&secret));
    let token = NewApiToken {
        user_id: actor.user_id,
        name: &name,
        secret_hash: &secret_hash,
        shown: &shown,
        scopes: &scopes,
        account_limit: account,
        expires_at,
    };
    let id = if service {
        let service_name = format!("{name} (service)");
        state
            .store
            .create_service_token(&token, &service_name, now)
            .await?
            .0
    } else {
        state.store.create_api_token(&token, now).await?
    };
    Audit::new(AuditAction::ApiTokenCreated, format!("api_token:{id}"))
        .account(account)
        .detail(
            serde_json::json!({ "name": name, "scopes": scopes.to_string(), "service": service }),
        )
        .record(&state)
        .await?;
    tracing::info!(token = id, user = actor.user_id, "api token created");
    Ok(CreatedToken { id, secret })
}

/// Revokes a token at once: one's own, or (admins) anyone's.
#[server(endpoint = "revoke_api_token")]
pub async fn revoke_api_token(id: i64) -> Result<(), AppError> {
    use crate::backend::{audit::Audit, auth, state::app_state};
    use crate::domain::audit::AuditAction;
    use crate::domain::policy::Role;

    let actor = auth::require_actor()?;
    if !actor.is_staff() {
        return Err(AppError::Forbidden);
    }
    let state = app_state()?;
    let owner = (actor.role != Role::Admin).then_some(actor.user_id);
    if !state
        .store
        .revoke_api_token(id, owner, state.clock.now_ms())
        .await?
    {
        return Err(AppError::NotFound);
    }
    Audit::new(AuditAction::ApiTokenRevoked, format!("api_token:{id}"))
        .record(&state)
        .await?;
    tracing::info!(token = id, user = actor.user_id, "api token revoked");
    Ok(())
}
