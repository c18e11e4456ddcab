//! The state every handler and server function shares.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use tokio::sync::{Notify, OnceCell, watch};
use web_push_native::jwt_simple::algorithms::ES256KeyPair;

use super::build_stamp;
use super::clock::Clock;
use super::live::EventBus;
use super::mail::Mailer;
use super::mail_intake::UnknownSenders;
use super::rest::ApiRate;
use super::sla_watch::SlaWatch;
use super::slack::SlackSettings;
use super::store::{Backend, OidcClient, Store};
use super::throttle::Throttle;
use crate::domain::push::LoopbackEndpoints;
use crate::domain::webhook::AllowedHosts;

/// Settings the host decides at start-up.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Offer the "pick a demo person" sign-in. Never on in production.
    pub demo_sign_in: bool,
    /// Mark cookies `Secure` (the portal is served over TLS).
    pub secure_cookies: bool,
    /// Where people reach the portal, without a trailing slash; links in mail start with it.
    pub public_url: String,
    /// What mail from unknown senders becomes.
    pub unknown_senders: UnknownSenders,
    /// The secret a mail provider's webhook shows to post raw mail (`POST /inbound/mail`);
    /// without one the route is closed.
    pub inbound_mail_secret: Option<String>,
    /// Whether push subscriptions may name a receiver on 127.0.0.1 over plain HTTP (tests).
    pub push_loopback: LoopbackEndpoints,
    /// Hosts webhooks may reach although they are private or local (an integration on the
    /// agency's own network; a test's receiver on 127.0.0.1).
    pub webhook_hosts: Arc<AllowedHosts>,
    /// The Slack app this server takes requests from; `None`: the Slack routes are closed.
    pub slack: Option<SlackSettings>,
    /// The agency's OpenID provider, for staff single sign-on.
    pub staff_sso: Option<OidcClient>,
    /// Staff other than admins sign in with the agency's provider only; admins keep their
    /// password and email links (break glass, for when the provider is down).
    pub staff_sso_required: bool,
}

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub store: Store,
    pub events: EventBus,
    pub clock: Clock,
    pub settings: Arc<Settings>,
    /// Limits password guessing.
    #[from_ref(skip)]
    pub sign_in_throttle: Arc<Throttle>,
    /// Limits mail sent on request of someone not signed in (sign-in links, resets).
    #[from_ref(skip)]
    pub mail_throttle: Arc<Throttle>,
    pub mailer: Arc<Mailer>,
    #[from_ref(skip)]
    pub sla_watch: Arc<SlaWatch>,
    /// Wakes the push sender when notifications are queued.
    #[from_ref(skip)]
    pub push_wake: Arc<Notify>,
    /// Wakes the webhook sender when deliveries are queued.
    #[from_ref(skip)]
    pub webhook_wake: Arc<Notify>,
    /// Wakes the Slack sender when posts to threads are queued.
    #[from_ref(skip)]
    pub slack_wake: Arc<Notify>,
    /// The VAPID key pair, read from the database on first use.
    #[from_ref(skip)]
    pub vapid: Arc<OnceCell<Arc<ES256KeyPair>>>,
    /// Each API token's call allowance.
    #[from_ref(skip)]
    pub api_rate: Arc<ApiRate>,
    /// Flips to `true` when the server starts shutting down, so that endless streams end.
    pub shutdown: watch::Receiver<bool>,
}

impl AppState {
    /// The state of a freshly started app: an empty event bus and fresh throttles. Pages ask for
    /// the browser app's files under this build's stamp (see [`build_stamp`]).
    pub fn new(
        mut leptos_options: LeptosOptions,
        store: Store,
        clock: Clock,
        settings: Settings,
        mailer: Mailer,
        shutdown: watch::Receiver<bool>,
    ) -> AppState {
        leptos_options.site_pkg_dir =
            build_stamp::pkg_dir(&build_stamp::of(&leptos_options.site_root)).into();
        AppState {
            leptos_options,
            store,
            events: EventBus::default(),
            clock,
            settings: Arc::new(settings),
            sign_in_throttle: Arc::new(Throttle::sign_in()),
            mail_throttle: Arc::new(Throttle::sign_in()),
            mailer: Arc::new(mailer),
            sla_watch: Arc::default(),
            push_wake: Arc::default(),
            webhook_wake: Arc::default(),
            slack_wake: Arc::default(),
            vapid: Arc::default(),
            api_rate: Arc::default(),
            shutdown,
        }
    }
}

impl AppState {
    /// Starts this instance's live fan-out and, on PostgreSQL, its wake-ups by other instances;
    /// both end at shutdown.
    pub fn start_live_updates(&self, database_url: &str) -> tokio::task::JoinHandle<()> {
        let fanout = self
            .events
            .clone()
            .run_fanout(self.store.clone(), self.shutdown.clone());
        let relay = (self.store.backend() == Backend::Postgres).then(|| {
            self.events
                .clone()
                .relay_postgres_notifications(database_url.to_owned(), self.shutdown.clone())
        });
        tokio::spawn(async move {
            match relay {
                Some(relay) => {
                    tokio::join!(fanout, relay);
                }
                None => fanout.await,
            }
        })
    }
}

/// The shared state inside a server function (provided by the router). A server function run
/// for a drawing the server has already discarded finds no context any more: it ends with an
/// error instead of a panic, so that nothing waiting for it (a page's suspense) waits forever.
pub fn app_state() -> Result<AppState, crate::error::AppError> {
    leptos::prelude::use_context::<AppState>().ok_or_else(|| {
        tracing::debug!("a server function ran without the app's state (a discarded drawing)");
        crate::error::AppError::Internal
    })
}
