//! A Frontdoor app on a scratch SQLite database with the demo people, driven through the real
//! router the binary serves. Shared by the HTTP test files.

#![allow(dead_code)] // each test file uses its own part of this

pub mod instance;
pub mod script;
pub mod wire;

use std::collections::HashMap;
use std::sync::Arc;

use app::backend::clock::Clock;
use app::backend::live::EventBus;
use app::backend::mail::Mailer;
use app::backend::mail_intake::UnknownSenders;
use app::backend::seed::seed_demo;
use app::backend::store::scratch::{Scratch, scratch_sqlite};
use app::backend::store::{NewTicket, Store};
use app::backend::{AppState, Settings};
use app::domain::push::LoopbackEndpoints;
use app::domain::ticket::TicketRef;
use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use tokio::sync::watch;
use tower::ServiceExt;

pub struct Harness {
    pub router: Router,
    pub state: AppState,
    /// Stands still unless advanced, so expiry is tested without waiting.
    pub clock: Clock,
    pub store: Store,
    pub events: EventBus,
    pub people: HashMap<String, i64>,
    /// The scratch database, for a test that needs a connection of its own.
    pub db: Scratch,
    _stop: watch::Sender<bool>,
}

/// What the harness's mail webhook (`POST /inbound/mail`) accepts as its secret.
pub const INBOUND_MAIL_SECRET: &str = "test-inbound-secret";

/// The demo agency, with demo sign-in on.
pub async fn harness() -> Harness {
    harness_with(true).await
}

pub async fn harness_with(demo_sign_in: bool) -> Harness {
    harness_from(Settings {
        demo_sign_in,
        ..settings()
    })
    .await
}

/// What the harness runs with unless a test says otherwise: demo sign-in, no TLS, a mail hook,
/// push receivers on 127.0.0.1 (the push test's), no webhook exceptions, no Slack.
pub fn settings() -> Settings {
    Settings {
        demo_sign_in: true,
        secure_cookies: false,
        public_url: "http://frontdoor.test".to_owned(),
        unknown_senders: UnknownSenders::Triage,
        inbound_mail_secret: Some(INBOUND_MAIL_SECRET.to_owned()),
        push_loopback: LoopbackEndpoints::Allowed,
        webhook_hosts: Arc::default(),
        slack: None,
        staff_sso: None,
        staff_sso_required: false,
    }
}

pub async fn harness_from(settings: Settings) -> Harness {
    let db = scratch_sqlite().await.unwrap();
    let clock = Clock::manual(Clock::system().now_ms());
    seed_demo(&db.store, &clock, 0).await.unwrap();
    let people = db
        .store
        .active_people()
        .await
        .unwrap()
        .into_iter()
        .map(|p| (p.email, p.user_id))
        .collect();
    let (stop, shutdown) = watch::channel(false);
    let smtp_url = std::env::var("FRONTDOOR_TEST_SMTP_URL").ok();
    let state = AppState::new(
        leptos::config::get_configuration(None)
            .unwrap()
            .leptos_options,
        db.store.clone(),
        clock.clone(),
        settings,
        Mailer::new(
            smtp_url.as_deref(),
            "Frontdoor <support@agency.example>",
            false,
        )
        .unwrap(),
        shutdown,
    );
    state.start_live_updates(&db.url);
    Harness {
        router: server::http::router(state.clone()),
        store: db.store.clone(),
        events: state.events.clone(),
        state,
        clock,
        people,
        db,
        _stop: stop,
    }
}

pub struct Reply {
    pub status: StatusCode,
    pub body: serde_json::Value,
}

impl Harness {
    pub fn id(&self, email: &str) -> i64 {
        self.people[email]
    }

    pub async fn send(&self, request: Request<Body>) -> axum::response::Response {
        self.router.clone().oneshot(request).await.unwrap()
    }

    /// Posts to a server function the way the hydrated app does (form-encoded, JSON answer).
    pub async fn post(
        &self,
        cookie: Option<&str>,
        function: &str,
        form: &str,
    ) -> axum::response::Response {
        let mut request = Request::post(format!("/api/{function}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(request.body(Body::from(form.to_owned())).unwrap())
            .await
    }

    /// Calls a server function and reads its answer.
    pub async fn call(&self, cookie: Option<&str>, function: &str, form: &str) -> Reply {
        read_reply(self.post(cookie, function, form).await).await
    }

    /// Uploads one file the way the browser's file picker does (multipart, field `file`).
    pub async fn upload(&self, cookie: Option<&str>, filename: &str, content: &[u8]) -> Reply {
        let boundary = "frontdoor-test-boundary";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n\
             Content-Type: text/html\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(content);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let mut request = Request::post("/files")
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header(header::ACCEPT, "application/json");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        let request = request.body(Body::from(body)).unwrap();
        read_reply(self.send(request).await).await
    }

    /// GETs a path with a session cookie; returns the response.
    pub async fn get(&self, cookie: Option<&str>, path: &str) -> axum::response::Response {
        self.without_body(Method::GET, cookie, path).await
    }

    /// DELETEs a path with a session cookie; returns the response.
    pub async fn delete(&self, cookie: Option<&str>, path: &str) -> axum::response::Response {
        self.without_body(Method::DELETE, cookie, path).await
    }

    async fn without_body(
        &self,
        method: Method,
        cookie: Option<&str>,
        path: &str,
    ) -> axum::response::Response {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }

    /// Signs in as a demo person; returns the cookie to send.
    pub async fn sign_in(&self, email: &str) -> String {
        let form = format!("user_id={}", self.id(email));
        let response = self.post(None, "demo_sign_in", &form).await;
        assert_eq!(response.status(), StatusCode::OK);
        let set_cookie = response.headers()[header::SET_COOKIE].to_str().unwrap();
        assert!(
            set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"),
            "{set_cookie}"
        );
        set_cookie.split(';').next().unwrap().to_owned()
    }

    pub async fn file(&self, email: &str, title: &str) -> TicketRef {
        let requester = self.id(email);
        let actor = self.store.active_actor(requester).await.unwrap().unwrap();
        let ticket = NewTicket::from_portal(actor.account_id.unwrap(), requester, title, "d");
        self.store
            .create_ticket(&ticket, 1)
            .await
            .unwrap()
            .reference
    }
}

/// A server function's answer: JSON when it is JSON, else the text.
async fn read_reply(response: axum::response::Response) -> Reply {
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    let body = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::String(
        String::from_utf8_lossy(&bytes).into(),
    ));
    Reply { status, body }
}

/// The session cookie a response sets, as a `Cookie` header value.
/// A response's body as text (lossy: a test reads what came, whatever it is).
pub async fn body_text(response: axum::response::Response) -> String {
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 24)
        .await
        .unwrap();
    String::from_utf8_lossy(&bytes).into_owned()
}

pub fn session_cookie(response: &axum::response::Response) -> Option<String> {
    set_cookie(response, "fd_session")
}

/// The cookie named `name` (or `__Host-name`) a response sets, as `name=value`.
pub fn set_cookie(response: &axum::response::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .map(|value| value.split(';').next().unwrap_or_default().to_owned())
        .find(|pair| {
            let cookie_name = pair.split('=').next().unwrap_or_default();
            cookie_name == name || cookie_name == format!("__Host-{name}")
        })
}

/// The one-time link in the newest mail to `email`, as its token.
pub async fn token_mailed_to(h: &Harness, email: &str) -> String {
    let mail = h.store.mail_to(email).await.unwrap();
    let body = &mail.first().expect("a mail was queued").body_text;
    link_token(body).expect("the mail carries a link")
}

/// The token of the first `/signin/link?token=` link in a text.
pub fn link_token(text: &str) -> Option<String> {
    let start = text.find("/signin/link?token=")? + "/signin/link?token=".len();
    Some(
        text[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect(),
    )
}

pub async fn password_sign_in(
    h: &Harness,
    cookie: Option<&str>,
    email: &str,
    password: &str,
) -> axum::response::Response {
    let form = format!(
        "email={}&password={}",
        email.replace('@', "%40"),
        password.replace(' ', "+")
    );
    h.post(cookie, "sign_in", &form).await
}
