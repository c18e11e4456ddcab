//! What each subcommand does.

use std::sync::Arc;

use anyhow::{Context, bail};
use app::backend::clock::Clock;
use app::backend::mail::Mailer;
use app::backend::mail_updates::run_notifier;
use app::backend::password::hash_password;
use app::backend::seed::{DEMO_PASSWORD, SeedOutcome, seed_demo as seed};
use app::backend::slack::{self, SlackSettings};
use app::backend::store::{NewUser, OidcClient, Store};
use app::backend::{AppState, Settings};
use app::backend::{push, webhooks};
use app::domain::policy::Role;
use app::domain::push::LoopbackEndpoints;
use app::domain::sign_in::{check_new_password, parse_email};
use app::domain::webhook::AllowedHosts;
use leptos::config::get_configuration;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::cli::{CreateAdminArgs, SeedArgs, ServeArgs};
use crate::{http, inbound};

const MIN_PASSWORD_CHARS: usize = 12;

async fn open_store(database_url: &str) -> anyhow::Result<Store> {
    let store = Store::connect(database_url)
        .await
        .with_context(|| format!("opening the database at {}", redact(database_url)))?;
    store.migrate().await.context("migrating the database")?;
    Ok(store)
}

pub async fn serve(database_url: &str, args: ServeArgs) -> anyhow::Result<()> {
    let store = open_store(database_url).await?;
    let clock = if args.test_clock {
        tracing::warn!("the clock can be moved through POST /test/clock: for tests only");
        Clock::shifted()
    } else {
        Clock::system()
    };
    if args.demo {
        report_seed(
            seed(&store, &clock, 200)
                .await
                .context("seeding demo data")?,
        );
    }

    let mut leptos_options = get_configuration(None)
        .context("reading the Leptos configuration")?
        .leptos_options;
    leptos_options.site_root = args.site_root.as_str().into();
    leptos_options.site_addr = args.addr;

    let mailer = Mailer::new(args.smtp_url.as_deref(), &args.mail_from, args.demo)
        .context("setting up outgoing mail")?;
    let public_url = args
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", args.addr));
    let (stop, shutdown) = watch::channel(false);
    let state = AppState::new(
        leptos_options,
        store.clone(),
        clock,
        Settings {
            demo_sign_in: args.demo,
            secure_cookies: args.secure_cookies,
            public_url: public_url.trim_end_matches('/').to_owned(),
            unknown_senders: args.mail_unknown_senders,
            // An empty secret would let anyone in: it means none.
            inbound_mail_secret: args
                .inbound_mail_secret
                .clone()
                .filter(|secret| !secret.trim().is_empty()),
            push_loopback: LoopbackEndpoints::Refused,
            webhook_hosts: Arc::new(AllowedHosts::new(&args.webhook_allow_host)),
            slack: slack_settings(&args),
            staff_sso: staff_sso(&args),
            staff_sso_required: args.staff_sso_required,
        },
        mailer,
        shutdown.clone(),
    );
    let outbox = {
        let (mailer, store, clock) = (state.mailer.clone(), store.clone(), state.clock.clone());
        let shutdown = shutdown.clone();
        tokio::spawn(async move { mailer.run(store, clock, shutdown).await })
    };
    let live_updates = state.start_live_updates(database_url);
    let mail_in = start_mail_intake(&state, &args, &shutdown).await?;
    let mail_updates = tokio::spawn(run_notifier(state.clone(), shutdown.clone()));
    let push_sender = tokio::spawn(push::run_sender(state.clone(), shutdown.clone()));
    let webhook_planner = tokio::spawn(webhooks::run_planner(state.clone(), shutdown.clone()));
    let webhook_sender = tokio::spawn(webhooks::run_sender(state.clone(), shutdown.clone()));
    let slack_planner = tokio::spawn(slack::run_planner(state.clone(), shutdown.clone()));
    let slack_sender = tokio::spawn(slack::run_sender(state.clone(), shutdown.clone()));
    let sla_timers = {
        let state = state.clone();
        tokio::spawn(async move { state.sla_watch.clone().run(state, shutdown).await })
    };
    let listener = TcpListener::bind(args.addr)
        .await
        .with_context(|| format!("listening on {}", args.addr))?;
    tracing::info!(addr = %args.addr, demo = args.demo, "Frontdoor is serving at http://{}", args.addr);
    let app = http::router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            tracing::info!("shutting down: finishing requests in flight");
            // Ends the endless live streams so that the server can finish.
            let _ = stop.send(true);
        })
        .await
        .context("serving")?;
    // Mail being sent finishes; what is still queued goes out after the next start.
    let _ = outbox.await;
    let _ = sla_timers.await;
    let _ = live_updates.await;
    let _ = mail_updates.await;
    let _ = push_sender.await;
    let _ = webhook_planner.await;
    let _ = webhook_sender.await;
    let _ = slack_planner.await;
    let _ = slack_sender.await;
    for task in mail_in {
        let _ = task.await;
    }
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// The Slack app, when its signing secret and bot token are given (empty ones mean none).
fn slack_settings(args: &ServeArgs) -> Option<SlackSettings> {
    let secret = args
        .slack_signing_secret
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())?;
    let token = args
        .slack_bot_token
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())?;
    Some(SlackSettings {
        signing_secret: secret.to_owned(),
        bot_token: token.to_owned(),
        api_url: args.slack_api_url.trim_end_matches('/').to_owned(),
    })
}

/// The agency's OpenID provider, when all three settings are given.
fn staff_sso(args: &ServeArgs) -> Option<OidcClient> {
    Some(OidcClient {
        issuer: args.oidc_issuer.clone()?.trim_end_matches('/').to_owned(),
        client_id: args.oidc_client_id.clone()?,
        client_secret: args.oidc_client_secret.clone()?,
    })
}

/// Starts polling the support mailboxes and, when asked for, the SMTP listener.
async fn start_mail_intake(
    state: &AppState,
    args: &ServeArgs,
    shutdown: &watch::Receiver<bool>,
) -> anyhow::Result<Vec<tokio::task::JoinHandle<()>>> {
    let every = std::time::Duration::from_secs(args.imap_poll_seconds.max(1));
    let mut tasks: Vec<_> = args
        .imap_url
        .iter()
        .map(|mailbox| {
            tracing::info!(?mailbox, "polling a support mailbox");
            tokio::spawn(inbound::imap::poll(
                mailbox.clone(),
                every,
                state.clone(),
                shutdown.clone(),
            ))
        })
        .collect();
    if let Some(addr) = args.smtp_listen {
        let listener = TcpListener::bind(addr)
            .await
            .with_context(|| format!("listening for SMTP on {addr}"))?;
        tracing::info!(%addr, "taking mail by SMTP");
        tasks.push(tokio::spawn(inbound::smtp::serve(
            listener,
            state.clone(),
            shutdown.clone(),
        )));
    }
    Ok(tasks)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

pub async fn migrate(database_url: &str) -> anyhow::Result<()> {
    let store = open_store(database_url).await?;
    store.close().await;
    tracing::info!("the database schema is up to date");
    Ok(())
}

pub async fn seed_demo(database_url: &str, args: &SeedArgs) -> anyhow::Result<()> {
    let store = open_store(database_url).await?;
    let outcome = seed(&store, &Clock::system(), args.tickets)
        .await
        .context("seeding demo data")?;
    store.close().await;
    report_seed(outcome);
    Ok(())
}

fn report_seed(outcome: SeedOutcome) {
    match outcome {
        SeedOutcome::Seeded { people, tickets } => tracing::info!(
            people,
            tickets,
            "demo data created; every demo person's password is `{DEMO_PASSWORD}` \
             (e.g. dana@acme.example for a client admin, sam@agency.example for an agent)"
        ),
        SeedOutcome::AlreadyHasData => {
            tracing::info!("the database already has people in it: demo data not added");
        }
    }
}

pub async fn create_admin(database_url: &str, args: &CreateAdminArgs) -> anyhow::Result<()> {
    if args.password.chars().count() < MIN_PASSWORD_CHARS {
        bail!("the password must have at least {MIN_PASSWORD_CHARS} characters");
    }
    if let Err(problem) = check_new_password(&args.password, &args.email) {
        bail!("{}", problem.message);
    }
    if let Err(problem) = parse_email("email", &args.email) {
        bail!("`{}`: {}", args.email, problem.message);
    }
    let store = open_store(database_url).await?;
    let password_hash = hash_password(&args.password)?;
    let user = NewUser {
        account_id: None,
        email: &args.email,
        name: &args.name,
        role: Role::Admin,
        password_hash: Some(&password_hash),
    };
    let id = store
        .create_user(&user, Clock::system().now_ms())
        .await
        .context("creating the administrator")?;
    store.close().await;
    tracing::info!(user_id = id, email = %args.email, "administrator created");
    Ok(())
}

/// A database URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/fd"),
            "postgres://app:***@db:5432/fd"
        );
        assert_eq!(
            redact("sqlite://data/frontdoor.db"),
            "sqlite://data/frontdoor.db"
        );
    }
}
