//! `GET /reports/{table}.csv`: one report table as CSV, for staff, through the same policy as
//! the report page. Cells a spreadsheet would run as formulas are kept as text.

use axum::extract::{Path, RawQuery, State};
use axum::http::request::Parts;
use axum::response::Response;

use super::attachments::file_response;
use super::auth::permitted_download;
use super::state::AppState;
use crate::domain::policy::Permission;
use crate::domain::report::{ReportFilter, ReportTable, business_duration, csv};
use crate::domain::validation::format_date;
use crate::error::AppError;

pub async fn export(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
    parts: Parts,
) -> Result<Response, AppError> {
    permitted_download(&parts, Permission::ReadReports)?;
    let table = file
        .strip_suffix(".csv")
        .and_then(ReportTable::parse)
        .ok_or(AppError::NotFound)?;
    let filter = ReportFilter::from_query(query.as_deref().unwrap_or_default());
    let report = state.store.report(&filter, state.clock.now_ms()).await?;
    let name = format!(
        "frontdoor-{}-{}-to-{}.csv",
        table.as_str(),
        format_date(report.range.start),
        format_date(report.range.end - 1)
    );
    Ok(file_response(
        &name,
        "text/csv; charset=utf-8",
        csv(&table.rows(&report, business_duration)).into_bytes(),
        false,
    ))
}
