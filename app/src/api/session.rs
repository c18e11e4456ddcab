//! Who is signed in, signing in and out.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::people::{Person, SessionInfo};
use crate::domain::policy::Role;
use crate::error::AppError;

/// The signed-in person as the views need them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub account_name: Option<String>,
    /// The newest event at the time this was read: live updates start after it.
    pub live_cursor: i64,
    /// Staff who must set up two-step sign-in before anything else.
    pub two_step_setup_needed: bool,
}

impl Me {
    pub fn is_staff(&self) -> bool {
        self.role.is_staff()
    }

    /// Where this person lands after signing in.
    pub fn home(&self) -> &'static str {
        self.role.home()
    }
}

#[server(endpoint = "current_session")]
pub async fn current_session() -> Result<Option<Me>, AppError> {
    use crate::backend::{auth, state::app_state};

    let Some(session) = auth::current_session() else {
        return Ok(None);
    };
    let actor = session.actor;
    let state = app_state()?;
    let live_cursor = state.store.latest_event_id().await?;
    let account_name = match actor.account_id {
        Some(account_id) => Some(state.store.account_name(account_id).await?),
        None => None,
    };
    Ok(Some(Me {
        id: actor.user_id,
        name: actor.name,
        role: actor.role,
        account_name,
        live_cursor,
        two_step_setup_needed: session.two_step_missing,
    }))
}

/// Signs in with email and password. Returns the path to go to.
///
/// A wrong password and an unknown address get the same answer, after the same work, so the
/// form does not tell who has an account.
#[server(endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String) -> Result<String, AppError> {
    use crate::backend::audit::{Audit, user_subject};
    use crate::backend::{auth, password::verify_password_or_decoy, state::app_state};
    use crate::domain::audit::AuditAction;
    use crate::domain::sign_in::EMAIL_MAX_CHARS;
    use crate::domain::validation::FieldError;

    let state = app_state()?;
    let email = email.trim().to_lowercase();
    if email.is_empty() {
        return Err(FieldError::new("email", "Enter the email address you use here.").into());
    }
    // Longer than any address the app stores: refused before it becomes a throttle key and an
    // audit row, as each distinct made-up address otherwise would.
    if email.chars().count() > EMAIL_MAX_CHARS {
        return Err(FieldError::new("email", "That email address is too long.").into());
    }
    state
        .sign_in_throttle
        .attempt(&email, auth::client_address())?;
    let credentials = state.store.password_credentials(&email).await?;
    let stored_hash = credentials.as_ref().and_then(|(_, hash)| hash.as_deref());
    let matches = verify_password_or_decoy(&password, stored_hash);
    let known_user = credentials.as_ref().map(|(user_id, _)| *user_id);
    let Some(user_id) = known_user.filter(|_| matches) else {
        tracing::info!(target: "security", email = %email, "failed sign-in");
        let subject = known_user.map_or_else(|| format!("email:{email}"), user_subject);
        Audit::new(AuditAction::SignInFailed, subject)
            .record(&state)
            .await?;
        return Err(FieldError::new("password", "That email and password don't match.").into());
    };
    let actor = state
        .store
        .active_actor(user_id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    auth::sign_in_as(&actor, "password").await
}

/// The people offered on the demo sign-in screen; empty unless demo sign-in is on.
#[server(endpoint = "demo_people")]
pub async fn demo_people() -> Result<Vec<Person>, AppError> {
    use crate::backend::state::app_state;

    let state = app_state()?;
    if !state.settings.demo_sign_in {
        return Ok(Vec::new());
    }
    Ok(state.store.active_people().await?)
}

/// Signs in as a demo person. Returns the path to go to.
#[server(endpoint = "demo_sign_in")]
pub async fn demo_sign_in(user_id: i64) -> Result<String, AppError> {
    use crate::backend::{auth, state::app_state};

    let state = app_state()?;
    if !state.settings.demo_sign_in {
        return Err(AppError::Forbidden);
    }
    let actor = state
        .store
        .active_actor(user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    auth::sign_in_as(&actor, "demo").await
}

#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::backend::audit::{Audit, user_subject};
    use crate::backend::{auth, state::app_state};
    use crate::domain::audit::AuditAction;

    if let Some(actor) = auth::current_actor() {
        Audit::new(AuditAction::SignedOut, user_subject(actor.user_id))
            .record(&app_state()?)
            .await?;
    }
    auth::end_session().await?;
    app_state()?.events.access_changed();
    auth::redirect_plain_form_post("/signin");
    Ok(())
}

/// The signed-in person's sessions, and which one is this browser's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionList {
    pub now: i64,
    pub current: i64,
    pub sessions: Vec<SessionInfo>,
}

#[server(endpoint = "my_sessions")]
pub async fn my_sessions() -> Result<SessionList, AppError> {
    use crate::backend::{auth, state::app_state};

    let session = auth::current_session().ok_or(AppError::Unauthorized)?;
    let state = app_state()?;
    let now = state.clock.now_ms();
    Ok(SessionList {
        now,
        current: session.id,
        sessions: state.store.sessions_of(session.actor.user_id, now).await?,
    })
}

/// Ends one of the signed-in person's other sessions (a lost phone, a shared computer).
#[server(endpoint = "end_other_session")]
pub async fn end_other_session(session_id: i64) -> Result<(), AppError> {
    use crate::backend::audit::Audit;
    use crate::backend::{auth, state::app_state};
    use crate::domain::audit::AuditAction;

    let actor = auth::require_signed_in()?;
    let state = app_state()?;
    if !state
        .store
        .delete_session_of(actor.user_id, session_id)
        .await?
    {
        return Err(AppError::NotFound);
    }
    state.events.access_changed();
    Audit::new(AuditAction::SessionRevoked, format!("session:{session_id}"))
        .account(actor.account_id)
        .record(&state)
        .await
}

/// Ends every session of the signed-in person, this one included.
#[server(endpoint = "sign_out_everywhere")]
pub async fn sign_out_everywhere() -> Result<(), AppError> {
    use crate::backend::audit::{Audit, user_subject};
    use crate::backend::{auth, state::app_state};
    use crate::domain::audit::AuditAction;

    let actor = auth::require_signed_in()?;
    let state = app_state()?;
    let ended = state.store.delete_sessions_of(actor.user_id, None).await?;
    Audit::new(
        AuditAction::SignedOutEverywhere,
        user_subject(actor.user_id),
    )
    .account(actor.account_id)
    .detail(serde_json::json!({ "sessions": ended }))
    .record(&state)
    .await?;
    auth::end_session().await?;
    state.events.access_changed();
    auth::redirect_plain_form_post("/signin");
    Ok(())
}
