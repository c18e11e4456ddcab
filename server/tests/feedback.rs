//! "Was this resolved?": who is asked, what "No" does, how long an answer may change, and the
//! signed email link that works signed out and for nothing else.

mod support;

use app::backend::mail_updates::notify_batch;
use app::domain::ticket::{TicketRef, TicketStatus};
use axum::http::StatusCode;
use support::{Harness, harness};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// Luis's request, assigned to Sam and completed by him.
async fn completed(h: &Harness, title: &str) -> TicketRef {
    let reference = h.file("luis@acme.example", title).await;
    let sam = h.id("sam@agency.example");
    let sam_cookie = h.sign_in("sam@agency.example").await;
    let version = h.store.ticket(reference).await.unwrap().facts.version;
    let assigned = h
        .call(
            Some(&sam_cookie),
            "update_ticket",
            &format!("reference={reference}&version={version}&priority=normal&assignee={sam}"),
        )
        .await;
    assert_eq!(assigned.status, StatusCode::OK, "{}", assigned.body);
    for status in [TicketStatus::InProgress, TicketStatus::Completed] {
        h.store
            .change_status(reference, status, sam, h.clock.now_ms())
            .await
            .unwrap();
    }
    reference
}

fn feedback_link(text: &str) -> String {
    let start = text.find("/feedback/").expect("a feedback link") + "/feedback/".len();
    text[start..]
        .split(|c: char| c == '?' || c.is_whitespace())
        .next()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn the_requester_answers_and_no_reopens_the_request_and_alerts_the_assignee() {
    let h = harness().await;
    let open = h.file("luis@acme.example", "Not done yet").await;
    let reference = completed(&h, "Printer offline").await;
    let luis = h.sign_in("luis@acme.example").await;
    let mei = h.sign_in("mei@acme.example").await;
    let sam = h.sign_in("sam@agency.example").await;

    // Only the requester is asked, and only once it is completed.
    let page = h
        .call(Some(&luis), "get_ticket", &format!("reference={reference}"))
        .await;
    assert_eq!(page.body["feedback"]["open"], true, "{}", page.body);
    assert!(page.body["feedback"]["answer"].is_null());
    for other in [&mei, &sam] {
        let page = h
            .call(Some(other), "get_ticket", &format!("reference={reference}"))
            .await;
        assert!(page.body["feedback"].is_null(), "{}", page.body);
        let refused = h
            .call(
                Some(other),
                "give_feedback",
                &format!("reference={reference}&resolved=true"),
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
    }
    let early = h
        .call(
            Some(&luis),
            "give_feedback",
            &format!("reference={open}&resolved=true"),
        )
        .await;
    assert_eq!(early.status, StatusCode::CONFLICT, "{}", early.body);
    let tom = h.sign_in("tom@bluebird.example").await;
    let stranger = h
        .call(
            Some(&tom),
            "give_feedback",
            &format!("reference={reference}&resolved=false"),
        )
        .await;
    assert_eq!(stranger.status, StatusCode::NOT_FOUND);

    // "No" reopens it; the assignee hears of it.
    let no = h
        .call(
            Some(&luis),
            "give_feedback",
            &format!("reference={reference}&resolved=false&comment=Still+offline"),
        )
        .await;
    assert_eq!(no.status, StatusCode::OK, "{}", no.body);
    let record = h.store.ticket(reference).await.unwrap();
    assert_eq!(record.summary.status, TicketStatus::InProgress);
    let bell = h
        .call(Some(&sam), "notifications", "")
        .await
        .body
        .to_string();
    assert!(bell.contains("said it is not resolved"), "{bell}");
    let page = h
        .call(Some(&sam), "get_ticket", &format!("reference={reference}"))
        .await;
    assert!(
        page.body.to_string().contains("Still offline"),
        "staff see the comment"
    );

    // The answer may change within the week, without reopening again, and not after.
    h.clock.advance(6 * DAY_MS);
    let yes = h
        .call(
            Some(&luis),
            "give_feedback",
            &format!("reference={reference}&resolved=true"),
        )
        .await;
    assert_eq!(yes.status, StatusCode::OK, "{}", yes.body);
    let stored = h.store.feedback(reference).await.unwrap().unwrap();
    assert!(stored.resolved);
    h.clock.advance(2 * DAY_MS);
    let late = h
        .call(
            Some(&luis),
            "give_feedback",
            &format!("reference={reference}&resolved=false"),
        )
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert!(late.body.to_string().contains("7 days"), "{}", late.body);
    assert_eq!(
        h.store.ticket(reference).await.unwrap().summary.status,
        TicketStatus::InProgress
    );
}

#[tokio::test]
async fn the_completion_email_link_answers_signed_out_and_opens_nothing_else() {
    let h = harness().await;
    let reference = completed(&h, "SECRET-PRINTER-TITLE").await;
    let dana = h.id("dana@acme.example");
    h.store.set_following(reference, dana, true).await.unwrap();
    while notify_batch(&h.state).await.unwrap() {}

    // The requester's completion mail asks; a follower's does not.
    let mail = h.store.mail_to("luis@acme.example").await.unwrap();
    let completion = mail
        .iter()
        .find(|m| m.body_text.contains("Was this resolved?"))
        .expect("the completion mail asks");
    let token = feedback_link(&completion.body_text);
    assert!(completion.body_text.contains("?answer=no"));
    let followers_mail = h.store.mail_to("dana@acme.example").await.unwrap();
    assert!(
        followers_mail
            .iter()
            .all(|m| !m.body_text.contains("/feedback/"))
    );

    // The page shows the reference only, and answers nothing by being opened.
    let page = h.get(None, &format!("/feedback/{token}?answer=no")).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = String::from_utf8_lossy(
        &axum::body::to_bytes(page.into_body(), 1 << 20)
            .await
            .unwrap(),
    )
    .into_owned();
    assert!(
        html.contains(&reference.to_string()) && !html.contains("SECRET-PRINTER-TITLE"),
        "{html}"
    );
    assert!(h.store.feedback(reference).await.unwrap().is_none());
    let state = h
        .call(None, "linked_feedback", &format!("token={token}"))
        .await;
    assert_eq!(state.status, StatusCode::OK, "{}", state.body);
    assert!(!state.body.to_string().contains("SECRET-PRINTER-TITLE"));

    let answered = h
        .call(
            None,
            "feedback_by_link",
            &format!("token={token}&resolved=false&comment=Jammed"),
        )
        .await;
    assert_eq!(answered.status, StatusCode::OK, "{}", answered.body);
    assert_eq!(
        h.store.ticket(reference).await.unwrap().summary.status,
        TicketStatus::InProgress
    );

    // The token is no sign-in: no session cookie, no ticket, no other link's job.
    assert_eq!(
        h.call(None, "get_ticket", &format!("reference={reference}"))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let as_sign_in = h
        .call(None, "sign_in_link", &format!("token={token}"))
        .await;
    assert!(
        !as_sign_in.body.to_string().contains("Luis"),
        "{}",
        as_sign_in.body
    );
    let redeemed = h
        .call(None, "redeem_sign_in_link", &format!("token={token}"))
        .await;
    assert!(redeemed.status.is_client_error(), "{}", redeemed.body);

    // Tampered or expired links are refused with a clear message.
    let (payload, signature) = token.split_once('.').unwrap();
    let tampered = format!("{payload}x.{signature}");
    let refused = h
        .call(None, "linked_feedback", &format!("token={tampered}"))
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(
        refused.body.to_string().contains("not valid"),
        "{}",
        refused.body
    );
    h.clock.advance(31 * DAY_MS);
    let expired = h
        .call(
            None,
            "feedback_by_link",
            &format!("token={token}&resolved=true"),
        )
        .await;
    assert_eq!(expired.status, StatusCode::BAD_REQUEST);
    assert!(
        expired.body.to_string().contains("expired"),
        "{}",
        expired.body
    );
}
