//! The conversation on a request: replies, internal notes, and what replies do to the status.

mod support;

use app::backend::store::StatusFilter;
use app::domain::policy::TicketScope;
use app::domain::ticket::TicketStatus;
use axum::http::StatusCode;
use support::harness;

#[tokio::test]
async fn a_client_answer_puts_a_waiting_request_back_in_progress() {
    let h = harness().await;
    let sam = h.sign_in("sam@agency.example").await;
    let luis = h.sign_in("luis@acme.example").await;
    let reference = h.file("luis@acme.example", "Printer offline").await;

    let asked = h
        .call(
            Some(&sam),
            "reply",
            &format!("reference={reference}&body=Which+printer%3F"),
        )
        .await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    let started = h.store.ticket(reference).await.unwrap();
    assert_eq!(
        started.summary.status,
        TicketStatus::InProgress,
        "the agency's first reply starts it"
    );
    h.call(
        Some(&sam),
        "change_status",
        &format!("reference={reference}&status=waiting_on_client"),
    )
    .await;

    let answer = h
        .call(
            Some(&luis),
            "reply",
            &format!("reference={reference}&body=The+**second**+floor+one"),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(
        h.store.ticket(reference).await.unwrap().summary.status,
        TicketStatus::InProgress
    );

    let page = h
        .call(Some(&luis), "get_ticket", &format!("reference={reference}"))
        .await
        .body;
    let timeline = page["detail"]["timeline"].as_array().unwrap();
    let kinds: Vec<&str> = timeline
        .iter()
        .map(|e| e["change"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "created",
            "replied",
            "status_changed",
            "status_changed",
            "replied",
            "status_changed"
        ]
    );
    assert_eq!(
        timeline[4]["html"],
        "<p>The <strong>second</strong> floor one</p>\n"
    );
    assert_eq!(timeline[1]["by_staff"], true);
    assert_eq!(timeline[4]["by_staff"], false);

    let empty = h
        .call(
            Some(&luis),
            "reply",
            &format!("reference={reference}&body=+++"),
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn internal_notes_reach_no_client_surface() {
    let h = harness().await;
    let sam = h.sign_in("sam@agency.example").await;
    let luis = h.sign_in("luis@acme.example").await;
    let reference = h.file("luis@acme.example", "Invoice question").await;
    let before = h.store.ticket(reference).await.unwrap().summary.updated_at;
    let after_id = h.store.latest_event_id().await.unwrap();

    let note = h
        .call(
            Some(&sam),
            "reply",
            &format!("reference={reference}&body=SECRET-NOTE+client+is+late+paying&internal=true"),
        )
        .await;
    assert_eq!(note.status, StatusCode::OK, "{}", note.body);

    // Staff see it.
    let staff_page = h
        .call(Some(&sam), "get_ticket", &format!("reference={reference}"))
        .await
        .body;
    assert!(staff_page.to_string().contains("SECRET-NOTE"));
    // The client: not on the ticket page, not in the list, not in the live events, and the
    // request does not even look updated.
    let client_page = h
        .call(Some(&luis), "get_ticket", &format!("reference={reference}"))
        .await
        .body;
    assert!(
        !client_page.to_string().contains("SECRET-NOTE"),
        "{client_page}"
    );
    let list = h.call(Some(&luis), "list_my_requests", "").await.body;
    assert!(!list.to_string().contains("SECRET-NOTE"));
    let record = h.store.ticket(reference).await.unwrap();
    assert_eq!(record.summary.updated_at, before);
    assert_eq!(
        record.summary.status,
        TicketStatus::New,
        "a note changes nothing the client sees"
    );
    let scope = TicketScope::Account(record.owner.account_id);
    let client_events = h
        .store
        .events_after(after_id, scope, false, 100)
        .await
        .unwrap();
    assert!(client_events.is_empty(), "{client_events:?}");
    let staff_events = h
        .store
        .events_after(after_id, TicketScope::All, true, 100)
        .await
        .unwrap();
    assert_eq!(staff_events.len(), 1);
    let listed = h
        .store
        .list_tickets(scope, StatusFilter::Any, 100)
        .await
        .unwrap();
    assert!(listed.iter().all(|t| !t.title.contains("SECRET-NOTE")));

    // Clients cannot write notes.
    let forged = h
        .call(
            Some(&luis),
            "reply",
            &format!("reference={reference}&body=x&internal=true"),
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn message_markdown_is_rendered_safe() {
    let h = harness().await;
    let luis = h.sign_in("luis@acme.example").await;
    let reference = h.file("luis@acme.example", "Odd text").await;
    for body in [
        "<script>alert(1)</script> <img src=x onerror=alert(3)>",
        "A [link](javascript:alert(2)) and <a href=\"javascript:alert(4)\">another</a>",
    ] {
        let form = format!("reference={reference}&body={}", urlencode(body));
        assert_eq!(
            h.call(Some(&luis), "reply", &form).await.status,
            StatusCode::OK
        );
    }
    let page = h
        .call(Some(&luis), "get_ticket", &format!("reference={reference}"))
        .await
        .body;
    for entry in [1, 2] {
        let html = page["detail"]["timeline"][entry]["html"]
            .as_str()
            .unwrap()
            .to_owned();
        for danger in ["<script", "href=\"javascript:", "onerror"] {
            assert!(!html.contains(danger), "{danger} survived: {html}");
        }
    }
}

#[tokio::test]
async fn a_reply_to_a_request_completed_long_ago_starts_a_linked_one() {
    let h = harness().await;
    let sam = h.sign_in("sam@agency.example").await;
    let luis = h.sign_in("luis@acme.example").await;
    let reference = h.file("luis@acme.example", "Old thing").await;
    h.call(
        Some(&sam),
        "change_status",
        &format!("reference={reference}&status=completed"),
    )
    .await;
    h.clock.advance(15 * 24 * 3600 * 1000);
    // Two weeks idle ended the old session: Luis signs in again.
    assert_eq!(
        h.call(Some(&luis), "current_session", "").await.body,
        serde_json::Value::Null
    );
    let luis = h.sign_in("luis@acme.example").await;
    let late = h
        .call(
            Some(&luis),
            "reply",
            &format!("reference={reference}&body=It+broke+again"),
        )
        .await;
    assert_eq!(late.status, StatusCode::OK, "{}", late.body);
    let started: app::domain::ticket::TicketRef = late.body.as_str().unwrap().parse().unwrap();
    assert_ne!(started, reference);
    let new = h.store.ticket(started).await.unwrap();
    assert_eq!(new.follows, Some(reference));
    assert_eq!(new.summary.title, "Follow-up: Old thing");
    assert_eq!(new.description, "It broke again");
    assert_eq!(new.summary.status, TicketStatus::New);
    let old = h.store.ticket(reference).await.unwrap();
    assert_eq!(old.summary.status, TicketStatus::Completed, "not reopened");
    assert_eq!(h.store.timeline(reference, true).await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_reply_within_14_days_reopens_a_completed_request() {
    let h = harness().await;
    let sam = h.sign_in("sam@agency.example").await;
    let luis = h.sign_in("luis@acme.example").await;
    let reference = h.file("luis@acme.example", "Recent thing").await;
    h.call(
        Some(&sam),
        "change_status",
        &format!("reference={reference}&status=completed"),
    )
    .await;
    h.clock.advance(13 * 24 * 3600 * 1000);
    let reply = h
        .call(
            Some(&luis),
            "reply",
            &format!("reference={reference}&body=Still+broken"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let record = h.store.ticket(reference).await.unwrap();
    assert_eq!(record.summary.status, TicketStatus::InProgress);
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn clients_mark_their_own_requests_resolved() {
    let h = harness().await;
    let luis = h.sign_in("luis@acme.example").await;
    let mei = h.sign_in("mei@acme.example").await;
    let tom = h.sign_in("tom@bluebird.example").await;
    let reference = h.file("luis@acme.example", "Fixed itself").await;
    let form = format!("reference={reference}");
    // Mei sees Acme's requests (company mode) but this one is Luis's.
    assert_eq!(
        h.call(Some(&mei), "mark_resolved", &form).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        h.call(Some(&tom), "mark_resolved", &form).await.status,
        StatusCode::NOT_FOUND
    );
    let page = h.call(Some(&luis), "get_ticket", &form).await.body;
    assert_eq!(page["can_mark_resolved"], true);
    let done = h.call(Some(&luis), "mark_resolved", &form).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(
        h.store.ticket(reference).await.unwrap().summary.status,
        TicketStatus::Completed
    );
    let again = h.call(Some(&luis), "mark_resolved", &form).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "already completed");
}
