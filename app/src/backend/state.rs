//! The state every handler and server function shares.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use tokio::sync::watch;

use super::clock::Clock;
use super::live::EventBus;
use super::store::Store;
use super::throttle::Throttle;

/// Settings the host decides at start-up.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Offer the "pick a demo person" sign-in. Never on in production.
    pub demo_sign_in: bool,
    /// Mark cookies `Secure` (the portal is served over TLS).
    pub secure_cookies: bool,
}

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub store: Store,
    pub events: EventBus,
    pub clock: Clock,
    pub settings: Arc<Settings>,
    /// Limits password guessing.
    pub sign_in_throttle: Arc<Throttle>,
    /// Flips to `true` when the server starts shutting down, so that endless streams end.
    pub shutdown: watch::Receiver<bool>,
}

/// The shared state inside a server function (provided by the router).
pub fn app_state() -> AppState {
    leptos::prelude::expect_context::<AppState>()
}
