//! One-time links sent by email. Only a hash of each token is stored.

use sqlx::FromRow;

use super::{Store, StoreResult, parse_stored};
use crate::domain::sign_in::{LinkPurpose, LinkRecord};

#[derive(Debug, Clone)]
pub struct NewLink<'a> {
    pub token_hash: &'a str,
    pub purpose: LinkPurpose,
    pub user_id: i64,
    pub browser_hash: Option<&'a str>,
}

/// A stored link and whose it is.
#[derive(Debug, Clone)]
pub struct StoredLink {
    pub user_id: i64,
    pub record: LinkRecord,
}

#[derive(FromRow)]
struct LinkRow {
    user_id: i64,
    purpose: String,
    expires_at: i64,
    used_at: Option<i64>,
    browser_hash: Option<String>,
}

impl Store {
    pub async fn create_link(&self, link: &NewLink<'_>, now: i64) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO sign_in_links (token_hash, purpose, user_id, browser_hash, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(link.token_hash)
        .bind(link.purpose.as_str())
        .bind(link.user_id)
        .bind(link.browser_hash)
        .bind(now)
        .bind(now + link.purpose.lifetime_ms())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn link(&self, token_hash: &str) -> StoreResult<Option<StoredLink>> {
        let row: Option<LinkRow> = sqlx::query_as(
            "SELECT l.user_id, l.purpose, l.expires_at, l.used_at, l.browser_hash \
             FROM sign_in_links l JOIN users u ON u.id = l.user_id \
             WHERE l.token_hash = $1 AND u.active = 1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(StoredLink {
                user_id: row.user_id,
                record: LinkRecord {
                    purpose: parse_stored(&row.purpose, "link purpose")?,
                    expires_at: row.expires_at,
                    used_at: row.used_at,
                    browser_hash: row.browser_hash,
                },
            })
        })
        .transpose()
    }

    /// Marks a link used. Exactly one of several simultaneous uses succeeds (`true`).
    pub async fn use_link(&self, token_hash: &str, now: i64) -> StoreResult<bool> {
        let result = sqlx::query(
            "UPDATE sign_in_links SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected() == 1)
    }
}
