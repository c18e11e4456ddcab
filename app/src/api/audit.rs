//! Browsing the audit log (agency admins).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::audit::{AuditAction, AuditEntry};
use crate::domain::people::AccountSummary;
use crate::error::AppError;

/// Entries per page.
pub const AUDIT_PAGE: i64 = 50;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub now: i64,
    pub entries: Vec<AuditEntry>,
    /// Where the next (older) page starts, if there is one.
    pub older: Option<i64>,
    /// The accounts to filter by.
    pub accounts: Vec<AccountSummary>,
}

#[server(endpoint = "audit_log")]
pub async fn audit_log(
    action: Option<AuditAction>,
    account_id: Option<i64>,
    before: Option<i64>,
) -> Result<AuditPage, AppError> {
    use crate::backend::{auth, state::app_state};
    use crate::domain::policy::Permission;

    use crate::domain::audit::AuditFilter;

    auth::require_permission(Permission::ReadAuditLog)?;
    let state = app_state()?;
    let filter = AuditFilter {
        action,
        account_id,
        before,
    };
    let mut entries = state.store.audit_entries(&filter, AUDIT_PAGE + 1).await?;
    let older = if entries.len() as i64 > AUDIT_PAGE {
        entries.truncate(AUDIT_PAGE as usize);
        entries.last().map(|entry| entry.id)
    } else {
        None
    };
    Ok(AuditPage {
        now: state.clock.now_ms(),
        entries,
        older,
        accounts: state.store.accounts().await?,
    })
}
