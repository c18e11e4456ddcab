//! Outgoing webhooks, sent for real to a receiver on 127.0.0.1 (`webhook_receiver.py`) that
//! checks each signature with an independent implementation of Standard Webhooks; retries,
//! giving up, redelivery; and targets in private ranges refused, by address and by name.

mod support;

use std::sync::Arc;

use app::backend::Settings;
use app::backend::webhooks::{deliver_due, plan_batch};
use app::domain::webhook::{AllowedHosts, MAX_ATTEMPTS};
use axum::http::StatusCode;
use support::script::Script;
use support::{Harness, harness, harness_from};

struct Receiver {
    script: Script,
    port: u16,
}

impl Receiver {
    fn start() -> Receiver {
        let (script, ready) = Script::start("webhook_receiver.py");
        Receiver {
            script,
            port: u16::try_from(ready["port"].as_u64().unwrap()).unwrap(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Tells the receiver a secret to check signatures with.
    fn trust(&mut self, secret: &str) {
        self.script.tell(secret);
        // The receiver reads it on its own thread; give it a moment.
        std::thread::sleep(std::time::Duration::from_millis(200));
    }

    fn next(&self) -> serde_json::Value {
        self.script.next()
    }

    fn nothing_more(&self) {
        self.script.nothing_more();
    }
}

/// The demo agency, whose webhooks may reach 127.0.0.1 (the receiver), as an operator would
/// allow a host on the agency's own network.
async fn harness_allowing_loopback() -> Harness {
    harness_from(Settings {
        webhook_hosts: Arc::new(AllowedHosts::new(["127.0.0.1"])),
        ..support::settings()
    })
    .await
}

/// Adds a webhook as Alex (an admin); returns its id and secret.
async fn add(h: &Harness, cookie: &str, url: &str, events: &str) -> (i64, String) {
    let form = format!(
        "url={}&description=Team+chat&events={}",
        urlencode(url),
        urlencode(events)
    );
    let added = h.call(Some(cookie), "add_webhook", &form).await;
    assert_eq!(added.status, StatusCode::OK, "{:?}", added.body);
    (
        added.body["id"].as_i64().unwrap(),
        added.body["secret"].as_str().unwrap().to_owned(),
    )
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            b' ' => "+".to_owned(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Everything the event log calls for, delivered now.
async fn deliver(h: &Harness) {
    while plan_batch(&h.state).await.unwrap() {}
    deliver_due(&h.state).await.unwrap();
}

async fn log(h: &Harness, cookie: &str, webhook: i64) -> Vec<serde_json::Value> {
    let reply = h
        .call(
            Some(cookie),
            "webhook_deliveries",
            &format!("webhook_id={webhook}"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    reply.body["deliveries"].as_array().unwrap().clone()
}

#[tokio::test]
async fn subscribed_events_arrive_signed_so_an_independent_receiver_verifies_them() {
    let mut receiver = Receiver::start();
    let h = harness_allowing_loopback().await;
    let alex = h.sign_in("alex@agency.example").await;
    let (webhook, secret) = add(
        &h,
        &alex,
        &receiver.url("/hook"),
        "ticket.created ticket.status_changed ticket.reply_added",
    )
    .await;
    assert!(secret.starts_with("whsec_"), "{secret}");
    receiver.trust(&secret);

    let reference = h.file("tom@bluebird.example", "Printer jam").await;
    deliver(&h).await;
    let got = receiver.next();
    assert_eq!(got["path"], "/hook");
    assert_eq!(got["verified"], true, "{got}");
    assert_eq!(got["status"], 204);
    assert_eq!(got["payload"]["type"], "ticket.created");
    assert_eq!(
        got["payload"]["data"]["ticket"]["reference"],
        reference.to_string()
    );
    assert_eq!(
        got["payload"]["data"]["ticket"]["account"],
        "Bluebird Dental"
    );
    assert_eq!(
        got["payload"]["data"]["url"],
        format!("http://frontdoor.test/requests/{reference}")
    );
    assert_eq!(got["headers"]["content-type"], "application/json");
    let timestamp: i64 = got["headers"]["webhook-timestamp"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(timestamp, h.clock.now_ms() / 1000);
    let first_id = got["headers"]["webhook-id"].as_str().unwrap().to_owned();
    assert!(first_id.starts_with("msg_"), "{first_id}");

    // A status change and a reply arrive; an internal note and an unsubscribed event do not.
    let sam = h.sign_in("sam@agency.example").await;
    let status = h
        .call(
            Some(&sam),
            "change_status",
            &format!("reference={reference}&status=in_progress"),
        )
        .await;
    assert_eq!(status.status, StatusCode::OK, "{:?}", status.body);
    for (body, internal) in [("Secret+plan", true), ("On+my+way", false)] {
        let form = format!("reference={reference}&body={body}&internal={internal}");
        assert_eq!(
            h.call(Some(&sam), "reply", &form).await.status,
            StatusCode::OK
        );
    }
    deliver(&h).await;
    let changed = receiver.next();
    assert_eq!(changed["verified"], true, "{changed}");
    assert_eq!(changed["payload"]["type"], "ticket.status_changed");
    assert_eq!(changed["payload"]["data"]["change"]["from"], "new");
    assert_eq!(changed["payload"]["data"]["change"]["to"], "in_progress");
    assert_eq!(changed["payload"]["data"]["actor"], "Sam Rivera");
    let replied = receiver.next();
    assert_eq!(replied["payload"]["type"], "ticket.reply_added");
    assert_eq!(replied["payload"]["data"]["change"]["body"], "On my way");
    receiver.nothing_more();
    assert_ne!(changed["headers"]["webhook-id"], first_id.as_str());

    // The log says what happened, newest first.
    let entries = log(&h, &alex, webhook).await;
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[2]["event_type"], "ticket.created");
    assert_eq!(entries[2]["state"]["Delivered"]["status"], 204);

    // A test message, signed like the rest.
    let test = h
        .call(
            Some(&alex),
            "test_webhook",
            &format!("webhook_id={webhook}"),
        )
        .await;
    assert_eq!(test.status, StatusCode::OK, "{:?}", test.body);
    deliver_due(&h.state).await.unwrap();
    let ping = receiver.next();
    assert_eq!(ping["payload"]["type"], "webhook.test");
    assert_eq!(ping["verified"], true);

    // A removed webhook gets nothing more.
    let removed = h
        .call(Some(&alex), "remove_webhook", &format!("id={webhook}"))
        .await;
    assert_eq!(removed.status, StatusCode::OK);
    h.file("tom@bluebird.example", "Another").await;
    deliver(&h).await;
    receiver.nothing_more();
}

#[tokio::test]
async fn a_failing_receiver_is_retried_then_given_up_and_can_be_sent_again() {
    let mut receiver = Receiver::start();
    let h = harness_allowing_loopback().await;
    let alex = h.sign_in("alex@agency.example").await;
    let (webhook, secret) = add(&h, &alex, &receiver.url("/fail"), "ticket.created").await;
    receiver.trust(&secret);
    h.file("grace@bluebird.example", "Server down").await;
    deliver(&h).await;
    let first = receiver.next();
    assert_eq!(first["status"], 500);
    let message_id = first["headers"]["webhook-id"].as_str().unwrap().to_owned();

    let entries = log(&h, &alex, webhook).await;
    let retrying = &entries[0]["state"]["Retrying"];
    assert_eq!(retrying["error"], "The receiver answered 500.");
    assert_eq!(
        retrying["next_at"].as_i64().unwrap(),
        h.clock.now_ms() + 5_000
    );

    // Not before it is due; then every try until the last.
    deliver_due(&h.state).await.unwrap();
    receiver.nothing_more();
    for _ in 1..MAX_ATTEMPTS {
        h.clock.advance(11 * 3_600_000);
        deliver_due(&h.state).await.unwrap();
        let again = receiver.next();
        assert_eq!(
            again["headers"]["webhook-id"],
            message_id.as_str(),
            "a retry is the same message"
        );
        assert_eq!(again["verified"], true);
    }
    h.clock.advance(24 * 3_600_000);
    deliver_due(&h.state).await.unwrap();
    receiver.nothing_more();
    // Days have passed: Alex signs in again.
    let alex = h.sign_in("alex@agency.example").await;
    let entries = log(&h, &alex, webhook).await;
    assert_eq!(entries[0]["attempts"], MAX_ATTEMPTS);
    assert_eq!(
        entries[0]["state"]["GaveUp"]["error"],
        "The receiver answered 500."
    );

    // Sent again by hand: a new entry, the same message.
    let delivery = entries[0]["id"].as_i64().unwrap();
    let again = h
        .call(
            Some(&alex),
            "redeliver_webhook",
            &format!("delivery_id={delivery}"),
        )
        .await;
    assert_eq!(again.status, StatusCode::OK, "{:?}", again.body);
    deliver_due(&h.state).await.unwrap();
    assert_eq!(
        receiver.next()["headers"]["webhook-id"],
        message_id.as_str()
    );
    assert_eq!(log(&h, &alex, webhook).await.len(), 2);

    // Only settled deliveries are sent again, and only by admins.
    let jordan = h.sign_in("jordan@agency.example").await;
    let refused = h
        .call(
            Some(&jordan),
            "redeliver_webhook",
            &format!("delivery_id={delivery}"),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn targets_in_private_ranges_are_refused_whether_written_as_addresses_or_names() {
    let h = harness().await;
    let alex = h.sign_in("alex@agency.example").await;
    for (url, says) in [
        (
            "http://127.0.0.1:9000/hook",
            "127.0.0.1 is a private or local address",
        ),
        (
            "http://169.254.169.254/latest/meta-data/",
            "169.254.169.254",
        ),
        ("http://[::1]:8080/", "::1"),
        ("http://[::ffff:192.168.0.1]/", "192.168.0.1"),
        ("http://localhost:8080/hook", "localhost points to"),
        ("ftp://files.example.com/in", "Only http:// and https://"),
        ("https://admin:pw@hooks.example.com/", "credentials"),
        ("hooks.example.com/in", "full address"),
    ] {
        let form = format!("url={}&description=&events=ticket.created", urlencode(url));
        let refused = h.call(Some(&alex), "add_webhook", &form).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{url}: {:?}",
            refused.body
        );
        let text = refused.body.to_string();
        assert!(text.contains(says), "{url}: {text}");
        assert!(text.contains("\"url\""), "the URL field is named: {text}");
    }
    let none = h
        .call(
            Some(&alex),
            "add_webhook",
            "url=https%3A%2F%2Fhooks.example.com%2F&description=&events=",
        )
        .await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        none.body.to_string().contains("at least one event"),
        "{:?}",
        none.body
    );
    assert!(h.store.webhooks().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_name_that_resolves_into_the_agency_network_is_never_connected_to() {
    // A webhook whose name pointed elsewhere when it was added and to 127.0.0.1 now: the
    // delivery resolves it, finds a private address and does not connect.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let h = harness().await;
    let alex = h.id("alex@agency.example");
    let events = app::domain::webhook::EventSet::parse("ticket.created").unwrap();
    let webhook = h
        .store
        .create_webhook(
            &app::backend::store::NewWebhook {
                url: &format!("http://localhost:{port}/hook"),
                description: "",
                events: &events,
                secret: &app::backend::webhooks::new_secret(),
                created_by: alex,
            },
            h.clock.now_ms(),
        )
        .await
        .unwrap();
    h.file("tom@bluebird.example", "Printer jam").await;
    deliver(&h).await;
    assert!(
        listener.accept().is_err(),
        "nothing connected to the private address"
    );
    let entries = h.store.webhook_deliveries(webhook, 10).await.unwrap();
    let text = format!("{:?}", entries[0].state);
    assert!(text.contains("Not sent: localhost resolves to "), "{text}");
}
