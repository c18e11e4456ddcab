//! Staff reports: one server function reads them all for a filter.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::report::Report;
use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportView {
    pub now: i64,
    pub report: Report,
}

/// The report for an address-bar query (`from=…&to=…&account=…`).
#[server(endpoint = "load_report")]
pub async fn load_report(query: String) -> Result<ReportView, AppError> {
    use crate::backend::{auth, state::app_state};
    use crate::domain::policy::Permission;
    use crate::domain::report::ReportFilter;

    auth::require_permission(Permission::ReadReports)?;
    let state = app_state()?;
    let now = state.clock.now_ms();
    let report = state
        .store
        .report(&ReportFilter::from_query(&query), now)
        .await?;
    Ok(ReportView { now, report })
}
