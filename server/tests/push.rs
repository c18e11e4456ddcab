//! Push notifications, sent for real: a receiver on 127.0.0.1 (`push_receiver.py`) plays a
//! browser and its push service with an independent implementation of RFC 8291 and RFC 8292. It
//! decrypts what the server posts and checks the VAPID signature.

mod support;

use app::backend::mail_updates::notify_batch;
use app::backend::push::deliver_due;
use app::domain::ticket::TicketStatus;
use axum::http::StatusCode;
use support::script::Script;
use support::{Harness, harness};

/// The receiver process, with the device keys it made.
struct Receiver {
    script: Script,
    port: u16,
    p256dh: String,
    auth: String,
}

impl Receiver {
    fn start() -> Receiver {
        let (script, ready) = Script::start("push_receiver.py");
        Receiver {
            script,
            port: u16::try_from(ready["port"].as_u64().unwrap()).unwrap(),
            p256dh: ready["p256dh"].as_str().unwrap().to_owned(),
            auth: ready["auth"].as_str().unwrap().to_owned(),
        }
    }

    fn endpoint(&self, name: &str) -> String {
        format!("http://127.0.0.1:{}/push/{name}", self.port)
    }

    fn next(&self) -> serde_json::Value {
        self.script.next()
    }
}

async fn subscribe(h: &Harness, cookie: &str, receiver: &Receiver, name: &str) -> StatusCode {
    let form = format!(
        "endpoint={}&p256dh={}&auth={}",
        receiver.endpoint(name),
        receiver.p256dh,
        receiver.auth
    );
    h.call(Some(cookie), "subscribe_push", &form).await.status
}

/// Everything the event log calls for, delivered now.
async fn notify(h: &Harness) {
    while notify_batch(&h.state).await.unwrap() {}
    deliver_due(&h.state).await.unwrap();
}

#[tokio::test]
async fn status_changes_and_replies_reach_the_requesters_phone_encrypted_and_signed() {
    let receiver = Receiver::start();
    let h = harness().await;
    let tom = h.sign_in("tom@bluebird.example").await;
    assert_eq!(subscribe(&h, &tom, &receiver, "tom").await, StatusCode::OK);
    let reference = h.file("tom@bluebird.example", "Printer jam").await;
    notify(&h).await;

    let sam = h.sign_in("sam@agency.example").await;
    let moved = h
        .call(
            Some(&sam),
            "change_status",
            &format!("reference={reference}&status=in_progress"),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{:?}", moved.body);
    notify(&h).await;
    let got = receiver.next();
    assert_eq!(got["path"], "/push/tom", "{got}");
    assert!(got.get("error").is_none(), "{got}");
    assert_eq!(
        got["payload"]["title"],
        format!("{reference} · Printer jam")
    );
    assert_eq!(
        got["payload"]["body"],
        "Sam Rivera changed the status to In progress."
    );
    assert_eq!(got["payload"]["url"], format!("/requests/{reference}"));
    assert_eq!(got["claims"]["sub"], "http://frontdoor.test");
    assert_eq!(got["ttl"], 86_400);

    // A staff reply, and an internal note that must not reach him.
    for (body, internal) in [
        ("Checking the tray (internal)", true),
        ("Tray 2 was jammed; fixed.", false),
    ] {
        let form = format!("reference={reference}&body={body}&internal={internal}");
        assert_eq!(
            h.call(Some(&sam), "reply", &form).await.status,
            StatusCode::OK
        );
    }
    notify(&h).await;
    let got = receiver.next();
    assert_eq!(
        got["payload"]["body"], "Sam Rivera: Tray 2 was jammed; fixed.",
        "{got}"
    );

    // Completed: the notification asks whether it was resolved.
    h.store
        .change_status(
            reference,
            TicketStatus::Completed,
            h.id("sam@agency.example"),
            99,
        )
        .await
        .unwrap();
    notify(&h).await;
    let got = receiver.next();
    assert!(
        got["payload"]["body"]
            .as_str()
            .unwrap()
            .contains("Was it resolved?"),
        "{got}"
    );
    // Nothing else was sent: the note stayed internal.
    receiver.script.nothing_more();
}

#[tokio::test]
async fn a_device_its_push_service_calls_gone_is_forgotten() {
    let receiver = Receiver::start();
    let h = harness().await;
    let tom = h.sign_in("tom@bluebird.example").await;
    assert_eq!(subscribe(&h, &tom, &receiver, "gone").await, StatusCode::OK);
    let tom_id = h.id("tom@bluebird.example");
    assert_eq!(h.store.push_devices(tom_id).await.unwrap().len(), 1);
    let reference = h.file("tom@bluebird.example", "Scanner offline").await;
    h.store
        .change_status(
            reference,
            TicketStatus::InProgress,
            h.id("sam@agency.example"),
            50,
        )
        .await
        .unwrap();
    notify(&h).await;
    assert_eq!(receiver.next()["answered"], 410);
    assert!(h.store.push_devices(tom_id).await.unwrap().is_empty());
}

#[tokio::test]
async fn only_push_services_are_accepted_as_devices() {
    let receiver = Receiver::start();
    let h = harness().await;
    let tom = h.sign_in("tom@bluebird.example").await;
    for endpoint in [
        "https://intranet.agency.example/hook",
        "http://10.0.0.5/push",
        "http://user@127.0.0.1:22/x",
        "file:///etc/passwd",
    ] {
        let form = format!(
            "endpoint={endpoint}&p256dh={}&auth={}",
            receiver.p256dh, receiver.auth
        );
        let answer = h.call(Some(&tom), "subscribe_push", &form).await;
        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{endpoint}: {:?}",
            answer.body
        );
    }
    let broken_key = format!(
        "endpoint={}&p256dh=AAAA&auth={}",
        receiver.endpoint("x"),
        receiver.auth
    );
    assert_eq!(
        h.call(Some(&tom), "subscribe_push", &broken_key)
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        h.call(None, "subscribe_push", &broken_key).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert!(
        h.store
            .push_devices(h.id("tom@bluebird.example"))
            .await
            .unwrap()
            .is_empty()
    );
}
