//! Mail about requests: who is told what, from the event log, once.

mod support;

use app::backend::mail_updates::notify_batch;
use app::backend::store::{NewMail, NewMessage};
use app::domain::ticket::TicketStatus;
use support::harness;

#[tokio::test]
async fn the_requester_and_followers_hear_of_what_others_do_and_nobody_of_notes() {
    let h = harness().await;
    // Luis files (in the portal); Dana, his company's admin, follows it.
    let reference = h.file("luis@acme.example", "Shared drive is full").await;
    h.store
        .set_following(reference, h.id("dana@acme.example"), true)
        .await
        .unwrap();
    notify_batch(&h.state).await.unwrap();
    let luis = h.store.mail_to("luis@acme.example").await.unwrap();
    assert_eq!(luis.len(), 1, "acknowledged");
    assert_eq!(
        luis[0].subject,
        format!("[{reference}] Shared drive is full")
    );
    assert!(
        luis[0].body_text.contains("answers within"),
        "{}",
        luis[0].body_text
    );
    assert!(
        h.store
            .mail_to("dana@acme.example")
            .await
            .unwrap()
            .is_empty()
    );

    // Sam starts it, writes a note, replies; Luis answers himself.
    let sam = h.id("sam@agency.example");
    h.store
        .change_status(reference, TicketStatus::InProgress, sam, 10)
        .await
        .unwrap();
    for (author, body, internal, by_client) in [
        (sam, "Checking quotas (internal)", true, false),
        (sam, "I freed 20 GB for you.", false, false),
        (h.id("luis@acme.example"), "Thanks!", false, true),
    ] {
        let message = NewMessage {
            author_id: author,
            by_client,
            body,
            internal,
            attachments: &[],
        };
        h.store.add_message(reference, &message, 11).await.unwrap();
    }
    while notify_batch(&h.state).await.unwrap() {}

    let luis = h.store.mail_to("luis@acme.example").await.unwrap();
    let dana = h.store.mail_to("dana@acme.example").await.unwrap();
    let texts = |mails: &[app::backend::store::OutgoingMail]| -> Vec<String> {
        mails.iter().rev().map(|m| m.body_text.clone()).collect()
    };
    let (luis, dana) = (texts(&luis), texts(&dana));
    // Luis: acknowledgement, "In progress", Sam's reply; not his own "Thanks!".
    assert_eq!(luis.len(), 3, "{luis:#?}");
    assert!(luis[1].contains("Sam Rivera changed the status to: In progress."));
    assert!(luis[2].contains("Sam Rivera replied:") && luis[2].contains("I freed 20 GB"));
    // Dana follows: the status change, Sam's reply and Luis's answer.
    assert_eq!(dana.len(), 3, "{dana:#?}");
    assert!(dana[2].contains("Luis Romero replied:") && dana[2].contains("Thanks!"));
    for text in luis.iter().chain(&dana) {
        assert!(!text.contains("internal"), "a note never leaves: {text}");
    }
}

/// Following a request gives no lasting right: once the company shares only own requests, a
/// colleague who followed hears no more of it (the requester still does).
#[tokio::test]
async fn a_follower_who_may_no_longer_see_a_request_hears_nothing_of_it() {
    let h = harness().await;
    let reference = h.file("luis@acme.example", "Salary review").await;
    h.store
        .set_following(reference, h.id("mei@acme.example"), true)
        .await
        .unwrap();
    while notify_batch(&h.state).await.unwrap() {}
    let dana = h.sign_in("dana@acme.example").await;
    let own = h
        .call(Some(&dana), "set_visibility", "visibility=own")
        .await;
    assert_eq!(own.status, 200, "{:?}", own.body);

    let sam = h.id("sam@agency.example");
    h.store
        .change_status(reference, TicketStatus::InProgress, sam, 10)
        .await
        .unwrap();
    while notify_batch(&h.state).await.unwrap() {}
    let about = |mails: Vec<app::backend::store::OutgoingMail>| {
        mails
            .iter()
            .filter(|m| m.subject.contains(&reference.to_string()))
            .count()
    };
    assert_eq!(
        about(h.store.mail_to("luis@acme.example").await.unwrap()),
        2,
        "acknowledged, then In progress"
    );
    assert_eq!(about(h.store.mail_to("mei@acme.example").await.unwrap()), 0);
}

#[tokio::test]
async fn two_notifiers_reading_the_same_events_queue_them_once() {
    let h = harness().await;
    h.file("tom@bluebird.example", "Scanner").await;
    let from = h.store.mail_notifier_position().await.unwrap();
    let mail = NewMail::plain("tom@bluebird.example", "x", "y", "acknowledgement");
    // The first instance moves the position; the second, having read from the same place, finds
    // it moved and queues nothing.
    assert!(
        h.store
            .queue_notifications(from, from + 1, std::slice::from_ref(&mail), &[], 1)
            .await
            .unwrap()
    );
    assert!(
        !h.store
            .queue_notifications(from, from + 1, &[mail], &[], 1)
            .await
            .unwrap()
    );
    assert_eq!(
        h.store.mail_to("tom@bluebird.example").await.unwrap().len(),
        1
    );
}

#[tokio::test]
async fn contacts_who_turned_mail_off_or_whose_mail_bounced_get_none() {
    let h = harness().await;
    let mei = h.sign_in("mei@acme.example").await;
    let turned_off = h
        .call(Some(&mei), "set_mail_updates", "updates=false")
        .await;
    assert_eq!(turned_off.body["updates"], false, "{}", turned_off.body);
    h.store
        .mark_bounced("omar@northwind.example", "550 5.1.1 no such user", 1)
        .await
        .unwrap();
    let omar = h.sign_in("omar@northwind.example").await;
    let preferences = h.call(Some(&omar), "mail_preferences", "").await;
    assert_eq!(preferences.body["bounced"], "550 5.1.1 no such user");
    h.file("mei@acme.example", "Laptop").await;
    h.file("omar@northwind.example", "Website").await;
    h.file("kenji@northwind.example", "Fonts").await;
    while notify_batch(&h.state).await.unwrap() {}
    assert!(
        h.store
            .mail_to("mei@acme.example")
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        h.store
            .mail_to("omar@northwind.example")
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        h.store
            .mail_to("kenji@northwind.example")
            .await
            .unwrap()
            .len(),
        1
    );
}
