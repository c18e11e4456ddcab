//! Client accounts and the people in the system.

use sqlx::FromRow;

use super::{Store, StoreError, StoreResult, is_unique_violation, parse_stored};
use crate::domain::people::{AccountSummary, MemberStatus, Person, TeamMember};
use crate::domain::policy::{Actor, Member, Role, Team, Visibility};

#[derive(Debug, Clone)]
pub struct NewAccount<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub visibility: Visibility,
}

#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub account_id: Option<i64>,
    pub email: &'a str,
    pub name: &'a str,
    pub role: Role,
    pub password_hash: Option<&'a str>,
}

#[derive(FromRow)]
pub(super) struct ActorRow {
    id: i64,
    name: String,
    role: String,
    account_id: Option<i64>,
    visibility: String,
}

impl ActorRow {
    pub(super) fn into_actor(self) -> StoreResult<Actor> {
        Ok(Actor {
            user_id: self.id,
            name: self.name,
            role: parse_stored(&self.role, "role")?,
            account_id: self.account_id,
            visibility: parse_stored(&self.visibility, "visibility")?,
            account_limit: None,
        })
    }
}

/// Columns of an [`ActorRow`], for queries that join `users u` with `accounts a`.
pub(super) const ACTOR_COLUMNS: &str =
    "u.id, u.name, u.role, u.account_id, COALESCE(a.visibility, 'own') AS visibility";

#[derive(FromRow)]
struct MemberRow {
    id: i64,
    name: String,
    email: String,
    role: String,
    account_id: Option<i64>,
    active: i64,
    last_sign_in_at: Option<i64>,
    invitations: i64,
}

impl MemberRow {
    fn into_member(self) -> StoreResult<(Member, TeamMember)> {
        let role = parse_stored(&self.role, "role")?;
        let status = match (self.active, self.last_sign_in_at, self.invitations) {
            (0, _, _) => MemberStatus::Deactivated,
            (_, None, 1..) => MemberStatus::Invited,
            _ => MemberStatus::Active,
        };
        Ok((
            Member {
                user_id: self.id,
                role,
                account_id: self.account_id,
            },
            TeamMember {
                user_id: self.id,
                name: self.name,
                email: self.email,
                role,
                status,
                last_sign_in_at: self.last_sign_in_at,
            },
        ))
    }
}

const MEMBER_COLUMNS: &str = "id, name, email, role, account_id, active, last_sign_in_at, \
     (SELECT COUNT(*) FROM sign_in_links l WHERE l.user_id = users.id AND l.purpose = 'invitation') AS invitations";

#[derive(FromRow)]
struct PersonRow {
    id: i64,
    name: String,
    email: String,
    role: String,
    account_name: Option<String>,
}

impl Store {
    pub async fn create_account(&self, account: &NewAccount<'_>, now: i64) -> StoreResult<i64> {
        sqlx::query_scalar(
            "INSERT INTO accounts (name, slug, visibility, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(account.name)
        .bind(account.slug)
        .bind(account.visibility.as_str())
        .bind(now)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                StoreError::Conflict(format!("an account with the address `{}` exists", account.slug))
            } else {
                e.into()
            }
        })
    }

    /// Adds a person. Emails are compared without regard to case.
    pub async fn create_user(&self, user: &NewUser<'_>, now: i64) -> StoreResult<i64> {
        let email = user.email.trim().to_lowercase();
        sqlx::query_scalar(
            "INSERT INTO users (account_id, email, name, role, password_hash, active, created_at) \
             VALUES ($1, $2, $3, $4, $5, 1, $6) RETURNING id",
        )
        .bind(user.account_id)
        .bind(&email)
        .bind(user.name)
        .bind(user.role.as_str())
        .bind(user.password_hash)
        .bind(now)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                StoreError::Conflict(format!("someone already uses {email}"))
            } else {
                e.into()
            }
        })
    }

    /// The person behind a user id, if they may still sign in.
    pub async fn active_actor(&self, user_id: i64) -> StoreResult<Option<Actor>> {
        let row: Option<ActorRow> = sqlx::query_as(&format!(
            "SELECT {ACTOR_COLUMNS} FROM users u LEFT JOIN accounts a ON a.id = u.account_id \
             WHERE u.id = $1 AND u.active = 1"
        ))
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(ActorRow::into_actor).transpose()
    }

    /// The id and password hash (if any) of the active person with this email.
    pub async fn password_credentials(
        &self,
        email: &str,
    ) -> StoreResult<Option<(i64, Option<String>)>> {
        Ok(
            sqlx::query_as("SELECT id, password_hash FROM users WHERE email = $1 AND active = 1")
                .bind(email.trim().to_lowercase())
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// The stored password hash of a person, if they have a password.
    pub async fn password_hash(&self, user_id: i64) -> StoreResult<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?
                .flatten(),
        )
    }

    pub async fn account_name(&self, account_id: i64) -> StoreResult<String> {
        sqlx::query_scalar("SELECT name FROM accounts WHERE id = $1")
            .bind(account_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// Active people, staff first, then clients by company.
    pub async fn active_people(&self) -> StoreResult<Vec<Person>> {
        let rows: Vec<PersonRow> = sqlx::query_as(
            "SELECT u.id, u.name, u.email, u.role, a.name AS account_name \
             FROM users u LEFT JOIN accounts a ON a.id = u.account_id \
             WHERE u.active = 1 \
             ORDER BY CASE WHEN u.account_id IS NULL THEN 0 ELSE 1 END, a.name, u.role, u.name",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|row| {
                Ok(Person {
                    user_id: row.id,
                    name: row.name,
                    email: row.email,
                    role: parse_stored(&row.role, "role")?,
                    account_name: row.account_name,
                })
            })
            .collect()
    }

    /// Everyone in a team, active first, then by name.
    pub async fn team_members(&self, team: Team) -> StoreResult<Vec<TeamMember>> {
        let rows: Vec<MemberRow> = sqlx::query_as(&format!(
            "SELECT {MEMBER_COLUMNS} FROM users \
             WHERE (($1 = 0 AND account_id IS NULL) OR account_id = $1) \
             ORDER BY active DESC, name, id"
        ))
        .bind(team.account_id().unwrap_or(0))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|row| row.into_member().map(|(_, member)| member))
            .collect()
    }

    /// Anyone by id, active or not, with what access decisions need.
    pub async fn member(&self, user_id: i64) -> StoreResult<Option<(Member, TeamMember)>> {
        let row: Option<MemberRow> =
            sqlx::query_as(&format!("SELECT {MEMBER_COLUMNS} FROM users WHERE id = $1"))
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?;
        row.map(MemberRow::into_member).transpose()
    }

    /// The active person with this email, if any.
    pub async fn active_member_by_email(&self, email: &str) -> StoreResult<Option<TeamMember>> {
        let row: Option<MemberRow> = sqlx::query_as(&format!(
            "SELECT {MEMBER_COLUMNS} FROM users WHERE email = $1 AND active = 1"
        ))
        .bind(email.trim().to_lowercase())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| row.into_member().map(|(_, member)| member))
            .transpose()
    }

    /// Deactivating (at `now`) also takes back the links sent and not yet used (an invitation, a
    /// sign-in link): reactivated later, the person asks for a new one. They are expired rather
    /// than deleted, because a sent invitation is what makes someone who never signed in "Invited".
    pub async fn set_user_active(&self, user_id: i64, active: bool, now: i64) -> StoreResult<()> {
        in_transaction!(self.begin_write(), |tx| {
            let updated = sqlx::query("UPDATE users SET active = $2 WHERE id = $1")
                .bind(user_id)
                .bind(i64::from(active))
                .execute(&mut **tx)
                .await?;
            if updated.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            if !active {
                sqlx::query(
                    "UPDATE sign_in_links SET expires_at = $2 \
                     WHERE user_id = $1 AND used_at IS NULL AND expires_at > $2",
                )
                .bind(user_id)
                .bind(now)
                .execute(&mut **tx)
                .await?;
            }
            Ok(())
        })
    }

    pub async fn set_user_role(&self, user_id: i64, role: Role) -> StoreResult<()> {
        let sql = "UPDATE users SET role = $2 WHERE id = $1";
        self.update_user(sql, user_id, role.as_str().to_owned())
            .await
    }

    pub async fn set_password_hash(&self, user_id: i64, hash: String) -> StoreResult<()> {
        let sql = "UPDATE users SET password_hash = $2 WHERE id = $1";
        self.update_user(sql, user_id, hash).await
    }

    /// Runs `sql` (setting `$2` on the user with id `$1`); `NotFound` if there is no such user.
    pub(super) async fn update_user<T>(
        &self,
        sql: &'static str,
        user_id: i64,
        value: T,
    ) -> StoreResult<()>
    where
        T: 'static + Send + for<'q> sqlx::Encode<'q, sqlx::Any> + sqlx::Type<sqlx::Any>,
    {
        let result = sqlx::query(sql)
            .bind(user_id)
            .bind(value)
            .execute(&self.pool)
            .await?;
        if result.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    pub async fn visibility(&self, account_id: i64) -> StoreResult<Visibility> {
        let stored: String = sqlx::query_scalar("SELECT visibility FROM accounts WHERE id = $1")
            .bind(account_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        parse_stored(&stored, "visibility")
    }

    pub async fn set_visibility(&self, account_id: i64, visibility: Visibility) -> StoreResult<()> {
        sqlx::query("UPDATE accounts SET visibility = $2 WHERE id = $1")
            .bind(account_id)
            .bind(visibility.as_str())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn accounts(&self) -> StoreResult<Vec<AccountSummary>> {
        Ok(
            sqlx::query_as("SELECT id, name FROM accounts ORDER BY name, id")
                .fetch_all(&self.pool)
                .await?,
        )
    }

    pub async fn count_users(&self) -> StoreResult<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&self.pool)
            .await?)
    }
}
