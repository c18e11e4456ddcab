//! The REST API through the real router: tokens made on the Account page, their scopes, account
//! limits, expiry and revocation, writes through the app's own rules and audit log, idempotent
//! filing, problem documents for every error, and the rate limit.

mod support;

use app::backend::rest::BURST;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};
use support::{Harness, harness};

/// Makes a token as `email` (a staff member, signed in) and returns its secret.
async fn token(h: &Harness, email: &str, form: &str) -> String {
    let cookie = h.sign_in(email).await;
    let made = h.call(Some(&cookie), "create_api_token", form).await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    made.body["secret"].as_str().unwrap().to_owned()
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Value,
}

async fn api(
    h: &Harness,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Answer {
    api_with(h, method, path, token, body, &[]).await
}

async fn api_with(
    h: &Harness,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
    headers: &[(&str, &str)],
) -> Answer {
    let mut request = Request::builder().method(method).uri(path);
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = match body {
        Some(body) => request
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string())),
        None => request.body(Body::empty()),
    }
    .unwrap();
    let response = h.send(request).await;
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 4 << 20)
        .await
        .unwrap();
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()));
    Answer {
        status,
        headers,
        body,
    }
}

/// A problem document with `code`, sent with `status`.
fn assert_problem(answer: &Answer, status: StatusCode, code: &str) {
    assert_eq!(answer.status, status, "{}", answer.body);
    assert_eq!(
        answer.headers[header::CONTENT_TYPE],
        "application/problem+json",
        "{}",
        answer.body
    );
    assert_eq!(answer.body["code"], code, "{}", answer.body);
    assert_eq!(answer.body["status"], status.as_u16());
    assert!(answer.body["title"].is_string() && answer.body["detail"].is_string());
    assert!(
        answer.body["type"]
            .as_str()
            .unwrap()
            .starts_with("/api/v1/docs#problem-")
    );
}

async fn acme_account(h: &Harness) -> i64 {
    let luis = h.id("luis@acme.example");
    h.store
        .active_actor(luis)
        .await
        .unwrap()
        .unwrap()
        .account_id
        .unwrap()
}

#[tokio::test]
async fn a_token_is_shown_once_and_kept_only_as_a_hash() {
    let h = harness().await;
    let secret = token(
        &h,
        "sam@agency.example",
        "name=Zapier&scopes=tickets%3Aread",
    )
    .await;
    assert!(secret.starts_with("fd_") && secret.len() > 40, "{secret}");

    let cookie = h.sign_in("sam@agency.example").await;
    let listed = h.call(Some(&cookie), "list_api_tokens", "").await;
    assert_eq!(listed.status, StatusCode::OK);
    let text = listed.body.to_string();
    assert!(
        !text.contains(&secret),
        "the list must not carry the secret"
    );
    let shown = listed.body["tokens"][0]["shown"].as_str().unwrap();
    assert!(secret.starts_with(shown.trim_end_matches('…')), "{shown}");
    assert_eq!(listed.body["tokens"][0]["scopes"], "tickets:read");

    // Sam sees his own; Priya (an agent) sees none of his; Alex (admin) sees everyone's.
    let priya = h.sign_in("priya@agency.example").await;
    let theirs = h.call(Some(&priya), "list_api_tokens", "").await;
    assert_eq!(theirs.body["tokens"].as_array().unwrap().len(), 0);
    let alex = h.sign_in("alex@agency.example").await;
    let everyone = h.call(Some(&alex), "list_api_tokens", "").await;
    assert_eq!(everyone.body["tokens"].as_array().unwrap().len(), 1);

    // Clients make no tokens.
    let luis = h.sign_in("luis@acme.example").await;
    let refused = h
        .call(
            Some(&luis),
            "create_api_token",
            "name=Mine&scopes=tickets%3Aread",
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // Bad names, scopes and lifetimes are refused with the field they are about.
    for (form, field) in [
        ("name=&scopes=tickets%3Aread", "name"),
        ("name=X&scopes=tickets%3Aadmin", "scopes"),
        ("name=X&scopes=events%3Awrite", "scopes"),
        (
            "name=X&scopes=tickets%3Aread&expires_in_days=0",
            "expires_in_days",
        ),
        ("name=X&scopes=tickets%3Aread&account=999999", "account"),
    ] {
        let answer = h.call(Some(&cookie), "create_api_token", form).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{form}");
        assert_eq!(
            answer.body["Validation"]["field"], field,
            "{form}: {}",
            answer.body
        );
    }
}

#[tokio::test]
async fn calls_without_a_good_token_are_refused_with_problems() {
    let h = harness().await;
    let none = api(&h, "GET", "/api/v1/tickets", None, None).await;
    assert_problem(&none, StatusCode::UNAUTHORIZED, "unauthorized");
    assert!(
        none.headers[header::WWW_AUTHENTICATE]
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );
    for bad in ["nonsense", "fd_short", &format!("fd_{}", "A".repeat(43))] {
        let answer = api(&h, "GET", "/api/v1/tickets", Some(bad), None).await;
        assert_problem(&answer, StatusCode::UNAUTHORIZED, "unauthorized");
    }
    // A session cookie is not a token.
    let cookie = h.sign_in("sam@agency.example").await;
    let mut request = Request::get("/api/v1/tickets");
    request = request.header(header::COOKIE, cookie);
    let response = h.send(request.body(Body::empty()).unwrap()).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn scopes_decide_what_a_token_may_do() {
    let h = harness().await;
    for n in 0..7 {
        h.file("luis@acme.example", &format!("Listed {n}")).await;
    }
    let reader = token(
        &h,
        "sam@agency.example",
        "name=Reader&scopes=tickets%3Aread",
    )
    .await;
    let listed = api(&h, "GET", "/api/v1/tickets?limit=5", Some(&reader), None).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    assert_eq!(listed.body["tickets"].as_array().unwrap().len(), 5);
    assert_eq!(listed.headers[header::CACHE_CONTROL], "private, no-store");
    // The next page starts where this one ended.
    let next = listed.body["next"].as_str().unwrap();
    let second = api(
        &h,
        "GET",
        &format!("/api/v1/tickets?limit=5&after={next}"),
        Some(&reader),
        None,
    )
    .await;
    assert_eq!(second.status, StatusCode::OK);
    assert_ne!(
        second.body["tickets"][0]["reference"],
        listed.body["tickets"][0]["reference"]
    );

    let filed = api(
        &h,
        "POST",
        "/api/v1/tickets",
        Some(&reader),
        Some(json!({ "title": "Nope", "description": "Read only", "requester_id": h.id("luis@acme.example") })),
    )
    .await;
    assert_problem(&filed, StatusCode::FORBIDDEN, "forbidden");
    assert!(
        filed.body["detail"]
            .as_str()
            .unwrap()
            .contains("tickets:write")
    );
    let events = api(&h, "GET", "/api/v1/events", Some(&reader), None).await;
    assert_problem(&events, StatusCode::FORBIDDEN, "forbidden");
}

#[tokio::test]
async fn an_account_limit_keeps_a_token_inside_one_company() {
    let h = harness().await;
    let acme = acme_account(&h).await;
    let acme_ticket = h.file("luis@acme.example", "Acme printer").await;
    let bluebird_ticket = h.file("tom@bluebird.example", "Bluebird chairs").await;
    let limited = token(
        &h,
        "alex@agency.example",
        &format!("name=Acme+sync&scopes=tickets%3Awrite+events%3Aread&account={acme}"),
    )
    .await;

    let listed = api(&h, "GET", "/api/v1/tickets?limit=100", Some(&limited), None).await;
    assert_eq!(listed.status, StatusCode::OK);
    let accounts: Vec<&str> = listed.body["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["account"].as_str().unwrap())
        .collect();
    assert!(!accounts.is_empty());
    assert!(
        accounts.iter().all(|a| *a == "Acme Logistics"),
        "{accounts:?}"
    );
    // Asking for another account's list by filter gets nothing either.
    let other = api(
        &h,
        "GET",
        "/api/v1/tickets?account=999",
        Some(&limited),
        None,
    )
    .await;
    assert_eq!(other.body["tickets"].as_array().unwrap().len(), 0);

    let own = api(
        &h,
        "GET",
        &format!("/api/v1/tickets/{acme_ticket}"),
        Some(&limited),
        None,
    )
    .await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
    for (method, path, body) in [
        ("GET", format!("/api/v1/tickets/{bluebird_ticket}"), None),
        (
            "PATCH",
            format!("/api/v1/tickets/{bluebird_ticket}"),
            Some(json!({ "status": "in_progress" })),
        ),
        (
            "POST",
            format!("/api/v1/tickets/{bluebird_ticket}/replies"),
            Some(json!({ "body": "Hello" })),
        ),
        (
            "POST",
            format!("/api/v1/tickets/{bluebird_ticket}/notes"),
            Some(json!({ "body": "Hello" })),
        ),
    ] {
        let answer = api(&h, method, &path, Some(&limited), body).await;
        assert_problem(&answer, StatusCode::NOT_FOUND, "not_found");
    }
    let bluebird = h.store.ticket(bluebird_ticket).await.unwrap();
    assert_eq!(bluebird.summary.status.as_str(), "new", "untouched");

    // Filing for another company's contact is refused too.
    let filed = api(
        &h,
        "POST",
        "/api/v1/tickets",
        Some(&limited),
        Some(json!({ "title": "X", "description": "Y", "requester_id": h.id("tom@bluebird.example") })),
    )
    .await;
    assert!(filed.status.is_client_error(), "{}", filed.body);

    // The event log: Acme's requests only.
    let events = api(&h, "GET", "/api/v1/events?limit=500", Some(&limited), None).await;
    assert_eq!(events.status, StatusCode::OK);
    let references: Vec<&str> = events.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["reference"].as_str().unwrap())
        .collect();
    assert!(references.contains(&acme_ticket.to_string().as_str()));
    assert!(!references.contains(&bluebird_ticket.to_string().as_str()));
}

#[tokio::test]
async fn filing_through_the_api_happens_once_per_key_and_is_audited() {
    let h = harness().await;
    let writer = token(
        &h,
        "sam@agency.example",
        "name=Helpdesk+bridge&scopes=tickets%3Awrite+events%3Aread",
    )
    .await;
    let luis = h.id("luis@acme.example");
    let new = json!({ "title": "VPN drops every hour", "description": "Since Monday.", "requester_id": luis });
    let key = [("idempotency-key", "bridge-4f1c-0001")];
    let first = api_with(
        &h,
        "POST",
        "/api/v1/tickets",
        Some(&writer),
        Some(new.clone()),
        &key,
    )
    .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let reference = first.body["reference"].as_str().unwrap().to_owned();
    assert_eq!(
        first.headers[header::LOCATION],
        format!("/api/v1/tickets/{reference}")
    );
    assert_eq!(first.body["requester"], "Luis Romero");
    assert_eq!(first.body["status"], "new");
    // Sent again under the same key (the answer was lost): the same request, nothing new.
    let again = api_with(
        &h,
        "POST",
        "/api/v1/tickets",
        Some(&writer),
        Some(new.clone()),
        &key,
    )
    .await;
    assert_eq!(again.body["reference"], reference.as_str());
    let without_title = api(
        &h,
        "POST",
        "/api/v1/tickets",
        Some(&writer),
        Some(json!({ "title": " ", "description": "x", "requester_id": luis })),
    )
    .await;
    assert_problem(
        &without_title,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    assert_eq!(without_title.body["field"], "title");

    // The audit log names the token beside the person.
    let alex = h.sign_in("alex@agency.example").await;
    let log = h
        .call(Some(&alex), "audit_log", "action=request_filed")
        .await;
    assert!(
        log.body.to_string().contains("Helpdesk bridge"),
        "{}",
        log.body
    );
}

#[tokio::test]
async fn writes_follow_the_apps_rules_and_are_audited_with_their_token() {
    let h = harness().await;
    let writer = token(
        &h,
        "sam@agency.example",
        "name=Helpdesk+bridge&scopes=tickets%3Awrite",
    )
    .await;
    let reference = h
        .file("luis@acme.example", "VPN drops every hour")
        .await
        .to_string();
    let replied = api(
        &h,
        "POST",
        &format!("/api/v1/tickets/{reference}/replies"),
        Some(&writer),
        Some(json!({ "body": "Which office are you in?" })),
    )
    .await;
    assert_eq!(replied.status, StatusCode::CREATED, "{}", replied.body);
    let noted = api(
        &h,
        "POST",
        &format!("/api/v1/tickets/{reference}/notes"),
        Some(&writer),
        Some(json!({ "body": "Probably the Berlin box again." })),
    )
    .await;
    assert_eq!(noted.status, StatusCode::CREATED);
    let changed = api(
        &h,
        "PATCH",
        &format!("/api/v1/tickets/{reference}"),
        Some(&writer),
        Some(json!({ "status": "waiting_on_client", "priority": "high", "assignee_id": h.id("sam@agency.example") })),
    )
    .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    assert_eq!(changed.body["status"], "waiting_on_client");
    assert_eq!(changed.body["priority"], "high");
    assert_eq!(changed.body["assignee"], "Sam Rivera");
    let kinds: Vec<&str> = changed.body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["reply", "note"]);
    let unassigned = api(
        &h,
        "PATCH",
        &format!("/api/v1/tickets/{reference}"),
        Some(&writer),
        Some(json!({ "assignee_id": null })),
    )
    .await;
    assert_eq!(
        unassigned.body["assignee"],
        Value::Null,
        "{}",
        unassigned.body
    );
    assert_eq!(unassigned.body["priority"], "high", "left as it was");

    // Luis (the client) sees the reply and not the note.
    let cookie = h.sign_in("luis@acme.example").await;
    let seen = h
        .call(
            Some(&cookie),
            "get_ticket",
            &format!("reference={reference}"),
        )
        .await;
    let text = seen.body.to_string();
    assert!(text.contains("Which office are you in?"));
    assert!(!text.contains("Berlin box"));

    // The audit log names the token beside the person.
    let alex = h.sign_in("alex@agency.example").await;
    let log = h
        .call(Some(&alex), "audit_log", "action=status_changed")
        .await;
    assert!(
        log.body.to_string().contains("Helpdesk bridge"),
        "{}",
        log.body
    );
}

#[tokio::test]
async fn revoked_and_expired_tokens_stop_at_once() {
    let h = harness().await;
    let lasting = token(
        &h,
        "sam@agency.example",
        "name=Lasting&scopes=tickets%3Aread",
    )
    .await;
    let brief = token(
        &h,
        "sam@agency.example",
        "name=Brief&scopes=tickets%3Aread&expires_in_days=1",
    )
    .await;
    assert_eq!(
        api(&h, "GET", "/api/v1/tickets", Some(&brief), None)
            .await
            .status,
        StatusCode::OK
    );
    h.clock.advance(86_400_000);
    let expired = api(&h, "GET", "/api/v1/tickets", Some(&brief), None).await;
    assert_problem(&expired, StatusCode::UNAUTHORIZED, "unauthorized");
    assert!(expired.body["detail"].as_str().unwrap().contains("expired"));

    let cookie = h.sign_in("sam@agency.example").await;
    let listed = h.call(Some(&cookie), "list_api_tokens", "").await;
    let id = listed.body["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "Lasting")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    assert!(
        listed.body["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["last_used_at"].is_i64())
    );
    // Someone else's token is not theirs to revoke.
    let priya = h.sign_in("priya@agency.example").await;
    let refused = h
        .call(Some(&priya), "revoke_api_token", &format!("id={id}"))
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert_eq!(
        api(&h, "GET", "/api/v1/tickets", Some(&lasting), None)
            .await
            .status,
        StatusCode::OK
    );
    let revoked = h
        .call(Some(&cookie), "revoke_api_token", &format!("id={id}"))
        .await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.body);
    let refused = api(&h, "GET", "/api/v1/tickets", Some(&lasting), None).await;
    assert_problem(&refused, StatusCode::UNAUTHORIZED, "unauthorized");
    assert!(refused.body["detail"].as_str().unwrap().contains("revoked"));
}

/// A service token acts as its own service account, not as the admin who made it: it keeps
/// working when they leave, and what it does is recorded under its own name. Only admins make
/// one.
#[tokio::test]
async fn service_tokens_outlive_their_maker_and_act_under_their_own_name() {
    let h = harness().await;
    let personal = token(
        &h,
        "alex@agency.example",
        "name=Mine&scopes=tickets%3Awrite",
    )
    .await;
    let service = token(
        &h,
        "alex@agency.example",
        "name=Zapier&scopes=tickets%3Awrite&service=true",
    )
    .await;
    let refused = h
        .call(
            Some(&h.sign_in("jordan@agency.example").await),
            "create_api_token",
            "name=Mine&scopes=tickets%3Aread&service=true",
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    h.store
        .set_user_active(h.id("alex@agency.example"), false, h.clock.now_ms())
        .await
        .unwrap();
    let stopped = api(&h, "GET", "/api/v1/tickets", Some(&personal), None).await;
    assert_problem(&stopped, StatusCode::UNAUTHORIZED, "unauthorized");
    let reference = h.file("luis@acme.example", "Via Zapier").await;
    let path = format!("/api/v1/tickets/{reference}");
    let changed = api(
        &h,
        "PATCH",
        &path,
        Some(&service),
        Some(json!({ "status": "in_progress" })),
    )
    .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    let sam = h.sign_in("sam@agency.example").await;
    let history = h
        .call(Some(&sam), "get_ticket", &format!("reference={reference}"))
        .await
        .body
        .to_string();
    assert!(
        history.contains("Zapier (service)"),
        "the change is the service account's: {history}"
    );
}

#[tokio::test]
async fn malformed_calls_get_a_400_saying_why() {
    let h = harness().await;
    let writer = token(&h, "sam@agency.example", "name=W&scopes=tickets%3Awrite").await;
    let reference = h.file("luis@acme.example", "Malformed probes").await;
    let bad_json = {
        let request = Request::post("/api/v1/tickets")
            .header(header::AUTHORIZATION, format!("Bearer {writer}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{\"title\": "))
            .unwrap();
        let response = h.send(request).await;
        response.status()
    };
    assert_eq!(bad_json, StatusCode::BAD_REQUEST);
    for (method, path, body) in [
        (
            "POST",
            "/api/v1/tickets".to_owned(),
            Some(json!({ "title": "x", "description": "y", "colour": "red" })),
        ),
        (
            "POST",
            "/api/v1/tickets".to_owned(),
            Some(json!({ "title": 3 })),
        ),
        (
            "PATCH",
            format!("/api/v1/tickets/{reference}"),
            Some(json!([null, null])),
        ),
        (
            "POST",
            "/api/v1/tickets".to_owned(),
            Some(json!({ "title": "x", "description": "y", "requester_id": 7.5 })),
        ),
        ("GET", "/api/v1/tickets?status=sleeping".to_owned(), None),
        ("GET", "/api/v1/tickets?limit=0".to_owned(), None),
        ("GET", "/api/v1/tickets?after=yesterday".to_owned(), None),
        ("GET", "/api/v1/tickets?colour=red".to_owned(), None),
        ("GET", "/api/v1/tickets/not-a-reference".to_owned(), None),
        (
            "PATCH",
            format!("/api/v1/tickets/{reference}"),
            Some(json!({ "status": "done" })),
        ),
    ] {
        let answer = api(&h, method, &path, Some(&writer), body).await;
        assert_problem(&answer, StatusCode::BAD_REQUEST, "bad_request");
    }
    let missing = api(&h, "GET", "/api/v1/tickets/FD-999999", Some(&writer), None).await;
    assert_problem(&missing, StatusCode::NOT_FOUND, "not_found");
    let nowhere = api(&h, "GET", "/api/v1/nowhere", Some(&writer), None).await;
    assert_problem(&nowhere, StatusCode::NOT_FOUND, "not_found");
    let wrong_method = api(&h, "DELETE", "/api/v1/tickets", Some(&writer), None).await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
    // A move the workflow forbids is a conflict, and nothing changes.
    let done = api(
        &h,
        "PATCH",
        &format!("/api/v1/tickets/{reference}"),
        Some(&writer),
        Some(json!({ "status": "completed" })),
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let back = api(
        &h,
        "PATCH",
        &format!("/api/v1/tickets/{reference}"),
        Some(&writer),
        Some(json!({ "status": "waiting_on_client" })),
    )
    .await;
    assert!(back.status.is_client_error(), "{}", back.body);
}

#[tokio::test]
async fn a_stream_of_calls_is_slowed_with_retry_after() {
    let h = harness().await;
    let reader = token(&h, "sam@agency.example", "name=Busy&scopes=tickets%3Aread").await;
    let mut limited = None;
    for _ in 0..=BURST + 5 {
        let answer = api(&h, "GET", "/api/v1/tickets?limit=1", Some(&reader), None).await;
        if answer.status == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(answer);
            break;
        }
    }
    let limited = limited.expect("the burst allowance runs out");
    assert_problem(&limited, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    let wait: u64 = limited.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait >= 1);
    // Another token has its own allowance.
    let other = token(
        &h,
        "priya@agency.example",
        "name=Calm&scopes=tickets%3Aread",
    )
    .await;
    assert_eq!(
        api(&h, "GET", "/api/v1/tickets?limit=1", Some(&other), None)
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_api_describes_itself() {
    let h = harness().await;
    let document = api(&h, "GET", "/api/v1/openapi.json", None, None).await;
    assert_eq!(document.status, StatusCode::OK);
    assert!(
        document.body["openapi"]
            .as_str()
            .unwrap()
            .starts_with("3.1")
    );
    assert!(document.body["paths"]["/api/v1/tickets"]["get"].is_object());
    let page = h.get(None, "/api/v1/docs").await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = axum::body::to_bytes(page.into_body(), 1 << 20)
        .await
        .unwrap();
    let html = String::from_utf8_lossy(&html);
    // Every operation has its section (paths are escaped as text).
    assert_eq!(html.matches("<section class=\"op\">").count(), 14);
    assert!(html.contains("replies"));
    assert!(html.contains("id=\"problem-rate_limited\""));
    // Descriptions are Markdown, shown rendered rather than with their backticks.
    assert!(
        html.contains("<code>Authorization: Bearer fd_…</code>"),
        "{html}"
    );
    let before_schemas = html.split("<h2>Schemas</h2>").next().unwrap();
    assert!(!before_schemas.contains('`'), "a backtick left in the page");
}

#[tokio::test]
async fn companies_and_contacts_follow_the_teams_rules() {
    let h = harness().await;
    let admin = token(
        &h,
        "alex@agency.example",
        "name=CRM&scopes=accounts%3Awrite",
    )
    .await;
    let listed = api(&h, "GET", "/api/v1/accounts", Some(&admin), None).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    assert_eq!(listed.body.as_array().unwrap().len(), 3);

    let added = api(
        &h,
        "POST",
        "/api/v1/accounts",
        Some(&admin),
        Some(json!({ "name": "Harbour Cafe" })),
    )
    .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    assert_eq!(added.body["name"], "Harbour Cafe");
    let harbour = added.body["id"].as_i64().unwrap();
    let contacts = format!("/api/v1/accounts/{harbour}/contacts");
    let invited = api(
        &h,
        "POST",
        &contacts,
        Some(&admin),
        Some(json!({ "name": "Nina Berg", "email": "nina@harbour.example", "role": "account_admin" })),
    )
    .await;
    assert_eq!(invited.status, StatusCode::ACCEPTED, "{}", invited.body);
    let people = api(&h, "GET", &contacts, Some(&admin), None).await;
    assert_eq!(people.body[0]["email"], "nina@harbour.example");
    assert_eq!(people.body[0]["status"], "invited");
    assert_eq!(people.body[0]["role"], "account_admin");
    let bad_email = api(
        &h,
        "POST",
        &contacts,
        Some(&admin),
        Some(json!({ "name": "X", "email": "not-an-address" })),
    )
    .await;
    assert_problem(
        &bad_email,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    assert_eq!(bad_email.body["field"], "email");
}

#[tokio::test]
async fn the_directory_is_read_by_staff_and_kept_within_a_tokens_company() {
    let h = harness().await;
    let admin = token(
        &h,
        "alex@agency.example",
        "name=CRM&scopes=accounts%3Awrite",
    )
    .await;
    let added = api(
        &h,
        "POST",
        "/api/v1/accounts",
        Some(&admin),
        Some(json!({ "name": "Harbour Cafe" })),
    )
    .await;
    let harbour = added.body["id"].as_i64().unwrap();
    let contacts = format!("/api/v1/accounts/{harbour}/contacts");
    // An agent may read the directory but not add companies; a token limited to Acme sees Acme.
    let agent = token(
        &h,
        "sam@agency.example",
        "name=Agent&scopes=accounts%3Awrite",
    )
    .await;
    let refused = api(
        &h,
        "POST",
        "/api/v1/accounts",
        Some(&agent),
        Some(json!({ "name": "Nope" })),
    )
    .await;
    assert_problem(&refused, StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(
        api(&h, "GET", &contacts, Some(&agent), None).await.status,
        StatusCode::OK
    );
    let acme = acme_account(&h).await;
    let limited = token(
        &h,
        "alex@agency.example",
        &format!("name=Acme&scopes=accounts%3Awrite&account={acme}"),
    )
    .await;
    let only = api(&h, "GET", "/api/v1/accounts", Some(&limited), None).await;
    let names: Vec<&str> = only
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Acme Logistics"]);
    let elsewhere = api(&h, "GET", &contacts, Some(&limited), None).await;
    assert_problem(&elsewhere, StatusCode::NOT_FOUND, "not_found");
    let planted = api(
        &h,
        "POST",
        &contacts,
        Some(&limited),
        Some(json!({ "name": "X", "email": "x@harbour.example" })),
    )
    .await;
    assert!(planted.status.is_client_error(), "{}", planted.body);
    let missing = api(
        &h,
        "GET",
        "/api/v1/accounts/999999/contacts",
        Some(&admin),
        None,
    )
    .await;
    assert_problem(&missing, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn categories_and_articles_are_read_as_the_token_may() {
    let h = harness().await;
    let reader = token(&h, "sam@agency.example", "name=KB&scopes=knowledge%3Aread").await;
    let categories = api(&h, "GET", "/api/v1/categories", Some(&reader), None).await;
    assert_eq!(categories.status, StatusCode::OK);
    assert!(categories.body.as_array().unwrap().len() >= 5);
    assert!(categories.body[0]["description"].is_string());
    let articles = api(&h, "GET", "/api/v1/articles", Some(&reader), None).await;
    let slugs: Vec<&str> = articles
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["slug"].as_str().unwrap())
        .collect();
    assert!(
        slugs.contains(&"reset-your-password") && slugs.contains(&"acme-staging-site-access"),
        "{slugs:?}"
    );
    let one = api(
        &h,
        "GET",
        "/api/v1/articles/reset-your-password",
        Some(&reader),
        None,
    )
    .await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.body);
    assert!(one.body["body_html"].as_str().unwrap().contains("<p>"));

    // Limited to Bluebird: Acme's own article is not there.
    let bluebird = h
        .store
        .active_actor(h.id("tom@bluebird.example"))
        .await
        .unwrap()
        .unwrap()
        .account_id
        .unwrap();
    let limited = token(
        &h,
        "alex@agency.example",
        &format!("name=B&scopes=knowledge%3Aread&account={bluebird}"),
    )
    .await;
    let theirs = api(&h, "GET", "/api/v1/articles", Some(&limited), None).await;
    assert!(!theirs.body.to_string().contains("acme-staging-site-access"));
    let hidden = api(
        &h,
        "GET",
        "/api/v1/articles/acme-staging-site-access",
        Some(&limited),
        None,
    )
    .await;
    assert_problem(&hidden, StatusCode::NOT_FOUND, "not_found");
    // Knowledge is read only here, and other scopes do not reach it.
    let cookie = h.sign_in("sam@agency.example").await;
    let write = h
        .call(
            Some(&cookie),
            "create_api_token",
            "name=W&scopes=knowledge%3Awrite",
        )
        .await;
    assert_eq!(write.status, StatusCode::UNPROCESSABLE_ENTITY);
    let tickets_only = token(&h, "sam@agency.example", "name=T&scopes=tickets%3Aread").await;
    let refused = api(&h, "GET", "/api/v1/categories", Some(&tickets_only), None).await;
    assert_problem(&refused, StatusCode::FORBIDDEN, "forbidden");
}
