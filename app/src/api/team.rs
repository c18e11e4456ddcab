//! Managing a team: an account admin manages their company's contacts, an agency admin the staff
//! (and any company's contacts).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::people::{AccountSummary, TeamMember};
use crate::domain::policy::{Role, Team, Visibility};
use crate::error::AppError;

/// A team as its admin sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamView {
    pub team: Team,
    pub name: String,
    /// The company's visibility mode; `None` for the staff team.
    pub visibility: Option<Visibility>,
    pub members: Vec<TeamMember>,
    /// The viewer, who cannot change their own membership.
    pub me: i64,
    /// Other teams the viewer may switch to (agency admins only).
    pub other_teams: Vec<AccountSummary>,
    pub now: i64,
}

impl TeamView {
    pub fn roles(&self) -> &'static [Role] {
        self.team.roles()
    }
}

/// Which team a call is about: the client account given, or the caller's own team.
#[cfg(feature = "ssr")]
fn team_for(
    actor: &crate::domain::policy::Actor,
    account_id: Option<i64>,
) -> Result<Team, AppError> {
    let team = match account_id {
        Some(id) => Team::Account(id),
        None => actor.managed_team().ok_or(AppError::Forbidden)?,
    };
    // A team of another company answers like a missing one.
    if actor.may_manage(team) {
        Ok(team)
    } else if actor.managed_team().is_some() {
        Err(AppError::NotFound)
    } else {
        Err(AppError::Forbidden)
    }
}

#[server(endpoint = "team")]
pub async fn load_team(account_id: Option<i64>) -> Result<TeamView, AppError> {
    use crate::backend::{auth, state::app_state};

    let actor = auth::require_actor()?;
    let team = team_for(&actor, account_id)?;
    let state = app_state()?;
    let (name, visibility) = match team {
        Team::Account(id) => (
            state.store.account_name(id).await?,
            Some(state.store.visibility(id).await?),
        ),
        Team::Staff => ("Agency staff".to_owned(), None),
    };
    let other_teams = if actor.role == Role::Admin {
        state.store.accounts().await?
    } else {
        Vec::new()
    };
    Ok(TeamView {
        team,
        name,
        visibility,
        members: state.store.team_members(team).await?,
        me: actor.user_id,
        other_teams,
        now: state.clock.now_ms(),
    })
}

/// Adds someone to a team (as `role`, else the team's default) and emails them an invitation.
/// Returns a confirmation to show.
#[server(endpoint = "invite_member")]
pub async fn invite_member(
    name: String,
    email: String,
    role: Option<Role>,
    account_id: Option<i64>,
) -> Result<String, AppError> {
    use crate::backend::audit::{Audit, user_subject};
    use crate::backend::{auth, sign_in_mail, state::app_state, store::NewUser};
    use crate::domain::audit::AuditAction;
    use crate::domain::sign_in::parse_email;
    use crate::domain::validation::{FieldError, single_line};

    let actor = auth::require_actor()?;
    let team = team_for(&actor, account_id)?;
    let name = single_line(&name);
    if name.is_empty() || name.chars().count() > 100 {
        return Err(FieldError::new("name", "Enter their name (up to 100 characters).").into());
    }
    let email = parse_email("email", &email)?;
    let role = role.unwrap_or(team.default_role());
    if !team.roles().contains(&role) {
        return Err(FieldError::new("role", "That role is not available in this team.").into());
    }
    let state = app_state()?;
    let team_name = match team {
        Team::Account(id) => state.store.account_name(id).await?,
        Team::Staff => "the agency".to_owned(),
    };
    let sent = format!("Invitation sent to {email}.");
    let now = state.clock.now_ms();
    let new_user = NewUser {
        account_id: team.account_id(),
        email: &email,
        name: &name,
        role,
        password_hash: None,
    };
    let user_id = match state.store.create_user(&new_user, now).await {
        Ok(user_id) => user_id,
        Err(crate::backend::store::StoreError::Conflict(_)) => {
            return already_registered(&state, &actor.name, team, &team_name, &email, sent).await;
        }
        Err(error) => return Err(error.into()),
    };
    let (_, member) = state
        .store
        .member(user_id)
        .await?
        .ok_or(AppError::Internal)?;
    sign_in_mail::send_invitation(&state, &member, &actor.name, &team_name).await?;
    Audit::new(AuditAction::Invited, user_subject(user_id))
        .account(team.account_id())
        .detail(serde_json::json!({ "email": email, "role": member.role.as_str() }))
        .record(&state)
        .await?;
    Ok(sent)
}

/// Someone with this address exists. Inside the admin's own team the admin can see them anyway,
/// so say so; elsewhere answer as if invited, and tell the address's owner instead.
#[cfg(feature = "ssr")]
async fn already_registered(
    state: &crate::backend::AppState,
    inviter: &str,
    team: Team,
    team_name: &str,
    email: &str,
    sent: String,
) -> Result<String, AppError> {
    let in_team = state
        .store
        .team_members(team)
        .await?
        .into_iter()
        .any(|member| member.email == email);
    if in_team {
        return Err(crate::domain::validation::FieldError::new(
            "email",
            "Someone in your team already uses this address. Reactivate them in the list below if needed.",
        )
        .into());
    }
    crate::backend::sign_in_mail::send_already_registered(state, email, inviter, team_name).await?;
    Ok(sent)
}

/// Deactivates (ending all their sessions at once) or reactivates someone.
#[server(endpoint = "set_member_active")]
pub async fn set_member_active(user_id: i64, active: bool) -> Result<(), AppError> {
    use crate::backend::audit::{Audit, user_subject};
    use crate::backend::{auth, state::app_state};
    use crate::domain::audit::AuditAction;
    use crate::domain::policy::MemberChange;

    let actor = auth::require_actor()?;
    let state = app_state()?;
    let change = if active {
        MemberChange::Reactivate
    } else {
        MemberChange::Deactivate
    };
    let member = checked_member(&actor, user_id, change).await?;
    state
        .store
        .set_user_active(user_id, active, state.clock.now_ms())
        .await?;
    if !active {
        state.store.delete_sessions_of(user_id, None).await?;
        state.events.access_changed();
    }
    let action = if active {
        AuditAction::Reactivated
    } else {
        AuditAction::Deactivated
    };
    Audit::new(action, user_subject(user_id))
        .account(member.account_id)
        .record(&state)
        .await
}

/// Gives someone another role in their team. Their sessions end: a new role starts with a new
/// sign-in.
#[server(endpoint = "set_member_role")]
pub async fn set_member_role(user_id: i64, role: Role) -> Result<(), AppError> {
    use crate::backend::audit::{Audit, user_subject};
    use crate::backend::{auth, state::app_state};
    use crate::domain::audit::AuditAction;
    use crate::domain::policy::MemberChange;

    let actor = auth::require_actor()?;
    let state = app_state()?;
    let member = checked_member(&actor, user_id, MemberChange::SetRole(role)).await?;
    if member.role == role {
        return Ok(());
    }
    state.store.set_user_role(user_id, role).await?;
    state.store.delete_sessions_of(user_id, None).await?;
    state.events.access_changed();
    Audit::new(AuditAction::RoleChanged, user_subject(user_id))
        .account(member.account_id)
        .detail(serde_json::json!({ "before": member.role.as_str(), "after": role.as_str() }))
        .record(&state)
        .await
}

/// The member behind `user_id`, if `actor` may make `change` to them.
#[cfg(feature = "ssr")]
async fn checked_member(
    actor: &crate::domain::policy::Actor,
    user_id: i64,
    change: crate::domain::policy::MemberChange,
) -> Result<crate::domain::policy::Member, AppError> {
    use crate::domain::policy::TeamRuleError;

    let state = crate::backend::state::app_state()?;
    let (member, _) = state
        .store
        .member(user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    actor
        .check_member_change(member, change)
        .map_err(|error| match error {
            TeamRuleError::NotYourTeam if actor.managed_team().is_none() => AppError::Forbidden,
            TeamRuleError::NotYourTeam => AppError::NotFound,
            TeamRuleError::OwnMembership | TeamRuleError::RoleNotInTeam => {
                AppError::Conflict(error.to_string())
            }
        })?;
    Ok(member)
}

/// Chooses whether the company's contacts see each other's requests.
#[server(endpoint = "set_visibility")]
pub async fn set_visibility(
    visibility: Visibility,
    account_id: Option<i64>,
) -> Result<(), AppError> {
    use crate::backend::audit::Audit;
    use crate::backend::{auth, state::app_state};
    use crate::domain::audit::AuditAction;

    let actor = auth::require_actor()?;
    let Team::Account(account_id) = team_for(&actor, account_id)? else {
        return Err(AppError::BadRequest(
            "The staff team has no visibility mode.".to_owned(),
        ));
    };
    let state = app_state()?;
    let before = state.store.visibility(account_id).await?;
    state.store.set_visibility(account_id, visibility).await?;
    // Open streams of the company's contacts carry what they may see from now on.
    state.events.access_changed();
    Audit::new(
        AuditAction::VisibilityChanged,
        format!("account:{account_id}"),
    )
    .account(Some(account_id))
    .detail(serde_json::json!({ "before": before.as_str(), "after": visibility.as_str() }))
    .record(&state)
    .await
}

/// Adds a client company (agency admins). Returns its id; its team page invites its people.
#[server(endpoint = "create_account")]
pub async fn create_account(name: String) -> Result<i64, AppError> {
    use crate::backend::audit::Audit;
    use crate::backend::{auth, state::app_state, store::NewAccount};
    use crate::domain::audit::AuditAction;
    use crate::domain::policy::Permission;
    use crate::domain::validation::{FieldError, single_line};

    auth::require_permission(Permission::ManageAccounts)?;
    let name = single_line(&name);
    if name.is_empty() || name.chars().count() > 100 {
        return Err(
            FieldError::new("name", "Enter the company's name (up to 100 characters).").into(),
        );
    }
    let state = app_state()?;
    let now = state.clock.now_ms();
    let base = slug(&name);
    // A second "Acme" gets "acme-2": the slug only has to be unique, not pretty.
    let mut suffix = 1;
    let account_id = loop {
        let candidate = if suffix == 1 {
            base.clone()
        } else {
            format!("{base}-{suffix}")
        };
        let account = NewAccount {
            name: &name,
            slug: &candidate,
            visibility: Visibility::OwnRequests,
        };
        match state.store.create_account(&account, now).await {
            Ok(id) => break id,
            Err(crate::backend::store::StoreError::Conflict(_)) if suffix < 100 => suffix += 1,
            Err(error) => return Err(error.into()),
        }
    };
    Audit::new(AuditAction::AccountCreated, format!("account:{account_id}"))
        .account(Some(account_id))
        .detail(serde_json::json!({ "name": name }))
        .record(&state)
        .await?;
    Ok(account_id)
}

/// A URL-friendly name: lower-case letters and digits joined by dashes.
#[cfg(feature = "ssr")]
fn slug(name: &str) -> String {
    let slug = name
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if slug.is_empty() {
        "company".to_owned()
    } else {
        slug
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::slug;

    #[test]
    fn company_names_become_readable_slugs() {
        assert_eq!(slug("Acme Logistics, Inc."), "acme-logistics-inc");
        assert_eq!(slug("  Müller & Söhne "), "müller-söhne");
        assert_eq!(slug("!!!"), "company");
    }
}
