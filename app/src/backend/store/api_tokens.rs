//! API tokens: stored by the hash of their secret, looked up on every API call.

use sqlx::{Any, FromRow, Transaction};

use super::{Store, StoreError, StoreResult};
use crate::domain::api_token::{ApiTokenInfo, Scopes, TokenGrant};
use crate::domain::policy::{Actor, Role};

/// A token's last use is written at most this often (every call would be a write per call).
const TOUCH_EVERY_MS: i64 = 60_000;

#[derive(Debug, Clone)]
pub struct NewApiToken<'a> {
    pub user_id: i64,
    pub name: &'a str,
    pub secret_hash: &'a str,
    pub shown: &'a str,
    pub scopes: &'a Scopes,
    pub account_limit: Option<i64>,
    pub expires_at: Option<i64>,
}

/// Who a presented token acts for, and what it grants.
#[derive(Debug, Clone)]
pub struct TokenHolder {
    pub token_id: i64,
    pub token_name: String,
    pub actor: Actor,
    pub grant: TokenGrant,
}

#[derive(FromRow)]
struct TokenRow {
    id: i64,
    user_id: i64,
    name: String,
    shown: String,
    owner_name: String,
    scopes: String,
    account_limit: Option<i64>,
    account_name: Option<String>,
    created_at: i64,
    expires_at: Option<i64>,
    revoked_at: Option<i64>,
    last_used_at: Option<i64>,
}

impl TokenRow {
    fn scopes(&self) -> StoreResult<Scopes> {
        Scopes::parse(&self.scopes)
            .map_err(|error| StoreError::Corrupt(format!("api token {}: {error}", self.id)))
    }

    fn into_info(self) -> StoreResult<ApiTokenInfo> {
        Ok(ApiTokenInfo {
            scopes: self.scopes()?,
            id: self.id,
            name: self.name,
            shown: self.shown,
            owner_name: self.owner_name,
            account_limit: self.account_limit,
            account_name: self.account_name,
            created_at: self.created_at,
            expires_at: self.expires_at,
            revoked_at: self.revoked_at,
            last_used_at: self.last_used_at,
        })
    }
}

const TOKEN_COLUMNS: &str = "t.id, t.user_id, t.name, t.shown, u.name AS owner_name, t.scopes, \
     t.account_limit, a.name AS account_name, t.created_at, t.expires_at, t.revoked_at, t.last_used_at \
     FROM api_tokens t JOIN users u ON u.id = t.user_id LEFT JOIN accounts a ON a.id = t.account_limit";

impl Store {
    pub async fn create_api_token(&self, token: &NewApiToken<'_>, now: i64) -> StoreResult<i64> {
        in_transaction!(self.begin_write(), |tx| {
            Self::insert_token_in(tx, token, token.user_id, now).await
        })
    }

    /// Makes a service token: it acts as a service account of its own (an agent named
    /// `service_name`, with no password and no company), so it keeps working whoever made it
    /// leaves. Returns the token and the account.
    pub async fn create_service_token(
        &self,
        token: &NewApiToken<'_>,
        service_name: &str,
        now: i64,
    ) -> StoreResult<(i64, i64)> {
        in_transaction!(self.begin_write(), |tx| {
            let user_id: i64 = sqlx::query_scalar(
                "INSERT INTO users (account_id, email, name, role, password_hash, active, service, created_at) \
                 VALUES (NULL, $1, $2, $3, NULL, 1, 1, $4) RETURNING id",
            )
            // Never a mailbox: `.invalid` cannot exist (RFC 2606); the secret's hash makes it unique.
            .bind(format!(
                "service-{}@api-token.invalid",
                token.secret_hash.get(..20).unwrap_or(token.secret_hash).to_ascii_lowercase()
            ))
            .bind(service_name)
            .bind(Role::Agent.as_str())
            .bind(now)
            .fetch_one(&mut **tx)
            .await?;
            let id = Self::insert_token_in(tx, token, user_id, now).await?;
            Ok((id, user_id))
        })
    }

    async fn insert_token_in(
        tx: &mut Transaction<'static, Any>,
        token: &NewApiToken<'_>,
        user_id: i64,
        now: i64,
    ) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO api_tokens \
             (user_id, name, secret_hash, shown, scopes, account_limit, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(user_id)
        .bind(token.name)
        .bind(token.secret_hash)
        .bind(token.shown)
        .bind(token.scopes.to_string())
        .bind(token.account_limit)
        .bind(now)
        .bind(token.expires_at)
        .fetch_one(&mut **tx)
        .await?)
    }

    /// Tokens newest first: one person's (`Some`), or everyone's (`None`, for admins).
    pub async fn api_tokens(&self, owner: Option<i64>) -> StoreResult<Vec<ApiTokenInfo>> {
        let rows: Vec<TokenRow> = sqlx::query_as(&format!(
            "SELECT {TOKEN_COLUMNS} WHERE ($1 IS NULL OR t.user_id = $1) ORDER BY t.id DESC"
        ))
        .bind(owner)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(TokenRow::into_info).collect()
    }

    /// Revokes token `id`, if `owner` is `None` (an admin) or owns it; returns whether one was
    /// revoked (now, or before).
    pub async fn revoke_api_token(
        &self,
        id: i64,
        owner: Option<i64>,
        now: i64,
    ) -> StoreResult<bool> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM api_tokens WHERE id = $1 AND ($2 IS NULL OR user_id = $2)",
        )
        .bind(id)
        .bind(owner)
        .fetch_optional(&self.pool)
        .await?;
        if found.is_none() {
            return Ok(false);
        }
        in_transaction!(self.begin_write(), |tx| {
            sqlx::query(
                "UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
            )
            .bind(id)
            .bind(now)
            .execute(&mut **tx)
            .await?;
            // A service token's account goes with it.
            sqlx::query(
                "UPDATE users SET active = 0 WHERE service = 1 \
                 AND id = (SELECT user_id FROM api_tokens WHERE id = $1)",
            )
            .bind(id)
            .execute(&mut **tx)
            .await?;
            Ok(true)
        })
    }

    /// The token whose secret hashes to `secret_hash`, with the person it acts for if they are
    /// still active (a deactivated person's tokens stop with them). Notes its use.
    pub async fn api_token_holder(
        &self,
        secret_hash: &str,
        now: i64,
    ) -> StoreResult<Option<TokenHolder>> {
        let row: Option<TokenRow> =
            sqlx::query_as(&format!("SELECT {TOKEN_COLUMNS} WHERE t.secret_hash = $1"))
                .bind(secret_hash)
                .fetch_optional(&self.pool)
                .await?;
        let Some(row) = row else { return Ok(None) };
        let Some(actor) = self.active_actor(row.user_id).await? else {
            return Ok(None);
        };
        if row.last_used_at.is_none_or(|at| now - at > TOUCH_EVERY_MS) {
            sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1")
                .bind(row.id)
                .bind(now)
                .execute(&self.pool)
                .await?;
        }
        Ok(Some(TokenHolder {
            grant: TokenGrant {
                scopes: row.scopes()?,
                account_limit: row.account_limit,
                expires_at: row.expires_at,
                revoked_at: row.revoked_at,
            },
            token_id: row.id,
            token_name: row.name,
            actor,
        }))
    }
}
