//! Triage settings on the desk page: assignment rules (tried on a sample before saving), team
//! rotation, SLA tiers with their targets and escalation, and working hours.

use leptos::prelude::*;

use crate::api::desk::DeskOptions;
use crate::api::triage::{
    AddSlaTier, DeleteRule, MoveRule, RuleOutcome, SaveCalendar, SaveRule, SaveSlaPolicy, SaveTeam,
    SaveTierAccounts, TriageSetup,
};
use crate::domain::business_time::{CalendarSpec, Shift, WEEKDAYS};
use crate::domain::listing::Choice;
use crate::domain::routing::{Rotation, RoutingRule, RuleActions, RuleConditions, TeamSetup};
use crate::domain::sla::{STANDARD_TIER, SlaPolicy, SlaTier, response_promise};
use crate::domain::ticket::{Category, Channel, Priority};
use crate::views::components::confirm::AskFirst;
use crate::views::components::form::{
    CheckGroup, FormErrors, FormMessage, Refused, SelectField, choice_options, on_success,
};

/// Bumped whenever the rule list changes, so that the page reads it again (other settings keep
/// their forms and show what was saved).
pub type SetupVersion = RwSignal<u64>;

#[component]
pub fn TriageSettings(
    setup: TriageSetup,
    desk: DeskOptions,
    version: SetupVersion,
    /// Every tier's companies as last saved on the page, when that is newer than `setup`.
    saved_tiers: RwSignal<Option<Vec<SlaTier>>>,
) -> impl IntoView {
    let desk = StoredValue::new(desk);
    let tier_choices: Vec<Choice> = setup
        .tiers
        .iter()
        .map(|t| Choice {
            id: t.id,
            name: t.name.clone(),
        })
        .collect();
    let tier_choices = StoredValue::new(tier_choices);
    // Every tier's companies: saving one tier may take companies off another.
    let setup_tiers = setup.tiers.clone();
    let tiers_now = Memo::new(move |_| saved_tiers.get().unwrap_or_else(|| setup_tiers.clone()));
    let teams = setup.teams.clone();
    let rule_count = setup.rules.len();
    // Kept up to date by the form: saving does not draw the settings again.
    let hours_summary = RwSignal::new(describe_hours(&setup.calendar));
    view! {
        <section aria-labelledby="rules-heading">
            <h2 id="rules-heading">"Assignment rules"</h2>
            <p class="muted">"Every new request, whichever way it came in, is checked against these rules from the top; the first that matches sets what it says. Try a rule on a sample request before saving it."</p>
            <ol class="settings-list">
                {setup.rules.into_iter().enumerate().map(|(at, rule)| view! {
                    <RuleItem rule position=at + 1 last=at + 1 == rule_count desk=desk.get_value() tiers=tier_choices.get_value() version/>
                }).collect_view()}
            </ol>
            <details class="panel">
                <summary class="panel__title">"Add a rule"</summary>
                <RuleEditor rule=None desk=desk.get_value() tiers=tier_choices.get_value() version/>
            </details>
        </section>
        <section aria-labelledby="teams-heading">
            <h2 id="teams-heading">"Teams"</h2>
            <p class="muted">"A request routed to a team without a person goes to a member in turn, or to the member with the fewest open requests. Members marked away are skipped."</p>
            <ul class="settings-list">
                {teams.into_iter().map(|team| view! {
                    <TeamItem team staff=desk.get_value().staff/>
                }).collect_view()}
            </ul>
        </section>
        <section aria-labelledby="sla-heading">
            <h2 id="sla-heading">"Response targets (SLA)"</h2>
            <p class="muted">"Counted in working hours; paused while a request waits on the client. The assignee (or the leads) hear when a target is at risk and when it is missed."</p>
            {setup.tiers.into_iter().map(|tier| {
                let policies: Vec<SlaPolicy> = setup.policies.iter().filter(|p| p.tier_id == tier.id).cloned().collect();
                view! {
                    <TierPolicies tier policies tiers_now saved_tiers accounts=desk.get_value().accounts teams=desk.get_value().teams/>
                }
            }).collect_view()}
            <AddTier version/>
        </section>
        <section aria-labelledby="hours-heading">
            <h2 id="hours-heading">"Working hours"</h2>
            <p class="muted">"SLA targets count only these hours. Holidays count as closed days."</p>
            <div class="settings-item">
                <details>
                    <summary><strong>{move || hours_summary.get()}</strong></summary>
                    <CalendarForm calendar=setup.calendar summary=hours_summary/>
                </details>
            </div>
        </section>
    }
}

#[component]
fn RuleItem(
    rule: RoutingRule,
    position: usize,
    last: bool,
    desk: DeskOptions,
    tiers: Vec<Choice>,
    version: SetupVersion,
) -> impl IntoView {
    let move_rule = ServerAction::<MoveRule>::new();
    let delete = ServerAction::<DeleteRule>::new();
    on_success(move_rule, move |()| version.update(|v| *v += 1));
    on_success(delete, move |()| version.update(|v| *v += 1));
    let moving = move_rule.pending();
    let id = rule.id;
    let question = format!("Delete the rule “{}”?", rule.name);
    let title = format!("{position}. {}", rule.name);
    let off = (!rule.enabled).then_some(view! { <span class="badge badge--quiet">"Off"</span> });
    view! {
        <li class="settings-item">
            <details>
                <summary><strong>{title}</strong>{off}</summary>
                <RuleEditor rule=Some(rule) desk tiers version/>
                <div class="form__actions">
                    // (One move at a time: a double press would move it two places.)
                    <button type="button" class="button button--quiet button--small"
                        disabled=move || position == 1 || moving.get()
                        on:click=move |_| { move_rule.dispatch(MoveRule { id, earlier: true }); }>"Move up"</button>
                    <button type="button" class="button button--quiet button--small" disabled=move || last || moving.get()
                        on:click=move |_| { move_rule.dispatch(MoveRule { id, earlier: false }); }>"Move down"</button>
                    <AskFirst
                        button="Delete rule"
                        label="Confirm delete"
                        question=question
                        confirm="Delete"
                        pending=delete.pending()
                        on_confirm=move |()| { delete.dispatch(DeleteRule { id }); }
                    />
                </div>
                <Refused action=move_rule/>
                <Refused action=delete/>
            </details>
        </li>
    }
}

fn named<T: Copy>(
    all: &[T],
    value: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|&item| (value(item).to_owned(), label(item).to_owned()))
        .collect()
}

fn id_text(id: Option<i64>) -> String {
    id.map(|id| id.to_string()).unwrap_or_default()
}

/// The rule form: conditions, actions, and a sample ticket to try it on.
#[component]
fn RuleEditor(
    rule: Option<RoutingRule>,
    desk: DeskOptions,
    tiers: Vec<Choice>,
    version: SetupVersion,
) -> impl IntoView {
    let save = ServerAction::<SaveRule>::new();
    on_success(save, move |outcome| {
        if matches!(outcome, RuleOutcome::Saved { .. }) {
            version.update(|v| *v += 1);
        }
    });
    let errors = FormErrors::of(save, &["name", "keywords", "actions", "sample"]);
    let editing = rule.is_some();
    let rule = rule.unwrap_or(RoutingRule {
        id: 0,
        name: String::new(),
        enabled: true,
        conditions: RuleConditions::default(),
        actions: RuleActions::default(),
    });
    let RoutingRule {
        id,
        name,
        enabled,
        conditions: c,
        actions: a,
    } = rule;
    let prefix = format!("rule-{id}");
    let field_id = move |field: &str| format!("{prefix}-{field}");
    let categories: Vec<Choice> = desk.categories.iter().map(Category::choice).collect();
    let texts = |ids: &[i64]| ids.iter().map(ToString::to_string).collect::<Vec<_>>();
    let channels = named(&Channel::ALL, Channel::as_str, Channel::label);
    let priorities = named(&Priority::ALL, Priority::as_str, Priority::label);
    let on_channels: Vec<String> = c.channels.iter().map(|ch| ch.as_str().to_owned()).collect();
    let on_priorities: Vec<String> = c.priorities.iter().map(|p| p.as_str().to_owned()).collect();
    view! {
        <ActionForm action=save attr:class="form form--compact rule-form" attr:aria-label=if editing { "Edit rule" } else { "New rule" }>
            <input type="hidden" name="rule[id]" value=id/>
            <div class="field">
                <label for=field_id("name")>"Rule name"</label>
                <input id=field_id("name") name="rule[name]" type="text" maxlength="80" value=name
                    placeholder="e.g. Acme shop problems go to Web"/>
                <FormMessage message=errors.field("name")/>
            </div>
            <label class="check"><input type="checkbox" name="rule[enabled]" checked=enabled/>"Rule is on"</label>
            <fieldset class="rule-form__part">
                <legend>"When a new request…"</legend>
                <CheckGroup legend="comes from any of these companies" name="rule[accounts][]" options=choice_options(&desk.accounts) checked=texts(&c.accounts)/>
                <CheckGroup legend="is filed under any of these categories" name="rule[categories][]" options=choice_options(&categories) checked=texts(&c.categories)/>
                <CheckGroup legend="came in by" name="rule[channels][]" options=channels.clone()
                    checked=on_channels/>
                <CheckGroup legend="has priority" name="rule[priorities][]" options=priorities.clone()
                    checked=on_priorities/>
                <div class="field">
                    <label for=field_id("keywords")>"mentions any of these words (comma-separated)"</label>
                    <input id=field_id("keywords") name="rule[keywords]" type="text" value=c.keywords.join(", ") placeholder="e.g. outage, site down"/>
                    <FormMessage message=errors.field("keywords")/>
                </div>
                <div class="field">
                    <label for=field_id("domains")>"is sent from these email domains"</label>
                    <input id=field_id("domains") name="rule[domains]" type="text" value=c.requester_domains.join(", ") placeholder="e.g. acme.example"/>
                </div>
                <p class="muted">"Leave a part empty to match anything."</p>
            </fieldset>
            <fieldset class="rule-form__part">
                <legend>"…then set"</legend>
                <SelectField id=field_id("team") name="rule[set_team]" label="Team" options=choice_options(&desk.teams) current=id_text(a.team_id) none="Leave as is"/>
                <SelectField id=field_id("assignee") name="rule[set_assignee]" label="Person (else the team's rotation)" options=choice_options(&desk.staff) current=id_text(a.assignee_id) none="Leave as is"/>
                <SelectField id=field_id("priority") name="rule[set_priority]" label="Priority" options=priorities.clone()
                    current=a.priority.map(|p| p.as_str().to_owned()).unwrap_or_default() none="Leave as is"/>
                <SelectField id=field_id("category") name="rule[set_category]" label="Category" options=choice_options(&categories) current=id_text(a.category_id) none="Leave as is"/>
                <SelectField id=field_id("tier") name="rule[set_tier]" label="SLA tier" options=choice_options(&tiers) current=id_text(a.sla_tier_id) none="Leave as is"/>
                <div class="field">
                    <label for=field_id("tags")>"Add tags"</label>
                    <input id=field_id("tags") name="rule[add_tags]" type="text" value=a.tags.join(", ") placeholder="e.g. shop, vip"/>
                </div>
                <FormMessage message=errors.field("actions")/>
            </fieldset>
            <fieldset class="rule-form__part">
                <legend>"Try it on a sample request"</legend>
                <SelectField id=field_id("sample-account") name="sample[account]" label="Company" options=choice_options(&desk.accounts) current=String::new() none="Pick a company"/>
                <SelectField id=field_id("sample-category") name="sample[category]" label="Category" options=choice_options(&categories) current=String::new() none="Not sure"/>
                <SelectField id=field_id("sample-channel") name="sample[channel]" label="Came in by" options=channels current="web".to_owned() none=""/>
                <SelectField id=field_id("sample-priority") name="sample[priority]" label="Priority" options=priorities current="normal".to_owned() none=""/>
                <div class="field">
                    <label for=field_id("sample-title")>"Title"</label>
                    <input id=field_id("sample-title") name="sample[title]" type="text" placeholder="e.g. Checkout is down"/>
                </div>
                <div class="field">
                    <label for=field_id("sample-email")>"Requester's email"</label>
                    <input id=field_id("sample-email") name="sample[email]" type="email" placeholder="e.g. dana@acme.example"/>
                </div>
                <FormMessage message=errors.field("sample")/>
                <TryOutcome save/>
            </fieldset>
            <FormMessage message=errors.general()/>
            <div class="form__actions">
                <button type="submit" name="intent" value="try" class="button button--small" disabled=save.pending()>"Try on sample"</button>
                <button type="submit" name="intent" value="save" class="button button--primary button--small" disabled=save.pending()>
                    {if editing { "Save rule" } else { "Add rule" }}
                </button>
            </div>
        </ActionForm>
    }
}

/// "This request would be routed by …": the answer to "Try on sample".
#[component]
fn TryOutcome(save: ServerAction<SaveRule>) -> impl IntoView {
    let outcome = move || match save.value().get() {
        Some(Ok(RuleOutcome::Tried { rule: None, .. })) => Some(
            "No rule matches this request: it waits in the queue for someone to pick it up."
                .to_owned(),
        ),
        Some(Ok(RuleOutcome::Tried {
            rule: Some(rule),
            this_rule,
            sets,
        })) => {
            let earlier = if this_rule {
                ""
            } else {
                " (an earlier rule takes it before this one)"
            };
            let sets = if sets.is_empty() {
                "nothing changes".to_owned()
            } else {
                sets.join(" · ")
            };
            Some(format!(
                "This request would be routed by “{rule}”{earlier}: {sets}."
            ))
        }
        _ => None,
    };
    view! {
        <p class="route-preview" role="status" aria-live="polite">{outcome}</p>
    }
}

/// "Saved" beside a form's button once its last submission succeeded.
#[component]
fn SavedNote<A>(action: ServerAction<A>) -> impl IntoView
where
    A: leptos::server_fn::ServerFn<Error = crate::error::AppError> + Clone + Send + Sync + 'static,
    A::Output: Clone + Send + Sync + 'static,
{
    view! {
        <span class="muted" role="status">
            {move || matches!(action.value().get(), Some(Ok(_))).then_some("Saved")}
        </span>
    }
}

#[component]
fn TeamItem(team: TeamSetup, staff: Vec<Choice>) -> impl IntoView {
    let save = ServerAction::<SaveTeam>::new();
    let shown = RwSignal::new(team.clone());
    on_success(save, move |saved| shown.set(saved.clone()));
    let errors = FormErrors::of(save, &[]);
    let members: Vec<String> = team.members.iter().map(ToString::to_string).collect();
    let rotation_id = format!("team-{}-rotation", team.id);
    let summary = move || {
        let team = shown.get();
        let count = team.members.len();
        format!(
            "{} · {} · {count} member{}",
            team.name,
            team.rotation.label(),
            if count == 1 { "" } else { "s" }
        )
    };
    view! {
        <li class="settings-item">
            <details>
                <summary><strong>{summary}</strong></summary>
                <ActionForm action=save attr:class="form form--compact" attr:aria-label=format!("Team {}", team.name)>
                    <input type="hidden" name="team" value=team.id/>
                    <div class="field">
                        <label for=rotation_id.clone()>"New requests without a person go to"</label>
                        <select id=rotation_id name="rotation">
                            {Rotation::ALL.into_iter().map(|r| view! {
                                <option value=r.as_str() selected=r == team.rotation>{r.label()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <CheckGroup legend="Members" name="members[]" options=choice_options(&staff) checked=members/>
                    <FormMessage message=errors.general()/>
                    <div class="form__actions">
                        <button type="submit" class="button button--small" disabled=save.pending()>"Save team"</button>
                        <SavedNote action=save/>
                    </div>
                </ActionForm>
            </details>
        </li>
    }
}

/// One tier: who is on it, and its targets per priority.
#[component]
fn TierPolicies(
    tier: SlaTier,
    policies: Vec<SlaPolicy>,
    tiers_now: Memo<Vec<SlaTier>>,
    saved_tiers: RwSignal<Option<Vec<SlaTier>>>,
    accounts: Vec<Choice>,
    teams: Vec<Choice>,
) -> impl IntoView {
    let standard = tier.id == STANDARD_TIER;
    let heading_id = format!("tier-{}-heading", tier.id);
    let labelled_by = heading_id.clone();
    let id = tier.id;
    let on_tier = Memo::new(move |_| {
        tiers_now.with(|tiers| {
            tiers
                .iter()
                .find(|t| t.id == id)
                .map(|t| t.accounts.iter().map(ToString::to_string).collect())
                .unwrap_or_default()
        })
    });
    let save = ServerAction::<SaveTierAccounts>::new();
    on_success(save, move |tiers| saved_tiers.set(Some(tiers.clone())));
    view! {
        <div class="tier" role="group" aria-labelledby=labelled_by>
            <h3 id=heading_id>{format!("{} tier", tier.name)}</h3>
            {if standard {
                view! { <p class="muted">"Every company not put on another tier."</p> }.into_any()
            } else {
                view! {
                    <ActionForm action=save attr:class="form form--compact" attr:aria-label=format!("Companies on {}", tier.name)>
                        <input type="hidden" name="tier" value=tier.id/>
                        <CheckGroup legend="Companies on this tier" name="accounts[]" options=choice_options(&accounts) checked=on_tier/>
                        <FormMessage message=FormErrors::of(save, &[]).general()/>
                        <div class="form__actions">
                            <button type="submit" class="button button--small" disabled=save.pending()>"Save companies"</button>
                            <SavedNote action=save/>
                        </div>
                    </ActionForm>
                }.into_any()
            }}
            <ul class="settings-list">
                {policies.into_iter().map(|policy| view! {
                    <PolicyItem policy teams=teams.clone()/>
                }).collect_view()}
            </ul>
        </div>
    }
}

/// A new tier, starting from Standard's targets.
#[component]
fn AddTier(version: SetupVersion) -> impl IntoView {
    let add = ServerAction::<AddSlaTier>::new();
    on_success(add, move |_| version.update(|v| *v += 1));
    let errors = FormErrors::of(add, &["name"]);
    view! {
        <details class="panel">
            <summary class="panel__title">"Add a tier"</summary>
            <ActionForm action=add attr:class="form form--compact" attr:aria-label="New tier">
                <div class="field">
                    <label for="tier-name">"Tier name"</label>
                    <input id="tier-name" name="name" type="text" maxlength="40" placeholder="e.g. Premium"/>
                    <FormMessage message=errors.field("name")/>
                </div>
                <p class="muted">"Its targets start as Standard's; change them after adding it, and choose its companies."</p>
                <FormMessage message=errors.general()/>
                <button type="submit" class="button button--small" disabled=add.pending()>"Add tier"</button>
            </ActionForm>
        </details>
    }
}

/// Minutes as the hours field shows them: "4", "1.5".
fn hours_text(minutes: i64) -> String {
    if minutes % 60 == 0 {
        (minutes / 60).to_string()
    } else {
        format!("{:.2}", minutes as f64 / 60.0)
            .trim_end_matches('0')
            .to_owned()
    }
}

#[component]
fn PolicyItem(policy: SlaPolicy, teams: Vec<Choice>) -> impl IntoView {
    let save = ServerAction::<SaveSlaPolicy>::new();
    let shown = RwSignal::new(policy.clone());
    on_success(save, move |saved| shown.set(saved.clone()));
    let errors = FormErrors::of(
        save,
        &[
            "first_response_hours",
            "resolution_hours",
            "warning_percent",
        ],
    );
    let p = policy.priority;
    let tier = policy.tier_id;
    let field_id = move |field: &str| format!("sla-{tier}-{}-{field}", p.as_str());
    let summary = move || {
        let policy = shown.get();
        let target = |minutes: i64| {
            response_promise(minutes * 60_000)
                .trim_start_matches("within ")
                .to_owned()
        };
        format!(
            "{} — first response {}, resolved {}",
            p.label(),
            target(policy.first_response_minutes),
            target(policy.resolution_minutes),
        )
    };
    let escalates = move || {
        let policy = shown.get();
        (policy.breach_raises_priority || policy.breach_team_id.is_some())
            .then_some(view! { <span class="badge badge--warn">"Escalates"</span> })
    };
    view! {
        <li class="settings-item">
            <details>
                <summary><strong>{summary}</strong>{escalates}</summary>
                <p class="muted">{p.definition()}</p>
                <ActionForm action=save attr:class="form form--grid" attr:aria-label=format!("{} targets", p.label())>
                    <input type="hidden" name="tier" value=tier/>
                    <input type="hidden" name="priority" value=p.as_str()/>
                    <div class="field">
                        <label for=field_id("first")>"First response (working hours)"</label>
                        <input id=field_id("first") name="first_response_hours" type="text" inputmode="decimal" value=hours_text(policy.first_response_minutes)/>
                        <FormMessage message=errors.field("first_response_hours")/>
                    </div>
                    <div class="field">
                        <label for=field_id("resolution")>"Resolution (working hours)"</label>
                        <input id=field_id("resolution") name="resolution_hours" type="text" inputmode="decimal" value=hours_text(policy.resolution_minutes)/>
                        <FormMessage message=errors.field("resolution_hours")/>
                    </div>
                    <div class="field">
                        <label for=field_id("warning")>"Warn at (% of the target)"</label>
                        <input id=field_id("warning") name="warning_percent" type="number" min="50" max="95" value=policy.warning_percent/>
                        <FormMessage message=errors.field("warning_percent")/>
                    </div>
                    <label class="check"><input type="checkbox" name="raises_priority" checked=policy.breach_raises_priority/>"When missed, raise the priority one step"</label>
                    <SelectField id=field_id("team") name="breach_team" label="When missed, hand to team" options=choice_options(&teams)
                        current=id_text(policy.breach_team_id) none="Nobody else"/>
                    <FormMessage message=errors.general()/>
                    <div class="form__actions">
                        <button type="submit" class="button button--small" disabled=save.pending()>"Save targets"</button>
                        <SavedNote action=save/>
                    </div>
                </ActionForm>
            </details>
        </li>
    }
}

/// "Europe/Berlin · open 5 days a week".
fn describe_hours(calendar: &CalendarSpec) -> String {
    let open_days = calendar.week.iter().filter(|d| !d.is_empty()).count();
    let plural = if open_days == 1 { "" } else { "s" };
    format!(
        "{} · open {open_days} day{plural} a week",
        calendar.time_zone
    )
}

#[component]
fn CalendarForm(calendar: CalendarSpec, summary: RwSignal<String>) -> impl IntoView {
    let save = ServerAction::<SaveCalendar>::new();
    on_success(save, move |saved| summary.set(describe_hours(saved)));
    let errors = FormErrors::of(save, &["hours"]);
    view! {
        <ActionForm action=save attr:class="form form--grid" attr:aria-label="Working hours">
            <div class="field">
                <label for="calendar-zone">"Time zone"</label>
                <input id="calendar-zone" name="time_zone" type="text" value=calendar.time_zone placeholder="e.g. Europe/Berlin"/>
            </div>
            {WEEKDAYS.iter().zip(calendar.week.iter()).map(|(day, shifts)| {
                let id = format!("calendar-{}", day.to_lowercase());
                view! {
                    <div class="field">
                        <label for=id.clone()>{*day}</label>
                        <input id=id name="hours[]" type="text" value=Shift::format_day(shifts) placeholder="Closed"/>
                    </div>
                }
            }).collect_view()}
            <div class="field">
                <label for="calendar-holidays">"Holidays (dates, one per line)"</label>
                <textarea id="calendar-holidays" name="holidays" rows="3" placeholder="2026-12-25">{calendar.holidays.join("\n")}</textarea>
            </div>
            <FormMessage message=errors.field("hours")/>
            <FormMessage message=errors.general()/>
            <div class="form__actions">
                <button type="submit" class="button button--small" disabled=save.pending()>"Save working hours"</button>
                <SavedNote action=save/>
            </div>
        </ActionForm>
    }
}
