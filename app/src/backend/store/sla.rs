//! SLA policies and each ticket's SLA mark, recomputed whenever the ticket changes.

use sqlx::FromRow;

use super::{Store, StoreError, StoreResult, parse_stored};
use crate::domain::business_time::{Calendar, CalendarSpec};
use crate::domain::sla::{DueKind, Targets, TicketTimes, mark_at};
use crate::domain::ticket::{Priority, TicketChange, TicketRef, TicketStatus};

const MINUTE_MS: i64 = 60_000;

#[derive(FromRow)]
struct PolicyRow {
    first_response_minutes: i64,
    resolution_minutes: i64,
    warning_percent: i64,
    spec: String,
}

#[derive(FromRow)]
struct TimesRow {
    priority: String,
    created_at: i64,
    first_response_at: Option<i64>,
    resolved_at: Option<i64>,
    status: String,
}

impl Store {
    /// The targets of a priority and the calendar they count in.
    pub async fn sla_policy(&self, priority: Priority) -> StoreResult<(Targets, Calendar)> {
        let row: PolicyRow = sqlx::query_as(
            "SELECT p.first_response_minutes, p.resolution_minutes, p.warning_percent, c.spec \
             FROM sla_policies p JOIN business_calendars c ON c.id = p.calendar_id WHERE p.priority = $1",
        )
        .bind(priority.as_str())
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        let spec: CalendarSpec = serde_json::from_str(&row.spec)
            .map_err(|e| StoreError::Corrupt(format!("calendar: {e}")))?;
        let calendar = spec
            .calendar()
            .map_err(|e| StoreError::Corrupt(format!("calendar: {e}")))?;
        Ok((
            Targets {
                first_response_ms: row.first_response_minutes * MINUTE_MS,
                resolution_ms: row.resolution_minutes * MINUTE_MS,
                warning_share_percent: row.warning_percent,
            },
            calendar,
        ))
    }

    /// Recomputes and stores a ticket's SLA mark from its history and its priority's policy.
    pub async fn refresh_sla(&self, reference: TicketRef, now: i64) -> StoreResult<()> {
        let row: TimesRow = sqlx::query_as(
            "SELECT priority, created_at, first_response_at, resolved_at, status FROM tickets WHERE id = $1",
        )
        .bind(reference.0)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        let events: Vec<(String, i64)> = sqlx::query_as(
            "SELECT data, created_at FROM ticket_events \
             WHERE ticket_id = $1 AND kind = 'status_changed' ORDER BY id",
        )
        .bind(reference.0)
        .fetch_all(&self.pool)
        .await?;
        let mut history = vec![(row.created_at, TicketStatus::New)];
        for (data, at) in events {
            if let Ok(TicketChange::StatusChanged { to, .. }) = serde_json::from_str(&data) {
                history.push((at, to));
            }
        }
        let status: TicketStatus = parse_stored(&row.status, "status")?;
        let times = TicketTimes {
            created_at: row.created_at,
            first_response_at: row.first_response_at,
            resolved_at: row
                .resolved_at
                .filter(|_| status == TicketStatus::Completed),
            history,
        };
        let (targets, calendar) = self
            .sla_policy(parse_stored(&row.priority, "priority")?)
            .await?;
        let mark = mark_at(&times, targets, now, &calendar)
            .map_err(|e| StoreError::Corrupt(format!("SLA of {reference}: {e}")))?;
        sqlx::query(
            "UPDATE tickets SET sla_state = $2, sla_due_at = $3, sla_due_kind = $4, sla_warn_at = $5 WHERE id = $1",
        )
        .bind(reference.0)
        .bind(mark.state.as_str())
        .bind(mark.due_at)
        .bind(mark.due_kind.map(DueKind::as_str))
        .bind(mark.warn_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
