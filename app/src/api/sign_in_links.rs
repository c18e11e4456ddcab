//! Signing in by a link sent by email: magic links, invitations and password resets.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::sign_in::{LinkProblem, LinkPurpose};
use crate::error::AppError;

/// What the page a link opens shows before it is used. Opening the page does not use the link
/// (mail scanners that fetch links do not burn them); pressing its button does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkInfo {
    Usable { purpose: LinkPurpose, name: String },
    Unusable(LinkProblem),
}

/// The same answer whether or not anyone uses the address.
pub fn link_sent_message(purpose: LinkPurpose) -> &'static str {
    match purpose {
        LinkPurpose::PasswordReset => {
            "If that address is registered, a link to choose a new password is on its way. It works once, for an hour, in this browser."
        }
        _ => {
            "If that address is registered, a sign-in link is on its way. It works once, for 15 minutes, in this browser."
        }
    }
}

/// Emails a one-time sign-in or password-reset link to `email`, if someone uses it. Answers the
/// same either way. (Invitations are sent by team admins, not asked for.)
#[server(endpoint = "request_link")]
pub async fn request_link(email: String, purpose: LinkPurpose) -> Result<String, AppError> {
    if purpose == LinkPurpose::Invitation {
        return Err(AppError::BadRequest(
            "Invitations are sent by team admins.".to_owned(),
        ));
    }
    send_link(&email, purpose).await?;
    Ok(link_sent_message(purpose).to_owned())
}

#[cfg(feature = "ssr")]
async fn send_link(email: &str, purpose: LinkPurpose) -> Result<(), AppError> {
    use crate::backend::audit::{Audit, user_subject};
    use crate::backend::{auth, sign_in_mail, state::app_state};
    use crate::domain::audit::AuditAction;
    use crate::domain::sign_in::parse_email;

    let state = app_state()?;
    let email = parse_email("email", email)?;
    state
        .mail_throttle
        .attempt(&email, auth::client_address())?;
    let browser_hash = auth::mark_link_browser(purpose.lifetime_ms())?;
    let Some(member) = state.store.active_member_by_email(&email).await? else {
        tracing::info!(target: "security", %email, purpose = purpose.as_str(), "link asked for an unknown address");
        return Ok(());
    };
    sign_in_mail::send_link(&state, &member, purpose, Some(&browser_hash)).await?;
    let action = match purpose {
        LinkPurpose::PasswordReset => AuditAction::PasswordResetSent,
        _ => AuditAction::SignInLinkSent,
    };
    Audit::new(action, user_subject(member.user_id))
        .by(member.user_id)
        .record(&state)
        .await
}

/// What a link from an email is for and whether it still works. Does not use it.
#[server(endpoint = "sign_in_link")]
pub async fn sign_in_link(token: String) -> Result<LinkInfo, AppError> {
    use crate::backend::{auth, state::app_state};

    let state = app_state()?;
    let Some(link) = state.store.link(&auth::hash_token(&token)).await? else {
        return Ok(LinkInfo::Unusable(LinkProblem::Unknown));
    };
    if let Err(problem) = link
        .record
        .check(state.clock.now_ms(), auth::link_browser_hash().as_deref())
    {
        return Ok(LinkInfo::Unusable(problem));
    }
    let (_, member) = state
        .store
        .member(link.user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(LinkInfo::Usable {
        purpose: link.record.purpose,
        name: member.name,
    })
}

/// Uses a link: signs its person in (a password reset also sets the new password and ends their
/// other sessions). Returns the path to go to.
#[server(endpoint = "redeem_sign_in_link")]
pub async fn redeem_sign_in_link(
    token: String,
    password: Option<String>,
) -> Result<String, AppError> {
    use crate::backend::audit::{Audit, user_subject};
    use crate::backend::{auth, password::hash_password, state::app_state};
    use crate::domain::audit::AuditAction;
    use crate::domain::sign_in::check_new_password;

    let state = app_state()?;
    let token_hash = auth::hash_token(&token);
    let unusable = |problem: LinkProblem| AppError::Conflict(problem.to_string());
    let link = state
        .store
        .link(&token_hash)
        .await?
        .ok_or(unusable(LinkProblem::Unknown))?;
    link.record
        .check(state.clock.now_ms(), auth::link_browser_hash().as_deref())
        .map_err(unusable)?;
    let (_, member) = state
        .store
        .member(link.user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let new_password_hash = match link.record.purpose {
        LinkPurpose::PasswordReset => {
            let password = password.unwrap_or_default();
            check_new_password(&password, &member.email)?;
            Some(hash_password(&password).map_err(|_| AppError::Internal)?)
        }
        LinkPurpose::MagicLink | LinkPurpose::Invitation => None,
    };
    if !state
        .store
        .use_link(&token_hash, state.clock.now_ms())
        .await?
    {
        return Err(unusable(LinkProblem::Used));
    }
    if let Some(hash) = new_password_hash {
        state.store.set_password_hash(member.user_id, hash).await?;
        state.store.delete_sessions_of(member.user_id, None).await?;
        state.events.access_changed();
        Audit::new(AuditAction::PasswordChanged, user_subject(member.user_id))
            .by(member.user_id)
            .record(&state)
            .await?;
    }
    let actor = state
        .store
        .active_actor(member.user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    auth::sign_in_as(&actor, link.record.purpose.as_str()).await
}
