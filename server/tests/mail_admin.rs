//! What staff do with mail: admins see unreadable mail, download it, retry or dismiss it; staff
//! open the original of a mailed message; clients do neither.

mod support;

use app::backend::mail_intake::{Intake, receive, receive_or_quarantine};
use axum::http::StatusCode;
use support::harness;

const GOOD: &str = "From: Tom Becker <tom@bluebird.example>\r\nTo: support@agency.example\r\n\
    Subject: Scanner driver\r\nMessage-ID: <scanner@bluebird.example>\r\n\r\n\
    The scanner at the front desk needs a new driver.\r\n";

#[tokio::test]
async fn admins_retry_or_dismiss_unreadable_mail() {
    let h = harness().await;
    let alex = h.sign_in("alex@agency.example").await;
    let sam = h.sign_in("sam@agency.example").await;
    // A message without a sender: kept aside, then (say, after fixing the sender's script) the
    // same message arrives readable as a retry would see it.
    let broken = GOOD.replace("From: Tom Becker <tom@bluebird.example>\r\n", "");
    for raw in [broken.as_str(), "\u{1}\u{2}"] {
        let intake = receive(&h.state, "http", raw.as_bytes()).await.unwrap();
        assert!(matches!(intake, Intake::Quarantined { .. }), "{intake:?}");
    }
    let list = h.call(Some(&alex), "quarantined_mail", "").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let messages = list.body["messages"].as_array().unwrap().clone();
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[0]["error"], "could not parse the message");
    let (garbage, no_sender) = (
        messages[0]["id"].as_i64().unwrap(),
        messages[1]["id"].as_i64().unwrap(),
    );

    // The original downloads as it came, for admins only.
    let download = h
        .get(Some(&alex), &format!("/mail/quarantine/{no_sender}"))
        .await;
    assert_eq!(download.status(), StatusCode::OK);
    assert_eq!(download.headers()["content-type"], "message/rfc822");
    assert_eq!(
        h.get(Some(&sam), &format!("/mail/quarantine/{no_sender}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        h.call(Some(&sam), "quarantined_mail", "").await.status,
        StatusCode::FORBIDDEN
    );

    // Retried as it is, it is still unreadable and says so; dismissed, it is gone.
    let retried = h
        .call(Some(&alex), "retry_quarantined", &format!("id={no_sender}"))
        .await;
    assert_eq!(retried.status, StatusCode::OK, "{}", retried.body);
    assert!(
        retried.body["said"]
            .as_str()
            .unwrap()
            .starts_with("Still unreadable"),
        "{}",
        retried.body
    );
    assert_eq!(retried.body["not_filed"], true);
    let dismissed = h
        .call(Some(&alex), "dismiss_quarantined", &format!("id={garbage}"))
        .await;
    assert_eq!(dismissed.status, StatusCode::OK);
    let left = h.call(Some(&alex), "quarantined_mail", "").await;
    // The retry quarantined it anew (one entry); the dismissed one is gone.
    assert_eq!(left.body["messages"].as_array().unwrap().len(), 1);
    assert_eq!(
        h.call(Some(&alex), "dismiss_quarantined", &format!("id={garbage}"))
            .await
            .status,
        StatusCode::NOT_FOUND,
        "once only"
    );
}

#[tokio::test]
async fn a_message_kept_as_its_header_only_is_not_offered_for_filing() {
    use app::domain::email::MAX_MESSAGE_BYTES;

    let h = harness().await;
    let alex = h.sign_in("alex@agency.example").await;
    let mut too_big = GOOD.as_bytes().to_vec();
    too_big.resize(MAX_MESSAGE_BYTES + 1, b'x');
    let intake = receive(&h.state, "http", &too_big).await.unwrap();
    let Intake::Quarantined { id, .. } = intake else {
        panic!("quarantined: {intake:?}");
    };
    let list = h.call(Some(&alex), "quarantined_mail", "").await;
    assert_eq!(
        list.body["messages"][0]["header_only"], true,
        "{}",
        list.body
    );

    // Retried, the header alone would file an empty request: refused, and it stays listed.
    let retried = h
        .call(Some(&alex), "retry_quarantined", &format!("id={id}"))
        .await;
    assert_eq!(retried.status, StatusCode::CONFLICT, "{}", retried.body);
    assert!(
        retried
            .body
            .to_string()
            .contains("Only its header was kept"),
        "{}",
        retried.body
    );
    let still = h.call(Some(&alex), "quarantined_mail", "").await;
    assert_eq!(still.body["messages"].as_array().unwrap().len(), 1);

    let download = h.get(Some(&alex), &format!("/mail/quarantine/{id}")).await;
    assert_eq!(download.status(), StatusCode::OK);
    let disposition = download.headers()["content-disposition"].to_str().unwrap();
    assert!(disposition.contains("header.eml"), "{disposition}");
    let dismissed = h
        .call(Some(&alex), "dismiss_quarantined", &format!("id={id}"))
        .await;
    assert_eq!(dismissed.status, StatusCode::OK);
}

#[tokio::test]
async fn mail_that_cannot_be_recorded_twice_running_is_quarantined_and_can_be_retried() {
    use sqlx::Connection;

    let h = harness().await;
    let alex = h.sign_in("alex@agency.example").await;
    // A real fault, not a stand-in: the table messages are recorded in goes missing.
    let mut admin = sqlx::AnyConnection::connect(&h.db.url).await.unwrap();
    let rename = |from: &str, to: &str| format!("ALTER TABLE {from} RENAME TO {to}");
    sqlx::raw_sql(&rename("mail_messages", "mail_messages_away"))
        .execute(&mut admin)
        .await
        .unwrap();
    let intake = receive_or_quarantine(&h.state, "smtp", GOOD.as_bytes())
        .await
        .unwrap();
    let Intake::Quarantined { id, reason } = intake else {
        panic!("quarantined: {intake:?}");
    };
    assert!(reason.starts_with("could not be recorded"), "{reason}");

    // Fixed, the next message comes in, and the kept one is filed by a retry.
    sqlx::raw_sql(&rename("mail_messages_away", "mail_messages"))
        .execute(&mut admin)
        .await
        .unwrap();
    let next = GOOD
        .replace("<scanner@", "<next@")
        .replace("Scanner driver", "Printer toner");
    let intake = receive_or_quarantine(&h.state, "smtp", next.as_bytes())
        .await
        .unwrap();
    assert!(matches!(intake, Intake::Created { .. }), "{intake:?}");
    let retried = h
        .call(Some(&alex), "retry_quarantined", &format!("id={id}"))
        .await;
    assert_eq!(retried.status, StatusCode::OK, "{}", retried.body);
    assert!(
        retried.body["said"]
            .as_str()
            .unwrap()
            .starts_with("Filed as FD-"),
        "{}",
        retried.body
    );
    assert_eq!(retried.body["not_filed"], false);
}

#[tokio::test]
async fn staff_open_the_original_of_a_mailed_request_and_clients_cannot() {
    let h = harness().await;
    let Intake::Created { reference, .. } =
        receive(&h.state, "http", GOOD.as_bytes()).await.unwrap()
    else {
        panic!("a request");
    };
    let created = h
        .store
        .timeline(reference, false)
        .await
        .unwrap()
        .into_iter()
        .find(|entry| entry.by_mail)
        .expect("the creation is marked as mailed");
    let path = format!("/mail/original/{}", created.id);
    let sam = h.sign_in("sam@agency.example").await;
    let original = h.get(Some(&sam), &path).await;
    assert_eq!(original.status(), StatusCode::OK);
    let body = axum::body::to_bytes(original.into_body(), usize::MAX)
        .await
        .unwrap();
    assert_eq!(body.as_ref(), GOOD.as_bytes(), "byte for byte");
    for client in ["tom@bluebird.example", "dana@acme.example"] {
        let cookie = h.sign_in(client).await;
        assert_eq!(
            h.get(Some(&cookie), &path).await.status(),
            StatusCode::NOT_FOUND,
            "{client}"
        );
    }
    assert_eq!(h.get(None, &path).await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_bounce_marks_the_address_and_staff_see_it_on_the_request() {
    let h = harness().await;
    let Intake::Created { reference, .. } =
        receive(&h.state, "http", GOOD.as_bytes()).await.unwrap()
    else {
        panic!("a request");
    };
    let report = "From: MAILER-DAEMON@mx.bluebird.example\r\nTo: support@agency.example\r\n\
        Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <dsn1@mx.bluebird.example>\r\n\
        MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=r\r\n\r\n\
        --r\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n\
        --r\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.bluebird.example\r\n\r\n\
        Final-Recipient: rfc822; tom@bluebird.example\r\nAction: failed\r\nStatus: 5.1.1\r\n\
        Diagnostic-Code: smtp; 550 5.1.1 mailbox unavailable\r\n--r--\r\n";
    let intake = receive(&h.state, "http", report.as_bytes()).await.unwrap();
    assert_eq!(
        intake,
        Intake::Bounce {
            address: Some("tom@bluebird.example".to_owned()),
            reference: None
        }
    );
    let form = format!("reference={reference}");
    let sam = h.sign_in("sam@agency.example").await;
    let staff_view = h.call(Some(&sam), "get_ticket", &form).await;
    assert_eq!(
        staff_view.body["requester_bounce"], "smtp; 550 5.1.1 mailbox unavailable",
        "{}",
        staff_view.body
    );
    let tom = h.sign_in("tom@bluebird.example").await;
    assert!(h.call(Some(&tom), "get_ticket", &form).await.body["requester_bounce"].is_null());
    // Writing to us again clears the mark.
    let again = GOOD.replace("<scanner@", "<scanner-again@");
    receive(&h.state, "http", again.as_bytes()).await.unwrap();
    assert!(h.call(Some(&sam), "get_ticket", &form).await.body["requester_bounce"].is_null());
}

/// Mail that would fail to store every time would hold up every later message in its mailbox:
/// it is refused or cleaned instead.
#[tokio::test]
async fn mail_that_could_never_be_stored_is_refused_or_cleaned() {
    let h = harness().await;
    h.store
        .set_user_active(h.id("mei@acme.example"), false, h.clock.now_ms())
        .await
        .unwrap();
    let from_former = GOOD
        .replace(
            "Tom Becker <tom@bluebird.example>",
            "Mei Chen <mei@acme.example>",
        )
        .replace("<scanner@", "<former@");
    let intake = receive(&h.state, "http", from_former.as_bytes())
        .await
        .unwrap();
    assert!(
        matches!(&intake, Intake::Refused { reason } if reason.contains("deactivated")),
        "{intake:?}"
    );

    let long_id = "x".repeat(5000);
    let hostile = GOOD
        .replace(
            "Subject: Scanner driver",
            "Subject: =?utf-8?q?Null=00byte?=",
        )
        .replace(
            "<scanner@bluebird.example>",
            &format!("<{long_id}@bluebird.example>"),
        )
        .replace("needs a new driver.", "needs a new\0 driver.");
    let Intake::Created { reference, .. } =
        receive(&h.state, "http", hostile.as_bytes()).await.unwrap()
    else {
        panic!("a request");
    };
    let ticket = h.store.ticket(reference).await.unwrap();
    assert!(!ticket.summary.title.contains('\0') && !ticket.description.contains('\0'));
    assert_eq!(ticket.summary.title, "Nullbyte");
}
