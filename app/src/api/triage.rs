//! Triage settings: assignment rules (tried on a sample before saving), team rotation, being
//! away, SLA targets with their escalation, and the agency's working hours.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::business_time::CalendarSpec;
use crate::domain::routing::{Rotation, RoutingRule, TeamSetup};
use crate::domain::sla::{SlaPolicy, SlaTier};
use crate::domain::ticket::{Channel, Priority};
use crate::error::AppError;

/// Everything the triage settings show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TriageSetup {
    pub rules: Vec<RoutingRule>,
    pub teams: Vec<TeamSetup>,
    pub tiers: Vec<SlaTier>,
    pub policies: Vec<SlaPolicy>,
    pub calendar: CalendarSpec,
}

/// A rule as its form sends it. Lists come from checkboxes (`rule[accounts][]`); keywords,
/// domains and tags are comma-separated; `set_*` are ids or names, empty for "leave as is".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RuleForm {
    pub id: i64,
    pub name: String,
    /// A checkbox: present when on.
    pub enabled: Option<String>,
    pub accounts: Vec<i64>,
    pub categories: Vec<i64>,
    pub channels: Vec<Channel>,
    pub priorities: Vec<Priority>,
    pub keywords: String,
    pub domains: String,
    pub set_team: String,
    pub set_assignee: String,
    pub set_priority: String,
    pub set_category: String,
    pub add_tags: String,
    pub set_tier: String,
}

/// The made-up ticket a rule is tried on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SampleTicket {
    pub account: String,
    pub category: String,
    pub channel: Channel,
    pub priority: Priority,
    pub title: String,
    pub email: String,
}

/// What submitting the rule form did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RuleOutcome {
    Saved {
        id: i64,
    },
    /// "This ticket would be routed to …": which rule would take the sample (the draft in its
    /// place among the saved rules) and what it would set.
    Tried {
        rule: Option<String>,
        this_rule: bool,
        sets: Vec<String>,
    },
}

#[server(endpoint = "triage_setup")]
pub async fn load_triage_setup() -> Result<TriageSetup, AppError> {
    use crate::backend::{auth, state::app_state};
    use crate::domain::policy::Permission;

    auth::require_permission(Permission::ConfigureDesk)?;
    let store = &app_state()?.store;
    Ok(TriageSetup {
        rules: store.routing_rules().await?,
        teams: store.team_setups().await?,
        tiers: store.sla_tiers().await?,
        policies: store.sla_policies().await?,
        calendar: store.business_calendar().await?,
    })
}

/// Saves a rule (`intent` "save"), or tries the draft on `sample` without saving (`intent`
/// "try").
#[server(endpoint = "save_rule")]
pub async fn save_rule(
    rule: RuleForm,
    intent: Option<String>,
    #[server(default)] sample: SampleTicket,
) -> Result<RuleOutcome, AppError> {
    use crate::backend::{audit::Audit, auth, state::app_state};
    use crate::domain::audit::AuditAction;
    use crate::domain::policy::Permission;

    auth::require_permission(Permission::ConfigureDesk)?;
    let rule = server::parse_rule(rule)?;
    let state = app_state()?;
    if intent.as_deref() == Some("try") {
        return server::try_rule(&state.store, rule, &sample).await;
    }
    let id = state.store.save_rule(&rule, state.clock.now_ms()).await?;
    Audit::new(AuditAction::DeskConfigured, format!("rule:{id}"))
        .detail(serde_json::json!({ "name": rule.name }))
        .record(&state)
        .await?;
    Ok(RuleOutcome::Saved { id })
}

#[server(endpoint = "delete_rule")]
pub async fn delete_rule(id: i64) -> Result<(), AppError> {
    use crate::backend::{audit::Audit, auth, state::app_state};
    use crate::domain::audit::AuditAction;
    use crate::domain::policy::Permission;

    auth::require_permission(Permission::ConfigureDesk)?;
    let state = app_state()?;
    state.store.delete_rule(id).await?;
    Audit::new(AuditAction::DeskConfigured, format!("rule:{id}"))
        .detail(serde_json::json!({ "deleted": true }))
        .record(&state)
        .await
}

/// Moves a rule one place up (`earlier`) or down the order rules are tried in.
#[server(endpoint = "move_rule")]
pub async fn move_rule(id: i64, earlier: bool) -> Result<(), AppError> {
    use crate::backend::{auth, state::app_state};
    use crate::domain::policy::Permission;

    auth::require_permission(Permission::ConfigureDesk)?;
    Ok(app_state()?.store.move_rule(id, earlier).await?)
}

#[server(endpoint = "save_team")]
pub async fn save_team(
    team: i64,
    rotation: Rotation,
    #[server(default)] members: Vec<i64>,
) -> Result<TeamSetup, AppError> {
    use crate::backend::{audit::Audit, auth, state::app_state};
    use crate::domain::audit::AuditAction;
    use crate::domain::policy::Permission;

    auth::require_permission(Permission::ConfigureDesk)?;
    let state = app_state()?;
    let setup = TeamSetup {
        id: team,
        name: String::new(),
        rotation,
        members,
    };
    state.store.save_team_setup(&setup).await?;
    Audit::new(AuditAction::DeskConfigured, format!("team:{team}"))
        .detail(serde_json::json!({ "rotation": rotation.as_str(), "members": setup.members }))
        .record(&state)
        .await?;
    // As stored: people who are not staff were left out.
    state
        .store
        .team_setups()
        .await?
        .into_iter()
        .find(|t| t.id == team)
        .ok_or(AppError::NotFound)
}

/// Marks the signed-in staff member away (team rotation skips them) or back.
#[server(endpoint = "set_away")]
pub async fn set_away(away: bool) -> Result<bool, AppError> {
    use crate::backend::{auth, state::app_state};
    use crate::domain::policy::Permission;

    let actor = auth::require_permission(Permission::WorkQueue)?;
    app_state()?.store.set_away(actor.user_id, away).await?;
    Ok(away)
}

/// Whether the signed-in staff member is marked away.
#[server(endpoint = "am_i_away")]
pub async fn am_i_away() -> Result<bool, AppError> {
    use crate::backend::{auth, state::app_state};
    use crate::domain::policy::Permission;

    let actor = auth::require_permission(Permission::WorkQueue)?;
    Ok(app_state()?.store.is_away(actor.user_id).await?)
}

/// A priority's targets (in business hours, decimals allowed) and escalation.
#[server(endpoint = "save_sla_policy")]
pub async fn save_sla_policy(
    tier: i64,
    priority: Priority,
    first_response_hours: String,
    resolution_hours: String,
    warning_percent: i64,
    raises_priority: Option<String>,
    breach_team: Option<String>,
) -> Result<SlaPolicy, AppError> {
    use crate::backend::{audit::Audit, auth, state::app_state};
    use crate::domain::audit::AuditAction;
    use crate::domain::policy::Permission;
    use crate::domain::validation::FieldError;

    auth::require_permission(Permission::ConfigureDesk)?;
    let first_response_minutes =
        server::business_minutes("first_response_hours", &first_response_hours)?;
    let resolution_minutes = server::business_minutes("resolution_hours", &resolution_hours)?;
    if resolution_minutes < first_response_minutes {
        return Err(FieldError::new(
            "resolution_hours",
            "Resolution cannot come before the first response.",
        )
        .into());
    }
    if !(50..=95).contains(&warning_percent) {
        return Err(FieldError::new("warning_percent", "Warn between 50 % and 95 %.").into());
    }
    let policy = SlaPolicy {
        tier_id: tier,
        priority,
        first_response_minutes,
        resolution_minutes,
        warning_percent,
        breach_raises_priority: raises_priority.is_some(),
        breach_team_id: super::ticket_work::optional_id(breach_team.as_deref(), "team")?,
    };
    let state = app_state()?;
    state
        .store
        .save_sla_policy(&policy, state.clock.now_ms())
        .await?;
    Audit::new(
        AuditAction::DeskConfigured,
        format!("sla:{tier}:{}", priority.as_str()),
    )
    .detail(serde_json::to_value(&policy).unwrap_or_default())
    .record(&state)
    .await?;
    Ok(policy)
}

/// Adds a service tier (its targets start as Standard's); returns its id.
#[server(endpoint = "add_sla_tier")]
pub async fn add_sla_tier(name: String) -> Result<i64, AppError> {
    use crate::backend::{audit::Audit, auth, state::app_state};
    use crate::domain::audit::AuditAction;
    use crate::domain::policy::Permission;
    use crate::domain::validation::{FieldError, single_line};

    auth::require_permission(Permission::ConfigureDesk)?;
    let name = single_line(&name);
    if name.is_empty() || name.chars().count() > 40 {
        return Err(FieldError::new("name", "Give the tier a short name, like Premium.").into());
    }
    let state = app_state()?;
    let id = state.store.add_sla_tier(&name).await?;
    Audit::new(AuditAction::DeskConfigured, format!("sla-tier:{id}"))
        .detail(serde_json::json!({ "name": name }))
        .record(&state)
        .await?;
    Ok(id)
}

/// Puts exactly these companies on a tier (others on it go back to Standard). Answers with every
/// tier's companies now: a company put here has left the tier it was on.
#[server(endpoint = "save_tier_accounts")]
pub async fn save_tier_accounts(
    tier: i64,
    #[server(default)] accounts: Vec<i64>,
) -> Result<Vec<SlaTier>, AppError> {
    use crate::backend::{audit::Audit, auth, state::app_state};
    use crate::domain::audit::AuditAction;
    use crate::domain::policy::Permission;

    auth::require_permission(Permission::ConfigureDesk)?;
    let state = app_state()?;
    state
        .store
        .set_tier_accounts(tier, &accounts, state.clock.now_ms())
        .await?;
    Audit::new(AuditAction::DeskConfigured, format!("sla-tier:{tier}"))
        .detail(serde_json::json!({ "accounts": accounts }))
        .record(&state)
        .await?;
    Ok(state.store.sla_tiers().await?)
}

/// The agency's working hours: a time zone, each weekday's hours (`09:00-17:00`, several
/// comma-separated, empty for a day off) and holidays (dates, comma- or line-separated).
#[server(endpoint = "save_calendar")]
pub async fn save_calendar(
    time_zone: String,
    #[server(default)] hours: Vec<String>,
    holidays: Option<String>,
) -> Result<CalendarSpec, AppError> {
    use crate::backend::{audit::Audit, auth, state::app_state};
    use crate::domain::audit::AuditAction;
    use crate::domain::business_time::Shift;
    use crate::domain::policy::Permission;
    use crate::domain::validation::FieldError;

    auth::require_permission(Permission::ConfigureDesk)?;
    if hours.len() != 7 {
        return Err(AppError::BadRequest(
            "Send hours for each of the 7 weekdays.".into(),
        ));
    }
    let mut week: [Vec<Shift>; 7] = Default::default();
    for (day, text) in week.iter_mut().zip(&hours) {
        *day = Shift::parse_day(text).map_err(|e| {
            FieldError::new("hours", format!("Write hours like 09:00-17:00 ({e})."))
        })?;
    }
    let spec = CalendarSpec {
        time_zone: time_zone.trim().to_owned(),
        week,
        holidays: holidays
            .unwrap_or_default()
            .split([',', '\n'])
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(str::to_owned)
            .collect(),
    };
    if let Err(error) = spec.calendar() {
        return Err(
            FieldError::new("hours", format!("These hours cannot be used: {error}.")).into(),
        );
    }
    let state = app_state()?;
    state
        .store
        .save_business_calendar(&spec, state.clock.now_ms())
        .await?;
    Audit::new(AuditAction::DeskConfigured, "calendar:agency".to_owned())
        .detail(serde_json::to_value(&spec).unwrap_or_default())
        .record(&state)
        .await?;
    Ok(spec)
}

#[cfg(feature = "ssr")]
mod server {
    use super::{RuleForm, RuleOutcome, SampleTicket};
    use crate::api::ticket_work::optional_id;
    use crate::backend::store::Store;
    use crate::domain::listing::{Choice, normalize_tag};
    use crate::domain::routing::{IncomingTicket, RoutingRule, RuleActions, RuleConditions};
    use crate::domain::ticket::TicketFacts;
    use crate::domain::validation::{FieldError, single_line};
    use crate::error::AppError;

    /// Business hours as typed ("4", "1.5") to whole minutes.
    pub fn business_minutes(field: &str, text: &str) -> Result<i64, AppError> {
        let hours: f64 = text.trim().replace(',', ".").parse().map_err(|_| {
            FieldError::new(field, "Give a number of business hours, like 4 or 1.5.")
        })?;
        if !(hours > 0.0 && hours <= 2_000.0) {
            return Err(
                FieldError::new(field, "Between a minute and 2,000 business hours.").into(),
            );
        }
        #[allow(clippy::cast_possible_truncation)]
        Ok(((hours * 60.0).round() as i64).max(1))
    }

    fn words(text: &str) -> Vec<String> {
        text.split(',')
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect()
    }

    pub fn parse_rule(form: RuleForm) -> Result<RoutingRule, AppError> {
        let name = single_line(&form.name);
        if name.is_empty() || name.chars().count() > 80 {
            return Err(FieldError::new("name", "Give the rule a short name.").into());
        }
        let keywords = words(&form.keywords);
        if keywords.len() > 20 || keywords.iter().any(|k| k.chars().count() > 60) {
            return Err(
                FieldError::new("keywords", "At most 20 keywords of 60 characters.").into(),
            );
        }
        let set_priority = match form.set_priority.trim() {
            "" => None,
            name => Some(
                name.parse()
                    .map_err(|_| AppError::BadRequest(format!("“{name}” is not a priority.")))?,
            ),
        };
        let actions = RuleActions {
            team_id: optional_id(Some(&form.set_team), "team")?,
            assignee_id: optional_id(Some(&form.set_assignee), "person")?,
            priority: set_priority,
            category_id: optional_id(Some(&form.set_category), "category")?,
            tags: form.add_tags.split(',').filter_map(normalize_tag).collect(),
            sla_tier_id: optional_id(Some(&form.set_tier), "tier")?,
        };
        if actions.is_empty() {
            return Err(FieldError::new(
                "actions",
                "Choose at least one thing the rule sets (team, person, priority, category, tags or SLA tier).",
            )
            .into());
        }
        Ok(RoutingRule {
            id: form.id,
            name,
            enabled: form.enabled.is_some(),
            conditions: RuleConditions {
                accounts: form.accounts,
                categories: form.categories,
                channels: form.channels,
                priorities: form.priorities,
                keywords,
                requester_domains: words(&form.domains),
            },
            actions,
        })
    }

    /// Runs the saved rules, with `draft` in its place (or last when new), on the sample.
    pub async fn try_rule(
        store: &Store,
        draft: RoutingRule,
        sample: &SampleTicket,
    ) -> Result<RuleOutcome, AppError> {
        let account_id = optional_id(Some(&sample.account), "company")?
            .ok_or_else(|| FieldError::new("sample", "Pick the sample ticket's company."))?;
        let ticket = IncomingTicket {
            account_id,
            category_id: optional_id(Some(&sample.category), "category")?,
            channel: sample.channel,
            priority: sample.priority,
            title: sample.title.clone(),
            description: String::new(),
            requester_email: sample.email.trim().to_owned(),
        };
        let mut rules = store.routing_rules().await?;
        match rules.iter_mut().find(|r| r.id == draft.id && draft.id != 0) {
            Some(saved) => *saved = draft.clone(),
            None => rules.push(draft.clone()),
        }
        let start = TicketFacts {
            priority: sample.priority,
            category_id: ticket.category_id,
            assignee_id: None,
            team_id: None,
            tags: Vec::new(),
            version: 0,
        };
        let Some(decision) = store.route(&rules, &ticket, &start).await? else {
            return Ok(RuleOutcome::Tried {
                rule: None,
                this_rule: false,
                sets: Vec::new(),
            });
        };
        let name = |choices: &[Choice], id: Option<i64>| {
            id.and_then(|id| choices.iter().find(|c| c.id == id))
                .map(|c| c.name.clone())
        };
        let facts = decision.facts;
        let mut sets = Vec::new();
        if let Some(team) = name(&store.staff_teams().await?, facts.team_id) {
            sets.push(format!("Team: {team}"));
        }
        if let Some(person) = name(&store.assignable_staff().await?, facts.assignee_id) {
            sets.push(format!("Assignee: {person}"));
        }
        if facts.priority != start.priority {
            sets.push(format!("Priority: {}", facts.priority.label()));
        }
        if facts.category_id != start.category_id {
            let categories: Vec<Choice> = store
                .categories()
                .await?
                .iter()
                .map(crate::domain::ticket::Category::choice)
                .collect();
            if let Some(category) = name(&categories, facts.category_id) {
                sets.push(format!("Category: {category}"));
            }
        }
        if !facts.tags.is_empty() {
            sets.push(format!("Tags: {}", facts.tags.join(", ")));
        }
        if let Some(tier) = decision.rule.actions.sla_tier_id {
            let tiers = store.sla_tiers().await?;
            if let Some(tier) = tiers.iter().find(|t| t.id == tier) {
                sets.push(format!("SLA tier: {}", tier.name));
            }
        }
        Ok(RuleOutcome::Tried {
            this_rule: decision.rule.id == draft.id,
            rule: Some(decision.rule.name),
            sets,
        })
    }
}
