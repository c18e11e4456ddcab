//! The isolation matrix: every server function the app registers × every kind of person ×
//! a ticket of their own company and one of another. No answer may carry another company's data.
//!
//! The list of functions comes from the running app, so a new server function fails this test
//! until it is given its arguments below (and with them, its place in the matrix).

mod support;

use std::collections::BTreeMap;

use app::domain::ticket::TicketRef;
use axum::http::StatusCode;
use support::{Harness, harness_with, password_sign_in, session_cookie};

/// Words that only Acme's data contains (the last: its own help article).
const ACME_SECRETS: [&str; 4] = [
    "ACME-SECRET-TITLE",
    "Acme Logistics",
    "Luis Romero",
    "staging.acme.example",
];

/// The help article only Acme's people may read.
const ACME_ARTICLE: &str = "acme-staging-site-access";

/// The form each server function is called with; `{acme}` / `{own}` become ticket references,
/// `{acme_account}` Acme's account id and `{luis}` the id of one of Acme's contacts.
#[allow(
    clippy::too_many_lines,
    reason = "a table: one line per server function"
)]
fn arguments() -> BTreeMap<&'static str, &'static str> {
    BTreeMap::from([
        ("add_task", "reference={acme}&title=Probe"),
        ("add_sla_tier", "name=Probe"),
        ("article_editor", "id=15"),
        ("article_library", ""),
        (
            "article_solved_it",
            "slug=acme-staging-site-access&attempt=probe1",
        ),
        ("delete_article", "id=15"),
        ("feedback_by_link", "token=forged.token&resolved=false"),
        (
            "give_feedback",
            "reference={acme}&resolved=false&comment=Probe",
        ),
        ("help_centre", ""),
        ("linked_feedback", "token=forged.token"),
        ("load_report", "query=account%3D{acme_account}"),
        ("preview_article", "body=Probe"),
        ("read_article", "slug=acme-staging-site-access"),
        (
            "save_article",
            "id=15&title=Probe&body=Probe&section=Probe&audience=public&publish=1",
        ),
        ("search_help", "query=staging+acme"),
        ("suggest_articles", "text=staging+site+access"),
        (
            "vote_article",
            "slug=acme-staging-site-access&helpful=false",
        ),
        ("am_i_away", ""),
        ("save_tier_accounts", "tier=2&accounts[]={acme_account}"),
        ("delete_rule", "id=1"),
        ("move_rule", "id=1&earlier=true"),
        ("save_calendar", "time_zone=UTC&hours[]=09:00-17:00"),
        (
            "save_rule",
            "rule[name]=Probe&rule[set_priority]=high&intent=try&sample[account]={acme_account}",
        ),
        (
            "save_sla_policy",
            "tier=1&priority=low&first_response_hours=1&resolution_hours=2&warning_percent=80",
        ),
        ("save_team", "team=1&rotation=none"),
        ("set_away", "away=true"),
        ("triage_setup", ""),
        ("audit_log", "account_id={acme_account}"),
        ("quarantined_mail", ""),
        ("retry_quarantined", "id=1"),
        ("dismiss_quarantined", "id=1"),
        ("mail_preferences", ""),
        ("set_mail_updates", "updates=true"),
        ("push_settings", ""),
        ("list_api_tokens", ""),
        (
            "create_api_token",
            "name=Probe&scopes=tickets%3Aread&account={acme_account}",
        ),
        ("revoke_api_token", "id=1"),
        ("list_webhooks", ""),
        (
            "add_webhook",
            "url=https%3A%2F%2Fhooks.example.com%2Fprobe&description=Probe&events=ticket.created",
        ),
        ("remove_webhook", "id=1"),
        ("webhook_deliveries", "webhook_id=1"),
        ("test_webhook", "webhook_id=1"),
        ("redeliver_webhook", "delivery_id=1"),
        ("slack_setup", ""),
        (
            "connect_slack_channel",
            "channel_id=C0PROBE123&account={acme_account}",
        ),
        ("disconnect_slack_channel", "channel_id=C0PROBE123"),
        ("sso_setup", ""),
        (
            "connect_sso",
            "account={acme_account}&issuer=https%3A%2F%2Fidp.example.com&client_id=probe&client_secret=probe",
        ),
        ("remove_sso", "account={acme_account}"),
        (
            "subscribe_push",
            "endpoint=https://fcm.googleapis.com/fcm/send/probe&p256dh=x&auth=y",
        ),
        (
            "unsubscribe_push",
            "endpoint=https://fcm.googleapis.com/fcm/send/probe",
        ),
        (
            "bulk_change",
            "references[]={acme}&status=in_progress&assign_to_me=true",
        ),
        ("change_status", "reference={acme}&status=in_progress"),
        ("create_account", "name=Probe+Company"),
        (
            "create_request",
            "title=Isolation+probe&description=Just+checking",
        ),
        ("complete_task", "task=1"),
        ("current_session", ""),
        ("delete_canned_reply", "id=1"),
        ("delete_view", "id=1"),
        ("desk_options", ""),
        ("demo_people", ""),
        ("confirm_two_step_setup", "code=123456"),
        ("demo_sign_in", "user_id=1"),
        ("disable_two_step", "code=123456"),
        ("end_other_session", "session_id=1"),
        ("follow_request", "reference={acme}&follow=true"),
        ("get_ticket", "reference={acme}"),
        ("here", "reference={acme}&replying=true"),
        (
            "invite_member",
            "name=Probe&email=probe%40acme.example&account_id={acme_account}",
        ),
        ("list_categories", ""),
        ("list_my_requests", ""),
        ("list_queue", ""),
        ("mark_resolved", "reference={acme}"),
        ("merge_requests", "duplicate={own}&survivor={acme}"),
        ("mark_notifications_read", "through=999999"),
        ("my_sessions", ""),
        ("notifications", ""),
        ("redeem_sign_in_link", "token=guessed"),
        ("reply", "reference={acme}&body=Probe&internal=true"),
        (
            "request_callback",
            "reference={acme}&phone=%2B1+555+010+7788",
        ),
        ("retire_category", "id=1"),
        ("save_canned_reply", "id=0&title=Probe&body=Probe"),
        ("save_category", "id=1&name=Probe&description=Probe"),
        ("save_view", "name=Probe&query=status%3Dnew"),
        ("search_requests", "query=ACME-SECRET-TITLE"),
        (
            "request_link",
            "email=luis%40acme.example&purpose=magic_link",
        ),
        ("set_member_active", "user_id={luis}&active=false"),
        ("set_member_role", "user_id={luis}&role=account_admin"),
        ("set_two_step_required", "required=true"),
        ("set_visibility", "visibility=own&account_id={acme_account}"),
        (
            "sign_in",
            "email=luis%40acme.example&password=wrong-on-purpose",
        ),
        ("sign_in_link", "token=guessed"),
        ("start_two_step_setup", ""),
        ("team", "account_id={acme_account}"),
        ("tick_checklist_item", "task=1&index=0&done=true"),
        ("two_step_status", ""),
        (
            "update_ticket",
            "reference={acme}&version=1&priority=critical&assignee=1",
        ),
        ("verify_two_step", "code=123456"),
        // Last for each person: they end their session.
        ("sign_out", ""),
        ("sign_out_everywhere", ""),
    ])
}

/// Functions that end the caller's session, so they run after all others.
fn ends_session(function: &str) -> bool {
    function.starts_with("sign_out")
}

fn registered_functions() -> Vec<String> {
    let mut names: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _method)| path.trim_start_matches("/api/").to_owned())
        .collect();
    names.sort();
    names.dedup();
    names
}

#[tokio::test]
async fn every_server_function_is_in_the_matrix() {
    let known = arguments();
    let registered = registered_functions();
    assert!(
        registered.iter().any(|name| name == "get_ticket"),
        "the app's functions are listed: {registered:?}"
    );
    let missing: Vec<String> = registered
        .into_iter()
        .filter(|name| !known.contains_key(name.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "add these server functions to the isolation matrix: {missing:?}"
    );
}

async fn account_of(h: &Harness, user_id: i64) -> i64 {
    let (member, _) = h.store.member(user_id).await.unwrap().unwrap();
    member.account_id.expect("a client")
}

async fn sign_in(h: &Harness, email: &str) -> String {
    let response = password_sign_in(h, None, email, "frontdoor-demo").await;
    assert_eq!(response.status(), StatusCode::OK, "{email} signs in");
    session_cookie(&response).unwrap()
}

#[tokio::test]
async fn no_answer_carries_another_companys_data() {
    // Production settings: no demo sign-in, which would list everyone by design.
    let h = harness_with(false).await;
    let acme = h.file("luis@acme.example", "ACME-SECRET-TITLE").await;
    let own = h.file("tom@bluebird.example", "Bluebird's own").await;
    let luis = h.id("luis@acme.example");
    let acme_account = account_of(&h, luis).await;
    let fill = |form: &str, reference: TicketRef| {
        form.replace("{acme}", &reference.to_string())
            .replace("{own}", &own.to_string())
            .replace("{acme_account}", &acme_account.to_string())
            .replace("{luis}", &luis.to_string())
    };

    let people = [
        None,
        Some("tom@bluebird.example"),
        Some("grace@bluebird.example"),
        Some("kenji@northwind.example"),
    ];
    let mut calls = 0;
    for person in people {
        let cookie = match person {
            Some(email) => Some(sign_in(&h, email).await),
            None => None,
        };
        let mut functions: Vec<_> = arguments().into_iter().collect();
        functions.sort_by_key(|(name, _)| ends_session(name));
        for (function, form) in functions {
            let reply = h.call(cookie.as_deref(), function, &fill(form, acme)).await;
            calls += 1;
            let body = reply.body.to_string();
            for secret in ACME_SECRETS {
                assert!(
                    !body.contains(secret),
                    "{function} as {person:?} answered {} with Acme's data: {body}",
                    reply.status
                );
            }
            assert!(
                reply.status != StatusCode::INTERNAL_SERVER_ERROR,
                "{function} as {person:?}: {body}"
            );
        }
    }
    assert_eq!(calls, people.len() * arguments().len());

    // And nothing any of them did changed Acme's ticket.
    let record = h.store.ticket(acme).await.unwrap();
    assert_eq!(
        record.summary.status,
        app::domain::ticket::TicketStatus::New
    );
    assert_eq!(h.store.timeline(acme, true).await.unwrap().len(), 1);
    // Nor Acme's team: Luis is still an active contact, the company still shares requests.
    let (member, listed) = h.store.member(luis).await.unwrap().unwrap();
    assert_eq!(member.role, app::domain::policy::Role::Contact);
    assert_eq!(listed.status, app::domain::people::MemberStatus::Active);
    assert_eq!(
        h.store.visibility(acme_account).await.unwrap(),
        app::domain::policy::Visibility::Company
    );
    assert!(
        h.store
            .team_members(app::domain::policy::Team::Account(acme_account))
            .await
            .unwrap()
            .iter()
            .all(|m| m.email != "probe@acme.example"),
        "nobody was invited into Acme"
    );
}

/// Every page the app serves, rendered for each kind of person with Acme's ticket in its
/// address: no page carries Acme's data to anyone outside Acme. New pages are covered as soon
/// as they are routed.
#[tokio::test]
async fn no_page_carries_another_companys_data() {
    let h = harness_with(false).await;
    let acme = h.file("luis@acme.example", "ACME-SECRET-TITLE").await;
    let luis = h.id("luis@acme.example");
    let acme_account = account_of(&h, luis).await;
    let pages: Vec<String> = leptos_axum::generate_route_list(app::App)
        .iter()
        .map(|route| {
            route
                .path()
                .replace(":reference", &acme.to_string())
                .replace("{reference}", &acme.to_string())
                .replace(":slug", ACME_ARTICLE)
                .replace(":id", "15")
                .replace(":token", "forged.token")
        })
        .collect();
    assert!(
        pages.iter().any(|p| p == &format!("/requests/{acme}")),
        "{pages:?}"
    );
    let extra = [
        format!("/reports?account={acme_account}"),
        format!("/reports/usage.csv?account={acme_account}"),
        format!("/team?account={acme_account}"),
        format!("/admin/audit?account={acme_account}"),
    ];

    for person in [
        None,
        Some("tom@bluebird.example"),
        Some("grace@bluebird.example"),
        Some("kenji@northwind.example"),
    ] {
        let cookie = match person {
            Some(email) => Some(sign_in(&h, email).await),
            None => None,
        };
        for page in pages.iter().chain(extra.iter()) {
            let mut request = axum::http::Request::get(page.as_str());
            if let Some(cookie) = &cookie {
                request = request.header(axum::http::header::COOKIE, cookie);
            }
            let response = h
                .send(request.body(axum::body::Body::empty()).unwrap())
                .await;
            let status = response.status();
            let body = axum::body::to_bytes(response.into_body(), 4 << 20)
                .await
                .unwrap();
            let html = String::from_utf8_lossy(&body);
            assert!(status.as_u16() < 500, "{page} as {person:?}: {status}");
            for secret in ACME_SECRETS {
                assert!(
                    !html.contains(secret),
                    "{page} as {person:?} shows Acme's data ({secret})"
                );
            }
        }
    }
    // The control: the same page does show it to Acme's own people, so the checks above can fail.
    let luis_cookie = sign_in(&h, "luis@acme.example").await;
    let own = h
        .send(
            axum::http::Request::get(format!("/requests/{acme}"))
                .header(axum::http::header::COOKIE, luis_cookie)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    let body = axum::body::to_bytes(own.into_body(), 4 << 20)
        .await
        .unwrap();
    assert!(String::from_utf8_lossy(&body).contains("ACME-SECRET-TITLE"));
    let article = h
        .send(
            axum::http::Request::get(format!("/help/{ACME_ARTICLE}"))
                .header(
                    axum::http::header::COOKIE,
                    sign_in(&h, "mei@acme.example").await,
                )
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    let body = axum::body::to_bytes(article.into_body(), 4 << 20)
        .await
        .unwrap();
    assert!(String::from_utf8_lossy(&body).contains("staging.acme.example"));
}

/// Every REST route (from the OpenAPI document, so new routes are covered at once) and method,
/// called with Acme's ticket by a token limited to Bluebird with every scope: nothing of Acme's
/// comes back, and nothing of Acme's changes.
#[tokio::test]
async fn no_api_route_carries_another_companys_data() {
    use app::backend::rest::ApiDoc;
    use utoipa::OpenApi;

    let h = harness_with(false).await;
    let acme = h.file("luis@acme.example", "ACME-SECRET-TITLE").await;
    let tom = h.id("tom@bluebird.example");
    let bluebird = account_of(&h, tom).await;
    let luis = h.id("luis@acme.example");
    let acme_account = account_of(&h, luis).await;
    let alex = sign_in(&h, "alex@agency.example").await;
    let made = h
        .call(
            Some(&alex),
            "create_api_token",
            &format!(
                "name=Bluebird+only&scopes=tickets%3Awrite+accounts%3Awrite+knowledge%3Aread+events%3Aread&account={bluebird}"
            ),
        )
        .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    let secret = made.body["secret"].as_str().unwrap().to_owned();
    let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
    let mut calls = 0;
    for (template, item) in doc["paths"].as_object().unwrap() {
        let path = template
            .replace("{reference}", &acme.to_string())
            .replace("{account_id}", &acme_account.to_string())
            .replace("{slug}", ACME_ARTICLE);
        for method in item.as_object().unwrap().keys() {
            // What each write takes, so that every call reaches the rules (not a 400).
            let body = match (method.as_str(), template.as_str()) {
                ("post", "/api/v1/tickets") => serde_json::json!({
                    "title": "Probe", "description": "Probe", "requester_id": luis,
                }),
                ("patch", _) => serde_json::json!({ "status": "completed" }),
                ("post", "/api/v1/accounts") => serde_json::json!({ "name": "Probe" }),
                ("post", contacts) if contacts.ends_with("/contacts") => {
                    serde_json::json!({ "name": "Probe", "email": "probe@acme.example" })
                }
                ("post", _) => serde_json::json!({ "body": "Probe" }),
                _ => serde_json::json!({}),
            };
            let request = axum::http::Request::builder()
                .method(method.to_uppercase().as_str())
                .uri(path.as_str())
                .header(
                    axum::http::header::AUTHORIZATION,
                    format!("Bearer {secret}"),
                )
                .header(axum::http::header::CONTENT_TYPE, "application/json")
                .body(axum::body::Body::from(body.to_string()))
                .unwrap();
            let response = h.send(request).await;
            let status = response.status();
            let bytes = axum::body::to_bytes(response.into_body(), 4 << 20)
                .await
                .unwrap();
            let text = String::from_utf8_lossy(&bytes);
            assert!(status.as_u16() < 500, "{method} {path}: {status} {text}");
            assert_ne!(
                status.as_u16(),
                400,
                "{method} {path} did not reach its rules: {text}"
            );
            for secret in ACME_SECRETS {
                assert!(
                    !text.contains(secret),
                    "{method} {path} shows Acme's data ({secret})"
                );
            }
            calls += 1;
        }
    }
    assert!(calls >= 14, "{calls} calls");
    let ticket = h.store.ticket(acme).await.unwrap();
    assert_eq!(
        ticket.summary.status.as_str(),
        "new",
        "Acme's request is untouched"
    );
    let acme_team = h
        .store
        .team_members(app::domain::policy::Team::Account(acme_account))
        .await
        .unwrap();
    assert!(
        acme_team.iter().all(|m| m.email != "probe@acme.example"),
        "nobody was invited into Acme"
    );
}
