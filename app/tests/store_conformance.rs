//! One suite, both backends: every store behaviour is checked on SQLite and on PostgreSQL.
//!
//! PostgreSQL tests need `FRONTDOOR_TEST_POSTGRES_URL` (a role with CREATEDB); `make test` starts a
//! real server and sets it. Without it they are skipped with a notice, unless
//! `FRONTDOOR_REQUIRE_POSTGRES=1` (as in `make test`), which turns a skip into a failure.

use app::backend::clock::Clock;
use app::backend::seed::{SeedOutcome, seed_demo};
use app::backend::store::scratch::{Scratch, scratch_postgres, scratch_sqlite};
use app::backend::store::{
    Filing, NewAccount, NewApiToken, NewAttachment, NewAuditEntry, NewFeedback, NewLink, NewMail,
    NewMessage, NewPush, NewSubscription, NewTask, NewTicket, NewUser, SessionOrigin, StatusFilter,
    Store, StoreError, TicketQuery,
};
use app::domain::audit::{AuditAction, AuditFilter};
use app::domain::feedback::CHANGE_WINDOW_MS;
use app::domain::knowledge::{ArticleAccess, ArticleText, Audience, DEFLECTION_GRACE_MS};
use app::domain::listing::{AssigneeFilter, QueueFilter};
use app::domain::people::MemberStatus;
use app::domain::policy::{Role, Team, TicketScope, Visibility};
use app::domain::report::{
    DAY_MS, FollowUps, ReportFilter, ReportTable, TimeStats, business_duration, csv,
};
use app::domain::search::{MATCH_END, MATCH_START};
use app::domain::sign_in::LinkPurpose;
use app::domain::ticket::{Channel, TicketChange, TicketRef, TicketStatus};
use sqlx::{AnyConnection, Connection, Executor};

const T0: i64 = 1_790_000_000_000;

async fn sqlite() -> Option<Scratch> {
    Some(scratch_sqlite().await.expect("a scratch SQLite database"))
}

async fn postgres() -> Option<Scratch> {
    if let Ok(url) = std::env::var("FRONTDOOR_TEST_POSTGRES_URL") {
        return Some(
            scratch_postgres(&url)
                .await
                .expect("a scratch Postgres database"),
        );
    }
    assert!(
        std::env::var("FRONTDOOR_REQUIRE_POSTGRES").as_deref() != Ok("1"),
        "FRONTDOOR_REQUIRE_POSTGRES=1 but FRONTDOOR_TEST_POSTGRES_URL is not set"
    );
    eprintln!("skipped: set FRONTDOOR_TEST_POSTGRES_URL to run the Postgres conformance tests");
    None
}

/// Runs each listed test against both backends.
macro_rules! conformance {
    ($($test:ident),* $(,)?) => {
        mod on_sqlite {
            $(#[tokio::test] async fn $test() { if let Some(db) = super::sqlite().await { super::$test(&db).await } })*
        }
        mod on_postgres {
            $(#[tokio::test] async fn $test() { if let Some(db) = super::postgres().await { super::$test(&db).await } })*
        }
    };
}

conformance!(
    migrations_run_again_without_harm,
    references_start_at_1001_and_creation_is_recorded,
    lists_show_each_scope_exactly_its_tickets,
    status_changes_follow_the_machine_and_are_recorded,
    writers_at_the_same_moment_all_succeed,
    a_request_sent_again_under_its_key_is_filed_once,
    events_are_read_back_in_order_within_scope,
    sessions_find_their_person_until_they_expire,
    idle_sessions_end_and_used_ones_stay,
    sessions_are_listed_and_ended_per_person,
    links_work_once,
    mail_is_claimed_by_one_sender_and_retried,
    the_audit_log_is_append_only_and_filterable,
    audit_entries_name_the_tokens_they_are_about,
    teams_list_their_members_with_status,
    emails_are_unique_whatever_their_case,
    demo_data_is_seeded_once,
    unknown_tickets_are_not_found,
    search_ranks_matches_within_scope_and_keeps_notes_internal,
    search_counts_a_merged_duplicate_for_its_survivor,
    pages_are_cut_by_position_not_offset,
    staff_filters_narrow_the_queue,
    facts_edits_check_the_version,
    checklists_change_only_while_their_task_is_open,
    attachments_are_claimed_once_by_their_uploader,
    unsent_uploads_are_counted_and_removed_when_stale,
    sla_marks_follow_the_policy_and_pause_while_waiting,
    rules_keep_their_order_and_route_through_the_rotation,
    sla_alerts_are_claimed_by_one_timer_and_raised_once,
    tiers_give_their_companies_their_own_targets,
    a_rule_puts_a_ticket_on_a_tier,
    articles_keep_their_slug_and_audience,
    article_search_ranks_any_matching_word_with_a_marked_passage,
    votes_and_deflections_are_counted_per_article,
    feedback_reopens_on_no_and_changes_within_the_week,
    the_link_signing_key_is_made_once,
    push_devices_change_hands,
    push_notifications_go_once_and_go_with_their_device,
    api_tokens_are_found_by_hash_and_stop_with_their_maker,
    service_tokens_act_as_their_own_account,
    webhook_deliveries_queue_once_and_are_claimed_retried_and_settled,
    settled_deliveries_are_sent_again_and_removed_webhooks_get_nothing,
    slack_channels_threads_and_sightings_are_kept_once,
    slack_posts_queue_with_their_follower_and_retry,
    sso_providers_are_set_per_company_and_sign_ins_taken_once,
    report_figures_match_a_hand_computed_fixture,
    follow_ups_are_recounted_as_requests_change,
);

/// An agency with two client companies: Acme (two contacts) and Bluebird (one).
struct World {
    acme: i64,
    bluebird: i64,
    dana: i64,
    luis: i64,
    grace: i64,
    sam: i64,
}

async fn world(store: &Store) -> World {
    let account = |name, slug| NewAccount {
        name,
        slug,
        visibility: Visibility::OwnRequests,
    };
    let acme = store
        .create_account(&account("Acme", "acme"), T0)
        .await
        .unwrap();
    let bluebird = store
        .create_account(&account("Bluebird", "bluebird"), T0)
        .await
        .unwrap();
    let user = |account_id, email, name, role| NewUser {
        account_id,
        email,
        name,
        role,
        password_hash: None,
    };
    World {
        acme,
        bluebird,
        dana: store
            .create_user(
                &user(Some(acme), "dana@acme.test", "Dana", Role::AccountAdmin),
                T0,
            )
            .await
            .unwrap(),
        luis: store
            .create_user(
                &user(Some(acme), "luis@acme.test", "Luis", Role::Contact),
                T0,
            )
            .await
            .unwrap(),
        grace: store
            .create_user(
                &user(
                    Some(bluebird),
                    "grace@bluebird.test",
                    "Grace",
                    Role::Contact,
                ),
                T0,
            )
            .await
            .unwrap(),
        sam: store
            .create_user(&user(None, "sam@agency.test", "Sam", Role::Agent), T0)
            .await
            .unwrap(),
    }
}

async fn file(
    store: &Store,
    account_id: i64,
    requester_id: i64,
    title: &str,
    at: i64,
) -> TicketRef {
    let ticket = NewTicket::from_portal(account_id, requester_id, title, "details");
    store.create_ticket(&ticket, at).await.unwrap().reference
}

async fn migrations_run_again_without_harm(db: &Scratch) {
    let store = &db.store;
    store.migrate().await.unwrap();
    store.migrate().await.unwrap();
    assert_eq!(store.count_tickets().await.unwrap(), 0);
}

async fn references_start_at_1001_and_creation_is_recorded(db: &Scratch) {
    let store = &db.store;
    let w = world(store).await;
    let first = store
        .create_ticket(
            &NewTicket::from_portal(w.acme, w.luis, "Printer", "Blank pages"),
            T0,
        )
        .await
        .unwrap();
    assert_eq!(first.reference, TicketRef(1001));
    assert_eq!(first.change, TicketChange::Created);
    assert_eq!(
        file(store, w.acme, w.luis, "Second", T0 + 1).await,
        TicketRef(1002)
    );

    let record = store.ticket(first.reference).await.unwrap();
    assert_eq!(record.summary.title, "Printer");
    assert_eq!(record.summary.status, TicketStatus::New);
    assert_eq!(record.summary.account_name, "Acme");
    assert_eq!(record.summary.requester_name, "Luis");
    assert_eq!(record.description, "Blank pages");
    assert_eq!(
        (record.owner.account_id, record.owner.requester_id),
        (w.acme, w.luis)
    );

    let timeline = store.timeline(first.reference, false).await.unwrap();
    assert_eq!(timeline.len(), 1);
    assert_eq!(timeline[0].change, TicketChange::Created);
    assert_eq!(timeline[0].actor_name.as_deref(), Some("Luis"));
    assert_eq!(timeline[0].at, T0);
}

async fn lists_show_each_scope_exactly_its_tickets(db: &Scratch) {
    let store = &db.store;
    let w = world(store).await;
    let luis_1 = file(store, w.acme, w.luis, "Luis 1", T0).await;
    let dana_1 = file(store, w.acme, w.dana, "Dana 1", T0 + 1).await;
    let grace_1 = file(store, w.bluebird, w.grace, "Grace 1", T0 + 2).await;
    let refs = |tickets: Vec<app::domain::ticket::TicketSummary>| {
        tickets.into_iter().map(|t| t.reference).collect::<Vec<_>>()
    };

    let all = store
        .list_tickets(TicketScope::All, StatusFilter::Any, 10)
        .await
        .unwrap();
    assert_eq!(
        refs(all),
        vec![grace_1, dana_1, luis_1],
        "newest activity first"
    );
    let acme = store
        .list_tickets(TicketScope::Account(w.acme), StatusFilter::Any, 10)
        .await
        .unwrap();
    assert_eq!(refs(acme), vec![dana_1, luis_1]);
    let own = TicketScope::Requester {
        account_id: w.acme,
        user_id: w.luis,
    };
    assert_eq!(
        refs(
            store
                .list_tickets(own, StatusFilter::Any, 10)
                .await
                .unwrap()
        ),
        vec![luis_1]
    );
    // A requester id paired with the wrong account sees nothing, not the other company's tickets.
    let mismatched = TicketScope::Requester {
        account_id: w.acme,
        user_id: w.grace,
    };
    assert!(
        store
            .list_tickets(mismatched, StatusFilter::Any, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .list_tickets(TicketScope::Nothing, StatusFilter::Any, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store
            .list_tickets(TicketScope::All, StatusFilter::Any, 2)
            .await
            .unwrap()
            .len(),
        2,
        "limit holds"
    );

    store
        .change_status(luis_1, TicketStatus::Completed, w.sam, T0 + 10)
        .await
        .unwrap();
    let open = store
        .list_tickets(TicketScope::All, StatusFilter::Open, 10)
        .await
        .unwrap();
    assert_eq!(refs(open), vec![grace_1, dana_1]);
    let done = store
        .list_tickets(TicketScope::All, StatusFilter::Completed, 10)
        .await
        .unwrap();
    assert_eq!(refs(done), vec![luis_1]);
}

async fn status_changes_follow_the_machine_and_are_recorded(db: &Scratch) {
    let store = &db.store;
    let w = world(store).await;
    let reference = file(store, w.acme, w.luis, "Wi-Fi", T0).await;

    let started = store
        .change_status(reference, TicketStatus::InProgress, w.sam, T0 + 5)
        .await
        .unwrap();
    assert_eq!(
        started.change,
        TicketChange::StatusChanged {
            from: TicketStatus::New,
            to: TicketStatus::InProgress
        }
    );

    let refused = store
        .change_status(reference, TicketStatus::New, w.sam, T0 + 6)
        .await;
    assert!(
        matches!(refused, Err(StoreError::Transition(_))),
        "{refused:?}"
    );
    let again = store
        .change_status(reference, TicketStatus::InProgress, w.sam, T0 + 6)
        .await;
    assert!(
        matches!(again, Err(StoreError::Transition(_))),
        "moving to where it stands is refused"
    );

    store
        .change_status(reference, TicketStatus::Completed, w.sam, T0 + 7)
        .await
        .unwrap();
    let record = store.ticket(reference).await.unwrap();
    assert_eq!(record.summary.status, TicketStatus::Completed);
    assert_eq!(record.summary.updated_at, T0 + 7);

    let timeline = store.timeline(reference, false).await.unwrap();
    let changes: Vec<_> = timeline.iter().map(|e| e.change.clone()).collect();
    assert_eq!(
        changes,
        vec![
            TicketChange::Created,
            TicketChange::StatusChanged {
                from: TicketStatus::New,
                to: TicketStatus::InProgress
            },
            TicketChange::StatusChanged {
                from: TicketStatus::InProgress,
                to: TicketStatus::Completed
            },
        ]
    );
    assert_eq!(timeline[1].actor_name.as_deref(), Some("Sam"));
}

/// Many read-then-write transactions at once (as under a busy board): none may fail. On SQLite a
/// transaction that read before another connection committed cannot write any more, so writes
/// must take the lock when they begin.
async fn writers_at_the_same_moment_all_succeed(db: &Scratch) {
    let store = &db.store;
    let w = world(store).await;
    let mut references = Vec::new();
    for n in 0..12 {
        references.push(file(store, w.acme, w.luis, &format!("Request {n}"), T0 + n).await);
    }
    let work = references.iter().map(|&reference| async move {
        store
            .change_status(reference, TicketStatus::InProgress, w.sam, T0 + 100)
            .await?;
        let reply = NewMessage {
            author_id: w.sam,
            by_client: false,
            body: "On it",
            internal: false,
            attachments: &[],
        };
        store.add_message(reference, &reply, T0 + 200).await
    });
    let outcomes = futures::future::join_all(work).await;
    let failed: Vec<_> = outcomes.iter().filter_map(|o| o.as_ref().err()).collect();
    assert!(failed.is_empty(), "{failed:?}");
    for reference in references {
        let record = store.ticket(reference).await.unwrap();
        assert_eq!(record.summary.status, TicketStatus::InProgress);
    }
}

/// A request written offline is sent until an answer arrives: the same key, at once or later,
/// files it once. Keys are the sender's own: another person's same key files their own request.
async fn a_request_sent_again_under_its_key_is_filed_once(db: &Scratch) {
    let store = &db.store;
    let w = world(store).await;
    let ticket = NewTicket::from_portal(w.acme, w.luis, "Printer jam", "Tray 2");
    let sendings = (0..6).map(|n| store.create_ticket_once(&ticket, "offline-key-1", T0 + n));
    let outcomes: Vec<Filing> = futures::future::try_join_all(sendings).await.unwrap();
    let reference = outcomes[0].reference();
    assert!(
        outcomes.iter().all(|o| o.reference() == reference),
        "{outcomes:?}"
    );
    let filed = outcomes
        .iter()
        .filter(|o| matches!(o, Filing::Filed(_)))
        .count();
    assert_eq!(filed, 1, "{outcomes:?}");
    let later = store
        .create_ticket_once(&ticket, "offline-key-1", T0 + 99)
        .await
        .unwrap();
    assert_eq!(later, Filing::AlreadyFiled(reference));

    let dana = NewTicket::from_portal(w.acme, w.dana, "Printer jam", "Tray 2");
    let hers = store
        .create_ticket_once(&dana, "offline-key-1", T0 + 100)
        .await
        .unwrap();
    assert!(matches!(hers, Filing::Filed(_)));
    assert_ne!(hers.reference(), reference);
    let all = store
        .list_tickets(TicketScope::Account(w.acme), StatusFilter::Any, 50)
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
}

async fn events_are_read_back_in_order_within_scope(db: &Scratch) {
    let store = &db.store;
    let w = world(store).await;
    let start = store.latest_event_id().await.unwrap();
    let acme_ticket = file(store, w.acme, w.luis, "Acme", T0).await;
    let bluebird_ticket = file(store, w.bluebird, w.grace, "Bluebird", T0 + 1).await;
    store
        .change_status(acme_ticket, TicketStatus::InProgress, w.sam, T0 + 2)
        .await
        .unwrap();

    let all = store
        .events_after(start, TicketScope::All, true, 100)
        .await
        .unwrap();
    assert_eq!(all.len(), 3);
    assert!(
        all.windows(2)
            .all(|pair| pair[0].event.id < pair[1].event.id),
        "ids ascend"
    );
    assert_eq!(store.latest_event_id().await.unwrap(), all[2].event.id);
    // Who made each change comes along: a stream does not announce a reader's own changes.
    assert_eq!(all[2].actor_id, Some(w.sam));

    let acme_only = store
        .events_after(start, TicketScope::Account(w.acme), false, 100)
        .await
        .unwrap();
    assert!(acme_only.iter().all(|e| e.event.reference == acme_ticket));
    assert_eq!(acme_only.len(), 2);
    let bluebird_only = store
        .events_after(start, TicketScope::Account(w.bluebird), false, 100)
        .await
        .unwrap();
    assert_eq!(
        bluebird_only
            .iter()
            .map(|e| e.event.reference)
            .collect::<Vec<_>>(),
        vec![bluebird_ticket]
    );

    // Resuming after an event returns exactly the later ones.
    let resumed = store
        .events_after(all[0].event.id, TicketScope::All, true, 100)
        .await
        .unwrap();
    assert_eq!(resumed, all[1..].to_vec());
    assert_eq!(
        store
            .events_after(start, TicketScope::All, true, 1)
            .await
            .unwrap()
            .len(),
        1
    );

    // The log is append-only, enforced by the database itself.
    let mut raw = AnyConnection::connect(&db.url).await.unwrap();
    assert!(
        raw.execute("UPDATE ticket_events SET kind = 'forged'")
            .await
            .is_err()
    );
    assert!(raw.execute("DELETE FROM ticket_events").await.is_err());
}

async fn sessions_find_their_person_until_they_expire(db: &Scratch) {
    let store = &db.store;
    let w = world(store).await;
    let origin = SessionOrigin {
        user_agent: "Phone".into(),
        ip: "10.0.0.1".into(),
    };
    store
        .create_session(w.luis, "hash-1", &origin, T0, T0 + 1_000)
        .await
        .unwrap();
    let session = store
        .live_session("hash-1", T0 + 1)
        .await
        .unwrap()
        .expect("a live session");
    let actor = session.actor;
    assert_eq!(
        (actor.user_id, actor.role, actor.account_id),
        (w.luis, Role::Contact, Some(w.acme))
    );
    assert_eq!(actor.visibility, Visibility::OwnRequests);
    assert!(
        store
            .live_session("hash-1", T0 + 1_000)
            .await
            .unwrap()
            .is_none(),
        "expired"
    );
    assert!(
        store.live_session("other", T0 + 1).await.unwrap().is_none(),
        "unknown"
    );

    store
        .create_session(w.sam, "hash-2", &origin, T0, T0 + 1_000)
        .await
        .unwrap();
    let staff = store
        .live_session("hash-2", T0)
        .await
        .unwrap()
        .unwrap()
        .actor;
    assert_eq!((staff.role, staff.account_id), (Role::Agent, None));
    store.delete_session("hash-2").await.unwrap();
    assert!(
        store.live_session("hash-2", T0).await.unwrap().is_none(),
        "signed out"
    );
}

async fn idle_sessions_end_and_used_ones_stay(db: &Scratch) {
    let store = &db.store;
    let w = world(store).await;
    let day = 24 * 3600 * 1000;
    let origin = SessionOrigin::default();
    store
        .create_session(w.sam, "staff", &origin, T0, T0 + day)
        .await
        .unwrap();
    // Used every hour, a staff session lasts the working day.
    for hour in 1..=6 {
        assert!(
            store
                .live_session("staff", T0 + hour * 3_600_000)
                .await
                .unwrap()
                .is_some()
        );
    }
    // Left alone for three hours, it ends.
    assert!(
        store
            .live_session("staff", T0 + 9 * 3_600_000 + 1)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .live_session("staff", T0 + 6 * 3_600_000)
            .await
            .unwrap()
            .is_none(),
        "deleted, not only hidden"
    );
    // A client's phone keeps its session over a quiet week.
    store
        .create_session(w.luis, "phone", &origin, T0, T0 + 30 * day)
        .await
        .unwrap();
    assert!(
        store
            .live_session("phone", T0 + 7 * day)
            .await
            .unwrap()
            .is_some()
    );
}

async fn sessions_are_listed_and_ended_per_person(db: &Scratch) {
    let store = &db.store;
    let w = world(store).await;
    let origin = SessionOrigin {
        user_agent: "Laptop".into(),
        ip: "10.0.0.2".into(),
    };
    for hash in ["a", "b", "c"] {
        store
            .create_session(w.luis, hash, &origin, T0, T0 + 10_000)
            .await
            .unwrap();
    }
    store
        .create_session(w.dana, "d", &origin, T0, T0 + 10_000)
        .await
        .unwrap();
    let luis = store.sessions_of(w.luis, T0).await.unwrap();
    assert_eq!(luis.len(), 3);
    assert!(
        luis.iter()
            .all(|s| s.user_agent == "Laptop" && s.ip == "10.0.0.2")
    );
    let dana_session = store.live_session("d", T0).await.unwrap().unwrap().id;
    assert!(
        !store.delete_session_of(w.luis, dana_session).await.unwrap(),
        "not Luis's to end"
    );
    assert!(store.delete_session_of(w.luis, luis[0].id).await.unwrap());
    let keep = store.live_session("b", T0).await.unwrap().unwrap().id;
    assert_eq!(
        store.delete_sessions_of(w.luis, Some(keep)).await.unwrap(),
        1
    );
    assert_eq!(store.sessions_of(w.luis, T0).await.unwrap().len(), 1);
    let streaming = store.session_actor(keep, T0).await.unwrap().unwrap();
    assert_eq!(streaming.user_id, w.luis);
    // A session's person is read as they are now: a stream opened before the company's
    // visibility changed sees what they may see now.
    let before = streaming.visibility;
    let after = if before == Visibility::Company {
        Visibility::OwnRequests
    } else {
        Visibility::Company
    };
    store.set_visibility(w.acme, after).await.unwrap();
    let streaming = store.session_actor(keep, T0).await.unwrap().unwrap();
    assert_eq!(streaming.visibility, after);
    store.set_visibility(w.acme, before).await.unwrap();
    assert!(
        store
            .session_actor(keep, T0 + 10_000)
            .await
            .unwrap()
            .is_none(),
        "an expired session has nobody behind it"
    );
    store.set_user_active(w.luis, false, T0).await.unwrap();
    assert!(
        store.session_actor(keep, T0).await.unwrap().is_none(),
        "a deactivated person's sessions are dead"
    );
    assert!(
        store.live_session("d", T0).await.unwrap().is_some(),
        "Dana is untouched"
    );
}

async fn links_work_once(db: &Scratch) {
    let store = &db.store;
    let w = world(store).await;
    let link = NewLink {
        token_hash: "link-1",
        purpose: LinkPurpose::MagicLink,
        user_id: w.luis,
        browser_hash: Some("browser"),
    };
    store.create_link(&link, T0).await.unwrap();
    let stored = store.link("link-1").await.unwrap().expect("stored");
    assert_eq!(stored.user_id, w.luis);
    assert_eq!(
        stored.record.expires_at,
        T0 + LinkPurpose::MagicLink.lifetime_ms()
    );
    assert_eq!(stored.record.browser_hash.as_deref(), Some("browser"));
    assert!(store.use_link("link-1", T0 + 1).await.unwrap());
    assert!(
        !store.use_link("link-1", T0 + 2).await.unwrap(),
        "single use"
    );
    assert_eq!(
        store.link("link-1").await.unwrap().unwrap().record.used_at,
        Some(T0 + 1)
    );

    store
        .create_link(
            &NewLink {
                token_hash: "link-2",
                ..link.clone()
            },
            T0,
        )
        .await
        .unwrap();
    assert!(
        !store
            .use_link("link-2", T0 + LinkPurpose::MagicLink.lifetime_ms())
            .await
            .unwrap(),
        "expired"
    );
    store
        .create_link(
            &NewLink {
                token_hash: "link-3",
                ..link
            },
            T0,
        )
        .await
        .unwrap();
    store.set_user_active(w.luis, false, T0).await.unwrap();
    assert!(
        store.link("link-3").await.unwrap().is_none(),
        "a deactivated person's links are dead"
    );
}

async fn mail_is_claimed_by_one_sender_and_retried(db: &Scratch) {
    let store = &db.store;
    let first = store
        .enqueue_mail(&NewMail::plain("a@x.test", "One", "Body one", "test"), T0)
        .await
        .unwrap();
    store
        .enqueue_mail(
            &NewMail::plain("b@x.test", "Two", "Body two", "test"),
            T0 + 1,
        )
        .await
        .unwrap();
    let claimed = store
        .claim_due_mail(T0 + 5, 1_000)
        .await
        .unwrap()
        .expect("due mail");
    assert_eq!((claimed.id, claimed.attempts), (first, 1));
    let second = store
        .claim_due_mail(T0 + 5, 1_000)
        .await
        .unwrap()
        .expect("the next one");
    assert_eq!(second.subject, "Two");
    assert!(
        store.claim_due_mail(T0 + 5, 1_000).await.unwrap().is_none(),
        "both are claimed"
    );
    store.mark_mail_sent(first, T0 + 6).await.unwrap();
    store
        .mark_mail_failed(second.id, "connection refused", T0 + 60_000)
        .await
        .unwrap();
    assert!(
        store
            .claim_due_mail(T0 + 59_999, 1_000)
            .await
            .unwrap()
            .is_none(),
        "waits for its retry"
    );
    let retried = store
        .claim_due_mail(T0 + 60_000, 1_000)
        .await
        .unwrap()
        .expect("retried");
    assert_eq!((retried.id, retried.attempts), (second.id, 2));
    // A sender that died holding a claim: the lease runs out and someone else takes it.
    let again = store
        .claim_due_mail(T0 + 61_000, 1_000)
        .await
        .unwrap()
        .expect("lease expired");
    assert_eq!((again.id, again.attempts), (second.id, 3));
    assert_eq!(store.mail_to("a@x.test").await.unwrap().len(), 1);
}

async fn the_audit_log_is_append_only_and_filterable(db: &Scratch) {
    let store = &db.store;
    let w = world(store).await;
    for (action, account) in [
        (AuditAction::SignedIn, Some(w.acme)),
        (AuditAction::Invited, Some(w.acme)),
        (AuditAction::SignedIn, Some(w.bluebird)),
        (AuditAction::RoleChanged, None),
    ] {
        let entry = NewAuditEntry {
            actor_id: Some(w.dana),
            account_id: account,
            action,
            subject: format!("user:{}", w.luis),
            detail: serde_json::json!({ "before": "contact" }),
            ip: "10.0.0.9".into(),
        };
        store.append_audit(&entry, T0).await.unwrap();
    }
    let all = store
        .audit_entries(&AuditFilter::default(), 10)
        .await
        .unwrap();
    assert_eq!(all.len(), 4);
    assert_eq!(all[0].action, "role_changed", "newest first");
    assert_eq!(all[0].actor_name.as_deref(), Some("Dana"));
    assert_eq!(all[0].subject.as_deref(), Some("Luis"), "a person by name");
    let acme_sign_ins = AuditFilter {
        action: Some(AuditAction::SignedIn),
        account_id: Some(w.acme),
        before: None,
    };
    let found = store.audit_entries(&acme_sign_ins, 10).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].account_name.as_deref(), Some("Acme"));
    let older = AuditFilter {
        before: Some(all[1].id),
        ..AuditFilter::default()
    };
    assert_eq!(store.audit_entries(&older, 10).await.unwrap().len(), 2);
    let own_sign_in = NewAuditEntry {
        actor_id: Some(w.luis),
        account_id: Some(w.acme),
        action: AuditAction::SignedIn,
        subject: format!("user:{}", w.luis),
        detail: serde_json::Value::Null,
        ip: String::new(),
    };
    store.append_audit(&own_sign_in, T0).await.unwrap();
    let newest = &store
        .audit_entries(&AuditFilter::default(), 1)
        .await
        .unwrap()[0];
    assert_eq!(
        newest.subject, None,
        "what someone did to themselves names them once"
    );

    let mut raw = AnyConnection::connect(&db.url).await.unwrap();
    assert!(
        raw.execute("UPDATE audit_log SET action = 'forged'")
            .await
            .is_err()
    );
    assert!(raw.execute("DELETE FROM audit_log").await.is_err());
}

/// An entry about a token names the token while it exists.
async fn audit_entries_name_the_tokens_they_are_about(db: &Scratch) {
    let store = &db.store;
    let w = world(store).await;
    let scopes = app::domain::api_token::Scopes::parse("tickets:write").unwrap();
    let token = NewApiToken {
        user_id: w.sam,
        name: "Zapier",
        secret_hash: "hash-audit",
        shown: "fd_abcdef…",
        scopes: &scopes,
        account_limit: None,
        expires_at: None,
    };
    let token_id = store.create_api_token(&token, T0).await.unwrap();
    for subject in [format!("api_token:{token_id}"), "api_token:999".to_owned()] {
        let entry = NewAuditEntry {
            actor_id: Some(w.sam),
            account_id: None,
            action: AuditAction::ApiTokenCreated,
            subject,
            detail: serde_json::Value::Null,
            ip: String::new(),
        };
        store.append_audit(&entry, T0).await.unwrap();
    }
    let tokens = store
        .audit_entries(&AuditFilter::default(), 2)
        .await
        .unwrap();
    assert_eq!(
        tokens[1].subject.as_deref(),
        Some("API token “Zapier”"),
        "a token by its name"
    );
    assert_eq!(
        tokens[0].subject.as_deref(),
        Some("api token 999"),
        "one that is gone by its kind and id"
    );
}

async fn teams_list_their_members_with_status(db: &Scratch) {
    let store = &db.store;
    let w = world(store).await;
    store
        .create_session(w.luis, "s", &SessionOrigin::default(), T0, T0 + 1)
        .await
        .unwrap();
    store.set_user_active(w.dana, false, T0).await.unwrap();
    let acme = store.team_members(Team::Account(w.acme)).await.unwrap();
    let status = |id: i64| acme.iter().find(|m| m.user_id == id).map(|m| m.status);
    assert_eq!(status(w.luis), Some(MemberStatus::Active), "has signed in");
    assert_eq!(status(w.dana), Some(MemberStatus::Deactivated));
    assert_eq!(acme.len(), 2, "only Acme's people");
    let staff = store.team_members(Team::Staff).await.unwrap();
    assert_eq!(
        staff.iter().map(|m| m.user_id).collect::<Vec<_>>(),
        vec![w.sam]
    );
    assert_eq!(
        staff[0].status,
        MemberStatus::Active,
        "added without an invitation"
    );
    let invitation = NewLink {
        token_hash: "invite",
        purpose: LinkPurpose::Invitation,
        user_id: w.sam,
        browser_hash: None,
    };
    store.create_link(&invitation, T0).await.unwrap();
    let staff = store.team_members(Team::Staff).await.unwrap();
    assert_eq!(
        staff[0].status,
        MemberStatus::Invited,
        "invited, never signed in"
    );
    store
        .set_user_role(w.luis, Role::AccountAdmin)
        .await
        .unwrap();
    let (member, _) = store.member(w.luis).await.unwrap().unwrap();
    assert_eq!(member.role, Role::AccountAdmin);
    assert!(matches!(
        store.set_user_role(999_999, Role::Contact).await,
        Err(StoreError::NotFound)
    ));
    store
        .set_visibility(w.acme, Visibility::Company)
        .await
        .unwrap();
    assert_eq!(store.visibility(w.acme).await.unwrap(), Visibility::Company);
    assert_eq!(
        store
            .live_session("s", T0)
            .await
            .unwrap()
            .unwrap()
            .actor
            .visibility,
        Visibility::Company
    );
}

async fn emails_are_unique_whatever_their_case(db: &Scratch) {
    let store = &db.store;
    let w = world(store).await;
    let twin = NewUser {
        account_id: Some(w.acme),
        email: "  LUIS@Acme.test ",
        name: "Luis 2",
        role: Role::Contact,
        password_hash: None,
    };
    assert!(matches!(
        store.create_user(&twin, T0).await,
        Err(StoreError::Conflict(_))
    ));
    let staff_with_account = NewUser {
        account_id: Some(w.acme),
        email: "x@agency.test",
        name: "X",
        role: Role::Agent,
        password_hash: None,
    };
    assert!(
        store.create_user(&staff_with_account, T0).await.is_err(),
        "staff never belong to a client account"
    );
}

async fn demo_data_is_seeded_once(db: &Scratch) {
    let store = &db.store;
    let clock = Clock::manual(T0);
    let outcome = seed_demo(store, &clock, 30).await.unwrap();
    assert!(matches!(outcome, SeedOutcome::Seeded { tickets: 30, .. }));
    assert_eq!(store.count_tickets().await.unwrap(), 30);
    assert_eq!(
        seed_demo(store, &clock, 30).await.unwrap(),
        SeedOutcome::AlreadyHasData
    );
    assert_eq!(store.count_tickets().await.unwrap(), 30);
    let people = store.active_people().await.unwrap();
    assert!(
        people.first().is_some_and(|p| p.role.is_staff()),
        "staff are listed first"
    );
    assert!(people.iter().any(|p| p.role == Role::AccountAdmin));
}

async fn unknown_tickets_are_not_found(db: &Scratch) {
    let store = &db.store;
    let w = world(store).await;
    assert!(matches!(
        store.ticket(TicketRef(999_999)).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store
            .change_status(TicketRef(999_999), TicketStatus::InProgress, w.sam, T0)
            .await,
        Err(StoreError::NotFound)
    ));
}

async fn say(
    store: &Store,
    reference: TicketRef,
    author_id: i64,
    body: &str,
    internal: bool,
    at: i64,
) {
    let message = NewMessage {
        author_id,
        by_client: !internal,
        body,
        internal,
        attachments: &[],
    };
    store.add_message(reference, &message, at).await.unwrap();
}

async fn search_ranks_matches_within_scope_and_keeps_notes_internal(db: &Scratch) {
    let store = &db.store;
    let w = world(store).await;
    let invoice = file(store, w.acme, w.luis, "Invoice copy for May", T0).await;
    let mention = file(store, w.acme, w.luis, "Printer jammed", T0 + 1).await;
    let other = file(store, w.bluebird, w.grace, "Invoice question", T0 + 2).await;
    say(
        store,
        mention,
        w.luis,
        "Also the invoice address changed",
        false,
        T0 + 3,
    )
    .await;
    say(
        store,
        mention,
        w.sam,
        "walrus: client owes two invoices",
        true,
        T0 + 4,
    )
    .await;

    let hits = store
        .search(TicketScope::Account(w.acme), false, "invoices", 10)
        .await
        .unwrap();
    let found: Vec<TicketRef> = hits.iter().map(|h| h.ticket.reference).collect();
    assert_eq!(
        found,
        [invoice, mention],
        "a title match ranks first; other companies never show"
    );
    assert!(
        hits[0]
            .snippet
            .iter()
            .any(|p| p.matched && p.text.to_lowercase().starts_with("invoice"))
    );
    assert!(!found.contains(&other));

    assert!(
        store
            .search(TicketScope::Account(w.acme), false, "walrus", 10)
            .await
            .unwrap()
            .is_empty()
    );
    let staff = store
        .search(TicketScope::All, true, "walrus", 10)
        .await
        .unwrap();
    assert_eq!(staff.len(), 1);
    assert_eq!(staff[0].ticket.reference, mention);
    assert!(
        staff[0]
            .snippet
            .iter()
            .any(|p| p.matched && p.text.eq_ignore_ascii_case("walrus"))
    );

    // Prefixes match; engine syntax is only ever words.
    assert_eq!(
        store
            .search(TicketScope::All, false, "print", 10)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        store
            .search(TicketScope::All, false, "\" OR * NEAR(", 10)
            .await
            .unwrap()
            .len()
            <= 3
    );
    assert!(
        store
            .search(TicketScope::All, false, "   ", 10)
            .await
            .unwrap()
            .is_empty()
    );
    let own = TicketScope::Requester {
        account_id: w.acme,
        user_id: w.dana,
    };
    assert!(
        store
            .search(own, false, "invoice", 10)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn search_counts_a_merged_duplicate_for_its_survivor(db: &Scratch) {
    let store = &db.store;
    let w = world(store).await;
    let survivor = file(store, w.acme, w.luis, "Site slow", T0).await;
    let duplicate = file(store, w.acme, w.luis, "Homepage timeout", T0 + 1).await;
    store
        .merge(duplicate, survivor, w.sam, T0 + 2)
        .await
        .unwrap();
    let hits = store
        .search(TicketScope::All, false, "timeout", 10)
        .await
        .unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].ticket.reference, survivor);
    let timeline = store.timeline(survivor, false).await.unwrap();
    assert!(timeline.iter().any(|e| e.from_ticket == Some(duplicate)));
    assert!(matches!(
        store.merge(duplicate, survivor, w.sam, T0 + 3).await,
        Err(StoreError::Conflict(_))
    ));

    // Dana's duplicate merged into Luis's request: someone who sees only their own requests
    // finds their duplicate, never the request they may not open.
    let dana_duplicate = file(store, w.acme, w.dana, "Website timeout recurring", T0 + 4).await;
    store
        .merge(dana_duplicate, survivor, w.sam, T0 + 5)
        .await
        .unwrap();
    let own = TicketScope::Requester {
        account_id: w.acme,
        user_id: w.dana,
    };
    let hits = store.search(own, false, "recurring", 10).await.unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].ticket.reference, dana_duplicate);
    let company = TicketScope::Account(w.acme);
    let hits = store.search(company, false, "recurring", 10).await.unwrap();
    assert_eq!(hits[0].ticket.reference, survivor);
}

async fn pages_are_cut_by_position_not_offset(db: &Scratch) {
    let store = &db.store;
    let w = world(store).await;
    for n in 0..7 {
        file(store, w.acme, w.luis, &format!("Request {n}"), T0 + n).await;
    }
    // Two tickets updated in the same millisecond still page apart, by id.
    file(store, w.acme, w.luis, "Twin", T0 + 6).await;
    let query = |after| TicketQuery {
        scope: TicketScope::Account(w.acme),
        after,
        limit: 3,
        ..TicketQuery::default()
    };
    let mut seen = Vec::new();
    let mut after = None;
    let mut pages = 0;
    loop {
        let page = store.list_page(&query(after)).await.unwrap();
        pages += 1;
        if pages == 2 {
            // Filed between pages: lands on top, shifts nothing.
            file(store, w.acme, w.luis, "Late", T0 + 100).await;
        }
        seen.extend(page.tickets.iter().map(|t| t.title.clone()));
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(
        seen,
        [
            "Twin",
            "Request 6",
            "Request 5",
            "Request 4",
            "Request 3",
            "Request 2",
            "Request 1",
            "Request 0"
        ]
    );
}

async fn staff_filters_narrow_the_queue(db: &Scratch) {
    let store = &db.store;
    let w = world(store).await;
    let mine = file(store, w.acme, w.luis, "Mine", T0).await;
    let theirs = file(store, w.bluebird, w.grace, "Theirs", T0 + 1).await;
    let mut facts = store.ticket(mine).await.unwrap().facts;
    facts.assignee_id = Some(w.sam);
    facts.priority = app::domain::ticket::Priority::High;
    facts.tags = vec!["DNS".into()];
    store
        .update_facts(mine, &facts, w.sam, T0 + 2)
        .await
        .unwrap();
    let list = |filter: QueueFilter| {
        let query = TicketQuery {
            scope: TicketScope::All,
            filter,
            viewer_id: w.sam,
            ..TicketQuery::default()
        };
        async move {
            store
                .list_page(&query)
                .await
                .unwrap()
                .tickets
                .into_iter()
                .map(|t| t.reference)
                .collect::<Vec<_>>()
        }
    };
    let by = |f: fn(&mut QueueFilter)| {
        let mut filter = QueueFilter::default();
        f(&mut filter);
        filter
    };
    assert_eq!(
        list(by(|f| f.assignee = Some(AssigneeFilter::Me))).await,
        [mine]
    );
    assert_eq!(
        list(by(|f| f.assignee = Some(AssigneeFilter::Unassigned))).await,
        [theirs]
    );
    assert_eq!(list(by(|f| f.tag = Some("dns".into()))).await, [mine]);
    assert_eq!(
        list(by(
            |f| f.priority = Some(app::domain::ticket::Priority::Normal)
        ))
        .await,
        [theirs]
    );
    assert_eq!(
        list(by(|f| f.status = Some(TicketStatus::New))).await.len(),
        2
    );
    let bluebird_only = QueueFilter {
        account_id: Some(w.bluebird),
        ..QueueFilter::default()
    };
    assert_eq!(list(bluebird_only).await, [theirs]);
}

async fn facts_edits_check_the_version(db: &Scratch) {
    let store = &db.store;
    let w = world(store).await;
    let reference = file(store, w.acme, w.luis, "Logo", T0).await;
    let read = store.ticket(reference).await.unwrap().facts;
    let mut first = read.clone();
    first.priority = app::domain::ticket::Priority::Critical;
    let (event, version) = store
        .update_facts(reference, &first, w.sam, T0 + 1)
        .await
        .unwrap();
    assert!(event.is_some());
    assert_eq!(version, read.version + 1);
    let mut stale = read.clone();
    stale.priority = app::domain::ticket::Priority::Low;
    assert!(matches!(
        store.update_facts(reference, &stale, w.sam, T0 + 2).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store.ticket(reference).await.unwrap().summary.priority,
        app::domain::ticket::Priority::Critical
    );
    // Nothing to change is no event and no new version.
    let current = store.ticket(reference).await.unwrap().facts;
    let (none, same) = store
        .update_facts(reference, &current, w.sam, T0 + 3)
        .await
        .unwrap();
    assert!(none.is_none());
    assert_eq!(same, current.version);
    // Clients cannot be assigned.
    let mut client = current.clone();
    client.assignee_id = Some(w.luis);
    assert!(matches!(
        store.update_facts(reference, &client, w.sam, T0 + 4).await,
        Err(StoreError::Conflict(_))
    ));
}

async fn checklists_change_only_while_their_task_is_open(db: &Scratch) {
    let store = &db.store;
    let w = world(store).await;
    let reference = file(store, w.acme, w.luis, "DNS move", T0).await;
    let lines = ["Lower the TTL".to_owned(), "Switch records".to_owned()];
    let task = NewTask {
        title: "Move DNS",
        assignee_id: Some(w.sam),
        due_at: None,
        checklist: &lines,
    };
    store
        .add_task(reference, &task, w.sam, T0 + 1)
        .await
        .unwrap();
    let id = store.tasks(reference).await.unwrap()[0].id;
    store.set_checklist_item(id, 1, true).await.unwrap();
    let ticked = |tasks: Vec<app::domain::ticket::Task>| {
        tasks[0]
            .checklist
            .iter()
            .map(|item| item.done)
            .collect::<Vec<_>>()
    };
    assert_eq!(ticked(store.tasks(reference).await.unwrap()), [false, true]);
    // A line or a task that does not exist is not found.
    assert!(matches!(
        store.set_checklist_item(id, 2, true).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.set_checklist_item(id + 100, 0, true).await,
        Err(StoreError::NotFound)
    ));
    // Done once; after that its checklist is a record and stays.
    store.complete_task(id, w.sam, T0 + 2).await.unwrap();
    assert!(matches!(
        store.complete_task(id, w.sam, T0 + 3).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store.set_checklist_item(id, 0, true).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(ticked(store.tasks(reference).await.unwrap()), [false, true]);
}

async fn attachments_are_claimed_once_by_their_uploader(db: &Scratch) {
    let store = &db.store;
    let w = world(store).await;
    let upload = |by| NewAttachment {
        uploaded_by: by,
        filename: "a.png",
        content_type: "image/png",
        is_image: true,
        sha256: "00",
        content: b"\x89PNG bytes",
    };
    let file_id = store.add_attachment(&upload(w.luis), T0).await.unwrap();
    let theirs = NewTicket {
        attachments: &[file_id],
        filed_by: w.grace,
        ..NewTicket::from_portal(w.bluebird, w.grace, "T", "D")
    };
    assert!(matches!(
        store.create_ticket(&theirs, T0).await,
        Err(StoreError::Conflict(_))
    ));
    let mine = NewTicket {
        attachments: &[file_id],
        ..NewTicket::from_portal(w.acme, w.luis, "T", "D")
    };
    let reference = store.create_ticket(&mine, T0).await.unwrap().reference;
    let stored = store.attachment(file_id).await.unwrap();
    assert_eq!(stored.ticket_id, Some(reference.0));
    assert_eq!(stored.content, b"\x89PNG bytes");
    assert_eq!(store.attachments(reference, false).await.unwrap().len(), 1);
    let again = NewTicket {
        attachments: &[file_id],
        ..NewTicket::from_portal(w.acme, w.luis, "T2", "D")
    };
    assert!(matches!(
        store.create_ticket(&again, T0).await,
        Err(StoreError::Conflict(_))
    ));
}

async fn unsent_uploads_are_counted_and_removed_when_stale(db: &Scratch) {
    let store = &db.store;
    let w = world(store).await;
    let upload = |by, content: &'static [u8]| NewAttachment {
        uploaded_by: by,
        filename: "notes.txt",
        content_type: "text/plain",
        is_image: false,
        sha256: "00",
        content,
    };
    let stale = store
        .add_attachment(&upload(w.luis, b"12345"), T0)
        .await
        .unwrap();
    let sent = store
        .add_attachment(&upload(w.luis, b"1234567"), T0)
        .await
        .unwrap();
    let recent = store
        .add_attachment(&upload(w.luis, b"123"), T0 + 10)
        .await
        .unwrap();
    store
        .add_attachment(&upload(w.dana, b"12"), T0 + 10)
        .await
        .unwrap();
    assert_eq!(store.unsent_upload_bytes(w.luis).await.unwrap(), 5 + 7 + 3);
    let with_file = NewTicket {
        attachments: &[sent],
        ..NewTicket::from_portal(w.acme, w.luis, "T", "D")
    };
    store.create_ticket(&with_file, T0).await.unwrap();
    assert_eq!(store.unsent_upload_bytes(w.luis).await.unwrap(), 5 + 3);
    assert_eq!(store.unsent_upload_bytes(w.grace).await.unwrap(), 0);

    assert_eq!(store.remove_unsent_uploads(T0 + 5).await.unwrap(), 1);
    assert!(matches!(
        store.attachment(stale).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.attachment(sent).await.unwrap().content, b"1234567");
    assert_eq!(store.attachment(recent).await.unwrap().content, b"123");
    assert_eq!(store.unsent_upload_bytes(w.luis).await.unwrap(), 3);
    assert_eq!(store.unsent_upload_bytes(w.dana).await.unwrap(), 2);

    // One taken back by hand: only by its uploader, only while unsent.
    for (id, by) in [(recent, w.dana), (sent, w.luis)] {
        assert!(matches!(
            store.remove_unsent_upload(id, by).await,
            Err(StoreError::NotFound)
        ));
    }
    store.remove_unsent_upload(recent, w.luis).await.unwrap();
    assert_eq!(store.unsent_upload_bytes(w.luis).await.unwrap(), 0);
    assert_eq!(store.attachment(sent).await.unwrap().content, b"1234567");
}

async fn sla_marks_follow_the_policy_and_pause_while_waiting(db: &Scratch) {
    use app::domain::business_time::add_business_time;
    use app::domain::sla::{ClockState, DueKind};
    use app::domain::ticket::Priority;

    let store = &db.store;
    let w = world(store).await;
    let reference = file(store, w.acme, w.luis, "SLA", T0).await;
    let (targets, calendar) = store.sla_policy(Priority::Normal, 1).await.unwrap();
    let mark = store.ticket(reference).await.unwrap().summary.sla.unwrap();
    assert_eq!(mark.due_kind, Some(DueKind::FirstResponse));
    assert_eq!(
        mark.due_at,
        Some(add_business_time(T0, targets.first_response_ms, &calendar).unwrap())
    );
    store
        .change_status(reference, TicketStatus::WaitingOnClient, w.sam, T0 + 60_000)
        .await
        .unwrap();
    let paused = store.ticket(reference).await.unwrap().summary.sla.unwrap();
    assert_eq!((paused.state, paused.due_at), (ClockState::Paused, None));
    // A priority change re-targets from the original start.
    let mut facts = store.ticket(reference).await.unwrap().facts;
    facts.priority = Priority::Critical;
    store
        .update_facts(reference, &facts, w.sam, T0 + 120_000)
        .await
        .unwrap();
    store
        .change_status(reference, TicketStatus::InProgress, w.sam, T0 + 180_000)
        .await
        .unwrap();
    let (critical, _) = store.sla_policy(Priority::Critical, 1).await.unwrap();
    let resumed = store.ticket(reference).await.unwrap().summary.sla.unwrap();
    assert!(
        resumed.due_at.unwrap()
            <= add_business_time(T0 + 180_000, critical.first_response_ms, &calendar).unwrap()
    );
}

async fn rules_keep_their_order_and_route_through_the_rotation(db: &Scratch) {
    use app::domain::routing::{Rotation, RoutingRule, RuleActions, RuleConditions};

    let store = &db.store;
    let w = world(store).await;
    let mut web = store
        .team_setups()
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.name == "Web")
        .unwrap();
    web.rotation = Rotation::RoundRobin;
    web.members = vec![w.sam, w.luis];
    store.save_team_setup(&web).await.unwrap();
    assert_eq!(
        store
            .team_setups()
            .await
            .unwrap()
            .iter()
            .find(|t| t.id == web.id)
            .unwrap()
            .members,
        vec![w.sam],
        "only staff can be members"
    );
    let rule = |name: &str, accounts: Vec<i64>| RoutingRule {
        id: 0,
        name: name.to_owned(),
        enabled: true,
        conditions: RuleConditions {
            accounts,
            ..RuleConditions::default()
        },
        actions: RuleActions {
            team_id: Some(web.id),
            tags: vec!["routed".to_owned()],
            ..RuleActions::default()
        },
    };
    let bluebird_rule = store
        .save_rule(&rule("Bluebird", vec![w.bluebird]), T0)
        .await
        .unwrap();
    let acme_rule = store
        .save_rule(&rule("Acme", vec![w.acme]), T0)
        .await
        .unwrap();
    let scratch = store.save_rule(&rule("Scratch", vec![]), T0).await.unwrap();
    store.move_rule(acme_rule, true).await.unwrap();
    store.delete_rule(scratch).await.unwrap();
    let order: Vec<i64> = store
        .routing_rules()
        .await
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(order, vec![acme_rule, bluebird_rule]);

    let routed = file(store, w.acme, w.luis, "Routed", T0).await;
    let record = store.ticket(routed).await.unwrap();
    assert_eq!(record.facts.team_id, Some(web.id));
    assert_eq!(record.facts.assignee_id, Some(w.sam), "the rotation's pick");
    assert_eq!(record.facts.tags, vec!["routed".to_owned()]);
    let timeline = store.timeline(routed, true).await.unwrap();
    assert!(
        timeline
            .iter()
            .any(|e| matches!(&e.change, TicketChange::Routed { rule, .. } if rule == "Acme"))
    );

    store.set_away(w.sam, true).await.unwrap();
    assert!(store.is_away(w.sam).await.unwrap());
    let unpicked = file(store, w.acme, w.luis, "Nobody here", T0).await;
    let record = store.ticket(unpicked).await.unwrap();
    assert_eq!(
        (record.facts.team_id, record.facts.assignee_id),
        (Some(web.id), None)
    );
}

async fn sla_alerts_are_claimed_by_one_timer_and_raised_once(db: &Scratch) {
    use app::domain::business_time::{CalendarSpec, Shift};
    use app::domain::sla::{ClockState, DueKind};
    use app::domain::ticket::Priority;

    const MINUTE: i64 = 60_000;
    let store = &db.store;
    let w = world(store).await;
    let mut spec = CalendarSpec::office_hours("UTC");
    spec.week = std::array::from_fn(|_| Shift::parse_day("00:00-24:00").unwrap());
    store.save_business_calendar(&spec, T0).await.unwrap();
    let mut policy = store
        .sla_policies()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.priority == Priority::Normal)
        .unwrap();
    policy.breach_raises_priority = true;
    store.save_sla_policy(&policy, T0).await.unwrap();
    let reference = file(store, w.acme, w.luis, "Timed", T0).await;
    let first_response = policy.first_response_minutes * MINUTE;

    assert_eq!(store.claim_due_sla_alert(T0, MINUTE).await.unwrap(), None);
    let warn_time = T0 + first_response * 9 / 10;
    assert_eq!(
        store.claim_due_sla_alert(warn_time, MINUTE).await.unwrap(),
        Some(reference)
    );
    assert_eq!(
        store.claim_due_sla_alert(warn_time, MINUTE).await.unwrap(),
        None,
        "held by the first timer"
    );
    let warning = store
        .raise_sla_alert(reference, warn_time, MINUTE)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (warning.state, warning.due),
        (ClockState::Warning, DueKind::FirstResponse)
    );
    assert_eq!(warning.due_at, T0 + first_response);
    assert!(
        store
            .raise_sla_alert(reference, warn_time, MINUTE)
            .await
            .unwrap()
            .is_none(),
        "raised once"
    );
    assert_eq!(
        store
            .claim_due_sla_alert(warn_time + MINUTE, MINUTE)
            .await
            .unwrap(),
        None
    );

    let late = T0 + first_response + MINUTE;
    assert_eq!(
        store.claim_due_sla_alert(late, MINUTE).await.unwrap(),
        Some(reference)
    );
    let breach = store
        .raise_sla_alert(reference, late, MINUTE)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(breach.state, ClockState::Breached);
    assert_eq!(breach.events.len(), 2, "the alert and the escalation");
    assert_eq!(
        store.ticket(reference).await.unwrap().facts.priority,
        Priority::High
    );
    assert_eq!(
        store
            .claim_due_sla_alert(late + 60 * MINUTE, MINUTE)
            .await
            .unwrap(),
        None
    );
}

/// Sets the first-response target of one priority in one tier.
async fn set_first_response(
    store: &Store,
    tier_id: i64,
    priority: app::domain::ticket::Priority,
    minutes: i64,
) {
    let mut policy = store
        .sla_policies()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.tier_id == tier_id && p.priority == priority)
        .expect("every tier has a policy for every priority");
    policy.first_response_minutes = minutes;
    store.save_sla_policy(&policy, T0).await.unwrap();
}

/// When a ticket's pending SLA clock is due.
async fn due_at(store: &Store, reference: TicketRef) -> i64 {
    store
        .ticket(reference)
        .await
        .unwrap()
        .summary
        .sla
        .unwrap()
        .due_at
        .unwrap()
}

async fn tiers_give_their_companies_their_own_targets(db: &Scratch) {
    use app::domain::business_time::add_business_time;
    use app::domain::sla::STANDARD_TIER;
    use app::domain::ticket::Priority;

    let store = &db.store;
    let w = world(store).await;
    let premium = store.add_sla_tier("Premium").await.unwrap();
    assert!(matches!(
        store.add_sla_tier("Premium").await,
        Err(StoreError::Conflict(_))
    ));
    // A new tier starts with Standard's targets: one per priority.
    set_first_response(store, premium, Priority::Normal, 30).await;

    let before = file(store, w.acme, w.luis, "Filed before the upgrade", T0).await;
    store
        .set_tier_accounts(premium, &[w.acme], T0)
        .await
        .unwrap();
    let tiers = store.sla_tiers().await.unwrap();
    assert_eq!(
        tiers.iter().find(|t| t.id == premium).unwrap().accounts,
        vec![w.acme]
    );
    let (_, calendar) = store.sla_policy(Priority::Normal, premium).await.unwrap();
    assert_eq!(
        due_at(store, before).await,
        add_business_time(T0, 30 * 60_000, &calendar).unwrap(),
        "open tickets follow their company onto the tier"
    );
    let acme = file(store, w.acme, w.luis, "Premium", T0).await;
    assert_eq!(
        due_at(store, acme).await,
        add_business_time(T0, 30 * 60_000, &calendar).unwrap()
    );
    let (standard, _) = store
        .sla_policy(Priority::Normal, STANDARD_TIER)
        .await
        .unwrap();
    let bluebird = file(store, w.bluebird, w.grace, "Standard", T0).await;
    assert_eq!(
        due_at(store, bluebird).await,
        add_business_time(T0, standard.first_response_ms, &calendar).unwrap()
    );

    // Changing Standard's target moves Standard's open clocks now, not at their next change.
    set_first_response(store, STANDARD_TIER, Priority::Normal, 120).await;
    assert_eq!(
        due_at(store, bluebird).await,
        add_business_time(T0, 120 * 60_000, &calendar).unwrap()
    );
    assert_eq!(
        due_at(store, acme).await,
        add_business_time(T0, 30 * 60_000, &calendar).unwrap(),
        "other tiers keep theirs"
    );

    store.set_tier_accounts(premium, &[], T0).await.unwrap();
    assert_eq!(
        due_at(store, before).await,
        add_business_time(T0, 120 * 60_000, &calendar).unwrap(),
        "back on Standard"
    );
}

async fn a_rule_puts_a_ticket_on_a_tier(db: &Scratch) {
    use app::domain::business_time::add_business_time;
    use app::domain::routing::{RoutingRule, RuleActions, RuleConditions};
    use app::domain::ticket::Priority;

    let store = &db.store;
    let w = world(store).await;
    let premium = store.add_sla_tier("Premium").await.unwrap();
    set_first_response(store, premium, Priority::Normal, 30).await;
    let (_, calendar) = store.sla_policy(Priority::Normal, premium).await.unwrap();
    // A rule puts a Bluebird ticket on Premium, and says so.
    let rule = RoutingRule {
        id: 0,
        name: "VIP words".to_owned(),
        enabled: true,
        conditions: RuleConditions {
            keywords: vec!["vip".to_owned()],
            ..RuleConditions::default()
        },
        actions: RuleActions {
            sla_tier_id: Some(premium),
            ..RuleActions::default()
        },
    };
    store.save_rule(&rule, T0).await.unwrap();
    let vip = file(store, w.bluebird, w.grace, "VIP launch", T0).await;
    assert_eq!(
        due_at(store, vip).await,
        add_business_time(T0, 30 * 60_000, &calendar).unwrap()
    );
    let timeline = store.timeline(vip, true).await.unwrap();
    assert!(timeline.iter().any(|e| matches!(&e.change,
        TicketChange::Routed { changes, .. } if changes.iter().any(|c| c.to.as_deref() == Some("Premium")))));
}

fn article(title: &str, body: &str) -> ArticleText {
    ArticleText {
        title: title.to_owned(),
        summary: String::new(),
        body: body.to_owned(),
        section: "Access".to_owned(),
    }
}

fn access(audience: Audience, accounts: Vec<i64>) -> ArticleAccess {
    ArticleAccess {
        published: true,
        audience,
        accounts,
    }
}

async fn articles_keep_their_slug_and_audience(db: &Scratch) {
    let store = &db.store;
    let w = world(store).await;
    let text = article("Reset your password", "Use the sign-in link.");
    let (first, slug) = store
        .save_article(
            None,
            &text,
            &access(Audience::Accounts, vec![w.acme]),
            w.sam,
            T0,
        )
        .await
        .unwrap();
    assert_eq!(slug, "reset-your-password");
    // The same title again gets a numbered slug; renaming keeps the slug (links keep working).
    let (second, slug) = store
        .save_article(None, &text, &access(Audience::Clients, vec![]), w.sam, T0)
        .await
        .unwrap();
    assert_eq!(slug, "reset-your-password-2");
    let renamed = article("Forgot your password", "Use the sign-in link.");
    let (_, slug) = store
        .save_article(
            Some(first),
            &renamed,
            &access(Audience::Accounts, vec![w.acme, w.bluebird]),
            w.sam,
            T0 + 1,
        )
        .await
        .unwrap();
    assert_eq!(slug, "reset-your-password");
    let stored = store.article_by_slug("reset-your-password").await.unwrap();
    assert_eq!(stored.link.title, "Forgot your password");
    assert_eq!(stored.body, "Use the sign-in link.");
    let mut accounts = stored.access.accounts.clone();
    accounts.sort_unstable();
    assert_eq!(accounts, [w.acme, w.bluebird]);
    assert_eq!(stored.updated_at, T0 + 1);
    // Lists leave bodies out; deleting removes the article.
    let all = store.articles().await.unwrap();
    assert_eq!(all.len(), 2);
    assert!(all.iter().all(|a| a.body.is_empty()));
    store.delete_article(second).await.unwrap();
    assert!(matches!(
        store.article_by_id(second).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.delete_article(second).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store
            .save_article(
                Some(second),
                &text,
                &access(Audience::Clients, vec![]),
                w.sam,
                T0
            )
            .await,
        Err(StoreError::NotFound)
    ));
}

async fn article_search_ranks_any_matching_word_with_a_marked_passage(db: &Scratch) {
    let store = &db.store;
    let w = world(store).await;
    let everyone = access(Audience::Clients, vec![]);
    let (invoice, _) = store
        .save_article(
            None,
            &article("Get a copy of an invoice", "Invoices are emailed monthly."),
            &everyone,
            w.sam,
            T0,
        )
        .await
        .unwrap();
    let (password, _) = store
        .save_article(
            None,
            &article("Reset your password", "Ask for a sign-in link by email."),
            &everyone,
            w.sam,
            T0,
        )
        .await
        .unwrap();
    // A request described in a person's words: any word may match, best first.
    let hits = store
        .search_articles("I need an old invoice for our accountant", 10)
        .await
        .unwrap();
    assert_eq!(hits.first().map(|h| h.article_id), Some(invoice));
    assert!(hits.iter().all(|h| h.article_id != password));
    let hits = store.search_articles("monthly", 10).await.unwrap();
    assert_eq!(hits.len(), 1);
    assert!(
        hits[0]
            .snippet
            .contains(&format!("{MATCH_START}monthly{MATCH_END}")),
        "{:?}",
        hits[0].snippet
    );
    // Edits are searched anew; operators are plain words.
    store
        .save_article(
            Some(password),
            &article("Reset your password", "Use the forgotten-password form."),
            &everyone,
            w.sam,
            T0,
        )
        .await
        .unwrap();
    assert!(
        store
            .search_articles("sign-in", 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store.search_articles("forgotten", 10).await.unwrap().len(),
        1
    );
    assert!(
        store
            .search_articles("\" OR * NEAR(", 10)
            .await
            .unwrap()
            .iter()
            .all(|h| h.article_id > 0)
    );
}

async fn votes_and_deflections_are_counted_per_article(db: &Scratch) {
    let store = &db.store;
    let w = world(store).await;
    let (id, _) = store
        .save_article(
            None,
            &article("Reset your password", "Steps."),
            &access(Audience::Clients, vec![]),
            w.sam,
            T0,
        )
        .await
        .unwrap();
    // One vote per person, which they may change.
    store.vote_article(id, w.luis, true, T0).await.unwrap();
    store.vote_article(id, w.luis, false, T0 + 1).await.unwrap();
    store.vote_article(id, w.grace, true, T0).await.unwrap();
    assert_eq!(store.vote_of(id, w.luis).await.unwrap(), Some(false));
    assert_eq!(store.vote_of(id, w.dana).await.unwrap(), None);
    // Luis says it solved it; Grace left without filing; Dana opened it, then filed anyway.
    store
        .mark_suggestion_solved("a1", id, w.luis, w.acme, T0)
        .await
        .unwrap();
    store
        .mark_suggestion_solved("a1", id, w.luis, w.acme, T0 + 5)
        .await
        .unwrap();
    store
        .open_suggestion("b2", id, w.grace, w.bluebird, T0)
        .await
        .unwrap();
    store
        .open_suggestion("b2", id, w.grace, w.bluebird, T0 + 9)
        .await
        .unwrap();
    store
        .open_suggestion("c3", id, w.dana, w.acme, T0)
        .await
        .unwrap();
    let ticket = file(store, w.acme, w.dana, "Still locked out", T0 + 60_000).await;
    store
        .suggestions_filed("c3", w.dana, ticket.0)
        .await
        .unwrap();
    // Someone else's attempt name files nothing of Grace's.
    store
        .suggestions_filed("b2", w.dana, ticket.0)
        .await
        .unwrap();
    let counts = |now| async move {
        let counts = store.article_counts(now).await.unwrap();
        let count = counts.into_iter().find(|c| c.article_id == id).unwrap();
        (count.helpful, count.unhelpful, count.deflections)
    };
    // Right away only the "solved it" counts; after the grace period Grace's too.
    assert_eq!(counts(T0 + 1_000).await, (1, 1, 1));
    assert_eq!(counts(T0 + DEFLECTION_GRACE_MS).await, (1, 1, 2));
}

async fn feedback_reopens_on_no_and_changes_within_the_week(db: &Scratch) {
    let store = &db.store;
    let w = world(store).await;
    let reference = file(store, w.acme, w.luis, "Printer offline", T0).await;
    let answer = |resolved, comment| NewFeedback {
        reference,
        user_id: w.luis,
        resolved,
        comment,
    };
    assert!(matches!(
        store.give_feedback(answer(true, ""), T0).await,
        Err(StoreError::Conflict(_))
    ));
    for status in [TicketStatus::InProgress, TicketStatus::Completed] {
        store
            .change_status(reference, status, w.sam, T0)
            .await
            .unwrap();
    }
    let events = store
        .give_feedback(answer(false, "Still offline"), T0 + 1)
        .await
        .unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| e.change.kind()).collect();
    assert_eq!(kinds, ["feedback_given", "status_changed"]);
    let record = store.ticket(reference).await.unwrap();
    assert_eq!(record.summary.status, TicketStatus::InProgress);
    // A change keeps the first answer's time (the window's start) and reopens nothing more.
    let events = store.give_feedback(answer(true, ""), T0 + 2).await.unwrap();
    assert_eq!(events.len(), 1);
    let kept = store.feedback(reference).await.unwrap().unwrap();
    assert!(kept.resolved && kept.comment.is_empty());
    assert_eq!(kept.answered_at, T0 + 1);
    assert!(matches!(
        store
            .give_feedback(answer(false, ""), T0 + 1 + CHANGE_WINDOW_MS + 1)
            .await,
        Err(StoreError::Conflict(_))
    ));
    let timeline = store.timeline(reference, false).await.unwrap();
    assert_eq!(
        timeline
            .iter()
            .filter(|e| e.change.kind() == "feedback_given")
            .count(),
        2
    );
}

async fn the_link_signing_key_is_made_once(db: &Scratch) {
    let first = db.store.signing_key().await.unwrap();
    assert_eq!(first.len(), 32);
    assert_eq!(db.store.signing_key().await.unwrap(), first);
}

/// A browser subscribing again for someone else takes its endpoint over; one turns off only
/// one's own device. The VAPID key is made once.
async fn push_devices_change_hands(db: &Scratch) {
    let store = &db.store;
    let w = world(store).await;
    let phone = NewSubscription {
        endpoint: "https://fcm.googleapis.com/fcm/send/phone",
        p256dh: "key",
        auth: "secret",
    };
    store
        .save_push_subscription(w.luis, &phone, T0)
        .await
        .unwrap();
    store
        .save_push_subscription(w.luis, &phone, T0 + 1)
        .await
        .unwrap();
    let luis_devices = store.push_devices(w.luis).await.unwrap();
    assert_eq!(luis_devices.len(), 1, "the same browser is one device");
    store
        .save_push_subscription(w.dana, &phone, T0 + 2)
        .await
        .unwrap();
    assert!(
        store.push_devices(w.luis).await.unwrap().is_empty(),
        "Dana signed in on his phone"
    );
    let dana_phone = store.push_devices(w.dana).await.unwrap()[0];
    store
        .delete_push_subscription(w.luis, phone.endpoint)
        .await
        .unwrap();
    assert_eq!(
        store.push_devices(w.dana).await.unwrap(),
        vec![dana_phone],
        "only one's own"
    );
    let key = store.vapid_private_key([7; 32]).await.unwrap();
    assert_eq!(
        store.vapid_private_key([9; 32]).await.unwrap(),
        key,
        "made once"
    );
}

/// Queued notifications are claimed by one sender at a time, retried or given up; a device that
/// is gone takes its queue with it.
async fn push_notifications_go_once_and_go_with_their_device(db: &Scratch) {
    let store = &db.store;
    let w = world(store).await;
    let phone = NewSubscription {
        endpoint: "https://fcm.googleapis.com/fcm/send/phone",
        p256dh: "key",
        auth: "secret",
    };
    store
        .save_push_subscription(w.dana, &phone, T0)
        .await
        .unwrap();
    let dana_phone = store.push_devices(w.dana).await.unwrap()[0];
    let from = store.mail_notifier_position().await.unwrap();
    let push = |n: i64| NewPush {
        subscription_id: dana_phone,
        payload: format!("{{\"n\":{n}}}"),
    };
    assert!(
        store
            .queue_notifications(from, from + 1, &[], &[push(1), push(2)], T0)
            .await
            .unwrap()
    );
    let first = store.claim_due_push(T0, 60_000).await.unwrap().unwrap();
    assert_eq!(
        (
            first.payload.as_str(),
            first.endpoint.as_str(),
            first.attempts
        ),
        ("{\"n\":1}", phone.endpoint, 1)
    );
    let second = store.claim_due_push(T0, 60_000).await.unwrap().unwrap();
    assert_eq!(second.payload, "{\"n\":2}");
    assert!(
        store.claim_due_push(T0, 60_000).await.unwrap().is_none(),
        "both are held"
    );
    store.mark_push_sent(first.id, T0 + 5).await.unwrap();
    store
        .mark_push_failed(second.id, "503", Some(T0 + 30_000), T0 + 5)
        .await
        .unwrap();
    assert!(
        store
            .claim_due_push(T0 + 10, 60_000)
            .await
            .unwrap()
            .is_none(),
        "not due yet"
    );
    let retried = store
        .claim_due_push(T0 + 30_000, 60_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((retried.id, retried.attempts), (second.id, 2));
    store
        .mark_push_failed(retried.id, "503", None, T0 + 30_001)
        .await
        .unwrap();
    assert!(
        store
            .claim_due_push(T0 + 10_000_000, 60_000)
            .await
            .unwrap()
            .is_none(),
        "given up"
    );

    assert!(
        store
            .queue_notifications(from + 1, from + 2, &[], &[push(3)], T0)
            .await
            .unwrap()
    );
    store.drop_push_subscription(dana_phone).await.unwrap();
    assert!(store.push_devices(w.dana).await.unwrap().is_empty());
    assert!(
        store
            .claim_due_push(T0 + 10_000_000, 60_000)
            .await
            .unwrap()
            .is_none(),
        "its queue went too"
    );
}

/// 2026-11-`day` at `hour`:`minute` in Berlin (CET, UTC+1), as milliseconds.
fn berlin(day: i64, hour: i64, minute: i64) -> i64 {
    const NOV_23_UTC: i64 = 1_795_392_000_000;
    NOV_23_UTC + (day - 23) * 86_400_000 + (hour - 1) * 3_600_000 + minute * 60_000
}

async fn reply(store: &Store, reference: TicketRef, author_id: i64, by_client: bool, at: i64) {
    let message = NewMessage {
        author_id,
        by_client,
        body: "Reply",
        internal: false,
        attachments: &[],
    };
    store.add_message(reference, &message, at).await.unwrap();
}

/// Four requests in the agency's hours (Berlin, 9–17 on weekdays; normal priority: first
/// response within 8 business hours, resolution within 40), worked out by hand.
async fn report_fixture(store: &Store, w: &World) -> TicketRef {
    let filed = |account_id, requester_id, title, category: i64, channel, at| async move {
        let ticket = NewTicket {
            category_id: Some(category),
            channel,
            ..NewTicket::from_portal(account_id, requester_id, title, "details")
        };
        store.create_ticket(&ticket, at).await.unwrap().reference
    };
    // T1, Monday 10:00: answered at 12:00 (2 h), completed Tuesday 10:00 (7 h + 1 h = 8 h).
    let t1 = filed(w.acme, w.luis, "T1", 1, Channel::Web, berlin(23, 10, 0)).await;
    reply(store, t1, w.sam, false, berlin(23, 12, 0)).await;
    store
        .change_status(t1, TicketStatus::Completed, w.sam, berlin(24, 10, 0))
        .await
        .unwrap();
    // T2, Monday 16:00: answered Tuesday 11:00 (1 h + 2 h = 3 h), then waiting on Luis until
    // Wednesday 11:00 (the clock stops), completed Wednesday 13:00 (3 h + 2 h = 5 h).
    let t2 = filed(w.acme, w.luis, "T2", 2, Channel::Web, berlin(23, 16, 0)).await;
    reply(store, t2, w.sam, false, berlin(24, 11, 0)).await;
    store
        .change_status(t2, TicketStatus::WaitingOnClient, w.sam, berlin(24, 11, 0))
        .await
        .unwrap();
    reply(store, t2, w.luis, true, berlin(25, 11, 0)).await;
    store
        .change_status(t2, TicketStatus::Completed, w.sam, berlin(25, 13, 0))
        .await
        .unwrap();
    // T3, Grace by mail Tuesday 9:30: answered Thursday 9:30 (7.5 h + 8 h + 0.5 h = 16 h, late).
    let t3 = filed(
        w.bluebird,
        w.grace,
        "T3",
        3,
        Channel::Email,
        berlin(24, 9, 30),
    )
    .await;
    reply(store, t3, w.sam, false, berlin(26, 9, 30)).await;
    // T4, Wednesday 10:00: Luis again on T1's category, within 7 days: T1's follow-up.
    filed(w.acme, w.luis, "T4", 1, Channel::Web, berlin(25, 10, 0)).await;
    // Luis says T1 was resolved, with a comment a spreadsheet would run.
    let comment = "=HYPERLINK(\"http://evil\")";
    let answer = NewFeedback {
        reference: t1,
        user_id: w.luis,
        resolved: true,
        comment,
    };
    store
        .give_feedback(answer, berlin(24, 12, 0))
        .await
        .unwrap();
    // Grace finds an article that saves a request.
    let (article, _) = store
        .save_article(
            None,
            &article("Reset your password", "Steps."),
            &access(Audience::Clients, vec![]),
            w.sam,
            T0,
        )
        .await
        .unwrap();
    store
        .mark_suggestion_solved("g1", article, w.grace, w.bluebird, berlin(25, 10, 0))
        .await
        .unwrap();
    t1
}

async fn report_figures_match_a_hand_computed_fixture(db: &Scratch) {
    const HOUR: i64 = 3_600_000;
    let store = &db.store;
    let w = world(store).await;
    let t1 = report_fixture(store, &w).await;
    let now = berlin(26, 12, 0);
    let filter = ReportFilter::from_query("from=2026-11-23&to=2026-11-26");
    let report = store.report(&filter, now).await.unwrap();
    assert_eq!(report.volume, [2, 1, 1, 0]);
    assert_eq!(
        report.first_response,
        TimeStats {
            count: 3,
            median_ms: Some(3 * HOUR),
            p90_ms: Some(16 * HOUR),
            met: 2
        }
    );
    assert_eq!(
        report.resolution,
        TimeStats {
            count: 2,
            median_ms: Some(5 * HOUR),
            p90_ms: Some(8 * HOUR),
            met: 2
        }
    );
    assert_eq!(
        report.follow_ups,
        FollowUps {
            completed: 2,
            without_follow_up: 1
        }
    );
    let backlog: Vec<(TicketStatus, [i64; 4])> = report
        .backlog
        .iter()
        .map(|l| (l.status, l.by_age))
        .collect();
    assert_eq!(
        backlog,
        [
            (TicketStatus::New, [0, 1, 0, 0]),
            (TicketStatus::InProgress, [0, 1, 0, 0]),
            (TicketStatus::WaitingOnClient, [0, 0, 0, 0]),
        ]
    );
    assert_eq!(
        (
            report.satisfaction.resolved,
            report.satisfaction.not_resolved
        ),
        (1, 0)
    );
    assert_eq!(report.satisfaction.comments[0].reference, t1);
    let usage: Vec<(&str, i64, i64, i64)> = report
        .usage
        .iter()
        .map(|u| {
            (
                u.account_name.as_str(),
                u.active_contacts,
                u.via_portal,
                u.via_email,
            )
        })
        .collect();
    assert_eq!(usage, [("Acme", 1, 3, 0), ("Bluebird", 1, 0, 1)]);
    assert_eq!(report.deflections.total, 1);
    assert_eq!(
        report.deflections.by_article,
        [("Reset your password".to_owned(), 1)]
    );

    // The exported comment stays text.
    let csv = csv(&ReportTable::Satisfaction.rows(&report, business_duration));
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"http://evil\"\")\""),
        "{csv}"
    );

    // Cut to one company, one channel.
    let bluebird = ReportFilter::from_query(&format!(
        "from=2026-11-23&to=2026-11-26&account={}",
        w.bluebird
    ));
    let report = store.report(&bluebird, now).await.unwrap();
    assert_eq!(report.volume, [0, 1, 0, 0]);
    assert_eq!(report.first_response.count, 1);
    assert_eq!(report.resolution.count, 0);
    assert_eq!(report.usage.len(), 1);
    let by_mail = store
        .report(
            &ReportFilter::from_query("from=2026-11-23&to=2026-11-26&channel=email"),
            now,
        )
        .await
        .unwrap();
    assert_eq!(by_mail.volume, [0, 1, 0, 0]);
}

/// "Resolved without follow-up" is kept on the completed request; it must follow later edits of
/// the requests that came after it, not just what they were when filed.
async fn follow_ups_are_recounted_as_requests_change(db: &Scratch) {
    let store = &db.store;
    let w = world(store).await;
    let in_category = |requester_id, category_id, follows| NewTicket {
        category_id: Some(category_id),
        follows,
        ..NewTicket::from_portal(w.acme, requester_id, "Request", "details")
    };
    let t1 = store
        .create_ticket(&in_category(w.luis, 1, None), T0)
        .await
        .unwrap()
        .reference;
    for (status, at) in [
        (TicketStatus::InProgress, T0 + 1),
        (TicketStatus::Completed, T0 + 2),
    ] {
        store.change_status(t1, status, w.sam, at).await.unwrap();
    }
    let without_follow_up = || async {
        let filter = ReportFilter {
            from: Some(T0.div_euclid(DAY_MS) * DAY_MS),
            ..ReportFilter::default()
        };
        let report = store.report(&filter, T0 + 3 * DAY_MS).await.unwrap();
        assert_eq!(report.follow_ups.completed, 1);
        report.follow_ups.without_follow_up
    };
    assert_eq!(without_follow_up().await, 1);

    // Luis files again the next day, on another topic: no follow-up.
    let t2 = store
        .create_ticket(&in_category(w.luis, 2, None), T0 + DAY_MS)
        .await
        .unwrap()
        .reference;
    assert_eq!(without_follow_up().await, 1);
    // Triage puts it on T1's topic: now it is one; and back again: no longer.
    for (category, expected) in [(1, 0), (2, 1)] {
        let mut facts = store.ticket(t2).await.unwrap().facts;
        facts.category_id = Some(category);
        store
            .update_facts(t2, &facts, w.sam, T0 + DAY_MS + category)
            .await
            .unwrap();
        assert_eq!(without_follow_up().await, expected, "category {category}");
    }
    // Dana files a request saying it follows T1: a follow-up whoever files it.
    store
        .create_ticket(&in_category(w.dana, 3, Some(t1)), T0 + 2 * DAY_MS)
        .await
        .unwrap();
    assert_eq!(without_follow_up().await, 0);
}

/// A webhook listening to two events, made by Sam.
async fn chat_webhook(store: &Store, w: &World) -> i64 {
    use app::backend::store::NewWebhook;
    use app::domain::webhook::EventSet;

    let events = EventSet::parse("ticket.created ticket.reply_added").unwrap();
    store
        .create_webhook(
            &NewWebhook {
                url: "https://hooks.example.com/in",
                description: "Chat",
                events: &events,
                secret: "whsec_c2VjcmV0",
                created_by: w.sam,
            },
            T0,
        )
        .await
        .unwrap()
}

fn webhook_delivery(webhook_id: i64, n: i64) -> app::backend::store::NewDelivery {
    app::backend::store::NewDelivery {
        webhook_id,
        message_id: format!("msg_{n}"),
        event_type: "ticket.created".into(),
        ticket: Some(TicketRef(1001)),
        payload: format!("{{\"n\":{n}}}"),
    }
}

fn webhook_attempt(retry_at: Option<i64>) -> app::backend::store::Attempt {
    app::backend::store::Attempt {
        status: Some(503),
        error: Some("The receiver answered 503.".into()),
        retry_at,
    }
}

/// Deliveries queue with the webhook follower's move (all or nothing, once), are claimed by one
/// sender at a time, wait for their retry, and settle delivered or given up.
async fn webhook_deliveries_queue_once_and_are_claimed_retried_and_settled(db: &Scratch) {
    use app::backend::store::{Attempt, LogFollower};
    use app::domain::webhook::DeliveryState;

    let store = &db.store;
    let w = world(store).await;
    let webhook = chat_webhook(store, &w).await;
    let claim = async |at: i64| store.claim_due_delivery(at, 60_000).await.unwrap();
    let from = store
        .follower_position(LogFollower::Webhooks)
        .await
        .unwrap();
    let both = [webhook_delivery(webhook, 1), webhook_delivery(webhook, 2)];
    assert!(
        store
            .queue_webhook_deliveries(from, from + 2, &both, T0)
            .await
            .unwrap()
    );
    assert!(
        !store
            .queue_webhook_deliveries(from, from + 2, &[webhook_delivery(webhook, 3)], T0)
            .await
            .unwrap(),
        "another instance queued these already"
    );
    assert_eq!(
        store
            .follower_position(LogFollower::Webhooks)
            .await
            .unwrap(),
        from + 2
    );
    assert_eq!(
        store.follower_position(LogFollower::Mail).await.unwrap(),
        from,
        "each follower keeps its own place"
    );

    let first = claim(T0).await.unwrap();
    assert_eq!((first.message_id.as_str(), first.attempts), ("msg_1", 1));
    let second = claim(T0).await.unwrap();
    assert!(claim(T0).await.is_none(), "both are held");
    let delivered = Attempt {
        status: Some(204),
        error: None,
        retry_at: None,
    };
    store
        .record_attempt(first.id, &delivered, T0 + 1)
        .await
        .unwrap();
    store
        .record_attempt(second.id, &webhook_attempt(Some(T0 + 5_000)), T0 + 1)
        .await
        .unwrap();
    assert!(claim(T0 + 10).await.is_none(), "not due yet");
    let log = store.webhook_deliveries(webhook, 10).await.unwrap();
    assert_eq!(
        log[0].state,
        DeliveryState::Retrying {
            error: "The receiver answered 503.".into(),
            next_at: T0 + 5_000
        }
    );
    assert_eq!(log[1].state, DeliveryState::Delivered { status: 204 });

    let retried = claim(T0 + 5_000).await.unwrap();
    assert_eq!((retried.id, retried.attempts), (second.id, 2));
    store
        .record_attempt(retried.id, &webhook_attempt(None), T0 + 5_001)
        .await
        .unwrap();
    assert!(claim(T0 + 100_000_000).await.is_none(), "given up");
    let log = store.webhook_deliveries(webhook, 10).await.unwrap();
    assert_eq!(
        log[0].state,
        DeliveryState::GaveUp {
            error: "The receiver answered 503.".into()
        }
    );
    assert!(log[0].settled());
}

/// A settled delivery is queued again as a new entry with the same message; one on its way is
/// not; a removed webhook leaves the list and is not sent to again.
async fn settled_deliveries_are_sent_again_and_removed_webhooks_get_nothing(db: &Scratch) {
    let store = &db.store;
    let w = world(store).await;
    let webhook = chat_webhook(store, &w).await;
    store
        .enqueue_delivery(&webhook_delivery(webhook, 7), T0)
        .await
        .unwrap();
    let sent = store.claim_due_delivery(T0, 60_000).await.unwrap().unwrap();
    assert!(
        matches!(
            store.redeliver(sent.id, T0 + 1).await,
            Err(StoreError::NotFound)
        ),
        "a delivery still on its way is not sent twice"
    );
    store
        .record_attempt(sent.id, &webhook_attempt(None), T0 + 1)
        .await
        .unwrap();

    let (again, of) = store.redeliver(sent.id, T0 + 6_000).await.unwrap();
    assert_eq!(of, webhook);
    let claimed = store
        .claim_due_delivery(T0 + 6_000, 60_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (claimed.id, claimed.message_id.as_str(), claimed.attempts),
        (again, "msg_7", 1)
    );
    assert_eq!(
        store.webhook_deliveries(webhook, 10).await.unwrap().len(),
        2
    );

    let listed = store.webhooks().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (
            listed[0].events.to_string(),
            listed[0].creator_name.as_str()
        ),
        ("ticket.created ticket.reply_added".to_owned(), "Sam")
    );

    assert_eq!(
        store.webhook_deliveries(webhook, 10).await.unwrap()[0].ticket,
        Some(TicketRef(1001))
    );
    assert!(store.remove_webhook(webhook, T0 + 7_000).await.unwrap());
    assert!(!store.remove_webhook(webhook, T0 + 7_000).await.unwrap());
    assert!(store.webhooks().await.unwrap().is_empty());
    assert_eq!(
        store.webhook_target(webhook).await.unwrap().removed_at,
        Some(T0 + 7_000)
    );
    assert!(matches!(
        store.redeliver(sent.id, T0 + 8_000).await,
        Err(StoreError::NotFound)
    ));
}

/// A channel is connected once, to one account; a thread belongs to one request both ways; a
/// sighting (an event id, a signature) counts once until it is forgotten.
async fn slack_channels_threads_and_sightings_are_kept_once(db: &Scratch) {
    use app::backend::store::SlackThread;

    let store = &db.store;
    let w = world(store).await;
    assert!(
        store
            .connect_slack_channel("C0ACME", w.acme, T0)
            .await
            .unwrap()
    );
    assert!(
        !store
            .connect_slack_channel("C0ACME", w.bluebird, T0)
            .await
            .unwrap()
    );
    assert_eq!(
        store.slack_channel_account("C0ACME").await.unwrap(),
        Some(w.acme)
    );
    assert_eq!(store.slack_channel_account("C0NONE").await.unwrap(), None);
    let channels = store.slack_channels().await.unwrap();
    assert_eq!(
        (channels.len(), channels[0].account_name.as_str()),
        (1, "Acme")
    );

    let reference = file(store, w.acme, w.luis, "From Slack", T0).await;
    let thread = SlackThread {
        channel_id: "C0ACME".into(),
        thread_ts: "1790000000.000100".into(),
    };
    store.save_slack_thread(reference, &thread).await.unwrap();
    assert_eq!(
        store.slack_thread_of(reference).await.unwrap(),
        Some(thread.clone())
    );
    assert_eq!(
        store.ticket_of_slack_thread(&thread).await.unwrap(),
        Some(reference)
    );
    let elsewhere = SlackThread {
        channel_id: "C0OTHER".into(),
        ..thread.clone()
    };
    assert_eq!(
        store.ticket_of_slack_thread(&elsewhere).await.unwrap(),
        None
    );

    assert!(
        store
            .first_slack_sighting("event:Ev1", T0, T0 - 600_000)
            .await
            .unwrap()
    );
    assert!(
        !store
            .first_slack_sighting("event:Ev1", T0 + 1, T0 - 600_000)
            .await
            .unwrap()
    );
    assert!(
        store
            .first_slack_sighting("event:Ev1", T0 + 700_000, T0 + 100_000)
            .await
            .unwrap(),
        "forgotten once older than the window"
    );
    assert!(store.disconnect_slack_channel("C0ACME").await.unwrap());
    assert!(!store.disconnect_slack_channel("C0ACME").await.unwrap());
    assert_eq!(
        store.slack_thread_of(reference).await.unwrap(),
        Some(thread),
        "threads stay"
    );
}

/// Posts queue with the Slack follower's move (once), are claimed one at a time, retried, and
/// settled.
async fn slack_posts_queue_with_their_follower_and_retry(db: &Scratch) {
    use app::backend::store::{LogFollower, SlackThread};

    let store = &db.store;
    let thread = SlackThread {
        channel_id: "C0ACME".into(),
        thread_ts: "1.1".into(),
    };
    let from = store.follower_position(LogFollower::Slack).await.unwrap();
    let posts = [
        (thread.clone(), "one".to_owned()),
        (thread.clone(), "two".to_owned()),
    ];
    assert!(
        store
            .queue_slack_posts(from, from + 1, &posts, T0)
            .await
            .unwrap()
    );
    assert!(
        !store
            .queue_slack_posts(from, from + 1, &posts, T0)
            .await
            .unwrap()
    );
    let one = store
        .claim_due_slack_post(T0, 60_000)
        .await
        .unwrap()
        .unwrap();
    let two = store
        .claim_due_slack_post(T0, 60_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (one.text.as_str(), two.text.as_str(), two.attempts),
        ("one", "two", 1)
    );
    assert!(
        store
            .claim_due_slack_post(T0, 60_000)
            .await
            .unwrap()
            .is_none()
    );
    store
        .settle_slack_post(one.id, None, None, T0)
        .await
        .unwrap();
    store
        .settle_slack_post(two.id, Some("ratelimited"), Some(T0 + 30_000), T0)
        .await
        .unwrap();
    assert!(
        store
            .claim_due_slack_post(T0 + 1, 60_000)
            .await
            .unwrap()
            .is_none()
    );
    let again = store
        .claim_due_slack_post(T0 + 30_000, 60_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((again.id, again.attempts), (two.id, 2));
    store
        .settle_slack_post(again.id, Some("ratelimited"), None, T0 + 30_001)
        .await
        .unwrap();
    assert!(
        store
            .claim_due_slack_post(T0 + 99_999_999, 60_000)
            .await
            .unwrap()
            .is_none(),
        "given up"
    );
    store.queue_slack_post(&thread, "three", T0).await.unwrap();
    assert_eq!(
        store
            .claim_due_slack_post(T0, 60_000)
            .await
            .unwrap()
            .unwrap()
            .text,
        "three"
    );
}

/// A company has at most one provider (setting it again replaces it; its secret is never
/// listed); a started sign-in is taken once, and old ones are forgotten.
async fn sso_providers_are_set_per_company_and_sign_ins_taken_once(db: &Scratch) {
    use app::backend::store::{OidcClient, SsoAttempt};

    let store = &db.store;
    let w = world(store).await;
    let client = |issuer: &str| OidcClient {
        issuer: issuer.to_owned(),
        client_id: "frontdoor".to_owned(),
        client_secret: "s3cret".to_owned(),
    };
    store
        .connect_sso(w.acme, &client("https://old.example"), T0)
        .await
        .unwrap();
    store
        .connect_sso(w.acme, &client("https://login.acme.example"), T0)
        .await
        .unwrap();
    let listed = store.sso_connections().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].account_name.as_str(), listed[0].issuer.as_str()),
        ("Acme", "https://login.acme.example")
    );
    assert_eq!(
        store.sso_client(w.acme).await.unwrap(),
        Some(client("https://login.acme.example"))
    );
    assert_eq!(store.sso_client(w.bluebird).await.unwrap(), None);

    let attempt = |at| SsoAttempt {
        account_id: Some(w.acme),
        nonce: "n".into(),
        verifier: "v".into(),
        created_at: at,
    };
    store
        .save_sso_attempt("old", &attempt(T0), 0)
        .await
        .unwrap();
    store
        .save_sso_attempt("new", &attempt(T0 + 700_000), T0 + 100_000)
        .await
        .unwrap();
    assert_eq!(
        store.take_sso_attempt("old").await.unwrap(),
        None,
        "forgotten"
    );
    assert_eq!(
        store.take_sso_attempt("new").await.unwrap(),
        Some(attempt(T0 + 700_000))
    );
    assert_eq!(
        store.take_sso_attempt("new").await.unwrap(),
        None,
        "taken once"
    );

    assert!(store.remove_sso(w.acme).await.unwrap());
    assert!(!store.remove_sso(w.acme).await.unwrap());
    assert_eq!(store.sso_client(w.acme).await.unwrap(), None);
}

/// A token is found by its secret's hash (never by anything else), notes its use at most once a
/// minute, is revoked only by its maker or an admin, and stops when its maker is deactivated.
async fn api_tokens_are_found_by_hash_and_stop_with_their_maker(db: &Scratch) {
    use app::domain::api_token::Scopes;

    let store = &db.store;
    let w = world(store).await;
    let scopes = Scopes::parse("tickets:write events:read").unwrap();
    let token = |name, secret_hash| NewApiToken {
        user_id: w.sam,
        name,
        secret_hash,
        shown: "fd_abcdef…",
        scopes: &scopes,
        account_limit: Some(w.acme),
        expires_at: Some(T0 + 1_000_000),
    };
    let first = store
        .create_api_token(&token("Sync", "hash-1"), T0)
        .await
        .unwrap();
    store
        .create_api_token(&token("Other", "hash-2"), T0)
        .await
        .unwrap();
    assert!(
        store
            .api_token_holder("hash-3", T0)
            .await
            .unwrap()
            .is_none()
    );
    let holder = store
        .api_token_holder("hash-1", T0 + 10)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((holder.token_id, holder.actor.user_id), (first, w.sam));
    assert_eq!(holder.grant.scopes, scopes);
    assert_eq!(holder.grant.account_limit, Some(w.acme));
    assert_eq!(holder.grant.expires_at, Some(T0 + 1_000_000));

    let listed = store.api_tokens(Some(w.sam)).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[1].name, "Sync", "newest first");
    assert_eq!(listed[1].last_used_at, Some(T0 + 10));
    assert_eq!(listed[1].account_name.as_deref(), Some("Acme"));
    assert_eq!(listed[1].owner_name, "Sam");
    store.api_token_holder("hash-1", T0 + 20).await.unwrap();
    assert_eq!(
        store.api_tokens(Some(w.sam)).await.unwrap()[1].last_used_at,
        Some(T0 + 10),
        "not written on every call"
    );
    assert!(store.api_tokens(Some(w.dana)).await.unwrap().is_empty());
    assert_eq!(store.api_tokens(None).await.unwrap().len(), 2);

    assert!(
        !store
            .revoke_api_token(first, Some(w.dana), T0 + 30)
            .await
            .unwrap(),
        "not hers"
    );
    assert!(
        store
            .revoke_api_token(first, Some(w.sam), T0 + 30)
            .await
            .unwrap()
    );
    let revoked = store
        .api_token_holder("hash-1", T0 + 40)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(revoked.grant.revoked_at, Some(T0 + 30));
    assert!(
        store.revoke_api_token(first, None, T0 + 50).await.unwrap(),
        "an admin may"
    );
    assert_eq!(
        store
            .api_token_holder("hash-1", T0 + 60)
            .await
            .unwrap()
            .unwrap()
            .grant
            .revoked_at,
        Some(T0 + 30),
        "revoked once"
    );

    store.set_user_active(w.sam, false, T0).await.unwrap();
    assert!(
        store
            .api_token_holder("hash-2", T0 + 70)
            .await
            .unwrap()
            .is_none()
    );
}

/// A service token acts as an account of its own (an agent named after it), which outlives the
/// admin who made it.
async fn service_tokens_act_as_their_own_account(db: &Scratch) {
    use app::domain::api_token::Scopes;

    let store = &db.store;
    let w = world(store).await;
    let scopes = Scopes::parse("tickets:write").unwrap();
    let token = NewApiToken {
        user_id: w.sam,
        name: "Zapier",
        secret_hash: "hash-3",
        shown: "fd_abcdef…",
        scopes: &scopes,
        account_limit: None,
        expires_at: None,
    };
    let (service, account) = store
        .create_service_token(&token, "Zapier (service)", T0)
        .await
        .unwrap();
    store.set_user_active(w.sam, false, T0).await.unwrap();
    let holder = store
        .api_token_holder("hash-3", T0 + 80)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((holder.token_id, holder.actor.user_id), (service, account));
    assert_ne!(account, w.sam);
    assert_eq!(holder.actor.role, Role::Agent);
    assert_eq!(store.user_name(account).await.unwrap(), "Zapier (service)");
    assert!(
        store
            .assignable_staff()
            .await
            .unwrap()
            .iter()
            .all(|c| c.id != account),
        "nobody assigns work to a service account"
    );
    assert!(
        store
            .revoke_api_token(service, None, T0 + 90)
            .await
            .unwrap()
    );
    assert!(
        store.active_actor(account).await.unwrap().is_none(),
        "its account goes with the token"
    );
}
