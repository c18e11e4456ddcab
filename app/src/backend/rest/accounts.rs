//! `/api/v1/accounts`: client companies and their contacts.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::caller::Caller;
use super::problem::{Body, Path, Problem, ProblemDocument};
use crate::api::team::{create_account, invite_member};
use crate::backend::state::AppState;
use crate::domain::api_token::{Access, ApiResource};
use crate::domain::people::MemberStatus;
use crate::domain::policy::{Role, Team, TicketScope};
use crate::error::AppError;

/// A client company.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Account {
    pub id: i64,
    pub name: String,
}

/// A person of a client company.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Contact {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    /// `invited` (has not signed in yet), `active` or `deactivated`.
    pub status: String,
}

/// The companies the caller works for: every one for agency staff, or the one the token is
/// limited to (a contact's own).
fn visible(scope: TicketScope, account_id: i64) -> bool {
    match scope {
        TicketScope::All => true,
        TicketScope::Account(id) | TicketScope::Requester { account_id: id, .. } => {
            id == account_id
        }
        TicketScope::Nothing => false,
    }
}

/// Lists client companies.
#[utoipa::path(
    get, path = "/api/v1/accounts", tag = "accounts",
    security(("token" = ["accounts:read"])),
    responses(
        (status = 200, body = Vec<Account>),
        (status = "4XX", body = ProblemDocument, content_type = "application/problem+json"),
    )
)]
pub async fn list_accounts(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<Account>>, Problem> {
    caller.needs(ApiResource::Accounts, Access::Read)?;
    let scope = caller.actor.ticket_scope();
    let accounts = state.store.accounts().await?;
    Ok(Json(
        accounts
            .into_iter()
            .filter(|a| visible(scope, a.id))
            .map(|a| Account {
                id: a.id,
                name: a.name,
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAccountBody {
    #[schema(min_length = 1, max_length = 100, pattern = "\\S")]
    pub name: String,
}

/// Adds a client company (agency admins).
#[utoipa::path(
    post, path = "/api/v1/accounts", tag = "accounts", request_body = NewAccountBody,
    security(("token" = ["accounts:write"])),
    responses(
        (status = 201, body = Account, headers(("Location" = String))),
        (status = "4XX", body = ProblemDocument, content_type = "application/problem+json"),
    )
)]
pub async fn add_account(
    State(state): State<AppState>,
    caller: Caller,
    Body(body): Body<NewAccountBody>,
) -> Result<Response, Problem> {
    caller.needs(ApiResource::Accounts, Access::Write)?;
    let id = caller.run(&state, create_account(body.name)).await?;
    let name = state.store.account_name(id).await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/api/v1/accounts/{id}/contacts"))],
        Json(Account { id, name }),
    )
        .into_response())
}

/// A company's id in a path.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct AccountPath {
    pub account_id: i64,
}

fn contact(member: crate::domain::people::TeamMember) -> Contact {
    Contact {
        id: member.user_id,
        name: member.name,
        email: member.email,
        role: member.role,
        status: match member.status {
            MemberStatus::Invited => "invited",
            MemberStatus::Active => "active",
            MemberStatus::Deactivated => "deactivated",
        }
        .to_owned(),
    }
}

/// Lists a company's contacts (agency staff).
#[utoipa::path(
    get, path = "/api/v1/accounts/{account_id}/contacts", tag = "accounts", params(AccountPath),
    security(("token" = ["accounts:read"])),
    responses(
        (status = 200, body = Vec<Contact>),
        (status = "4XX", body = ProblemDocument, content_type = "application/problem+json"),
    )
)]
pub async fn list_contacts(
    State(state): State<AppState>,
    caller: Caller,
    Path(AccountPath { account_id }): Path<AccountPath>,
) -> Result<Json<Vec<Contact>>, Problem> {
    caller.needs(ApiResource::Accounts, Access::Read)?;
    // Staff pick contacts when they file for someone; a client's token sees no directory.
    if !caller.actor.is_staff() || !visible(caller.actor.ticket_scope(), account_id) {
        return Err(AppError::NotFound.into());
    }
    state.store.account_name(account_id).await?;
    let members = state.store.team_members(Team::Account(account_id)).await?;
    Ok(Json(members.into_iter().map(contact).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewContactBody {
    #[schema(min_length = 1, max_length = 100, pattern = "\\S")]
    pub name: String,
    #[schema(format = Email, max_length = 320)]
    pub email: String,
    /// `contact` (the default) or `account_admin`.
    pub role: Option<Role>,
}

/// What inviting answers: the same whether or not the address was new (an address already in
/// another team gets a notice by mail instead, and the caller does not learn which).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Invited {
    pub message: String,
}

/// Invites someone to a company: they are emailed a link to sign in (agency admins, or the
/// company's own admin). Listing the contacts afterwards shows them as `invited`.
#[utoipa::path(
    post, path = "/api/v1/accounts/{account_id}/contacts", tag = "accounts", params(AccountPath),
    request_body = NewContactBody,
    security(("token" = ["accounts:write"])),
    responses(
        (status = 202, body = Invited),
        (status = "4XX", body = ProblemDocument, content_type = "application/problem+json"),
    )
)]
pub async fn invite_contact(
    State(state): State<AppState>,
    caller: Caller,
    Path(AccountPath { account_id }): Path<AccountPath>,
    Body(body): Body<NewContactBody>,
) -> Result<(StatusCode, Json<Invited>), Problem> {
    caller.needs(ApiResource::Accounts, Access::Write)?;
    let message = caller
        .run(
            &state,
            invite_member(body.name, body.email, body.role, Some(account_id)),
        )
        .await?;
    Ok((StatusCode::ACCEPTED, Json(Invited { message })))
}
