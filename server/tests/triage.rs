//! Triage over HTTP: assignment rules tried and saved by an admin, applied to new requests with
//! the rule named in the history, team rotation skipping people who are away, and SLA timers
//! that warn, breach and escalate once each as time passes.

mod support;

use app::backend::sla_watch::raise_due_alerts;
use app::domain::sla::{ClockState, DueKind};
use app::domain::ticket::{Priority, TicketChange, TicketRef};
use axum::http::StatusCode;
use support::{Harness, harness};

const MINUTE_MS: i64 = 60_000;

/// The id of a demo record by name.
async fn ids(h: &Harness) -> (i64, i64, i64, i64) {
    let account = |name: &str, list: &[app::domain::listing::Choice]| {
        list.iter().find(|c| c.name == name).unwrap().id
    };
    let accounts: Vec<_> = h
        .store
        .accounts()
        .await
        .unwrap()
        .into_iter()
        .map(|a| app::domain::listing::Choice {
            id: a.id,
            name: a.name,
        })
        .collect();
    let teams = h.store.staff_teams().await.unwrap();
    let broken = h
        .store
        .categories()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.name == "Something is broken")
        .unwrap()
        .id;
    (
        account("Acme Logistics", &accounts),
        broken,
        account("Web", &teams),
        account("Hosting", &teams),
    )
}

fn rule_form(name: &str, acme: i64, broken: i64, web: i64) -> String {
    format!(
        "rule[name]={name}&rule[enabled]=on&rule[accounts][]={acme}&rule[categories][]={broken}\
         &rule[set_team]={web}&rule[set_priority]=high"
    )
}

/// Saves the rule of [`rule_form`] as the person signed in with `cookie`.
async fn save_rule(
    h: &Harness,
    cookie: &str,
    name: &str,
    (acme, broken, web): (i64, i64, i64),
) -> support::Reply {
    h.call(
        Some(cookie),
        "save_rule",
        &format!("{}&intent=save", rule_form(name, acme, broken, web)),
    )
    .await
}

async fn file_broken(h: &Harness, cookie: &str, broken: i64, title: &str) -> TicketRef {
    let filed = h
        .call(
            Some(cookie),
            "create_request",
            &format!("title={title}&description=Since+this+morning&category={broken}"),
        )
        .await;
    assert_eq!(filed.status, StatusCode::OK, "{}", filed.body);
    filed.body["reference"].as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_rule_is_tried_on_a_sample_before_it_is_saved() {
    let h = harness().await;
    let (acme, broken, web, _) = ids(&h).await;
    let alex = h.sign_in("alex@agency.example").await;
    let rules_before = h.store.routing_rules().await.unwrap().len();

    let sample = format!(
        "&sample[account]={acme}&sample[category]={broken}&sample[channel]=email\
         &sample[priority]=normal&sample[title]=Shop+broken&sample[email]=mei%40acme.example"
    );
    let tried = h
        .call(
            Some(&alex),
            "save_rule",
            &format!(
                "{}&intent=try{sample}",
                rule_form("Acme+breakages", acme, broken, web)
            ),
        )
        .await;
    assert_eq!(tried.status, StatusCode::OK, "{}", tried.body);
    let tried = &tried.body["Tried"];
    assert_eq!(tried["rule"], "Acme breakages");
    assert_eq!(tried["this_rule"], true);
    let sets: Vec<&str> = tried["sets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(sets.contains(&"Team: Web"), "{sets:?}");
    assert!(sets.contains(&"Priority: High"), "{sets:?}");
    assert!(
        sets.contains(&"Assignee: Sam Rivera"),
        "the Web team's turn: {sets:?}"
    );
    assert_eq!(
        h.store.routing_rules().await.unwrap().len(),
        rules_before,
        "trying saves nothing"
    );

    let no_action = h
        .call(Some(&alex), "save_rule", "rule[name]=Nothing&intent=save")
        .await;
    assert_eq!(no_action.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        no_action.body.to_string().contains("actions"),
        "{}",
        no_action.body
    );
    let agent = h.sign_in("sam@agency.example").await;
    let refused = save_rule(&h, &agent, "Mine", (acme, broken, web)).await;
    assert_eq!(
        refused.status,
        StatusCode::FORBIDDEN,
        "only leads and admins"
    );
}

#[tokio::test]
async fn a_saved_rule_routes_new_requests_through_the_rotation() {
    let h = harness().await;
    let (acme, broken, web, _) = ids(&h).await;
    let alex = h.sign_in("alex@agency.example").await;
    let saved = save_rule(&h, &alex, "Acme+breakages", (acme, broken, web)).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert!(saved.body["Saved"]["id"].as_i64().is_some());

    // Mei (Acme) files a "Something is broken" request: Web, High, and Sam's turn.
    let mei = h.sign_in("mei@acme.example").await;
    let first = file_broken(&h, &mei, broken, "Checkout+fails").await;
    let record = h.store.ticket(first).await.unwrap();
    assert_eq!(record.facts.team_id, Some(web));
    assert_eq!(record.facts.priority, Priority::High);
    assert_eq!(record.facts.assignee_id, Some(h.id("sam@agency.example")));
    let timeline = h.store.timeline(first, true).await.unwrap();
    let routed = timeline
        .iter()
        .find_map(|e| match &e.change {
            TicketChange::Routed { rule, changes } => Some((rule.clone(), changes.len())),
            _ => None,
        })
        .expect("the decision is in the history");
    assert_eq!(routed.0, "Acme breakages");
    assert_eq!(routed.1, 3, "team, priority and assignee");
    let seen_by_client = h.store.timeline(first, false).await.unwrap();
    assert!(
        seen_by_client
            .iter()
            .all(|e| !matches!(e.change, TicketChange::Routed { .. })),
        "routing is internal"
    );

    // Then Priya's turn; with Sam away, Priya again.
    let second = file_broken(&h, &mei, broken, "Cart+empty").await;
    assert_eq!(
        h.store.ticket(second).await.unwrap().facts.assignee_id,
        Some(h.id("priya@agency.example"))
    );
    let sam = h.sign_in("sam@agency.example").await;
    let away = h.call(Some(&sam), "set_away", "away=true").await;
    assert_eq!(away.status, StatusCode::OK, "{}", away.body);
    let third = file_broken(&h, &mei, broken, "Search+broken").await;
    assert_eq!(
        h.store.ticket(third).await.unwrap().facts.assignee_id,
        Some(h.id("priya@agency.example")),
        "Sam is away"
    );

    // A request from another company is not this rule's.
    let grace = h.sign_in("grace@bluebird.example").await;
    let other = file_broken(&h, &grace, broken, "Form+broken").await;
    assert_eq!(h.store.ticket(other).await.unwrap().facts.team_id, None);
}

/// Around the clock, so that time moved in the test is all working time.
async fn always_open(h: &Harness, admin: &str) {
    let all_day = "&hours[]=00:00-24:00".repeat(7);
    let saved = h
        .call(
            Some(admin),
            "save_calendar",
            &format!("time_zone=Europe/Berlin{all_day}&holidays="),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
}

fn alerts(timeline: &[app::domain::ticket::TimelineEntry]) -> Vec<(ClockState, DueKind)> {
    timeline
        .iter()
        .filter_map(|e| match e.change {
            TicketChange::SlaAlerted { state, due, .. } => Some((state, due)),
            _ => None,
        })
        .collect()
}

/// High-priority Acme breakages go to Web; a missed High target raises the priority and hands the
/// request to Hosting. Returns a request Mei just filed under that rule, and Hosting's id.
async fn escalating_setup(h: &Harness) -> (TicketRef, i64) {
    let (acme, broken, web, hosting) = ids(h).await;
    let alex = h.sign_in("alex@agency.example").await;
    always_open(h, &alex).await;
    let policy = h
        .call(
            Some(&alex),
            "save_sla_policy",
            &format!(
                "tier=1&priority=high&first_response_hours=4&resolution_hours=16&warning_percent=80\
                 &raises_priority=on&breach_team={hosting}"
            ),
        )
        .await;
    assert_eq!(policy.status, StatusCode::OK, "{}", policy.body);
    let bad = h
        .call(
            Some(&alex),
            "save_sla_policy",
            "tier=1&priority=high&first_response_hours=soon&resolution_hours=16&warning_percent=80",
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let rule = save_rule(h, &alex, "Acme+breakages", (acme, broken, web)).await;
    assert_eq!(rule.status, StatusCode::OK, "{}", rule.body);

    let mei = h.sign_in("mei@acme.example").await;
    let ticket = file_broken(h, &mei, broken, "Checkout+fails").await;
    (ticket, hosting)
}

/// Whether the board, filtered by `filter` (an encoded query), lists `ticket`.
async fn on_board(h: &Harness, cookie: &str, filter: &str, ticket: TicketRef) -> bool {
    let listed = h
        .call(Some(cookie), "list_queue", &format!("filter={filter}"))
        .await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    listed.body["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["reference"] == ticket.to_string())
}

#[tokio::test]
async fn sla_timers_warn_then_breach_once_and_the_breach_escalates() {
    let h = harness().await;
    let (ticket, hosting) = escalating_setup(&h).await;
    let filed = h.store.ticket(ticket).await.unwrap();
    let mark = filed.summary.sla.expect("a clock from the start");
    assert_eq!(mark.due_kind, Some(DueKind::FirstResponse));
    assert_eq!(
        mark.due_at,
        Some(filed.summary.created_at + 4 * 60 * MINUTE_MS),
        "High: 4 hours, around the clock"
    );

    assert_eq!(
        raise_due_alerts(&h.state).await.unwrap(),
        0,
        "nothing due yet"
    );
    // 80 % of 4 hours is 3 h 12 min.
    h.clock.advance(3 * 60 * MINUTE_MS + 15 * MINUTE_MS);
    let (first, second) = tokio::join!(raise_due_alerts(&h.state), raise_due_alerts(&h.state));
    assert_eq!(
        first.unwrap() + second.unwrap(),
        1,
        "two timers, one warning"
    );
    let timeline = h.store.timeline(ticket, true).await.unwrap();
    assert_eq!(
        alerts(&timeline),
        vec![(ClockState::Warning, DueKind::FirstResponse)]
    );
    let warned = h.store.ticket(ticket).await.unwrap();
    assert_eq!(
        warned.summary.sla.map(|m| m.state),
        Some(ClockState::Warning),
        "the board reads the new state"
    );
    let sam_mail = h.store.mail_to("sam@agency.example").await.unwrap();
    assert!(
        sam_mail
            .iter()
            .any(|m| m.subject.contains("First response target is at risk")),
        "the assignee hears of it"
    );
    assert_eq!(raise_due_alerts(&h.state).await.unwrap(), 0, "raised once");

    h.clock.advance(60 * MINUTE_MS);
    assert_eq!(raise_due_alerts(&h.state).await.unwrap(), 1);
    let timeline = h.store.timeline(ticket, true).await.unwrap();
    assert_eq!(
        alerts(&timeline),
        vec![
            (ClockState::Warning, DueKind::FirstResponse),
            (ClockState::Breached, DueKind::FirstResponse),
        ]
    );
    let escalated = timeline
        .iter()
        .find_map(|e| match &e.change {
            TicketChange::Escalated { changes } => Some(changes.clone()),
            _ => None,
        })
        .expect("the breach escalated");
    let fields: Vec<&str> = escalated.iter().map(|c| c.field.as_str()).collect();
    assert!(
        fields.contains(&"priority") && fields.contains(&"team"),
        "{fields:?}"
    );
    let now = h.store.ticket(ticket).await.unwrap();
    assert_eq!(now.facts.priority, Priority::Critical);
    assert_eq!(now.facts.team_id, Some(hosting));
    assert_eq!(
        now.facts.assignee_id,
        Some(h.id("priya@agency.example")),
        "Hosting's rotation picks it up"
    );
    assert_eq!(now.summary.sla.map(|m| m.state), Some(ClockState::Breached));
    assert!(
        h.store
            .mail_to("jordan@agency.example")
            .await
            .unwrap()
            .iter()
            .any(|m| m.subject.contains("was missed")),
        "the lead hears of a miss"
    );
    let jordan = h.sign_in("jordan@agency.example").await;
    assert!(
        on_board(&h, &jordan, "sla%3Dbreached", ticket).await,
        "the board's SLA filter finds it"
    );
    assert!(!on_board(&h, &jordan, "sla%3Dwarning", ticket).await);
    let client_view = h.store.timeline(ticket, false).await.unwrap();
    assert!(
        alerts(&client_view).is_empty(),
        "clients never see SLA alerts"
    );

    // Answering now does not undo the miss; the resolution clock starts fresh alerts.
    h.clock.advance(24 * 60 * MINUTE_MS);
    assert_eq!(
        raise_due_alerts(&h.state).await.unwrap(),
        0,
        "the first-response miss is not raised again"
    );
}

#[tokio::test]
async fn a_paused_clock_raises_nothing() {
    let h = harness().await;
    let (_, broken, _, _) = ids(&h).await;
    let alex = h.sign_in("alex@agency.example").await;
    always_open(&h, &alex).await;
    let mei = h.sign_in("mei@acme.example").await;
    let ticket = file_broken(&h, &mei, broken, "Logo+blurry").await;
    let jordan = h.sign_in("jordan@agency.example").await;
    let answered = h
        .call(
            Some(&jordan),
            "reply",
            &format!("reference={ticket}&body=Which+page%3F&internal=false"),
        )
        .await;
    assert_eq!(answered.status, StatusCode::OK, "{}", answered.body);
    let waiting = h
        .call(
            Some(&jordan),
            "change_status",
            &format!("reference={ticket}&status=waiting_on_client"),
        )
        .await;
    assert_eq!(waiting.status, StatusCode::OK, "{}", waiting.body);
    // Far past every target: the clock waits with the client.
    h.clock.advance(30 * 24 * 60 * MINUTE_MS);
    assert_eq!(raise_due_alerts(&h.state).await.unwrap(), 0);
    assert!(alerts(&h.store.timeline(ticket, true).await.unwrap()).is_empty());
}

#[tokio::test]
async fn a_company_on_a_faster_tier_is_promised_its_first_response() {
    let h = harness().await;
    let (acme, _, _, _) = ids(&h).await;
    let alex = h.sign_in("alex@agency.example").await;
    let added = h.call(Some(&alex), "add_sla_tier", "name=Premium").await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);
    let premium = added.body.as_i64().unwrap();
    let again = h.call(Some(&alex), "add_sla_tier", "name=Premium").await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    let faster = h
        .call(
            Some(&alex),
            "save_sla_policy",
            &format!(
                "tier={premium}&priority=normal&first_response_hours=1&resolution_hours=8\
                 &warning_percent=80"
            ),
        )
        .await;
    assert_eq!(faster.status, StatusCode::OK, "{}", faster.body);
    let placed = h
        .call(
            Some(&alex),
            "save_tier_accounts",
            &format!("tier={premium}&accounts[]={acme}"),
        )
        .await;
    assert_eq!(placed.status, StatusCode::OK, "{}", placed.body);
    // The answer is every tier's companies now, for the page to redraw the other tiers' forms.
    let on_premium = placed.body.as_array().and_then(|tiers| {
        tiers
            .iter()
            .find(|tier| tier["id"] == premium)
            .map(|tier| tier["accounts"].clone())
    });
    assert_eq!(
        on_premium,
        Some(serde_json::json!([acme])),
        "{}",
        placed.body
    );

    let mei = h.sign_in("mei@acme.example").await;
    let filed = h
        .call(
            Some(&mei),
            "create_request",
            "title=Logo&description=Swap+it",
        )
        .await;
    assert_eq!(filed.body["first_response"], "within 1 business hour");
    let grace = h.sign_in("grace@bluebird.example").await;
    let filed = h
        .call(
            Some(&grace),
            "create_request",
            "title=Logo&description=Swap+it",
        )
        .await;
    assert_eq!(filed.body["first_response"], "within 1 business day");
}
