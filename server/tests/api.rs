//! The HTTP surface as a browser meets it: the real router, real server functions, a real SQLite
//! database. Every entry point is checked against the one policy: signed out, wrong role, other
//! account, other person.

mod support;

use std::time::Duration;

use app::domain::ticket::TicketStatus;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use futures::StreamExt;
use support::{harness, password_sign_in, session_cookie};

#[tokio::test]
async fn health_is_reported() {
    let h = harness().await;
    let response = h
        .send(Request::get("/healthz").body(Body::empty()).unwrap())
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
}

#[tokio::test]
async fn signed_out_people_get_nothing_personal() {
    let h = harness().await;
    assert_eq!(
        h.call(None, "list_my_requests", "").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        h.call(None, "list_queue", "").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        h.call(None, "create_request", "title=t&description=d")
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let events = h
        .send(Request::get("/events").body(Body::empty()).unwrap())
        .await;
    assert_eq!(events.status(), StatusCode::UNAUTHORIZED);
    let session = h.call(None, "current_session", "").await;
    assert_eq!(
        (session.status, session.body),
        (StatusCode::OK, serde_json::Value::Null)
    );
}

/// Nothing personal is left in an HTTP cache (a shared computer, a proxy): only the service
/// worker keeps a copy, and drops it at sign-out.
#[tokio::test]
async fn personal_answers_are_never_stored_by_http_caches() {
    let h = harness().await;
    let tom = h.sign_in("tom@bluebird.example").await;
    let filed = h.file("tom@bluebird.example", "Printer jam").await;
    let answers = [
        h.get(Some(&tom), "/").await,
        h.get(Some(&tom), &format!("/requests/{filed}")).await,
        h.post(Some(&tom), "list_my_requests", "").await,
        h.post(None, "list_my_requests", "").await,
    ];
    for answer in answers {
        assert_eq!(
            answer.headers()[header::CACHE_CONTROL],
            "private, no-store",
            "{answer:?}"
        );
    }
}

#[tokio::test]
async fn malformed_calls_are_answered_with_400_not_500() {
    let h = harness().await;
    let tom = h.sign_in("tom@bluebird.example").await;
    let missing = h.call(Some(&tom), "create_request", "title=only").await;
    assert_eq!(
        missing.status,
        StatusCode::BAD_REQUEST,
        "{:?}",
        missing.body
    );
    assert!(
        missing.body.get("BadRequest").is_some(),
        "{:?}",
        missing.body
    );
    assert_eq!(
        h.call(Some(&tom), "get_ticket", "reference=banana")
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        h.call(Some(&tom), "demo_sign_in", "user_id=not-a-number")
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn a_missing_title_is_a_field_error() {
    let h = harness().await;
    let tom = h.sign_in("tom@bluebird.example").await;
    let reply = h
        .call(Some(&tom), "create_request", "title=+&description=Help")
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.body["Validation"]["field"], "title");
    assert_eq!(
        h.store.count_tickets().await.unwrap(),
        0,
        "nothing was filed"
    );
}

#[tokio::test]
async fn a_filed_request_is_the_clients_to_see_and_not_the_neighbours() {
    let h = harness().await;
    let tom = h.sign_in("tom@bluebird.example").await;
    let filed = h
        .call(
            Some(&tom),
            "create_request",
            "title=Printer+jam&description=Tray+2",
        )
        .await;
    assert_eq!(filed.status, StatusCode::OK);
    let reference = filed.body["reference"].as_str().unwrap().to_owned();
    assert_eq!(filed.body["first_response"], "within 1 business day");
    assert!(reference.starts_with("FD-"));

    let mine = h.call(Some(&tom), "list_my_requests", "").await;
    assert_eq!(mine.body["tickets"][0]["reference"], reference.as_str());
    assert_eq!(mine.body["tickets"][0]["status"], "new");

    // Another company's admin neither lists it nor opens it: "not found", not "forbidden".
    let dana = h.sign_in("dana@acme.example").await;
    let theirs = h.call(Some(&dana), "list_my_requests", "").await;
    assert_eq!(theirs.body["tickets"], serde_json::json!([]));
    assert_eq!(
        h.call(Some(&dana), "get_ticket", &format!("reference={reference}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Staff see it on the queue.
    let sam = h.sign_in("sam@agency.example").await;
    let queue = h.call(Some(&sam), "list_queue", "").await;
    assert_eq!(queue.body["tickets"][0]["reference"], reference.as_str());
}

#[tokio::test]
async fn own_requests_mode_hides_coworkers_requests_but_not_from_the_account_admin() {
    let h = harness().await;
    // Bluebird runs in "own requests" mode; Grace is its account admin.
    let tom_ticket = h.file("tom@bluebird.example", "Tom's").await;
    let grace_ticket = h.file("grace@bluebird.example", "Grace's").await;
    let tom = h.sign_in("tom@bluebird.example").await;
    let grace = h.sign_in("grace@bluebird.example").await;

    assert_eq!(
        h.call(
            Some(&tom),
            "get_ticket",
            &format!("reference={grace_ticket}")
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        h.call(
            Some(&grace),
            "get_ticket",
            &format!("reference={tom_ticket}")
        )
        .await
        .status,
        StatusCode::OK
    );
    let toms_list = h.call(Some(&tom), "list_my_requests", "").await;
    assert_eq!(toms_list.body["tickets"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn only_staff_work_the_queue_and_only_along_the_status_machine() {
    let h = harness().await;
    let reference = h.file("tom@bluebird.example", "Wi-Fi").await;
    let tom = h.sign_in("tom@bluebird.example").await;
    assert_eq!(
        h.call(Some(&tom), "list_queue", "").await.status,
        StatusCode::FORBIDDEN
    );
    let form = format!("reference={reference}&status=in_progress");
    assert_eq!(
        h.call(Some(&tom), "change_status", &form).await.status,
        StatusCode::FORBIDDEN
    );

    let sam = h.sign_in("sam@agency.example").await;
    assert_eq!(
        h.call(Some(&sam), "change_status", &form).await.status,
        StatusCode::OK
    );
    let back_to_new = h
        .call(
            Some(&sam),
            "change_status",
            &format!("reference={reference}&status=new"),
        )
        .await;
    assert_eq!(back_to_new.status, StatusCode::CONFLICT);
    assert_eq!(
        h.store.ticket(reference).await.unwrap().summary.status,
        TicketStatus::InProgress
    );
}

#[tokio::test]
async fn signing_out_ends_the_session_on_the_server() {
    let h = harness().await;
    let tom = h.sign_in("tom@bluebird.example").await;
    assert_eq!(
        h.call(Some(&tom), "list_my_requests", "").await.status,
        StatusCode::OK
    );
    assert_eq!(
        h.call(Some(&tom), "sign_out", "").await.status,
        StatusCode::OK
    );
    assert_eq!(
        h.call(Some(&tom), "list_my_requests", "").await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn cross_site_writes_are_refused() {
    let h = harness().await;
    let tom = h.sign_in("tom@bluebird.example").await;
    let request = Request::post("/api/create_request")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, &tom)
        .header("sec-fetch-site", "cross-site")
        .body(Body::from("title=Forged&description=CSRF"))
        .unwrap();
    assert_eq!(h.send(request).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(h.store.count_tickets().await.unwrap(), 0);
}

#[tokio::test]
async fn the_event_stream_carries_only_what_its_reader_may_see() {
    let h = harness().await;
    let acme_ticket = h.file("dana@acme.example", "Acme's").await;
    let toms_ticket = h.file("tom@bluebird.example", "Tom's").await;
    let graces_ticket = h.file("grace@bluebird.example", "Grace's").await;
    let tom = h.sign_in("tom@bluebird.example").await;
    let cursor = h.store.latest_event_id().await.unwrap();

    let request = Request::get(format!("/events?after={cursor}"))
        .header(header::COOKIE, &tom)
        .body(Body::empty())
        .unwrap();
    let response = h.send(request).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "text/event-stream"
    );
    let mut stream = response.into_body().into_data_stream();

    // Changes Tom may not see (another company; a coworker in "own" mode), then one he may.
    let sam = h.id("sam@agency.example");
    for reference in [acme_ticket, graces_ticket, toms_ticket] {
        h.store
            .change_status(reference, TicketStatus::InProgress, sam, 2)
            .await
            .unwrap();
        h.events.publish();
    }
    let mut received = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !received.contains("event: ticket") {
        let chunk = tokio::time::timeout_at(deadline, stream.next())
            .await
            .expect("an event within the deadline");
        received.push_str(&String::from_utf8_lossy(&chunk.unwrap().unwrap()));
    }
    assert!(
        received.contains(&format!("\"reference\":\"{toms_ticket}\"")),
        "{received}"
    );
    assert!(
        !received.contains(&acme_ticket.to_string()),
        "another company's event leaked: {received}"
    );
    assert!(
        !received.contains(&graces_ticket.to_string()),
        "a coworker's event leaked: {received}"
    );
}

#[tokio::test]
async fn password_sign_in_works_and_says_the_same_for_unknown_people() {
    let h = harness().await;
    let response = password_sign_in(&h, None, "Tom@Bluebird.example", "frontdoor-demo").await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = session_cookie(&response).expect("a session cookie");
    assert_eq!(
        h.call(Some(&cookie), "list_my_requests", "").await.status,
        StatusCode::OK
    );

    let wrong = password_sign_in(&h, None, "tom@bluebird.example", "not-the-password").await;
    let unknown = password_sign_in(&h, None, "nobody@bluebird.example", "not-the-password").await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(session_cookie(&wrong).is_none() && session_cookie(&unknown).is_none());
    let body = |r: axum::response::Response| async move {
        axum::body::to_bytes(r.into_body(), 4096).await.unwrap()
    };
    assert_eq!(
        body(wrong).await,
        body(unknown).await,
        "no hint of who has an account"
    );
}

#[tokio::test]
async fn password_guessing_is_throttled_even_for_the_right_password() {
    let h = harness().await;
    for _ in 0..5 {
        let attempt = password_sign_in(&h, None, "grace@bluebird.example", "guess").await;
        assert_eq!(attempt.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let throttled = password_sign_in(&h, None, "grace@bluebird.example", "frontdoor-demo").await;
    assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(session_cookie(&throttled).is_none());
    // Another person is not locked out by it.
    let other = password_sign_in(&h, None, "tom@bluebird.example", "frontdoor-demo").await;
    assert_eq!(other.status(), StatusCode::OK);
}

#[tokio::test]
async fn signing_in_replaces_any_session_the_browser_had() {
    let h = harness().await;
    let planted = h.sign_in("tom@bluebird.example").await;
    let response = password_sign_in(
        &h,
        Some(&planted),
        "grace@bluebird.example",
        "frontdoor-demo",
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let fresh = session_cookie(&response).unwrap();
    assert_ne!(fresh, planted);
    assert_eq!(
        h.call(Some(&planted), "list_my_requests", "").await.status,
        StatusCode::UNAUTHORIZED,
        "the old session id is dead"
    );
    assert_eq!(
        h.call(Some(&fresh), "list_my_requests", "").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn staff_sign_ins_last_a_working_day_and_clients_a_month() {
    let h = harness().await;
    for (email, max_age) in [
        ("sam@agency.example", 12 * 3600),
        ("tom@bluebird.example", 30 * 24 * 3600),
    ] {
        let response = password_sign_in(&h, None, email, "frontdoor-demo").await;
        let set_cookie = response.headers()[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            set_cookie.contains(&format!("Max-Age={max_age}")),
            "{email}: {set_cookie}"
        );
    }
}

#[tokio::test]
async fn my_requests_switch_between_open_waiting_and_recently_closed() {
    let h = harness().await;
    let sam = h.sign_in("sam@agency.example").await;
    let tom = h.sign_in("tom@bluebird.example").await;
    h.file("tom@bluebird.example", "Open one").await;
    let waiting = h.file("tom@bluebird.example", "Waiting one").await;
    let closed = h.file("tom@bluebird.example", "Closed one").await;
    let set = |reference, status: &str| format!("reference={reference}&status={status}");
    h.call(
        Some(&sam),
        "change_status",
        &set(waiting, "waiting_on_client"),
    )
    .await;
    h.call(Some(&sam), "change_status", &set(closed, "completed"))
        .await;

    let titles = |filter: &'static str| {
        let (h, tom) = (&h, tom.clone());
        async move {
            let list = h.call(Some(&tom), "list_my_requests", filter).await;
            assert_eq!(list.status, StatusCode::OK, "{}", list.body);
            list.body["tickets"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["title"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    let default = titles("").await;
    assert!(
        default.contains(&"Open one".to_owned()) && default.contains(&"Waiting one".to_owned())
    );
    assert!(
        !default.contains(&"Closed one".to_owned()),
        "the default list is the open requests"
    );
    assert_eq!(titles("filter=waiting").await, ["Waiting one"]);
    assert!(
        titles("filter=closed")
            .await
            .contains(&"Closed one".to_owned())
    );
    h.clock.advance(31 * 24 * 3600 * 1000);
    let tom = h.sign_in("tom@bluebird.example").await;
    let later = h
        .call(Some(&tom), "list_my_requests", "filter=closed")
        .await
        .body;
    assert!(
        !later.to_string().contains("Closed one"),
        "only the last 30 days"
    );
}

/// A REST call with a JSON body under an API token; returns the status and the body as text.
async fn rest_post(
    h: &support::Harness,
    token: &str,
    path: &str,
    json: &str,
) -> (StatusCode, String) {
    let request = Request::post(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json.to_owned()))
        .unwrap();
    let response = h.send(request).await;
    (response.status(), support::body_text(response).await)
}

/// PostgreSQL cannot store a NUL character: text holding one is refused with a 400 on every
/// route and either database, before anything tries to store it.
#[tokio::test]
async fn text_with_a_nul_character_is_refused_not_a_500() {
    const REFUSED: &str = "Text may not contain NUL characters.";
    let h = harness().await;
    // Each in the form its caller reads errors in: a server function's error...
    let form = h
        .call(None, "sign_in", "email=a%00b%40bluebird.example&password=x")
        .await;
    assert_eq!(form.status, StatusCode::BAD_REQUEST);
    assert_eq!(form.body["BadRequest"], REFUSED, "{}", form.body);
    // ...and the REST API's problem document (422: well-formed, its content refused).
    let in_path = h.get(None, "/api/v1/articles/%00").await;
    assert_eq!(in_path.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        in_path.headers()[axum::http::header::CONTENT_TYPE],
        "application/problem+json"
    );

    let sam = h.sign_in("sam@agency.example").await;
    let made = h
        .call(
            Some(&sam),
            "create_api_token",
            "name=Bridge&scopes=tickets%3Awrite",
        )
        .await;
    let token = made.body["secret"].as_str().unwrap().to_owned();
    let luis = h.id("luis@acme.example");
    let filing = |description: &str| {
        format!(r#"{{"title":"VPN","description":"{description}","requester_id":{luis}}}"#)
    };
    let (status, body) = rest_post(&h, &token, "/api/v1/tickets", &filing(r"Drops\u0000")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let problem: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(problem["detail"], REFUSED, "{problem}");
    assert_eq!(h.store.count_tickets().await.unwrap(), 0);
    // A backslash written before `u0000` is text, not a NUL: it is filed as written.
    let (status, body) = rest_post(&h, &token, "/api/v1/tickets", &filing(r"C:\\u0000")).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(h.store.count_tickets().await.unwrap(), 1);
}

/// An error quotes only the start of a value it refuses, so it stays small (and readable)
/// whatever was sent.
#[tokio::test]
async fn a_huge_bad_reference_gets_a_short_400() {
    let h = harness().await;
    let tom = h.sign_in("tom@bluebird.example").await;
    let reference = "x".repeat(100_000);
    let reply = h
        .call(Some(&tom), "get_ticket", &format!("reference={reference}"))
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    let message = reply.body["BadRequest"].as_str().unwrap();
    assert!(message.contains("is not a request reference"), "{message}");
    assert!(message.len() < 500, "{message}");
}
