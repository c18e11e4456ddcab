//! Two-step sign-in for staff: setting it up, turning it off, requiring it, and the code step of
//! a sign-in.

use leptos::prelude::*;

use crate::domain::two_step::{TwoStepSetup, TwoStepStatus};
use crate::error::AppError;

/// The signed-in staff member's two-step state.
#[server(endpoint = "two_step_status")]
pub async fn load_two_step_status() -> Result<TwoStepStatus, AppError> {
    use crate::backend::{auth, state::app_state};
    use crate::domain::policy::Role;

    let actor = auth::require_staff_member()?;
    let state = app_state()?;
    Ok(TwoStepStatus {
        enabled: state.store.two_step_key(actor.user_id).await?.is_some(),
        required: state.store.two_step_required().await?,
        may_require: actor.role == Role::Admin,
    })
}

/// Starts setting up two-step sign-in: a new key, shown once, waiting for a code to confirm it.
#[server(endpoint = "start_two_step_setup")]
pub async fn start_two_step_setup() -> Result<TwoStepSetup, AppError> {
    use crate::backend::{auth, state::app_state, two_step};
    use crate::domain::two_step::group_key;

    let actor = auth::require_staff_member()?;
    let state = app_state()?;
    let (_, member) = state
        .store
        .member(actor.user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let key = two_step::new_key();
    state
        .store
        .set_pending_two_step_key(actor.user_id, &key)
        .await?;
    Ok(TwoStepSetup {
        qr_code: two_step::qr_code(&key, &member.email).ok_or(AppError::Internal)?,
        key: group_key(&key),
    })
}

/// Turns two-step sign-in on, once a code from the new key proves the app has it.
#[server(endpoint = "confirm_two_step_setup")]
pub async fn confirm_two_step_setup(code: String) -> Result<(), AppError> {
    use crate::backend::audit::{Audit, user_subject};
    use crate::backend::{auth, state::app_state, two_step};
    use crate::domain::audit::AuditAction;
    use crate::domain::two_step::{parse_code, wrong_code};

    let actor = auth::require_staff_member()?;
    let code = parse_code(&code)?;
    let state = app_state()?;
    let key = state
        .store
        .pending_two_step_key(actor.user_id)
        .await?
        .ok_or_else(|| {
            AppError::Conflict("Start the setup again: no key is waiting.".to_owned())
        })?;
    let step =
        two_step::matching_step(&key, &code, state.clock.now_ms(), 0).ok_or_else(wrong_code)?;
    state
        .store
        .confirm_two_step_key(actor.user_id, step)
        .await?;
    Audit::new(AuditAction::TwoStepEnabled, user_subject(actor.user_id))
        .record(&state)
        .await
}

/// Turns two-step sign-in off (a current code is needed), unless the agency requires it.
#[server(endpoint = "disable_two_step")]
pub async fn disable_two_step(code: String) -> Result<(), AppError> {
    use crate::backend::audit::{Audit, user_subject};
    use crate::backend::{auth, state::app_state};
    use crate::domain::audit::AuditAction;

    let actor = auth::require_staff_member()?;
    let state = app_state()?;
    if state.store.two_step_required().await? {
        return Err(AppError::Conflict(
            "Your agency requires two-step sign-in for all staff.".to_owned(),
        ));
    }
    auth::check_two_step_code(actor.user_id, &code).await?;
    state.store.remove_two_step_key(actor.user_id).await?;
    Audit::new(AuditAction::TwoStepDisabled, user_subject(actor.user_id))
        .record(&state)
        .await
}

/// Requires two-step sign-in of every staff member, or stops requiring it (agency admins).
#[server(endpoint = "set_two_step_required")]
pub async fn set_two_step_required(required: bool) -> Result<(), AppError> {
    use crate::backend::audit::Audit;
    use crate::backend::{auth, state::app_state};
    use crate::domain::audit::AuditAction;
    use crate::domain::policy::Permission;

    auth::require_permission(Permission::ManageAccounts)?;
    let state = app_state()?;
    state.store.set_two_step_required(required).await?;
    Audit::new(
        AuditAction::TwoStepRequirementChanged,
        "setting:staff_two_step_required",
    )
    .detail(serde_json::json!({ "after": required }))
    .record(&state)
    .await
}

/// The code step of a sign-in: with the right code, the session starts. Returns the path to go to.
#[server(endpoint = "verify_two_step")]
pub async fn verify_two_step(code: String) -> Result<String, AppError> {
    use crate::backend::auth;

    auth::finish_two_step_sign_in(&code).await
}
