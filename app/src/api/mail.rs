//! The mail channel for agency admins: messages that could not be read (quarantine), retried or
//! dismissed.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// A message kept because it could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnreadableMail {
    pub id: i64,
    /// Where it came from: `imap:INBOX`, `smtp`, `http`.
    pub source: String,
    pub error: String,
    /// The size of what was kept.
    pub size_bytes: i64,
    pub received_at: i64,
    /// Only its header was kept (it was too large): it cannot be retried.
    pub header_only: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quarantine {
    pub now: i64,
    pub messages: Vec<UnreadableMail>,
}

/// What became of a retried message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetryOutcome {
    /// In words: "Filed as FD-1042.", "Still unreadable: …".
    pub said: String,
    /// It did not become a request or a reply: still unreadable (kept again, with this try's
    /// error), or turned away by the intake's settings or rules.
    pub not_filed: bool,
}

#[server(endpoint = "quarantined_mail")]
pub async fn quarantined_mail() -> Result<Quarantine, AppError> {
    use crate::backend::{auth, state::app_state};
    use crate::domain::policy::Permission;

    auth::require_permission(Permission::ManageAccounts)?;
    let state = app_state()?;
    let messages = state
        .store
        .quarantined_mail()
        .await?
        .into_iter()
        .map(|m| UnreadableMail {
            id: m.id,
            source: m.source,
            error: m.error,
            size_bytes: m.size_bytes,
            received_at: m.received_at,
            header_only: m.header_only == 1,
        })
        .collect();
    Ok(Quarantine {
        now: state.clock.now_ms(),
        messages,
    })
}

/// Runs a quarantined message through the pipeline again (after a fix, or a changed setting).
/// Returns what became of it; it leaves the quarantine either way (if it is still unreadable, it
/// is quarantined anew with the current error).
#[server(endpoint = "retry_quarantined")]
pub async fn retry_quarantined(id: i64) -> Result<RetryOutcome, AppError> {
    use crate::backend::audit::Audit;
    use crate::backend::mail_intake::{Intake, receive};
    use crate::backend::{auth, state::app_state};
    use crate::domain::audit::AuditAction;
    use crate::domain::policy::Permission;

    auth::require_permission(Permission::ManageAccounts)?;
    let state = app_state()?;
    let kept = state.store.quarantined_original(id).await?;
    if kept.header_only == 1 {
        return Err(AppError::Conflict(
            "Only its header was kept (it was too large), so there is nothing to file. Ask the \
             sender to send it again in smaller parts, then dismiss this one."
                .into(),
        ));
    }
    let intake = receive(&state, &kept.source, &kept.raw).await?;
    let outcome = match &intake {
        Intake::Created { reference, .. } => format!("Filed as {reference}."),
        Intake::Replied { reference } => format!("Added to {reference}."),
        Intake::Duplicate => "It had already been received.".to_owned(),
        Intake::Bounce { .. } => "It was a delivery failure report.".to_owned(),
        Intake::Ignored { reason } | Intake::Refused { reason } => format!("Not filed: {reason}."),
        Intake::Quarantined { reason, .. } => format!("Still unreadable: {reason}."),
    };
    state
        .store
        .settle_quarantined(id, &format!("retried: {outcome}"), state.clock.now_ms())
        .await?;
    Audit::new(AuditAction::MailRetried, format!("mail:{id}"))
        .detail(serde_json::json!({ "outcome": outcome }))
        .record(&state)
        .await?;
    Ok(RetryOutcome {
        said: outcome,
        not_filed: matches!(
            intake,
            Intake::Quarantined { .. } | Intake::Refused { .. } | Intake::Ignored { .. }
        ),
    })
}

/// Takes a message out of the quarantine without processing it.
#[server(endpoint = "dismiss_quarantined")]
pub async fn dismiss_quarantined(id: i64) -> Result<(), AppError> {
    use crate::backend::audit::Audit;
    use crate::backend::{auth, state::app_state};
    use crate::domain::audit::AuditAction;
    use crate::domain::policy::Permission;

    auth::require_permission(Permission::ManageAccounts)?;
    let state = app_state()?;
    state.store.quarantined_original(id).await?;
    state
        .store
        .settle_quarantined(id, "dismissed", state.clock.now_ms())
        .await?;
    Audit::new(AuditAction::MailDismissed, format!("mail:{id}"))
        .record(&state)
        .await?;
    Ok(())
}

/// What a client gets by mail about their requests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailPreferences {
    /// Updates by mail: acknowledgements, status changes, replies.
    pub updates: bool,
    /// Why mail to them bounced, if it did (updates wait until they write to us again).
    pub bounced: Option<String>,
}

#[server(endpoint = "mail_preferences")]
pub async fn load_mail_preferences() -> Result<MailPreferences, AppError> {
    use crate::backend::{auth, state::app_state};

    let actor = auth::require_actor()?;
    Ok(app_state()?.store.mail_preferences(actor.user_id).await?)
}

/// Turns mail about one's requests on or off (sign-in links and password resets always go).
#[server(endpoint = "set_mail_updates")]
pub async fn set_mail_updates(updates: bool) -> Result<MailPreferences, AppError> {
    use crate::backend::{auth, state::app_state};

    let actor = auth::require_actor()?;
    let state = app_state()?;
    state.store.set_mail_updates(actor.user_id, updates).await?;
    Ok(state.store.mail_preferences(actor.user_id).await?)
}
