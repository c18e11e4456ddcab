//! Live updates end to end: what each reader's event stream carries while a scripted sequence of
//! changes runs, resuming after a dropped connection, and delivery across two `frontdoor`
//! processes sharing one PostgreSQL database.

mod support;

use std::collections::BTreeSet;
use std::time::Duration;

use app::backend::store::scratch::scratch_postgres;
use app::domain::ticket::{LiveEvent, TicketChange, TicketRef, TicketStatus};
use axum::body::{Body, BodyDataStream};
use axum::http::{Request, header};
use futures::StreamExt;
use support::instance::Instance;
use support::wire::EventStream;
use support::{Harness, harness};

/// A live stream read through the in-process router.
struct Reader {
    body: BodyDataStream,
    buffer: String,
}

impl Reader {
    async fn open(h: &Harness, cookie: &str, after: i64, last_event_id: Option<i64>) -> Reader {
        let mut request =
            Request::get(format!("/events?after={after}")).header(header::COOKIE, cookie);
        if let Some(id) = last_event_id {
            request = request.header("last-event-id", id.to_string());
        }
        let response = h.send(request.body(Body::empty()).unwrap()).await;
        assert_eq!(response.status(), 200);
        Reader {
            body: response.into_body().into_data_stream(),
            buffer: String::new(),
        }
    }

    /// The next ticket event; fails the test if none comes within ten seconds.
    async fn next(&mut self) -> LiveEvent {
        self.next_named().await.1
    }

    /// The next ticket event with its name: `ticket`, or `own` for one the reader made.
    async fn next_named(&mut self) -> (String, LiveEvent) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                if let Some(data) = block.lines().find_map(|line| line.strip_prefix("data: ")) {
                    let name = block
                        .lines()
                        .find_map(|line| line.strip_prefix("event: "))
                        .unwrap_or_default();
                    assert!(matches!(name, "ticket" | "own"), "{block}");
                    return (name.to_owned(), serde_json::from_str(data).unwrap());
                }
                continue;
            }
            let chunk = tokio::time::timeout_at(deadline, self.body.next())
                .await
                .expect("an event within ten seconds")
                .expect("the stream is open")
                .unwrap();
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// Reads until `marker` is put on hold (waiting on the client); returns the events before.
    async fn until(&mut self, marker: TicketRef) -> Vec<LiveEvent> {
        let mut seen = Vec::new();
        loop {
            let event = self.next().await;
            if event.reference == marker
                && matches!(
                    event.change,
                    TicketChange::StatusChanged {
                        to: TicketStatus::WaitingOnClient,
                        ..
                    }
                )
            {
                return seen;
            }
            seen.push(event);
        }
    }
}

async fn file(h: &Harness, cookie: &str, title: &str) -> TicketRef {
    let reply = h
        .call(
            Some(cookie),
            "create_request",
            &format!("title={title}&description=Details"),
        )
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    serde_json::from_value(reply.body["reference"].clone()).unwrap()
}

async fn work_on(h: &Harness, staff: &str, reference: TicketRef) {
    for (function, form) in [
        (
            "change_status",
            format!("reference={reference}&status=in_progress"),
        ),
        ("reply", format!("reference={reference}&body=On+it")),
        (
            "reply",
            format!("reference={reference}&body=Secret+plan&internal=true"),
        ),
    ] {
        let reply = h.call(Some(staff), function, &form).await;
        assert_eq!(reply.status, 200, "{function}: {:?}", reply.body);
    }
}

#[tokio::test]
async fn each_readers_stream_carries_exactly_what_the_reading_policy_allows() {
    let h = harness().await;
    let readers = [
        "alex@agency.example",    // admin
        "sam@agency.example",     // agent
        "dana@acme.example",      // client admin, Acme
        "luis@acme.example",      // client, Acme sees the company's requests
        "grace@bluebird.example", // client admin, Bluebird
        "tom@bluebird.example",   // client, Bluebird sees only his own
        "kenji@northwind.example",
    ];
    let cursor = h.store.latest_event_id().await.unwrap();
    let mut streams = Vec::new();
    for email in readers {
        let cookie = h.sign_in(email).await;
        streams.push((email, Reader::open(&h, &cookie, cursor, None).await));
    }

    // The script: four requests from three companies, each answered and noted on by staff.
    let sam = h.sign_in("sam@agency.example").await;
    let mut filed = Vec::new();
    for (email, title) in [
        ("luis@acme.example", "Acme+printer"),
        ("tom@bluebird.example", "Toms+mailbox"),
        ("grace@bluebird.example", "Graces+invoice"),
        ("kenji@northwind.example", "Northwind+site"),
    ] {
        let cookie = h.sign_in(email).await;
        let reference = file(&h, &cookie, title).await;
        work_on(&h, &sam, reference).await;
        filed.push(reference);
    }
    // Everyone's marker: a hold each reader may see, after everything else.
    for reference in &filed {
        let form = format!("reference={reference}&status=waiting_on_client");
        h.call(Some(&sam), "change_status", &form).await;
    }
    let markers = [
        ("alex@agency.example", filed[0]),
        ("sam@agency.example", filed[0]),
        ("dana@acme.example", filed[0]),
        ("luis@acme.example", filed[0]),
        ("grace@bluebird.example", filed[2]),
        ("tom@bluebird.example", filed[1]),
        ("kenji@northwind.example", filed[3]),
    ];

    let all_events = h
        .store
        .events_after(cursor, app::domain::policy::TicketScope::All, true, 1000)
        .await
        .unwrap();
    for ((email, mut stream), (_, marker)) in streams.into_iter().zip(markers) {
        let received = stream.until(marker).await;
        let actor = h.store.active_actor(h.id(email)).await.unwrap().unwrap();
        let mut expected = Vec::new();
        for event in &all_events {
            let record = h.store.ticket(event.event.reference).await.unwrap();
            if actor.may_view(record.owner)
                && (actor.is_staff() || !event.event.change.is_internal())
            {
                expected.push(event.event.id);
            }
        }
        let received_ids: Vec<i64> = received.iter().map(|e| e.id).collect();
        assert_eq!(
            received_ids,
            expected[..received_ids.len()],
            "{email}: in order, no gaps"
        );
        let tickets: BTreeSet<TicketRef> = received.iter().map(|e| e.reference).collect();
        if !actor.is_staff() {
            assert!(
                received.iter().all(|e| !e.change.is_internal()),
                "{email} received an internal note: {received:?}"
            );
        }
        let visible: BTreeSet<TicketRef> = match email {
            "alex@agency.example" | "sam@agency.example" => filed.iter().copied().collect(),
            "dana@acme.example" | "luis@acme.example" => [filed[0]].into(),
            "grace@bluebird.example" => [filed[1], filed[2]].into(),
            "tom@bluebird.example" => [filed[1]].into(),
            _ => [filed[3]].into(),
        };
        assert_eq!(tickets, visible, "{email}");
        let per_ticket = if actor.is_staff() { 4 } else { 3 };
        assert!(
            received.len() >= per_ticket * visible.len(),
            "{email}: {received:?}"
        );
    }
}

/// A stream opened before the company chose to share only own requests carries no more of
/// colleagues' requests after it (the stream reads its person again, not only at the start).
#[tokio::test]
async fn an_open_stream_follows_a_change_of_what_its_reader_may_see() {
    let h = harness().await;
    let cursor = h.store.latest_event_id().await.unwrap();
    let luis = h.sign_in("luis@acme.example").await;
    let mei = h.sign_in("mei@acme.example").await;
    let dana = h.sign_in("dana@acme.example").await;
    let mut stream = Reader::open(&h, &luis, cursor, None).await;

    let shared = file(&h, &mei, "Meis+printer").await;
    assert_eq!(
        stream.next().await.reference,
        shared,
        "company mode: he sees Mei's"
    );

    let own = h
        .call(Some(&dana), "set_visibility", "visibility=own")
        .await;
    assert_eq!(own.status, 200, "{:?}", own.body);
    let unshared = file(&h, &mei, "Meis+payroll").await;
    let sam = h.sign_in("sam@agency.example").await;
    work_on(&h, &sam, shared).await;
    let marker = file(&h, &luis, "Luis+marker").await;
    let form = format!("reference={marker}&status=waiting_on_client");
    h.call(Some(&sam), "change_status", &form).await;

    let received = stream.until(marker).await;
    assert!(
        received.iter().all(|e| e.reference == marker),
        "after the change only his own requests: {received:?} (Mei's: {shared}, {unshared})"
    );
}

#[tokio::test]
async fn a_readers_own_changes_come_named_as_theirs() {
    let h = harness().await;
    let sam = h.sign_in("sam@agency.example").await;
    let dana = h.sign_in("dana@acme.example").await;
    let luis = h.sign_in("luis@acme.example").await;
    let reference = file(&h, &dana, "Broken+badge").await;
    let cursor = h.store.latest_event_id().await.unwrap();
    let mut danas = Reader::open(&h, &dana, cursor, None).await;
    let mut luiss = Reader::open(&h, &luis, cursor, None).await;

    for who in [&dana, &sam] {
        let reply = h
            .call(
                Some(who),
                "reply",
                &format!("reference={reference}&body=More"),
            )
            .await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
    }
    let names = |heard: [(String, LiveEvent); 2]| heard.map(|(name, _)| name);
    assert_eq!(
        names([danas.next_named().await, danas.next_named().await]),
        ["own", "ticket"],
        "Dana's reply is hers, Sam's is news to her"
    );
    // Her coworker, who sees the company's requests, hears of both.
    assert_eq!(
        names([luiss.next_named().await, luiss.next_named().await]),
        ["ticket", "ticket"]
    );
}

#[tokio::test]
async fn a_reconnecting_stream_gets_exactly_the_events_it_missed() {
    let h = harness().await;
    let sam = h.sign_in("sam@agency.example").await;
    let dana = h.sign_in("dana@acme.example").await;
    let reference = file(&h, &dana, "Broken+badge").await;
    let cursor = h.store.latest_event_id().await.unwrap();

    let mut stream = Reader::open(&h, &dana, cursor, None).await;
    h.call(
        Some(&sam),
        "reply",
        &format!("reference={reference}&body=First"),
    )
    .await;
    let first = stream.next().await;
    drop(stream);

    // While the phone is away: two public changes and a note it must never get.
    for form in [
        format!("reference={reference}&status=waiting_on_client"),
        format!("reference={reference}&body=Secret+plan&internal=true"),
    ] {
        let function = if form.contains("status") {
            "change_status"
        } else {
            "reply"
        };
        assert_eq!(h.call(Some(&sam), function, &form).await.status, 200);
    }
    h.call(
        Some(&sam),
        "reply",
        &format!("reference={reference}&body=Second"),
    )
    .await;
    let mut resumed = Reader::open(&h, &dana, cursor, Some(first.id)).await;
    let dana_scope = h
        .store
        .active_actor(h.id("dana@acme.example"))
        .await
        .unwrap()
        .unwrap()
        .ticket_scope();
    let expected = h
        .store
        .events_after(first.id, dana_scope, false, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|owned| owned.event)
        .collect::<Vec<_>>();
    assert!(expected.len() >= 2, "{expected:?}");
    let mut missed = Vec::new();
    for _ in &expected {
        missed.push(resumed.next().await);
    }
    assert_eq!(
        missed, expected,
        "resumed after the last event seen, without the note"
    );
    // Nothing more until the next change: no repeats of what was already delivered.
    h.call(
        Some(&sam),
        "change_status",
        &format!("reference={reference}&status=completed"),
    )
    .await;
    let next = resumed.next().await;
    assert_eq!(next.change.kind(), "status_changed");
    assert!(next.id > missed.last().unwrap().id);
}

/// The Postgres URL for the two-process test, or a skip (a failure under `make test`).
fn postgres_admin_url() -> Option<String> {
    if let Ok(url) = std::env::var("FRONTDOOR_TEST_POSTGRES_URL") {
        return Some(url);
    }
    assert!(
        std::env::var("FRONTDOOR_REQUIRE_POSTGRES").as_deref() != Ok("1"),
        "FRONTDOOR_REQUIRE_POSTGRES=1 but FRONTDOOR_TEST_POSTGRES_URL is not set"
    );
    eprintln!("skipped: set FRONTDOOR_TEST_POSTGRES_URL to run the two-instance test");
    None
}

#[tokio::test]
async fn a_change_through_one_instance_reaches_a_stream_on_another() {
    let Some(admin_url) = postgres_admin_url() else {
        return;
    };
    let db = scratch_postgres(&admin_url).await.unwrap();
    // The first instance seeds the demo data; the second starts on the same database.
    let a = Instance::start(&db.url).await;
    let b = Instance::start(&db.url).await;
    let sam_on_a = a.sign_in(&db.store, "sam@agency.example").await;
    let dana_on_b = b.sign_in(&db.store, "dana@acme.example").await;
    let tom_on_b = b.sign_in(&db.store, "tom@bluebird.example").await;

    let filed = b
        .call(
            Some(&dana_on_b),
            "create_request",
            "title=Cross+instance&description=d",
        )
        .await;
    assert_eq!(filed.status, 200, "{}", filed.body);
    let acme: TicketRef = serde_json::from_str::<serde_json::Value>(&filed.body)
        .map(|v| serde_json::from_value(v["reference"].clone()).unwrap())
        .unwrap();
    let toms = b
        .call(
            Some(&tom_on_b),
            "create_request",
            "title=Toms&description=d",
        )
        .await;
    let toms: TicketRef = serde_json::from_str::<serde_json::Value>(&toms.body)
        .map(|v| serde_json::from_value(v["reference"].clone()).unwrap())
        .unwrap();
    let cursor = db.store.latest_event_id().await.unwrap();
    let mut dana_stream = EventStream::open(b.addr, &format!("/events?after={cursor}"), &dana_on_b)
        .await
        .unwrap();
    let mut tom_stream = EventStream::open(b.addr, &format!("/events?after={cursor}"), &tom_on_b)
        .await
        .unwrap();
    assert_eq!((dana_stream.status, tom_stream.status), (200, 200));

    // Sam works on instance A; the streams are on instance B.
    for reference in [acme, toms] {
        let moved = a
            .call(
                Some(&sam_on_a),
                "change_status",
                &format!("reference={reference}&status=in_progress"),
            )
            .await;
        assert_eq!(moved.status, 200, "{}", moved.body);
    }
    // Well under the 15 s safety net: the PostgreSQL notification woke instance B.
    let within = Duration::from_secs(5);
    let dana_got = tokio::time::timeout(within, dana_stream.next())
        .await
        .expect("instance B delivered A's change promptly")
        .unwrap()
        .unwrap();
    let event: LiveEvent = serde_json::from_str(&dana_got.data).unwrap();
    assert_eq!(
        (event.reference, event.change.kind()),
        (acme, "status_changed")
    );
    let tom_got = tokio::time::timeout(within, tom_stream.next())
        .await
        .expect("instance B delivered A's change promptly")
        .unwrap()
        .unwrap();
    let event: LiveEvent = serde_json::from_str(&tom_got.data).unwrap();
    assert_eq!(
        event.reference, toms,
        "Tom's first event is his own ticket's, not Acme's"
    );
}

#[tokio::test]
async fn a_session_ended_through_one_instance_closes_its_stream_on_another() {
    let Some(admin_url) = postgres_admin_url() else {
        return;
    };
    let db = scratch_postgres(&admin_url).await.unwrap();
    let a = Instance::start(&db.url).await;
    let b = Instance::start(&db.url).await;
    let dana_on_a = a.sign_in(&db.store, "dana@acme.example").await;
    let dana_on_b = b.sign_in(&db.store, "dana@acme.example").await;
    let mut stream = EventStream::open(b.addr, "/events", &dana_on_b)
        .await
        .unwrap();
    assert_eq!(stream.status, 200);

    // Dana signs out everywhere through A. Instance B is not told (access changes are announced
    // within an instance); its stream finds out at its own recheck, the 15 s safety net.
    let out = a.call(Some(&dana_on_a), "sign_out_everywhere", "").await;
    assert_eq!(out.status, 200, "{}", out.body);
    let ended = tokio::time::timeout(Duration::from_secs(30), async {
        while let Ok(Some(_)) = stream.next().await {}
    })
    .await;
    assert!(
        ended.is_ok(),
        "instance B still streams to a session ended through A"
    );
    // And B no longer lets that session in.
    let again = EventStream::open(b.addr, "/events", &dana_on_b)
        .await
        .unwrap();
    assert_eq!(again.status, 401);
}

#[tokio::test]
async fn staff_see_who_else_is_on_a_request_and_a_reply_written_meanwhile_is_held_back() {
    let h = harness().await;
    let sam = h.sign_in("sam@agency.example").await;
    let priya = h.sign_in("priya@agency.example").await;
    let dana = h.sign_in("dana@acme.example").await;
    let reference = file(&h, &dana, "Printer+jam").await;
    let here = |cookie: &str, replying: bool| {
        let form = format!("reference={reference}&replying={replying}");
        let cookie = cookie.to_owned();
        let h = &h;
        async move { h.call(Some(&cookie), "here", &form).await }
    };

    // Presence: each sees the other, with what they are doing; clients see none of it.
    assert_eq!(here(&sam, false).await.body, serde_json::json!([]));
    assert_eq!(
        here(&priya, true).await.body,
        serde_json::json!([{ "name": "Sam Rivera", "replying": false }])
    );
    assert_eq!(
        here(&sam, false).await.body,
        serde_json::json!([{ "name": "Priya Shah", "replying": true }])
    );
    assert_eq!(here(&dana, false).await.status, 403);
    // A page that stopped saying it is there is gone after the time to live.
    h.clock.advance(app::domain::presence::PRESENCE_TTL_MS + 1);
    assert_eq!(here(&sam, false).await.body, serde_json::json!([]));

    // Both began writing after the same event; Sam sends first.
    let since = h.store.latest_event_id().await.unwrap();
    let send = |cookie: &str, body: &str, extra: &str| {
        let form = format!("reference={reference}&body={body}&since={since}{extra}");
        let cookie = cookie.to_owned();
        let h = &h;
        async move { h.call(Some(&cookie), "reply", &form).await }
    };
    assert_eq!(send(&sam, "Restarting+it", "").await.status, 200);
    let held = send(&priya, "Driving+over", "").await;
    assert_eq!(held.status, 409);
    assert!(
        held.body
            .to_string()
            .contains("Sam Rivera wrote on this request while you were writing"),
        "{:?}",
        held.body
    );
    assert_eq!(
        send(&priya, "Driving+over", "&anyway=true").await.status,
        200
    );
    // An internal note holds back staff, never the client, who cannot see it.
    let note = format!("reference={reference}&body=Between+us&internal=true");
    assert_eq!(h.call(Some(&priya), "reply", &note).await.status, 200);
    let since = h.store.latest_event_id().await.unwrap() - 1;
    let form = format!("reference={reference}&body=Thanks&since={since}");
    assert_eq!(h.call(Some(&sam), "reply", &form).await.status, 409);
    assert_eq!(h.call(Some(&dana), "reply", &form).await.status, 200);
}

#[tokio::test]
async fn a_bulk_change_does_what_each_request_allows_and_names_the_rest() {
    let h = harness().await;
    let sam = h.sign_in("sam@agency.example").await;
    let tom = h.sign_in("tom@bluebird.example").await;
    let open = file(&h, &tom, "Open+one").await;
    let done = file(&h, &tom, "Done+one").await;
    let form = format!("reference={done}&status=completed");
    assert_eq!(h.call(Some(&sam), "change_status", &form).await.status, 200);

    // Waiting on client: fine for the open one, not from Completed.
    let form = format!(
        "references[]={open}&references[]={done}&status=waiting_on_client&assign_to_me=true&priority=high"
    );
    let reply = h.call(Some(&sam), "bulk_change", &form).await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    assert_eq!(reply.body["done"], serde_json::json!([open.to_string()]));
    assert_eq!(reply.body["failed"][0]["reference"], done.to_string());
    assert!(
        reply.body["failed"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("Completed"),
        "{:?}",
        reply.body
    );
    let record = h.store.ticket(open).await.unwrap();
    assert_eq!(record.summary.status, TicketStatus::WaitingOnClient);
    assert_eq!(record.facts.assignee_id, Some(h.id("sam@agency.example")));
    assert_eq!(record.facts.priority, app::domain::ticket::Priority::High);
    assert_eq!(
        h.store.ticket(done).await.unwrap().summary.status,
        TicketStatus::Completed
    );

    // Nothing to do, too many, or not staff: refused as a whole.
    let nothing = h
        .call(Some(&sam), "bulk_change", &format!("references[]={open}"))
        .await;
    assert_eq!(nothing.status, 400);
    let many = (1..=101)
        .map(|n| format!("references[]=FD-{n}"))
        .collect::<Vec<_>>()
        .join("&");
    let too_many = h
        .call(
            Some(&sam),
            "bulk_change",
            &format!("{many}&status=completed"),
        )
        .await;
    assert_eq!(too_many.status, 400);
    let form = format!("references[]={open}&status=completed");
    assert_eq!(h.call(Some(&tom), "bulk_change", &form).await.status, 403);
    assert_eq!(
        h.store.ticket(open).await.unwrap().summary.status,
        TicketStatus::WaitingOnClient
    );
}

#[tokio::test]
async fn the_bell_tells_each_person_what_happened_on_their_requests_and_counts_the_unread() {
    let h = harness().await;
    let sam = h.sign_in("sam@agency.example").await;
    let priya = h.sign_in("priya@agency.example").await;
    let tom = h.sign_in("tom@bluebird.example").await;
    let grace = h.sign_in("grace@bluebird.example").await;
    let reference = file(&h, &tom, "Mailbox+full").await;
    let sam_id = h.id("sam@agency.example");
    let assign = format!("references[]={reference}&assign_to_me=true");
    assert_eq!(h.call(Some(&sam), "bulk_change", &assign).await.status, 200);
    for form in [
        format!("reference={reference}&body=Clearing+it+now"),
        format!("reference={reference}&body=Quota+raised&internal=true"),
    ] {
        assert_eq!(h.call(Some(&priya), "reply", &form).await.status, 200);
    }
    let hold = format!("reference={reference}&status=waiting_on_client");
    assert_eq!(h.call(Some(&sam), "change_status", &hold).await.status, 200);

    // Tom: the reply (which started the request), the hold, newest first; never the note,
    // never his own filing.
    let inbox = h.call(Some(&tom), "notifications", "").await.body;
    let texts: Vec<&str> = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        [
            "Now Waiting on client",
            "Now In progress",
            "Priya Shah replied"
        ]
    );
    assert_eq!(inbox["unread"], 3);
    // Grace (Bluebird's admin) sees the company's requests; Sam, assigned, hears of Priya's
    // reply and note but not of his own moves; Priya is not assigned and hears nothing.
    assert_eq!(
        h.call(Some(&grace), "notifications", "").await.body["unread"],
        3
    );
    let sams: Vec<String> = h.call(Some(&sam), "notifications", "").await.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["text"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        sams,
        [
            "Priya Shah added an internal note",
            "Now In progress",
            "Priya Shah replied"
        ]
    );
    assert_eq!(
        h.call(Some(&priya), "notifications", "").await.body["unread"],
        0
    );
    assert_eq!(
        h.store.ticket(reference).await.unwrap().facts.assignee_id,
        Some(sam_id)
    );

    // Opening the bell marks what it showed as read; a later change counts again.
    let newest = inbox["items"][0]["event_id"].as_i64().unwrap();
    let read = format!("through={newest}");
    assert_eq!(
        h.call(Some(&tom), "mark_notifications_read", &read)
            .await
            .status,
        200
    );
    assert_eq!(
        h.call(Some(&tom), "notifications", "").await.body["unread"],
        0
    );
    let back = format!("reference={reference}&status=in_progress");
    assert_eq!(h.call(Some(&sam), "change_status", &back).await.status, 200);
    let inbox = h.call(Some(&tom), "notifications", "").await.body;
    assert_eq!(inbox["unread"], 1);
    assert_eq!(inbox["items"][0]["unread"], true);
    assert_eq!(inbox["items"][1]["unread"], false);
}

/// Whether the board marks the request as having new activity for this person.
async fn marked(h: &Harness, cookie: &str, reference: TicketRef) -> bool {
    let list = h.call(Some(cookie), "list_queue", "").await.body;
    list["unread"]
        .as_array()
        .unwrap()
        .contains(&serde_json::json!(reference.to_string()))
}

async fn open(h: &Harness, cookie: &str, reference: TicketRef) {
    let form = format!("reference={reference}");
    assert_eq!(h.call(Some(cookie), "get_ticket", &form).await.status, 200);
}

#[tokio::test]
async fn the_board_marks_requests_with_activity_by_others_since_they_were_last_opened() {
    let h = harness().await;
    let sam = h.sign_in("sam@agency.example").await;
    let priya = h.sign_in("priya@agency.example").await;
    let tom = h.sign_in("tom@bluebird.example").await;
    let reference = file(&h, &tom, "Label+printer").await;
    assert!(
        marked(&h, &sam, reference).await,
        "never opened, filed by someone else"
    );
    open(&h, &sam, reference).await;
    assert!(!marked(&h, &sam, reference).await);
    // Sam's own change does not mark it for him; Priya's reply does.
    let start = format!("reference={reference}&status=in_progress");
    assert_eq!(
        h.call(Some(&sam), "change_status", &start).await.status,
        200
    );
    assert!(!marked(&h, &sam, reference).await);
    let reply = format!("reference={reference}&body=Looking");
    assert_eq!(h.call(Some(&priya), "reply", &reply).await.status, 200);
    assert!(marked(&h, &sam, reference).await);
    open(&h, &sam, reference).await;
    assert!(!marked(&h, &sam, reference).await);
    // Clients' lists carry no marks.
    let mine = h.call(Some(&tom), "list_my_requests", "").await.body;
    assert_eq!(mine["unread"], serde_json::json!([]));
}
