//! Identity through the real router: sign-in links, invitations, password resets, team
//! management, sessions and the audit log. Mail is read from the outbox it is queued in; one test
//! sends it through a real SMTP server when `make test` provides one.

mod support;

use std::time::Duration;

use app::backend::Settings;
use app::domain::policy::{Role, Team, Visibility};
use app::domain::push::LoopbackEndpoints;
use app::domain::sign_in::LinkPurpose;
use app::domain::ticket::TicketRef;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use futures::StreamExt;
use support::{
    Harness, Reply, harness_from, harness_with, link_token, password_sign_in, session_cookie,
    set_cookie, token_mailed_to,
};

const PASSWORD: &str = "frontdoor-demo";

async fn signed_in(h: &Harness, email: &str) -> String {
    let response = password_sign_in(h, None, email, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK, "{email} signs in");
    session_cookie(&response).unwrap()
}

/// Asks for a link from a browser that has no cookies yet; returns that browser's link mark.
async fn ask_for_link(
    h: &Harness,
    email: &str,
    purpose: LinkPurpose,
) -> (String, serde_json::Value) {
    let form = format!(
        "email={}&purpose={}",
        email.replace('@', "%40"),
        purpose.as_str()
    );
    let response = h.post(None, "request_link", &form).await;
    assert_eq!(response.status(), StatusCode::OK);
    let mark = set_cookie(&response, "fd_link_browser").expect("the browser is marked");
    let body = axum::body::to_bytes(response.into_body(), 1 << 16)
        .await
        .unwrap();
    (mark, serde_json::from_slice(&body).unwrap())
}

async fn redeem(
    h: &Harness,
    cookie: Option<&str>,
    token: &str,
    password: Option<&str>,
) -> axum::response::Response {
    let form = match password {
        Some(password) => format!("token={token}&password={}", password.replace(' ', "+")),
        None => format!("token={token}"),
    };
    h.post(cookie, "redeem_sign_in_link", &form).await
}

async fn whoami(h: &Harness, cookie: &str) -> serde_json::Value {
    h.call(Some(cookie), "current_session", "").await.body
}

#[tokio::test]
async fn a_magic_link_signs_in_once_in_the_browser_that_asked() {
    let h = harness_with(false).await;
    let (mark, answer) = ask_for_link(&h, "luis@acme.example", LinkPurpose::MagicLink).await;
    let (_, unknown_answer) = ask_for_link(&h, "nobody@acme.example", LinkPurpose::MagicLink).await;
    assert_eq!(
        answer, unknown_answer,
        "the answer does not tell who has an account"
    );
    assert!(
        h.store
            .mail_to("nobody@acme.example")
            .await
            .unwrap()
            .is_empty()
    );

    let token = token_mailed_to(&h, "luis@acme.example").await;
    // Another browser (a forwarded mail, a stolen link) cannot use it.
    let elsewhere = h
        .call(None, "sign_in_link", &format!("token={token}"))
        .await;
    assert_eq!(
        elsewhere.body,
        serde_json::json!({ "Unusable": "OtherBrowser" })
    );
    assert_eq!(
        redeem(&h, None, &token, None).await.status(),
        StatusCode::CONFLICT
    );

    // Opening the page does not use the link; pressing its button does.
    let info = h
        .call(Some(&mark), "sign_in_link", &format!("token={token}"))
        .await;
    assert_eq!(info.body["Usable"]["name"], "Luis Romero");
    let response = redeem(&h, Some(&mark), &token, None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let session = session_cookie(&response).expect("signed in");
    assert_eq!(whoami(&h, &session).await["name"], "Luis Romero");

    let again = h
        .call(
            Some(&mark),
            "redeem_sign_in_link",
            &format!("token={token}"),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(
        again.body.to_string().contains("already been used"),
        "{}",
        again.body
    );
}

#[tokio::test]
async fn a_magic_link_expires_after_15_minutes() {
    let h = harness_with(false).await;
    let (mark, _) = ask_for_link(&h, "luis@acme.example", LinkPurpose::MagicLink).await;
    let token = token_mailed_to(&h, "luis@acme.example").await;
    h.clock.advance(15 * 60 * 1000);
    let info = h
        .call(Some(&mark), "sign_in_link", &format!("token={token}"))
        .await;
    assert_eq!(info.body, serde_json::json!({ "Unusable": "Expired" }));
    let late = h
        .call(
            Some(&mark),
            "redeem_sign_in_link",
            &format!("token={token}"),
        )
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert!(late.body.to_string().contains("expired"));
    let bogus = h.call(Some(&mark), "sign_in_link", "token=made-up").await;
    assert_eq!(bogus.body, serde_json::json!({ "Unusable": "Unknown" }));
}

#[tokio::test]
async fn asking_for_links_again_and_again_is_throttled() {
    let h = harness_with(false).await;
    let statuses: Vec<StatusCode> = futures::future::join_all((0..7).map(|_| {
        h.post(
            None,
            "request_link",
            "email=luis%40acme.example&purpose=magic_link",
        )
    }))
    .await
    .into_iter()
    .map(|response| response.status())
    .collect();
    assert!(
        statuses[..5].iter().all(|s| *s == StatusCode::OK),
        "{statuses:?}"
    );
    assert_eq!(statuses[6], StatusCode::TOO_MANY_REQUESTS);
    let bad = h
        .call(
            None,
            "request_link",
            "email=not-an-address&purpose=magic_link",
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let invitation = h
        .call(
            None,
            "request_link",
            "email=luis%40acme.example&purpose=invitation",
        )
        .await;
    assert_eq!(
        invitation.status,
        StatusCode::BAD_REQUEST,
        "invitations are not asked for"
    );
}

#[tokio::test]
async fn an_account_admin_invites_a_colleague_who_joins_by_the_emailed_link() {
    let h = harness_with(false).await;
    let grace = signed_in(&h, "grace@bluebird.example").await;
    let invite = h
        .call(
            Some(&grace),
            "invite_member",
            "name=Nina+Berg&email=Nina%40Bluebird.example",
        )
        .await;
    assert_eq!(invite.status, StatusCode::OK, "{}", invite.body);
    assert_eq!(invite.body, "Invitation sent to nina@bluebird.example.");

    let team = h.call(Some(&grace), "team", "").await.body;
    let nina = team_member(&team, "nina@bluebird.example");
    assert_eq!(
        (nina["status"].as_str(), nina["role"].as_str()),
        (Some("Invited"), Some("contact"))
    );

    let mail = &h.store.mail_to("nina@bluebird.example").await.unwrap()[0];
    assert!(mail.subject.contains("Grace"), "{}", mail.subject);
    assert!(
        mail.body_text
            .contains("http://frontdoor.test/signin/link?token=")
    );
    let token = link_token(&mail.body_text).unwrap();
    // Invitations are not bound to a browser: Nina opens it on her phone.
    let response = redeem(&h, None, &token, None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let nina_session = session_cookie(&response).unwrap();
    let me = whoami(&h, &nina_session).await;
    assert_eq!(
        (me["name"].as_str(), me["account_name"].as_str()),
        (Some("Nina Berg"), Some("Bluebird Dental"))
    );
    assert_eq!(
        redeem(&h, None, &token, None).await.status(),
        StatusCode::CONFLICT,
        "single use"
    );

    let acme = h.store.team_members(Team::Account(1)).await.unwrap();
    assert!(
        acme.iter().all(|m| m.email != "nina@bluebird.example"),
        "Acme's team is untouched"
    );
    let joined = h.call(Some(&grace), "team", "").await.body;
    assert_eq!(
        team_member(&joined, "nina@bluebird.example")["status"],
        "Active"
    );
}

/// The entry for `email` in a `team` answer.
/// `admin` turns `user_id` on or off (deactivates, or cancels an invitation).
async fn set_member_active(h: &Harness, admin: &str, user_id: i64, active: bool) -> Reply {
    let form = format!("user_id={user_id}&active={active}");
    h.call(Some(admin), "set_member_active", &form).await
}

fn team_member(team: &serde_json::Value, email: &str) -> serde_json::Value {
    team["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == email)
        .cloned()
        .unwrap_or_else(|| panic!("{email} is not on the team: {team}"))
}

/// Grace, Bluebird's admin, invites Nina: Grace's session cookie and the token of the link mailed.
async fn grace_invites_nina(h: &Harness) -> (String, String) {
    let grace = signed_in(h, "grace@bluebird.example").await;
    h.call(
        Some(&grace),
        "invite_member",
        "name=Nina&email=nina%40bluebird.example",
    )
    .await;
    let token = token_mailed_to(h, "nina@bluebird.example").await;
    (grace, token)
}

#[tokio::test]
async fn a_cancelled_invitation_link_stops_working() {
    let h = harness_with(false).await;
    let (grace, token) = grace_invites_nina(&h).await;
    let team = h.call(Some(&grace), "team", "").await.body;
    let nina = team_member(&team, "nina@bluebird.example")["user_id"]
        .as_i64()
        .unwrap();
    let cancelled = set_member_active(&h, &grace, nina, false).await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.body);

    let info = h
        .call(None, "sign_in_link", &format!("token={token}"))
        .await;
    // Deactivating someone expires their unused links: the team page promises it stops working.
    assert_eq!(info.body, serde_json::json!({ "Unusable": "Unknown" }));
    let response = redeem(&h, None, &token, None).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert!(session_cookie(&response).is_none(), "nobody signed in");
    // Nor does it come back to life when she is reactivated: she asks for a new link.
    let back = set_member_active(&h, &grace, nina, true).await;
    assert_eq!(back.status, StatusCode::OK, "{}", back.body);
    assert_eq!(
        redeem(&h, None, &token, None).await.status(),
        StatusCode::CONFLICT
    );
    // Still someone who was invited and never joined, not an active member.
    let team = h.call(Some(&grace), "team", "").await.body;
    assert_eq!(
        team_member(&team, "nina@bluebird.example")["status"],
        "Invited"
    );
}

#[tokio::test]
async fn an_invitation_expires_after_7_days() {
    let h = harness_with(false).await;
    let (_, token) = grace_invites_nina(&h).await;
    h.clock.advance(7 * 24 * 3600 * 1000);
    assert_eq!(
        redeem(&h, None, &token, None).await.status(),
        StatusCode::CONFLICT
    );
}

#[tokio::test]
async fn inviting_someone_who_has_an_account_elsewhere_reveals_nothing() {
    let h = harness_with(false).await;
    let grace = signed_in(&h, "grace@bluebird.example").await;
    let invite = h
        .call(
            Some(&grace),
            "invite_member",
            "name=Luis&email=luis%40acme.example",
        )
        .await;
    assert_eq!(invite.status, StatusCode::OK);
    assert_eq!(invite.body, "Invitation sent to luis@acme.example.");
    let luis = h
        .store
        .member(h.id("luis@acme.example"))
        .await
        .unwrap()
        .unwrap()
        .0;
    assert_eq!(luis.account_id, Some(1), "Luis stays with Acme");
    let mail = &h.store.mail_to("luis@acme.example").await.unwrap()[0];
    assert!(mail.subject.contains("tried to add you"));
    assert!(link_token(&mail.body_text).is_none(), "no way in");

    let twice = h
        .call(
            Some(&grace),
            "invite_member",
            "name=Tom&email=tom%40bluebird.example",
        )
        .await;
    assert_eq!(
        twice.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "someone in her own team: she can see them anyway"
    );
}

#[tokio::test]
async fn a_deactivated_contact_is_signed_out_everywhere_at_once() {
    let h = harness_with(false).await;
    let dana = signed_in(&h, "dana@acme.example").await;
    let luis_phone = signed_in(&h, "luis@acme.example").await;
    let luis_laptop = signed_in(&h, "luis@acme.example").await;
    let luis = h.id("luis@acme.example");

    let stream = h
        .send(
            Request::get("/events")
                .header(header::COOKIE, &luis_phone)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(stream.status(), StatusCode::OK);
    let mut frames = stream.into_body().into_data_stream();

    let off = set_member_active(&h, &dana, luis, false).await;
    assert_eq!(off.status, StatusCode::OK, "{}", off.body);
    for cookie in [&luis_phone, &luis_laptop] {
        assert_eq!(whoami(&h, cookie).await, serde_json::Value::Null);
    }
    // The open live stream ends too.
    let ended = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(frame) = frames.next().await {
            if frame.is_err() {
                break;
            }
        }
    })
    .await;
    assert!(
        ended.is_ok(),
        "the live stream of a deactivated person ends"
    );
    let again = password_sign_in(&h, None, "luis@acme.example", PASSWORD).await;
    assert_eq!(
        again.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "and cannot sign in"
    );

    let on = set_member_active(&h, &dana, luis, true).await;
    assert_eq!(on.status, StatusCode::OK);
    assert_eq!(
        password_sign_in(&h, None, "luis@acme.example", PASSWORD)
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn team_admins_change_only_their_own_team_and_never_themselves() {
    let h = harness_with(false).await;
    let dana = signed_in(&h, "dana@acme.example").await;
    let grace = signed_in(&h, "grace@bluebird.example").await;
    let luis = h.id("luis@acme.example");
    let tom = h.id("tom@bluebird.example");
    let dana_id = h.id("dana@acme.example");

    // Another company's person answers like a missing one.
    for (function, form) in [
        ("set_member_active", format!("user_id={luis}&active=false")),
        (
            "set_member_role",
            format!("user_id={luis}&role=account_admin"),
        ),
        ("team", "account_id=1".to_owned()),
        ("set_visibility", "visibility=own&account_id=1".to_owned()),
        (
            "invite_member",
            "name=X&email=x%40acme.example&account_id=1".to_owned(),
        ),
    ] {
        let reply = h.call(Some(&grace), function, &form).await;
        assert_eq!(
            reply.status,
            StatusCode::NOT_FOUND,
            "{function}: {}",
            reply.body
        );
    }
    let tom_cookie = signed_in(&h, "tom@bluebird.example").await;
    let reply = h.call(Some(&tom_cookie), "team", "").await;
    assert_eq!(
        reply.status,
        StatusCode::FORBIDDEN,
        "contacts manage nobody"
    );

    let own = set_member_active(&h, &dana, dana_id, false).await;
    assert_eq!(own.status, StatusCode::CONFLICT);
    let staff_role = h
        .call(
            Some(&grace),
            "set_member_role",
            &format!("user_id={tom}&role=admin"),
        )
        .await;
    assert_eq!(
        staff_role.status,
        StatusCode::CONFLICT,
        "no agency roles in a client team"
    );
    assert_eq!(
        h.store.member(tom).await.unwrap().unwrap().0.role,
        Role::Contact
    );
}

#[tokio::test]
async fn a_promotion_starts_a_new_session_with_the_new_role() {
    let h = harness_with(false).await;
    let dana = signed_in(&h, "dana@acme.example").await;
    let luis_cookie = signed_in(&h, "luis@acme.example").await;
    let luis = h.id("luis@acme.example");
    let promoted = h
        .call(
            Some(&dana),
            "set_member_role",
            &format!("user_id={luis}&role=account_admin"),
        )
        .await;
    assert_eq!(promoted.status, StatusCode::OK, "{}", promoted.body);
    assert_eq!(
        whoami(&h, &luis_cookie).await,
        serde_json::Value::Null,
        "the old session ended"
    );
    let fresh = signed_in(&h, "luis@acme.example").await;
    assert_eq!(whoami(&h, &fresh).await["role"], "account_admin");
    let team = h.call(Some(&fresh), "team", "").await;
    assert_eq!(team.status, StatusCode::OK, "and manages the team now");
}

/// Whether the person with `cookie` may open the ticket.
async fn sees(h: &Harness, cookie: &str, reference: TicketRef) -> bool {
    let form = format!("reference={reference}");
    h.call(Some(cookie), "get_ticket", &form).await.status == StatusCode::OK
}

#[tokio::test]
async fn the_visibility_mode_decides_what_contacts_see() {
    let h = harness_with(false).await;
    let dana = signed_in(&h, "dana@acme.example").await;
    let mei = h.file("mei@acme.example", "Mei's request").await;
    let luis = signed_in(&h, "luis@acme.example").await;
    assert!(sees(&h, &luis, mei).await, "Acme starts in company mode");
    let own = h
        .call(Some(&dana), "set_visibility", "visibility=own")
        .await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
    assert_eq!(
        h.store.visibility(1).await.unwrap(),
        Visibility::OwnRequests
    );
    assert!(!sees(&h, &luis, mei).await, "own mode: only his own");
    assert!(
        sees(&h, &dana, mei).await,
        "admins always see the company's"
    );
    h.call(Some(&dana), "set_visibility", "visibility=company")
        .await;
    assert!(sees(&h, &luis, mei).await);
}

#[tokio::test]
async fn a_password_reset_sets_a_new_password_and_ends_other_sessions() {
    let h = harness_with(false).await;
    let old_session = signed_in(&h, "mei@acme.example").await;
    let (mark, answer) = ask_for_link(&h, "mei@acme.example", LinkPurpose::PasswordReset).await;
    let (_, unknown) = ask_for_link(&h, "ghost@acme.example", LinkPurpose::PasswordReset).await;
    assert_eq!(answer, unknown);
    let token = token_mailed_to(&h, "mei@acme.example").await;

    let weak = redeem(&h, Some(&mark), &token, Some("password123")).await;
    assert_eq!(weak.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let info = h
        .call(Some(&mark), "sign_in_link", &format!("token={token}"))
        .await;
    assert_eq!(
        info.body["Usable"]["purpose"], "password_reset",
        "a refused password does not use the link"
    );

    let response = redeem(&h, Some(&mark), &token, Some("plum tree by the river")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(session_cookie(&response).is_some());
    assert_eq!(
        whoami(&h, &old_session).await,
        serde_json::Value::Null,
        "other sessions ended"
    );
    assert_eq!(
        password_sign_in(&h, None, "mei@acme.example", PASSWORD)
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        password_sign_in(&h, None, "mei@acme.example", "plum tree by the river")
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn sessions_are_listed_and_can_be_ended_one_by_one_or_all_at_once() {
    let h = harness_with(false).await;
    let phone = signed_in(&h, "luis@acme.example").await;
    let laptop = signed_in(&h, "luis@acme.example").await;
    let list = h.call(Some(&phone), "my_sessions", "").await.body;
    let sessions = list["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2);
    let other = sessions
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .find(|id| *id != list["current"].as_i64().unwrap())
        .unwrap();

    let dana = signed_in(&h, "dana@acme.example").await;
    let not_hers = h
        .call(
            Some(&dana),
            "end_other_session",
            &format!("session_id={other}"),
        )
        .await;
    assert_eq!(not_hers.status, StatusCode::NOT_FOUND);
    let ended = h
        .call(
            Some(&phone),
            "end_other_session",
            &format!("session_id={other}"),
        )
        .await;
    assert_eq!(ended.status, StatusCode::OK);
    assert_eq!(whoami(&h, &laptop).await, serde_json::Value::Null);

    let tablet = signed_in(&h, "luis@acme.example").await;
    let everywhere = h.call(Some(&phone), "sign_out_everywhere", "").await;
    assert_eq!(everywhere.status, StatusCode::OK);
    for cookie in [&phone, &tablet] {
        assert_eq!(whoami(&h, cookie).await, serde_json::Value::Null);
    }
    assert_eq!(
        whoami(&h, &dana).await["name"],
        "Dana Whitfield",
        "others are untouched"
    );
}

#[tokio::test]
async fn over_tls_the_session_cookie_is_host_only_and_secure() {
    let h = harness_from(Settings {
        demo_sign_in: false,
        secure_cookies: true,
        public_url: "https://support.agency.example".to_owned(),
        inbound_mail_secret: None,
        push_loopback: LoopbackEndpoints::Refused,
        ..support::settings()
    })
    .await;
    let response = password_sign_in(&h, None, "luis@acme.example", PASSWORD).await;
    let header = response.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(header.starts_with("__Host-fd_session="), "{header}");
    assert!(
        header.contains("Secure") && header.contains("Path=/") && !header.contains("Domain"),
        "{header}"
    );
    let cookie = session_cookie(&response).unwrap();
    assert_eq!(whoami(&h, &cookie).await["name"], "Luis Romero");
    // The unprefixed name is not accepted: a sibling subdomain could have set it.
    let value = cookie.split_once('=').unwrap().1;
    assert_eq!(
        whoami(&h, &format!("fd_session={value}")).await,
        serde_json::Value::Null
    );
}

#[tokio::test]
async fn admins_browse_an_audit_log_of_security_events_and_others_cannot() {
    let h = harness_with(false).await;
    password_sign_in(&h, None, "luis@acme.example", "wrong password").await;
    let dana = signed_in(&h, "dana@acme.example").await;
    let luis = h.id("luis@acme.example");
    h.call(
        Some(&dana),
        "set_member_role",
        &format!("user_id={luis}&role=account_admin"),
    )
    .await;
    h.call(
        Some(&dana),
        "invite_member",
        "name=Ola&email=ola%40acme.example",
    )
    .await;

    let alex = signed_in(&h, "alex@agency.example").await;
    let log = h.call(Some(&alex), "audit_log", "").await;
    assert_eq!(log.status, StatusCode::OK);
    let actions: Vec<&str> = log.body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for expected in ["sign_in_failed", "signed_in", "role_changed", "invited"] {
        assert!(
            actions.contains(&expected),
            "{expected} missing from {actions:?}"
        );
    }
    let role_change = log.body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "role_changed")
        .unwrap();
    assert_eq!(role_change["actor_name"], "Dana Whitfield");
    assert_eq!(
        role_change["facts"],
        serde_json::json!([["Before", "Contact"], ["After", "Account admin"]])
    );

    let filtered = h
        .call(Some(&alex), "audit_log", "action=invited")
        .await
        .body;
    assert!(
        filtered["entries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["action"] == "invited")
    );
    for person in ["dana@acme.example", "sam@agency.example"] {
        let cookie = signed_in(&h, person).await;
        assert_eq!(
            h.call(Some(&cookie), "audit_log", "").await.status,
            StatusCode::FORBIDDEN,
            "{person}"
        );
    }
}

/// An address longer than any stored is refused at once: no throttle key, no audit row, for
/// each made-up one.
#[tokio::test]
async fn a_huge_email_is_refused_before_it_is_throttled_or_logged() {
    let h = harness_with(false).await;
    let email = format!("{}@bluebird.example", "x".repeat(10_000));
    let response = password_sign_in(&h, None, &email, "wrong password").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let alex = signed_in(&h, "alex@agency.example").await;
    let log = h
        .call(Some(&alex), "audit_log", "action=sign_in_failed")
        .await;
    assert_eq!(log.status, StatusCode::OK);
    let entries = log.body["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 0, "no audit row for a made-up address");
}

/// Through a real SMTP server: the mail leaves the outbox, arrives, and its link works.
#[tokio::test]
async fn sign_in_links_travel_through_a_real_smtp_server() {
    let Ok(maildir) = std::env::var("FRONTDOOR_TEST_SMTP_MAILDIR") else {
        assert!(
            std::env::var("FRONTDOOR_REQUIRE_SMTP").as_deref() != Ok("1"),
            "FRONTDOOR_REQUIRE_SMTP=1 but FRONTDOOR_TEST_SMTP_URL/_MAILDIR are not set"
        );
        eprintln!(
            "skipped: set FRONTDOOR_TEST_SMTP_URL and FRONTDOOR_TEST_SMTP_MAILDIR to send real mail"
        );
        return;
    };
    let h = harness_with(false).await;
    // A fresh address for this run, so the sink's earlier mail does not count.
    let recipient = format!("run{}@acme.example", h.clock.now_ms());
    invite_and_deliver(&h, &recipient).await;
    let (mark, _) = ask_for_link(&h, &recipient, LinkPurpose::MagicLink).await;
    let sent = h
        .state
        .mailer
        .deliver_due(&h.store, &h.clock)
        .await
        .unwrap();
    assert_eq!(sent, 1);

    let arrived = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            if let Some(mail) = find_mail(&maildir, &recipient) {
                return mail;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await
    .expect("the mail arrives");
    assert!(
        arrived.contains("Auto-Submitted: auto-generated"),
        "{arrived}"
    );
    assert!(arrived.contains("Message-ID: <outbox-"), "{arrived}");
    let unfolded = arrived
        .replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=");
    let token = link_token(&unfolded).expect("the link is in the mail");
    let response = redeem(&h, Some(&mark), &token, None).await;
    assert_eq!(response.status(), StatusCode::OK);
}

/// Dana invites a new contact at `email`; the invitation mail goes out at once.
async fn invite_and_deliver(h: &Harness, email: &str) {
    let dana = signed_in(h, "dana@acme.example").await;
    let form = format!("name=New+Colleague&email={}", email.replace('@', "%40"));
    assert_eq!(
        h.call(Some(&dana), "invite_member", &form).await.status,
        StatusCode::OK
    );
    h.state
        .mailer
        .deliver_due(&h.store, &h.clock)
        .await
        .unwrap();
}

fn find_mail(maildir: &str, recipient: &str) -> Option<String> {
    std::fs::read_dir(format!("{maildir}/new"))
        .ok()?
        .filter_map(|entry| std::fs::read_to_string(entry.ok()?.path()).ok())
        .find(|text| text.contains(&format!("To: {recipient}")) && text.contains("sign-in link"))
}

#[tokio::test]
async fn agency_admins_add_a_company_and_invite_its_admin() {
    let h = harness_with(false).await;
    let alex = signed_in(&h, "alex@agency.example").await;
    let created = h
        .call(Some(&alex), "create_account", "name=Harbour+Cafe")
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let account = created.body.as_i64().unwrap();
    let twin = h
        .call(Some(&alex), "create_account", "name=Harbour+Cafe")
        .await;
    assert_ne!(
        twin.body.as_i64().unwrap(),
        account,
        "a second company of the same name"
    );
    let blank = h.call(Some(&alex), "create_account", "name=+").await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);

    let form = format!(
        "name=Hana+Ito&email=hana%40harbour.example&role=account_admin&account_id={account}"
    );
    let invited = h.call(Some(&alex), "invite_member", &form).await;
    assert_eq!(invited.status, StatusCode::OK, "{}", invited.body);
    let team = h
        .call(Some(&alex), "team", &format!("account_id={account}"))
        .await
        .body;
    assert_eq!(team["name"], "Harbour Cafe");
    assert_eq!(team["members"][0]["role"], "account_admin");
    assert_eq!(team["visibility"], "own", "new companies start private");

    let token = token_mailed_to(&h, "hana@harbour.example").await;
    let hana = session_cookie(&redeem(&h, None, &token, None).await).unwrap();
    let her_team = h.call(Some(&hana), "team", "").await;
    assert_eq!(
        her_team.status,
        StatusCode::OK,
        "Hana manages her company's team"
    );

    let dana = signed_in(&h, "dana@acme.example").await;
    assert_eq!(
        h.call(Some(&dana), "create_account", "name=Rogue")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let wrong_role = h
        .call(
            Some(&dana),
            "invite_member",
            "name=X&email=x%40acme.example&role=admin",
        )
        .await;
    assert_eq!(
        wrong_role.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "no agency roles for a company"
    );
}

/// An authenticator app of our own (totp-rs used directly): the code for `key` at `now_ms`.
fn code_for(key: &str, now_ms: i64) -> String {
    let bytes = totp_rs::Secret::Encoded(key.replace(' ', ""))
        .to_bytes()
        .unwrap();
    let app = totp_rs::TOTP::new(
        totp_rs::Algorithm::SHA1,
        6,
        1,
        30,
        bytes,
        None,
        String::new(),
    )
    .unwrap();
    app.generate((now_ms / 1000) as u64)
}

/// Sets up two-step sign-in for the person with `cookie`; returns their key.
async fn enrol(h: &Harness, cookie: &str) -> String {
    let setup = h.call(Some(cookie), "start_two_step_setup", "").await;
    assert_eq!(setup.status, StatusCode::OK, "{}", setup.body);
    assert!(
        setup.body["qr_code"]
            .as_str()
            .unwrap()
            .starts_with("data:image/svg+xml;base64,")
    );
    let key = setup.body["key"].as_str().unwrap().to_owned();
    let code = code_for(&key, h.clock.now_ms());
    let confirmed = h
        .call(
            Some(cookie),
            "confirm_two_step_setup",
            &format!("code={code}"),
        )
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    key
}

#[tokio::test]
async fn staff_with_two_step_sign_in_need_a_fresh_code_after_the_password() {
    let h = harness_with(false).await;
    let sam = signed_in(&h, "sam@agency.example").await;
    let status = h.call(Some(&sam), "two_step_status", "").await.body;
    assert_eq!(status["enabled"], false);
    let started = h.call(Some(&sam), "start_two_step_setup", "").await;
    assert_eq!(started.status, StatusCode::OK);
    let refused = h
        .call(Some(&sam), "confirm_two_step_setup", "code=000000")
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let key = enrol(&h, &sam).await;
    assert_eq!(
        h.call(Some(&sam), "two_step_status", "").await.body["enabled"],
        true
    );

    // The password alone no longer signs in: it leads to the code page.
    let first_step = password_sign_in(&h, None, "sam@agency.example", PASSWORD).await;
    assert_eq!(first_step.status(), StatusCode::OK);
    assert!(session_cookie(&first_step).is_none(), "no session yet");
    let challenge = set_cookie(&first_step, "fd_two_step").expect("the code step is pending");
    let body = axum::body::to_bytes(first_step.into_body(), 1 << 16)
        .await
        .unwrap();
    assert_eq!(&body[..], br#""/signin/two-step""#);

    let bad = h
        .call(Some(&challenge), "verify_two_step", "code=000000")
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The code that confirmed the setup was used already: it does not work twice.
    let replay = code_for(&key, h.clock.now_ms());
    let replayed = h
        .call(
            Some(&challenge),
            "verify_two_step",
            &format!("code={replay}"),
        )
        .await;
    assert_eq!(replayed.status, StatusCode::UNPROCESSABLE_ENTITY);
    h.clock.advance(30_000);
    let fresh = code_for(&key, h.clock.now_ms());
    let response = h
        .post(
            Some(&challenge),
            "verify_two_step",
            &format!("code={fresh}"),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let session = session_cookie(&response).expect("signed in");
    assert_eq!(whoami(&h, &session).await["name"], "Sam Rivera");
    let again = h
        .call(
            Some(&challenge),
            "verify_two_step",
            &format!("code={fresh}"),
        )
        .await;
    assert_eq!(
        again.status,
        StatusCode::CONFLICT,
        "that sign-in is finished"
    );

    // A sign-in link is a first step too.
    let (mark, _) = ask_for_link(&h, "sam@agency.example", LinkPurpose::MagicLink).await;
    let token = token_mailed_to(&h, "sam@agency.example").await;
    let by_link = h
        .call(
            Some(&mark),
            "redeem_sign_in_link",
            &format!("token={token}"),
        )
        .await;
    assert_eq!(by_link.body, "/signin/two-step");

    // Turning it off takes a current code.
    assert_eq!(
        h.call(Some(&session), "disable_two_step", "code=000000")
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    h.clock.advance(30_000);
    let off = h
        .call(
            Some(&session),
            "disable_two_step",
            &format!("code={}", code_for(&key, h.clock.now_ms())),
        )
        .await;
    assert_eq!(off.status, StatusCode::OK, "{}", off.body);
    let plain = password_sign_in(&h, None, "sam@agency.example", PASSWORD).await;
    assert!(session_cookie(&plain).is_some());
}

#[tokio::test]
async fn wrong_codes_end_the_sign_in_after_five_tries() {
    let h = harness_with(false).await;
    let sam = signed_in(&h, "sam@agency.example").await;
    let key = enrol(&h, &sam).await;
    let first_step = password_sign_in(&h, None, "sam@agency.example", PASSWORD).await;
    let challenge = set_cookie(&first_step, "fd_two_step").unwrap();
    for _ in 0..5 {
        let reply = h
            .call(Some(&challenge), "verify_two_step", "code=000000")
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    h.clock.advance(30_000);
    let right = code_for(&key, h.clock.now_ms());
    let reply = h
        .call(
            Some(&challenge),
            "verify_two_step",
            &format!("code={right}"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(
        reply.body.to_string().contains("sign in again"),
        "{}",
        reply.body
    );
}

#[tokio::test]
async fn an_admin_can_require_two_step_sign_in_of_all_staff() {
    let h = harness_with(false).await;
    let alex = signed_in(&h, "alex@agency.example").await;
    let sam = signed_in(&h, "sam@agency.example").await;
    assert_eq!(
        h.call(Some(&sam), "set_two_step_required", "required=true")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let dana = signed_in(&h, "dana@acme.example").await;
    assert_eq!(
        h.call(Some(&dana), "two_step_status", "").await.status,
        StatusCode::FORBIDDEN,
        "staff only"
    );

    // A draft article, for staff eyes only.
    let saved = h
        .call(
            Some(&alex),
            "save_article",
            "title=Break-glass+steps&section=Access&body=Internal&audience=clients",
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let draft = format!("slug={}", saved.body.as_str().unwrap());
    let required = h
        .call(Some(&alex), "set_two_step_required", "required=true")
        .await;
    assert_eq!(required.status, StatusCode::OK, "{}", required.body);
    // Priya has not set it up: until she does, she can do nothing else.
    let priya = signed_in(&h, "priya@agency.example").await;
    assert_eq!(whoami(&h, &priya).await["two_step_setup_needed"], true);
    let queue = h.call(Some(&priya), "list_queue", "").await;
    assert_eq!(queue.status, StatusCode::FORBIDDEN);
    assert!(
        queue.body.to_string().contains("TwoStepSetupNeeded"),
        "{}",
        queue.body
    );
    let stream = h
        .send(
            Request::get("/events")
                .header(header::COOKIE, &priya)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(stream.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        h.call(Some(&priya), "my_sessions", "").await.status,
        StatusCode::OK
    );
    // The help centre is open to the public, and she reads it as the public does: no drafts.
    let read_draft = |who| h.call(Some(who), "read_article", &draft);
    assert_eq!(read_draft(&priya).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        h.call(Some(&priya), "suggest_articles", "text=break-glass")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let key = enrol(&h, &priya).await;
    assert_eq!(
        h.call(Some(&priya), "list_queue", "").await.status,
        StatusCode::OK
    );
    assert_eq!(read_draft(&priya).await.status, StatusCode::OK);
    h.clock.advance(30_000);
    let code = code_for(&key, h.clock.now_ms());
    let off = h
        .call(Some(&priya), "disable_two_step", &format!("code={code}"))
        .await;
    assert_eq!(off.status, StatusCode::CONFLICT, "required: it stays on");
    // Clients are never asked.
    assert_eq!(whoami(&h, &dana).await["two_step_setup_needed"], false);
}
