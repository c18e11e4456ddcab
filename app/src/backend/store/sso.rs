//! Single sign-on: client companies' OpenID providers, and sign-ins on their way.

use serde::{Deserialize, Serialize};
use sqlx::FromRow;

use super::{Store, StoreResult};

/// A company's provider as the admin page lists it (never with its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, FromRow)]
pub struct SsoConnection {
    pub account_id: i64,
    pub account_name: String,
    pub issuer: String,
    pub client_id: String,
}

/// Where and as what a sign-in is made.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct OidcClient {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
}

/// A sign-in started, waiting for the provider to send the browser back.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct SsoAttempt {
    /// `None`: the agency's provider.
    pub account_id: Option<i64>,
    pub nonce: String,
    pub verifier: String,
    pub created_at: i64,
}

impl Store {
    /// Sets (or replaces) a company's provider.
    pub async fn connect_sso(
        &self,
        account_id: i64,
        client: &OidcClient,
        now: i64,
    ) -> StoreResult<()> {
        in_transaction!(self.begin_write(), |tx| {
            sqlx::query("DELETE FROM sso_connections WHERE account_id = $1")
                .bind(account_id)
                .execute(&mut **tx)
                .await?;
            sqlx::query(
                "INSERT INTO sso_connections (account_id, issuer, client_id, client_secret, created_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(account_id)
            .bind(&client.issuer)
            .bind(&client.client_id)
            .bind(&client.client_secret)
            .bind(now)
            .execute(&mut **tx)
            .await?;
            Ok(())
        })
    }

    pub async fn remove_sso(&self, account_id: i64) -> StoreResult<bool> {
        let removed = sqlx::query("DELETE FROM sso_connections WHERE account_id = $1")
            .bind(account_id)
            .execute(&self.pool)
            .await?;
        Ok(removed.rows_affected() == 1)
    }

    pub async fn sso_connections(&self) -> StoreResult<Vec<SsoConnection>> {
        Ok(sqlx::query_as(
            "SELECT s.account_id, a.name AS account_name, s.issuer, s.client_id \
             FROM sso_connections s JOIN accounts a ON a.id = s.account_id ORDER BY a.name",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn sso_client(&self, account_id: i64) -> StoreResult<Option<OidcClient>> {
        Ok(sqlx::query_as(
            "SELECT issuer, client_id, client_secret FROM sso_connections WHERE account_id = $1",
        )
        .bind(account_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Keeps a sign-in started; entries older than `forget_before` are dropped on the way.
    pub async fn save_sso_attempt(
        &self,
        state_hash: &str,
        attempt: &SsoAttempt,
        forget_before: i64,
    ) -> StoreResult<()> {
        in_transaction!(self.begin_write(), |tx| {
            sqlx::query("DELETE FROM sso_attempts WHERE created_at < $1")
                .bind(forget_before)
                .execute(&mut **tx)
                .await?;
            sqlx::query(
                "INSERT INTO sso_attempts (state_hash, account_id, nonce, verifier, created_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(state_hash)
            .bind(attempt.account_id)
            .bind(&attempt.nonce)
            .bind(&attempt.verifier)
            .bind(attempt.created_at)
            .execute(&mut **tx)
            .await?;
            Ok(())
        })
    }

    /// Takes a started sign-in by its state's hash: once.
    pub async fn take_sso_attempt(&self, state_hash: &str) -> StoreResult<Option<SsoAttempt>> {
        Ok(sqlx::query_as(
            "DELETE FROM sso_attempts WHERE state_hash = $1 \
             RETURNING account_id, nonce, verifier, created_at",
        )
        .bind(state_hash)
        .fetch_optional(&self.pool)
        .await?)
    }
}
