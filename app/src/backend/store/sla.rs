//! SLA policies and each ticket's SLA mark, recomputed whenever the ticket changes.

use sqlx::FromRow;

use super::{Store, StoreError, StoreResult, parse_stored};
use crate::domain::business_time::{Calendar, CalendarSpec};
use crate::domain::sla::{
    DueKind, STANDARD_TIER, SlaPolicy, SlaTier, Targets, TicketTimes, mark_at, measured,
};
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
    tier_id: i64,
    created_at: i64,
    first_response_at: Option<i64>,
    resolved_at: Option<i64>,
    status: String,
    requester_id: i64,
    follows: Option<i64>,
}

#[derive(FromRow)]
struct PolicySettingsRow {
    tier_id: i64,
    priority: String,
    first_response_minutes: i64,
    resolution_minutes: i64,
    warning_percent: i64,
    breach_raises_priority: i64,
    breach_team_id: Option<i64>,
}

/// The calendar every policy counts in (one per agency for now).
const AGENCY_CALENDAR: i64 = 1;

/// A ticket's tier: the one a rule put it on, else its company's, else Standard.
pub(super) const TICKET_TIER: &str = "COALESCE(t.sla_tier_id, a.sla_tier_id, 1)";

impl Store {
    /// Every tier's policies, by tier, most urgent first.
    pub async fn sla_policies(&self) -> StoreResult<Vec<SlaPolicy>> {
        let rows: Vec<PolicySettingsRow> = sqlx::query_as(
            "SELECT tier_id, priority, first_response_minutes, resolution_minutes, warning_percent, \
                    breach_raises_priority, breach_team_id FROM sla_policies",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut policies = rows
            .into_iter()
            .map(|row| {
                Ok(SlaPolicy {
                    tier_id: row.tier_id,
                    priority: parse_stored(&row.priority, "priority")?,
                    first_response_minutes: row.first_response_minutes,
                    resolution_minutes: row.resolution_minutes,
                    warning_percent: row.warning_percent,
                    breach_raises_priority: row.breach_raises_priority != 0,
                    breach_team_id: row.breach_team_id,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        policies.sort_by_key(|p| {
            (
                p.tier_id,
                Priority::ALL.iter().position(|&q| q == p.priority),
            )
        });
        Ok(policies)
    }

    /// Changes a priority's targets and escalation in a tier; the clocks of the tier's open
    /// tickets follow at once.
    pub async fn save_sla_policy(&self, policy: &SlaPolicy, now: i64) -> StoreResult<()> {
        let updated = sqlx::query(
            "UPDATE sla_policies SET first_response_minutes = $2, resolution_minutes = $3, \
                 warning_percent = $4, breach_raises_priority = $5, breach_team_id = $6 \
             WHERE priority = $1 AND tier_id = $7",
        )
        .bind(policy.priority.as_str())
        .bind(policy.first_response_minutes)
        .bind(policy.resolution_minutes)
        .bind(policy.warning_percent)
        .bind(i64::from(policy.breach_raises_priority))
        .bind(policy.breach_team_id)
        .bind(policy.tier_id)
        .execute(&self.pool)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        self.refresh_open_slas(Some(policy.tier_id), now).await
    }

    /// Recomputes the clocks of every open ticket (of one tier, when given): after targets or
    /// working hours change. One pass over open tickets, not over history.
    async fn refresh_open_slas(&self, tier_id: Option<i64>, now: i64) -> StoreResult<()> {
        let open: Vec<i64> = sqlx::query_scalar(&format!(
            "SELECT t.id FROM tickets t JOIN accounts a ON a.id = t.account_id \
             WHERE t.status <> 'completed' AND ($1 IS NULL OR {TICKET_TIER} = $1)"
        ))
        .bind(tier_id)
        .fetch_all(&self.pool)
        .await?;
        for ticket in open {
            self.refresh_sla(TicketRef(ticket), now).await?;
        }
        Ok(())
    }

    /// The tiers, Standard first, with the companies put on each (Standard lists none: it is
    /// every company not on another).
    pub async fn sla_tiers(&self) -> StoreResult<Vec<SlaTier>> {
        let tiers: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, name FROM sla_tiers ORDER BY id")
                .fetch_all(&self.pool)
                .await?;
        let placed: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT sla_tier_id, id FROM accounts WHERE sla_tier_id IS NOT NULL ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(tiers
            .into_iter()
            .map(|(id, name)| SlaTier {
                id,
                name,
                accounts: placed
                    .iter()
                    .filter(|(tier, _)| *tier == id)
                    .map(|(_, account)| *account)
                    .collect(),
            })
            .collect())
    }

    /// Adds a tier whose targets start as Standard's; returns its id.
    pub async fn add_sla_tier(&self, name: &str) -> StoreResult<i64> {
        in_transaction!(self.begin_write(), |tx| {
            let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sla_tiers WHERE name = $1")
                .bind(name)
                .fetch_one(&mut **tx)
                .await?;
            if taken > 0 {
                return Err(StoreError::Conflict(format!(
                    "There is already a tier “{name}”."
                )));
            }
            let id: i64 =
                sqlx::query_scalar("INSERT INTO sla_tiers (name) VALUES ($1) RETURNING id")
                    .bind(name)
                    .fetch_one(&mut **tx)
                    .await?;
            sqlx::query(
                "INSERT INTO sla_policies (tier_id, priority, first_response_minutes, resolution_minutes, \
                                           warning_percent, calendar_id, breach_raises_priority, breach_team_id) \
                 SELECT $1, priority, first_response_minutes, resolution_minutes, warning_percent, \
                        calendar_id, breach_raises_priority, breach_team_id \
                 FROM sla_policies WHERE tier_id = $2",
            )
            .bind(id)
            .bind(STANDARD_TIER)
            .execute(&mut **tx)
            .await?;
            Ok(id)
        })
    }

    /// Puts exactly `accounts` on a tier (others on it go back to Standard), and recomputes the
    /// clocks of their open tickets.
    pub async fn set_tier_accounts(
        &self,
        tier_id: i64,
        accounts: &[i64],
        now: i64,
    ) -> StoreResult<()> {
        let known: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sla_tiers WHERE id = $1")
            .bind(tier_id)
            .fetch_one(&self.pool)
            .await?;
        if known == 0 || tier_id == STANDARD_TIER {
            return Err(StoreError::NotFound);
        }
        let before: Vec<i64> = sqlx::query_scalar("SELECT id FROM accounts WHERE sla_tier_id = $1")
            .bind(tier_id)
            .fetch_all(&self.pool)
            .await?;
        in_transaction!(self.begin_write(), |tx| {
            sqlx::query("UPDATE accounts SET sla_tier_id = NULL WHERE sla_tier_id = $1")
                .bind(tier_id)
                .execute(&mut **tx)
                .await?;
            for account in accounts {
                sqlx::query("UPDATE accounts SET sla_tier_id = $1 WHERE id = $2")
                    .bind(tier_id)
                    .bind(account)
                    .execute(&mut **tx)
                    .await?;
            }
            Ok(())
        })?;
        // Companies that joined or left the tier: their open tickets' clocks follow the change.
        for account in before.iter().chain(accounts) {
            let open: Vec<i64> = sqlx::query_scalar(
                "SELECT id FROM tickets WHERE account_id = $1 AND status <> 'completed' \
                   AND sla_tier_id IS NULL",
            )
            .bind(account)
            .fetch_all(&self.pool)
            .await?;
            for ticket in open {
                self.refresh_sla(TicketRef(ticket), now).await?;
            }
        }
        Ok(())
    }

    /// The agency's working hours, as edited.
    pub async fn business_calendar(&self) -> StoreResult<CalendarSpec> {
        let spec: String = sqlx::query_scalar("SELECT spec FROM business_calendars WHERE id = $1")
            .bind(AGENCY_CALENDAR)
            .fetch_one(&self.pool)
            .await?;
        serde_json::from_str(&spec).map_err(|e| StoreError::Corrupt(format!("calendar: {e}")))
    }

    /// Replaces the agency's working hours (the caller has checked them with
    /// [`CalendarSpec::calendar`]); open tickets' clocks follow at once.
    pub async fn save_business_calendar(&self, spec: &CalendarSpec, now: i64) -> StoreResult<()> {
        let spec = serde_json::to_string(spec)
            .map_err(|e| StoreError::Corrupt(format!("calendar: {e}")))?;
        sqlx::query("UPDATE business_calendars SET spec = $2 WHERE id = $1")
            .bind(AGENCY_CALENDAR)
            .bind(spec)
            .execute(&self.pool)
            .await?;
        self.refresh_open_slas(None, now).await
    }

    /// The targets of a priority in a tier, and the calendar they count in.
    pub async fn sla_policy(
        &self,
        priority: Priority,
        tier_id: i64,
    ) -> StoreResult<(Targets, Calendar)> {
        let row: PolicyRow = sqlx::query_as(
            "SELECT p.first_response_minutes, p.resolution_minutes, p.warning_percent, c.spec \
             FROM sla_policies p JOIN business_calendars c ON c.id = p.calendar_id \
             WHERE p.priority = $1 AND p.tier_id = $2",
        )
        .bind(priority.as_str())
        .bind(tier_id)
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

    /// The policy a ticket's clocks follow now: its priority in its tier.
    pub async fn ticket_sla_policy(
        &self,
        reference: TicketRef,
    ) -> StoreResult<(Targets, Calendar)> {
        let (priority, tier_id): (String, i64) = sqlx::query_as(&format!(
            "SELECT t.priority, {TICKET_TIER} FROM tickets t JOIN accounts a ON a.id = t.account_id \
             WHERE t.id = $1"
        ))
        .bind(reference.0)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        self.sla_policy(parse_stored(&priority, "priority")?, tier_id)
            .await
    }

    /// Recomputes and stores a ticket's SLA mark from its history and its priority's policy.
    pub async fn refresh_sla(&self, reference: TicketRef, now: i64) -> StoreResult<()> {
        let row: TimesRow = sqlx::query_as(&format!(
            "SELECT t.priority, {TICKET_TIER} AS tier_id, t.created_at, t.first_response_at, \
                    t.resolved_at, t.status, t.requester_id, t.follows \
             FROM tickets t JOIN accounts a ON a.id = t.account_id WHERE t.id = $1"
        ))
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
            .sla_policy(parse_stored(&row.priority, "priority")?, row.tier_id)
            .await?;
        let unreadable = |e| StoreError::Corrupt(format!("SLA of {reference}: {e}"));
        let mark = mark_at(&times, targets, now, &calendar).map_err(unreadable)?;
        let kept = measured(&times, &calendar).map_err(unreadable)?;
        sqlx::query(
            "UPDATE tickets SET sla_state = $2, sla_due_at = $3, sla_due_kind = $4, sla_warn_at = $5, \
                                sla_claimed_until = NULL, response_business_ms = $6, resolution_business_ms = $7, \
                                response_target_ms = $8, resolution_target_ms = $9, reopened = $10 WHERE id = $1",
        )
        .bind(reference.0)
        .bind(mark.state.as_str())
        .bind(mark.due_at)
        .bind(mark.due_kind.map(DueKind::as_str))
        .bind(mark.warn_at)
        .bind(kept.response_ms)
        .bind(kept.resolution_ms)
        .bind(targets.first_response_ms)
        .bind(targets.resolution_ms)
        .bind(i64::from(kept.reopened))
        .execute(&self.pool)
        .await?;
        // What reports count of a ticket is kept with its clock, after every change.
        self.recount_follow_ups(reference, row.requester_id, row.follows, row.created_at)
            .await
    }
}
