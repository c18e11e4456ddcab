//! Who is signed in, signing in and out.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::people::Person;
use crate::domain::policy::Role;
use crate::error::AppError;

/// The signed-in person as the views need them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub name: String,
    pub role: Role,
    pub account_name: Option<String>,
    /// The newest event at the time this was read: live updates start after it.
    pub live_cursor: i64,
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

    let Some(actor) = auth::current_actor() else {
        return Ok(None);
    };
    let state = app_state();
    let live_cursor = state.store.latest_event_id().await?;
    let account_name = match actor.account_id {
        Some(account_id) => Some(state.store.account_name(account_id).await?),
        None => None,
    };
    Ok(Some(Me {
        name: actor.name,
        role: actor.role,
        account_name,
        live_cursor,
    }))
}

/// Signs in with email and password. Returns the path to go to.
///
/// A wrong password and an unknown address get the same answer, after the same work, so the
/// form does not tell who has an account.
#[server(endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String) -> Result<String, AppError> {
    use crate::backend::{auth, password::verify_password_or_decoy, state::app_state};
    use crate::domain::validation::FieldError;

    let state = app_state();
    let email = email.trim().to_lowercase();
    if email.is_empty() {
        return Err(FieldError::new("email", "Enter the email address you use here.").into());
    }
    state
        .sign_in_throttle
        .attempt(&email, auth::client_address())?;
    let credentials = state.store.password_credentials(&email).await?;
    let stored_hash = credentials.as_ref().and_then(|(_, hash)| hash.as_deref());
    let matches = verify_password_or_decoy(&password, stored_hash);
    let Some((user_id, _)) = credentials.filter(|_| matches) else {
        tracing::info!(target: "security", email = %email, "failed sign-in");
        return Err(FieldError::new("password", "That email and password don't match.").into());
    };
    let actor = state
        .store
        .active_actor(user_id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let home = auth::sign_in_as(&actor).await?;
    tracing::info!(target: "security", user = user_id, "signed in with a password");
    Ok(home)
}

/// The people offered on the demo sign-in screen; empty unless demo sign-in is on.
#[server(endpoint = "demo_people")]
pub async fn demo_people() -> Result<Vec<Person>, AppError> {
    use crate::backend::state::app_state;

    let state = app_state();
    if !state.settings.demo_sign_in {
        return Ok(Vec::new());
    }
    Ok(state.store.active_people().await?)
}

/// Signs in as a demo person. Returns the path to go to.
#[server(endpoint = "demo_sign_in")]
pub async fn demo_sign_in(user_id: i64) -> Result<String, AppError> {
    use crate::backend::{auth, state::app_state};

    let state = app_state();
    if !state.settings.demo_sign_in {
        return Err(AppError::Forbidden);
    }
    let actor = state
        .store
        .active_actor(user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    auth::sign_in_as(&actor).await
}

#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::backend::auth;

    auth::end_session().await?;
    auth::redirect_plain_form_post("/signin");
    Ok(())
}
