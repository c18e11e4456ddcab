//! The audit log: append-only (the database refuses updates and deletes).

use super::{Store, StoreResult};
use crate::domain::audit::{AuditAction, AuditEntry, AuditFilter, audit_facts, subject_label};

/// One thing that happened, about to be recorded.
#[derive(Debug, Clone)]
pub struct NewAuditEntry {
    pub actor_id: Option<i64>,
    /// The client account it concerns, if any.
    pub account_id: Option<i64>,
    pub action: AuditAction,
    /// What it was done to, e.g. `user:12`, `account:3`, `session:40`.
    pub subject: String,
    /// Before/after and other facts, as JSON.
    pub detail: serde_json::Value,
    pub ip: String,
}

impl Store {
    pub async fn append_audit(&self, entry: &NewAuditEntry, now: i64) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO audit_log (actor_id, account_id, action, subject, detail, ip, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(entry.actor_id)
        .bind(entry.account_id)
        .bind(entry.action.as_str())
        .bind(&entry.subject)
        .bind(entry.detail.to_string())
        .bind(&entry.ip)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The newest entries matching `filter`, at most `limit`.
    pub async fn audit_entries(
        &self,
        filter: &AuditFilter,
        limit: i64,
    ) -> StoreResult<Vec<AuditEntry>> {
        let rows: Vec<AuditRow> = sqlx::query_as(
            "SELECT l.id, l.created_at, l.actor_id, u.name AS actor_name, a.name AS account_name, \
                    l.action, l.subject, s.id AS subject_user_id, \
                    COALESCE(s.name, k.name, c.name) AS subject_name, l.detail, l.ip \
             FROM audit_log l LEFT JOIN users u ON u.id = l.actor_id \
             LEFT JOIN accounts a ON a.id = l.account_id \
             LEFT JOIN users s ON l.subject = 'user:' || s.id \
             LEFT JOIN api_tokens k ON l.subject = 'api_token:' || k.id \
             LEFT JOIN categories c ON l.subject = 'category:' || c.id \
             WHERE ($1 = '' OR l.action = $1) AND ($2 = 0 OR l.account_id = $2) AND ($3 = 0 OR l.id < $3) \
             ORDER BY l.id DESC LIMIT $4",
        )
        .bind(filter.action.map(AuditAction::as_str).unwrap_or_default())
        .bind(filter.account_id.unwrap_or(0))
        .bind(filter.before.unwrap_or(0))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(AuditRow::into_entry).collect())
    }
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: i64,
    created_at: i64,
    actor_id: Option<i64>,
    actor_name: Option<String>,
    account_name: Option<String>,
    action: String,
    subject: String,
    /// The person the subject names, if it names one.
    subject_user_id: Option<i64>,
    /// The name of the person, token or category the subject names, if it still exists.
    subject_name: Option<String>,
    detail: String,
    ip: String,
}

impl AuditRow {
    fn into_entry(self) -> AuditEntry {
        // Written by `record_audit` from a JSON value; anything else is shown as it is.
        let detail =
            serde_json::from_str(&self.detail).unwrap_or(serde_json::Value::String(self.detail));
        AuditEntry {
            id: self.id,
            created_at: self.created_at,
            actor_name: self.actor_name,
            account_name: self.account_name,
            action: self.action,
            subject: (self.subject_user_id.is_none() || self.subject_user_id != self.actor_id)
                .then(|| subject_label(&self.subject, self.subject_name.as_deref())),
            facts: audit_facts(&detail),
            ip: self.ip,
        }
    }
}
