//! Assignment rules and team rotation: kept in order, applied to every new ticket, tried out
//! on a sample before saving.

use sqlx::FromRow;

use super::{Store, StoreError, StoreResult, parse_stored};
use crate::domain::routing::{
    IncomingTicket, Member, Rotation, RoutingRule, TeamSetup, first_match, pick_member,
};
use crate::domain::ticket::{FieldChange, LiveEvent, TicketChange, TicketFacts, TicketRef};

#[derive(FromRow)]
struct RuleRow {
    id: i64,
    name: String,
    enabled: i64,
    conditions: String,
    actions: String,
}

impl RuleRow {
    fn into_rule(self) -> StoreResult<RoutingRule> {
        let corrupt = |e: serde_json::Error| StoreError::Corrupt(format!("rule {}: {e}", self.id));
        Ok(RoutingRule {
            conditions: serde_json::from_str(&self.conditions).map_err(corrupt)?,
            actions: serde_json::from_str(&self.actions).map_err(corrupt)?,
            id: self.id,
            name: self.name,
            enabled: self.enabled != 0,
        })
    }
}

/// What the rules would do with a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutingDecision {
    pub rule: RoutingRule,
    pub facts: TicketFacts,
}

#[derive(FromRow)]
struct IncomingRow {
    account_id: i64,
    category_id: Option<i64>,
    channel: String,
    priority: String,
    title: String,
    description: String,
    requester_email: String,
}

impl Store {
    /// All rules in the order they are tried.
    pub async fn routing_rules(&self) -> StoreResult<Vec<RoutingRule>> {
        let rows: Vec<RuleRow> = sqlx::query_as(
            "SELECT id, name, enabled, conditions, actions FROM routing_rules ORDER BY position, id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(RuleRow::into_rule).collect()
    }

    /// Adds a rule at the end (`id` 0) or changes one in place; returns its id.
    pub async fn save_rule(&self, rule: &RoutingRule, now: i64) -> StoreResult<i64> {
        let (conditions, actions) = (to_json(&rule.conditions)?, to_json(&rule.actions)?);
        if rule.id == 0 {
            return Ok(sqlx::query_scalar(
                "INSERT INTO routing_rules (position, name, enabled, conditions, actions, updated_at) \
                 VALUES ((SELECT COALESCE(MAX(position), 0) + 1 FROM routing_rules), $1, $2, $3, $4, $5) \
                 RETURNING id",
            )
            .bind(&rule.name)
            .bind(i64::from(rule.enabled))
            .bind(&conditions)
            .bind(&actions)
            .bind(now)
            .fetch_one(&self.pool)
            .await?);
        }
        let updated = sqlx::query(
            "UPDATE routing_rules SET name = $2, enabled = $3, conditions = $4, actions = $5, \
                                      updated_at = $6 WHERE id = $1",
        )
        .bind(rule.id)
        .bind(&rule.name)
        .bind(i64::from(rule.enabled))
        .bind(&conditions)
        .bind(&actions)
        .bind(now)
        .execute(&self.pool)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(rule.id)
    }

    pub async fn delete_rule(&self, id: i64) -> StoreResult<()> {
        sqlx::query("DELETE FROM routing_rules WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Moves a rule one place earlier (`earlier`) or later, by swapping with its neighbour.
    pub async fn move_rule(&self, id: i64, earlier: bool) -> StoreResult<()> {
        let mut order: Vec<i64> = self.routing_rules().await?.iter().map(|r| r.id).collect();
        let at = order
            .iter()
            .position(|&r| r == id)
            .ok_or(StoreError::NotFound)?;
        let other = if earlier {
            at.checked_sub(1)
        } else {
            Some(at + 1)
        };
        let Some(other) = other.filter(|&o| o < order.len()) else {
            return Ok(());
        };
        order.swap(at, other);
        in_transaction!(self.begin_write(), |tx| {
            for (position, rule) in (1..).zip(&order) {
                sqlx::query("UPDATE routing_rules SET position = $2 WHERE id = $1")
                    .bind(rule)
                    .bind(position)
                    .execute(&mut **tx)
                    .await?;
            }
            Ok(())
        })
    }

    pub async fn team_setups(&self) -> StoreResult<Vec<TeamSetup>> {
        let teams: Vec<(i64, String, String)> =
            sqlx::query_as("SELECT id, name, assignment FROM staff_teams ORDER BY name")
                .fetch_all(&self.pool)
                .await?;
        let members: Vec<(i64, i64)> =
            sqlx::query_as("SELECT team_id, user_id FROM staff_team_members ORDER BY user_id")
                .fetch_all(&self.pool)
                .await?;
        teams
            .into_iter()
            .map(|(id, name, rotation)| {
                Ok(TeamSetup {
                    id,
                    name,
                    rotation: parse_stored(&rotation, "rotation")?,
                    members: members
                        .iter()
                        .filter(|(team, _)| *team == id)
                        .map(|(_, user)| *user)
                        .collect(),
                })
            })
            .collect()
    }

    /// Sets a team's rotation and members (staff only; others are ignored).
    pub async fn save_team_setup(&self, setup: &TeamSetup) -> StoreResult<()> {
        in_transaction!(self.begin_write(), |tx| {
            let updated = sqlx::query("UPDATE staff_teams SET assignment = $2 WHERE id = $1")
                .bind(setup.id)
                .bind(setup.rotation.as_str())
                .execute(&mut **tx)
                .await?;
            if updated.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            sqlx::query("DELETE FROM staff_team_members WHERE team_id = $1")
                .bind(setup.id)
                .execute(&mut **tx)
                .await?;
            for member in &setup.members {
                sqlx::query(
                    "INSERT INTO staff_team_members (team_id, user_id) \
                     SELECT $1, id FROM users WHERE id = $2 AND account_id IS NULL",
                )
                .bind(setup.id)
                .bind(member)
                .execute(&mut **tx)
                .await?;
            }
            Ok(())
        })
    }

    /// Marks a staff member away (rotation skips them) or back.
    pub async fn set_away(&self, user_id: i64, away: bool) -> StoreResult<()> {
        sqlx::query("UPDATE users SET away = $2 WHERE id = $1 AND account_id IS NULL")
            .bind(user_id)
            .bind(i64::from(away))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn is_away(&self, user_id: i64) -> StoreResult<bool> {
        let away: Option<i64> = sqlx::query_scalar("SELECT away FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(away == Some(1))
    }

    /// What `rules` would do with `ticket`, starting from `facts`; `None` when no rule matches.
    /// Nothing is written (the rotation is only looked at).
    pub async fn route(
        &self,
        rules: &[RoutingRule],
        ticket: &IncomingTicket,
        facts: &TicketFacts,
    ) -> StoreResult<Option<RoutingDecision>> {
        let Some(rule) = first_match(rules, ticket) else {
            return Ok(None);
        };
        let mut routed = rule.actions.apply(facts);
        if let (Some(team), None) = (routed.team_id, routed.assignee_id) {
            routed.assignee_id = self.next_in_rotation(team).await?;
        }
        Ok(Some(RoutingDecision {
            rule: rule.clone(),
            facts: routed,
        }))
    }

    /// Applies the first matching rule to a ticket that just arrived, writing a `Routed` event
    /// that names the rule. Returns that event when the rule changed something (the ticket's SLA
    /// clock then already counts in its routed priority and tier).
    pub async fn route_new_ticket(
        &self,
        reference: TicketRef,
        now: i64,
    ) -> StoreResult<Option<LiveEvent>> {
        let row: IncomingRow = sqlx::query_as(
            "SELECT t.account_id, t.category_id, t.channel, t.priority, t.title, t.description, \
                    u.email AS requester_email \
             FROM tickets t JOIN users u ON u.id = t.requester_id WHERE t.id = $1",
        )
        .bind(reference.0)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        let incoming = IncomingTicket {
            account_id: row.account_id,
            category_id: row.category_id,
            channel: parse_stored(&row.channel, "channel")?,
            priority: parse_stored(&row.priority, "priority")?,
            title: row.title,
            description: row.description,
            requester_email: row.requester_email,
        };
        let facts = self.ticket(reference).await?.facts;
        let rules = self.routing_rules().await?;
        let Some(decision) = self.route(&rules, &incoming, &facts).await? else {
            return Ok(None);
        };
        let assigned_by_rotation = decision
            .facts
            .assignee_id
            .filter(|_| decision.rule.actions.assignee_id.is_none() && facts.assignee_id.is_none());
        let rule_name = decision.rule.name.clone();
        let mut also = Vec::new();
        if let Some(tier) = decision.rule.actions.sla_tier_id {
            let name: Option<String> =
                sqlx::query_scalar("SELECT name FROM sla_tiers WHERE id = $1")
                    .bind(tier)
                    .fetch_optional(&self.pool)
                    .await?;
            let name = name.ok_or_else(|| {
                StoreError::Conflict(format!("Rule “{rule_name}” names a removed SLA tier."))
            })?;
            // Written before the facts so that the refresh after them counts in the new tier.
            sqlx::query("UPDATE tickets SET sla_tier_id = $2 WHERE id = $1")
                .bind(reference.0)
                .bind(tier)
                .execute(&self.pool)
                .await?;
            also.push(FieldChange {
                field: "SLA tier".to_owned(),
                from: None,
                to: Some(name),
            });
        }
        let event = self
            .change_facts_automatically(
                reference,
                |_| decision.facts,
                also,
                |changes| TicketChange::Routed {
                    rule: rule_name,
                    changes,
                },
                now,
            )
            .await?;
        if let (Some(assignee), Some(event)) = (assigned_by_rotation, &event) {
            sqlx::query(
                "UPDATE staff_teams SET last_assigned_id = $2 \
                 WHERE id = (SELECT team_id FROM tickets WHERE id = $1)",
            )
            .bind(event.reference.0)
            .bind(assignee)
            .execute(&self.pool)
            .await?;
        }
        Ok(event)
    }

    /// The member of `team` the team's rotation would give the next ticket.
    pub(super) async fn next_in_rotation(&self, team: i64) -> StoreResult<Option<i64>> {
        let Some((rotation, last_assigned)): Option<(String, Option<i64>)> =
            sqlx::query_as("SELECT assignment, last_assigned_id FROM staff_teams WHERE id = $1")
                .bind(team)
                .fetch_optional(&self.pool)
                .await?
        else {
            return Ok(None);
        };
        let rotation: Rotation = parse_stored(&rotation, "rotation")?;
        if rotation == Rotation::None {
            return Ok(None);
        }
        let members: Vec<(i64, i64, i64)> = sqlx::query_as(
            "SELECT u.id, u.away, \
                    (SELECT COUNT(*) FROM tickets t WHERE t.assignee_id = u.id AND t.status <> 'completed') \
             FROM staff_team_members m JOIN users u ON u.id = m.user_id \
             WHERE m.team_id = $1 AND u.active = 1",
        )
        .bind(team)
        .fetch_all(&self.pool)
        .await?;
        let members: Vec<Member> = members
            .into_iter()
            .map(|(user_id, away, open_tickets)| Member {
                user_id,
                away: away != 0,
                open_tickets,
            })
            .collect();
        Ok(pick_member(rotation, &members, last_assigned))
    }
}

/// Rule parts as stored: JSON.
fn to_json(value: &impl serde::Serialize) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(format!("rule: {e}")))
}
