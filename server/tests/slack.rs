//! Slack intake over real HTTP: requests built and signed exactly as Slack documents them
//! (`v0:{timestamp}:{body}`, HMAC-SHA256 with the signing secret), outgoing Web API calls to a
//! local stand-in (`slack_api.py`).

mod support;

use app::backend::Settings;
use app::backend::slack::{SlackSettings, plan_batch, post_due, sign};
use app::domain::ticket::{Channel, TicketRef};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use support::script::Script;
use support::{Harness, harness, harness_from};

const SECRET: &str = "test-signing-secret";

/// The demo agency with a Slack app whose Web API is the stand-in.
async fn harness_with_slack() -> (Harness, Script) {
    let (api, ready) = Script::start("slack_api.py");
    let h = harness_from(Settings {
        slack: Some(SlackSettings {
            signing_secret: SECRET.to_owned(),
            bot_token: "xoxb-test".to_owned(),
            api_url: format!("http://127.0.0.1:{}", ready["port"]),
        }),
        ..support::settings()
    })
    .await;
    (h, api)
}

/// Posts to a Slack route as Slack would: signed at `at` (Unix seconds) with `secret`.
async fn from_slack(
    h: &Harness,
    path: &str,
    content_type: &str,
    body: &str,
    at: i64,
    secret: &str,
) -> (StatusCode, serde_json::Value) {
    let request = Request::post(path)
        .header("content-type", content_type)
        .header("x-slack-request-timestamp", at.to_string())
        .header("x-slack-signature", sign(secret, at, body.as_bytes()))
        .body(Body::from(body.to_owned()))
        .unwrap();
    let response = h.send(request).await;
    let status = response.status();
    let text = support::body_text(response).await;
    (
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
    )
}

fn now_s(h: &Harness) -> i64 {
    h.clock.now_ms() / 1000
}

/// `/request <text>` typed by a Slack user in a channel.
async fn slash(
    h: &Harness,
    user: &str,
    channel: &str,
    text: &str,
) -> (StatusCode, serde_json::Value) {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("token", "ignored"),
            ("team_id", "T0AGENCY"),
            ("channel_id", channel),
            ("user_id", user),
            ("command", "/request"),
            ("text", text),
            ("response_url", "https://hooks.slack.com/commands/x"),
        ])
        .finish();
    from_slack(
        h,
        "/slack/commands",
        "application/x-www-form-urlencoded",
        &body,
        now_s(h),
        SECRET,
    )
    .await
}

/// A message event, as the Events API posts it: `event` holds `user`, `channel`, `ts`, `text`
/// and, for a reply in a thread, `thread_ts`.
async fn said(h: &Harness, event_id: &str, mut event: serde_json::Value) -> StatusCode {
    event["type"] = "message".into();
    event["channel_type"] = "channel".into();
    let body = serde_json::json!({
        "token": "ignored", "team_id": "T0AGENCY", "api_app_id": "A0FRONTDOOR",
        "type": "event_callback", "event_id": event_id, "event_time": now_s(h), "event": event,
    })
    .to_string();
    from_slack(
        h,
        "/slack/events",
        "application/json",
        &body,
        now_s(h),
        SECRET,
    )
    .await
    .0
}

const ACME_CHANNEL: &str = "C0ACME123";

/// Connects Acme's channel as Alex; returns Acme's account id.
async fn connect_acme(h: &Harness, alex: &str) -> i64 {
    let luis = h
        .store
        .active_actor(h.id("luis@acme.example"))
        .await
        .unwrap();
    let acme = luis.unwrap().account_id.unwrap();
    let form = format!("channel_id={}&account={acme}", ACME_CHANNEL.to_lowercase());
    change(h, alex, "connect_slack_channel", &form).await;
    acme
}

/// The reference a "Filed as *FD-1234*" post names.
fn filed_reference(post: &serde_json::Value) -> TicketRef {
    let text = post["text"].as_str().unwrap();
    let start = text.find("*FD-").expect("the post names the request") + 1;
    let end = start + text[start..].find('*').unwrap();
    text[start..end].parse().unwrap()
}

async fn conversation(h: &Harness, cookie: &str, reference: TicketRef) -> String {
    let got = h
        .call(
            Some(cookie),
            "get_ticket",
            &format!("reference={reference}"),
        )
        .await;
    assert_eq!(got.status, StatusCode::OK, "{:?}", got.body);
    got.body.to_string()
}

async fn change(h: &Harness, cookie: &str, function: &str, form: &str) {
    let done = h.call(Some(cookie), function, form).await;
    assert_eq!(done.status, StatusCode::OK, "{function}: {:?}", done.body);
}

#[tokio::test]
async fn requests_not_signed_by_slack_now_and_once_are_refused() {
    let (h, _api) = harness_with_slack().await;
    let body = r#"{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"#;
    let json = "application/json";
    let now = now_s(&h);

    let unsigned = h
        .send(
            Request::post("/slack/events")
                .header("content-type", json)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(unsigned.status(), StatusCode::UNAUTHORIZED);
    let (status, answer) = from_slack(&h, "/slack/events", json, body, now, "not-the-secret").await;
    assert_eq!(
        (status, answer["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("Bad signature."))
    );
    let (status, answer) = from_slack(&h, "/slack/events", json, body, now - 301, SECRET).await;
    assert_eq!(
        (status, answer["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("Stale request."))
    );

    let (status, answer) = from_slack(&h, "/slack/events", json, body, now - 10, SECRET).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        answer["challenge"],
        "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    );
    // The very same request again, within the window: a replay.
    let (status, answer) = from_slack(&h, "/slack/events", json, body, now - 10, SECRET).await;
    assert_eq!(
        (status, answer["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("Replayed request."))
    );

    // Signed, fresh, but not what Slack sends.
    let (status, _) = from_slack(&h, "/slack/events", json, "{not json", now, SECRET).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // A server without a Slack app has no Slack routes.
    let plain = harness().await;
    let (status, _) = from_slack(&plain, "/slack/events", json, body, now_s(&plain), SECRET).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn slash_command_files_a_request_whose_thread_hears_of_status_and_staff_replies() {
    let (h, api) = harness_with_slack().await;
    let (status, answer) = slash(
        &h,
        "U0LUIS",
        "D0LUIS",
        "Printer broken\nTray 2 jams every morning.",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answer["response_type"], "ephemeral");
    let filed = api.next();
    assert_eq!(filed["channel"], "D0LUIS");
    assert!(filed.get("thread_ts").is_none(), "{filed}");
    let reference = filed_reference(&filed);
    assert!(
        answer["text"]
            .as_str()
            .unwrap()
            .starts_with(&format!("Filed as {reference}: Printer broken"))
    );
    let ticket = h.store.ticket(reference).await.unwrap();
    assert_eq!(ticket.summary.channel, Channel::Chat);
    assert_eq!(ticket.owner.requester_id, h.id("luis@acme.example"));
    assert_eq!(
        ticket.description,
        "Printer broken\nTray 2 jams every morning."
    );

    let sam = h.sign_in("sam@agency.example").await;
    change(
        &h,
        &sam,
        "change_status",
        &format!("reference={reference}&status=in_progress"),
    )
    .await;
    change(
        &h,
        &sam,
        "reply",
        &format!("reference={reference}&body=Checking+<tray>&internal=true"),
    )
    .await;
    change(
        &h,
        &sam,
        "reply",
        &format!("reference={reference}&body=Fixed+the+<tray>+%26+rollers&internal=false"),
    )
    .await;
    while plan_batch(&h.state).await.unwrap() {}
    post_due(&h.state).await.unwrap();
    let status_post = api.next();
    assert_eq!(status_post["thread_ts"], filed["ts"]);
    assert_eq!(status_post["channel"], "D0LUIS");
    assert_eq!(
        status_post["text"],
        "Sam Rivera changed the status to *In progress*."
    );
    let reply_post = api.next();
    assert_eq!(
        reply_post["text"],
        "*Sam Rivera* replied:\nFixed the &lt;tray&gt; &amp; rollers"
    );
    api.nothing_more();

    // Someone who is no client contact, staff, or nothing to file: nothing is filed.
    for (user, says) in [
        ("U0STRANGER", "not a client contact"),
        ("U0SAM", "not a client contact"),
        ("U0NOBODY", "could not look you up"),
    ] {
        let (status, answer) = slash(&h, user, "C0SOMEWHERE", "Please help").await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            answer["text"].as_str().unwrap().contains(says),
            "{user}: {answer}"
        );
    }
    // In a channel that is not his company's, the request is filed but nothing is posted there.
    let (_, answer) = slash(&h, "U0LUIS", "C0ELSEWHERE", "Quiet one").await;
    assert!(
        answer["text"].as_str().unwrap().starts_with("Filed as"),
        "{answer}"
    );
    post_due(&h.state).await.unwrap();
    api.nothing_more();
    let (_, answer) = slash(&h, "U0LUIS", "D0LUIS", "   ").await;
    assert!(
        answer["text"]
            .as_str()
            .unwrap()
            .contains("Say what you need"),
        "{answer}"
    );
    api.nothing_more();
}

#[tokio::test]
async fn channels_are_connected_by_id_and_disconnecting_one_stops_its_intake() {
    let (h, api) = harness_with_slack().await;
    let alex = h.sign_in("alex@agency.example").await;
    let refused = h
        .call(
            Some(&alex),
            "connect_slack_channel",
            "channel_id=general&account=1",
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.to_string().contains("C0123ABCD"),
        "{:?}",
        refused.body
    );
    let acme = connect_acme(&h, &alex).await;
    let again = format!("channel_id={ACME_CHANNEL}&account={acme}");
    let twice = h.call(Some(&alex), "connect_slack_channel", &again).await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    let setup = h.call(Some(&alex), "slack_setup", "").await;
    assert_eq!(setup.body["configured"], true);
    assert_eq!(setup.body["channels"][0]["channel_id"], ACME_CHANNEL);
    assert_eq!(setup.body["channels"][0]["account_name"], "Acme Logistics");

    // A request filed in the channel; once the channel is disconnected, its thread hears
    // nothing more.
    let event = serde_json::json!({"user": "U0LUIS", "channel": ACME_CHANNEL, "ts": "1790000000.000400", "text": "Before"});
    assert_eq!(said(&h, "Ev04", event).await, StatusCode::OK);
    post_due(&h.state).await.unwrap();
    let filed = api.next();
    let reference = filed_reference(&filed);
    change(
        &h,
        &alex,
        "disconnect_slack_channel",
        &format!("channel_id={ACME_CHANNEL}"),
    )
    .await;
    let before = h.store.latest_event_id().await.unwrap();
    let event = serde_json::json!({"user": "U0LUIS", "channel": ACME_CHANNEL, "ts": "1790000000.000500", "text": "AFTER"});
    assert_eq!(said(&h, "Ev05", event).await, StatusCode::OK);
    assert_eq!(
        h.store.latest_event_id().await.unwrap(),
        before,
        "nothing filed"
    );
    let sam = h.sign_in("sam@agency.example").await;
    let form = format!("reference={reference}&status=in_progress");
    change(&h, &sam, "change_status", &form).await;
    while plan_batch(&h.state).await.unwrap() {}
    post_due(&h.state).await.unwrap();
    api.nothing_more();
}

#[tokio::test]
async fn messages_in_a_connected_channel_become_requests_and_thread_replies_join_them() {
    let (h, api) = harness_with_slack().await;
    let alex = h.sign_in("alex@agency.example").await;
    let acme = connect_acme(&h, &alex).await;

    let top = "1790000000.000100";
    let first = serde_json::json!({"user": "U0LUIS", "channel": ACME_CHANNEL, "ts": top, "text": "VPN down\nSince 9am"});
    assert_eq!(said(&h, "Ev01", first.clone()).await, StatusCode::OK);
    // Slack sends it again a moment later, signed anew (it thought we did not answer): handled
    // once.
    h.clock.advance(1_000);
    assert_eq!(said(&h, "Ev01", first).await, StatusCode::OK);
    post_due(&h.state).await.unwrap();
    let filed = api.next();
    assert_eq!(filed["channel"], ACME_CHANNEL);
    assert_eq!(filed["thread_ts"], top);
    let reference = filed_reference(&filed);
    api.nothing_more();
    let ticket = h.store.ticket(reference).await.unwrap();
    assert_eq!(ticket.summary.title, "VPN down");
    assert_eq!(ticket.summary.channel, Channel::Chat);
    assert_eq!(ticket.owner.account_id, acme);
    let before = h.store.latest_event_id().await.unwrap();

    // Luis answers in the thread: it joins the conversation. Others are not taken: someone of
    // another company, a bot (Frontdoor's own posts), a channel not connected.
    let events = [
        (
            "Ev02",
            serde_json::json!({"user": "U0LUIS", "ts": "1790000000.000200", "thread_ts": top, "text": "Still down after restart"}),
        ),
        (
            "Ev03",
            serde_json::json!({"user": "U0TOM", "ts": "1790000000.000300", "thread_ts": top, "text": "BLUEBIRD-WAS-HERE"}),
        ),
        (
            "Ev04",
            serde_json::json!({"user": "U0LUIS", "bot_id": "B0FD", "ts": "1790000000.000400", "thread_ts": top, "text": "BOT-POST"}),
        ),
        (
            "Ev05",
            serde_json::json!({"user": "U0LUIS", "channel": "C0OTHER99", "ts": "1790000000.000500", "text": "UNCONNECTED"}),
        ),
    ];
    for (id, mut event) in events {
        if event.get("channel").is_none() {
            event["channel"] = ACME_CHANNEL.into();
        }
        assert_eq!(said(&h, id, event).await, StatusCode::OK, "{id}");
    }
    let luis = h.sign_in("luis@acme.example").await;
    let seen = conversation(&h, &luis, reference).await;
    assert!(seen.contains("Still down after restart"), "{seen}");
    for absent in ["BLUEBIRD-WAS-HERE", "BOT-POST"] {
        assert!(!seen.contains(absent), "{absent}: {seen}");
    }
    let since: Vec<TicketRef> = h
        .store
        .owned_events_after(before, 100)
        .await
        .unwrap()
        .iter()
        .map(|e| e.event.reference)
        .collect();
    assert_eq!(since, [reference], "one reply, nothing filed");
    // A client's own reply is not echoed to the thread.
    while plan_batch(&h.state).await.unwrap() {}
    post_due(&h.state).await.unwrap();
    api.nothing_more();
}
