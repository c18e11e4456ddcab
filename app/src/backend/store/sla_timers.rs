//! SLA timers kept in the database: a ticket whose warning or due instant has passed is claimed
//! by one app instance (a lease), its alert is raised once (a compare-and-set on the alert
//! columns) and a breach escalates as the priority's policy says.

use sqlx::FromRow;

use super::sla::TICKET_TIER;
use super::{Store, StoreError, StoreResult, parse_stored};
use crate::domain::sla::{ClockState, DueKind};
use crate::domain::ticket::{LiveEvent, Priority, TicketChange, TicketRef};

/// An alert that was raised, with who should hear of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RaisedSlaAlert {
    pub reference: TicketRef,
    pub title: String,
    pub state: ClockState,
    pub due: DueKind,
    pub due_at: i64,
    /// The alert, then the escalation if the breach escalated.
    pub events: Vec<LiveEvent>,
    /// The assignee, and the leads on a breach or when nobody is assigned.
    pub recipients: Vec<String>,
}

#[derive(FromRow)]
struct AlertRow {
    title: String,
    priority: String,
    assignee_id: Option<i64>,
    sla_due_kind: Option<String>,
    sla_due_at: Option<i64>,
    sla_warn_at: Option<i64>,
    sla_alert_kind: Option<String>,
    sla_alert_level: i64,
}

/// Level 1: the warning share has passed; 2: the due time has.
const WARNING: i64 = 1;
const BREACH: i64 = 2;

/// Tickets whose pending clock passed an instant not yet alerted for. `$1` is now.
const DUE_FOR_ALERT: &str = "sla_due_kind IS NOT NULL \
     AND ((sla_due_at <= $1 AND NOT (COALESCE(sla_alert_kind, '') = sla_due_kind AND sla_alert_level >= 2)) \
       OR (sla_warn_at <= $1 AND NOT (COALESCE(sla_alert_kind, '') = sla_due_kind AND sla_alert_level >= 1))) \
     AND (sla_claimed_until IS NULL OR sla_claimed_until <= $1)";

impl Store {
    /// Takes one ticket that is due for an SLA alert and that no other instance holds, for
    /// `lease_ms`.
    pub async fn claim_due_sla_alert(
        &self,
        now: i64,
        lease_ms: i64,
    ) -> StoreResult<Option<TicketRef>> {
        let id: Option<i64> = sqlx::query_scalar(&format!(
            "UPDATE tickets SET sla_claimed_until = $2 \
             WHERE id = (SELECT id FROM tickets WHERE {DUE_FOR_ALERT} ORDER BY sla_warn_at, id LIMIT 1) \
               AND {DUE_FOR_ALERT} \
             RETURNING id"
        ))
        .bind(now)
        .bind(now + lease_ms)
        .fetch_optional(&self.pool)
        .await?;
        Ok(id.map(TicketRef))
    }

    /// Raises the alert a claimed ticket is due for, if it still is once its clock is
    /// recomputed. `None` when there was nothing (left) to raise; the claim then stays until
    /// its lease ends, so the ticket is not picked again at once.
    pub async fn raise_sla_alert(
        &self,
        reference: TicketRef,
        now: i64,
        lease_ms: i64,
    ) -> StoreResult<Option<RaisedSlaAlert>> {
        self.refresh_sla(reference, now).await?;
        let row: AlertRow = sqlx::query_as(
            "SELECT title, priority, assignee_id, sla_due_kind, sla_due_at, sla_warn_at, \
                    sla_alert_kind, sla_alert_level FROM tickets WHERE id = $1",
        )
        .bind(reference.0)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        let passed = |at: Option<i64>| at.is_some_and(|at| at <= now);
        let level = if passed(row.sla_due_at) {
            BREACH
        } else if passed(row.sla_warn_at) {
            WARNING
        } else {
            0
        };
        let (Some(kind), Some(due_at)) = (row.sla_due_kind.as_deref(), row.sla_due_at) else {
            return self.hold_claim(reference, now + lease_ms).await;
        };
        let alerted = if row.sla_alert_kind.as_deref() == Some(kind) {
            row.sla_alert_level
        } else {
            0
        };
        if level <= alerted {
            return self.hold_claim(reference, now + lease_ms).await;
        }
        let due: DueKind = parse_stored(kind, "due kind")?;
        let state = if level == BREACH {
            ClockState::Breached
        } else {
            ClockState::Warning
        };
        let alert = TicketChange::SlaAlerted {
            state,
            due,
            due_at,
            assignee_id: row.assignee_id,
        };
        let written: StoreResult<Option<LiveEvent>> = in_transaction!(
            self.begin_event_write(),
            |tx| {
                // The compare-and-set that makes an alert happen once, whoever else tries.
                let set = sqlx::query(
                    "UPDATE tickets SET sla_alert_kind = $2, sla_alert_level = $3, sla_claimed_until = NULL \
                     WHERE id = $1 AND NOT (COALESCE(sla_alert_kind, '') = $2 AND sla_alert_level >= $3)",
                )
                .bind(reference.0)
                .bind(kind)
                .bind(level)
                .execute(&mut **tx)
                .await?;
                if set.rows_affected() == 0 {
                    return Ok(None);
                }
                Ok(Some(
                    Self::append_event(tx, reference.0, None, alert, now).await?,
                ))
            }
        );
        let Some(alert_event) = written? else {
            return Ok(None);
        };
        let mut events = vec![alert_event];
        if state == ClockState::Breached {
            let priority: Priority = parse_stored(&row.priority, "priority")?;
            events.extend(self.escalate(reference, priority, now).await?);
        }
        Ok(Some(RaisedSlaAlert {
            reference,
            title: row.title,
            state,
            due,
            due_at,
            events,
            recipients: self.alert_recipients(row.assignee_id, state).await?,
        }))
    }

    /// Counts every alert whose instant has already passed as raised: for data filed with past
    /// dates (the demo), whose history should not ring now.
    pub async fn settle_past_sla_alerts(&self, now: i64) -> StoreResult<()> {
        sqlx::query(
            "UPDATE tickets SET sla_alert_kind = sla_due_kind, \
                 sla_alert_level = CASE WHEN sla_due_at <= $1 THEN 2 WHEN sla_warn_at <= $1 THEN 1 ELSE 0 END \
             WHERE sla_due_kind IS NOT NULL",
        )
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn hold_claim<T>(&self, reference: TicketRef, until: i64) -> StoreResult<Option<T>> {
        sqlx::query("UPDATE tickets SET sla_claimed_until = $2 WHERE id = $1")
            .bind(reference.0)
            .bind(until)
            .execute(&self.pool)
            .await?;
        Ok(None)
    }

    /// What the priority's policy does on a breach: raise the priority one step and/or hand the
    /// ticket to a team, clearing the assignee so that the team's rotation or lead picks it up.
    async fn escalate(
        &self,
        reference: TicketRef,
        priority: Priority,
        now: i64,
    ) -> StoreResult<Option<LiveEvent>> {
        let (raise, team): (i64, Option<i64>) = sqlx::query_as(&format!(
            "SELECT p.breach_raises_priority, p.breach_team_id FROM sla_policies p \
             WHERE p.priority = $1 AND p.tier_id = \
                 (SELECT {TICKET_TIER} FROM tickets t JOIN accounts a ON a.id = t.account_id WHERE t.id = $2)"
        ))
        .bind(priority.as_str())
        .bind(reference.0)
        .fetch_optional(&self.pool)
        .await?
        .unwrap_or((0, None));
        if raise == 0 && team.is_none() {
            return Ok(None);
        }
        let handed_over = match team {
            Some(team) => Some((team, self.next_in_rotation(team).await?)),
            None => None,
        };
        self.change_facts_automatically(
            reference,
            |facts| {
                let mut escalated = facts.clone();
                if raise != 0 {
                    escalated.priority = facts.priority.raised();
                }
                if let Some((team, assignee)) = handed_over {
                    escalated.team_id = Some(team);
                    escalated.assignee_id = assignee;
                }
                escalated
            },
            Vec::new(),
            |changes| TicketChange::Escalated { changes },
            now,
        )
        .await
    }

    async fn alert_recipients(
        &self,
        assignee: Option<i64>,
        state: ClockState,
    ) -> StoreResult<Vec<String>> {
        let with_leads = state == ClockState::Breached || assignee.is_none();
        Ok(sqlx::query_scalar(
            "SELECT email FROM users WHERE active = 1 AND account_id IS NULL \
               AND (id = $1 OR ($2 = 1 AND role = 'lead')) ORDER BY id",
        )
        .bind(assignee)
        .bind(i64::from(with_leads))
        .fetch_all(&self.pool)
        .await?)
    }
}
