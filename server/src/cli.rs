//! Command line and environment: every setting has a flag, an environment variable and a default.

// The doc comments below are the `--help` text people read, not rustdoc: no Markdown in them.
#![allow(clippy::doc_markdown)]

use std::net::SocketAddr;

use app::backend::mail_intake::UnknownSenders;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::inbound::imap::Mailbox;

#[derive(Debug, Parser)]
#[command(
    name = "frontdoor",
    version,
    about = "Frontdoor: a customer care portal for agencies and their clients",
    long_about = "Frontdoor: a customer care portal for agencies and their clients.\n\n\
        With no command, `frontdoor` serves the portal (the same as `frontdoor serve`).\n\
        Data lives in an embedded SQLite file by default; point DATABASE_URL at PostgreSQL to run\n\
        several instances side by side.",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// Where data lives: sqlite://PATH (embedded, the default) or postgres://USER:PASSWORD@HOST/DB
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/frontdoor.db",
        global = true
    )]
    pub database_url: String,

    /// How logs are written to stderr (filter them with RUST_LOG, e.g. RUST_LOG=debug)
    #[arg(long, env = "FRONTDOOR_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,

    #[command(flatten)]
    pub serve: ServeArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
#[expect(
    clippy::large_enum_variant,
    reason = "parsed once at start-up; its size does not matter"
)]
pub enum Command {
    /// Serve the portal (the default). Migrates the database first.
    Serve(ServeArgs),
    /// Bring the database schema up to date, then exit.
    Migrate,
    /// Fill an empty database with a demo agency, three client companies and their requests.
    SeedDemo(SeedArgs),
    /// Create an agency administrator who can sign in with a password.
    CreateAdmin(CreateAdminArgs),
}

#[derive(Debug, Clone, Args)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "command-line switches, each its own flag"
)]
pub struct ServeArgs {
    /// Address to listen on
    #[arg(long, env = "FRONTDOOR_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,

    /// Folder with the built web assets (pkg/ with the wasm, js and css)
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,

    /// Demo mode: seed demo data into an empty database and offer "sign in as" any demo person.
    /// Never use it for real data.
    #[arg(long, env = "FRONTDOOR_DEMO")]
    pub demo: bool,

    /// Mark session cookies Secure (and name them __Host-…); turn on whenever the portal is served over HTTPS
    #[arg(long, env = "FRONTDOOR_SECURE_COOKIES")]
    pub secure_cookies: bool,

    /// The address people open the portal at, e.g. https://support.agency.example; links in mail
    /// start with it. Defaults to http://ADDR
    #[arg(long, env = "FRONTDOOR_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// The SMTP server mail goes out through: smtp://HOST:PORT (plain, a local relay),
    /// smtps://USER:PASSWORD@HOST (TLS) or smtp://USER:PASSWORD@HOST:587?tls=required (STARTTLS).
    /// Without one, mail waits in the outbox (in demo mode it is written to the log)
    #[arg(long, env = "FRONTDOOR_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,

    /// The sender of Frontdoor's mail
    #[arg(
        long,
        env = "FRONTDOOR_MAIL_FROM",
        default_value = "Frontdoor <frontdoor@localhost>"
    )]
    pub mail_from: String,

    /// Support mailboxes to poll for mail: imap://USER:PASSWORD@HOST:PORT/MAILBOX (plain, a local
    /// server) or imaps://USER:PASSWORD@HOST/MAILBOX (TLS); several, comma-separated
    #[arg(
        long,
        env = "FRONTDOOR_IMAP_URLS",
        value_delimiter = ',',
        hide_env_values = true
    )]
    pub imap_url: Vec<Mailbox>,

    /// Seconds between two polls of each mailbox
    #[arg(long, env = "FRONTDOOR_IMAP_POLL_SECONDS", default_value_t = 30)]
    pub imap_poll_seconds: u64,

    /// Take mail by SMTP on this address (e.g. 0.0.0.0:2525), for mail your MX relays here; only
    /// mail to addresses at the sender domain of --mail-from is accepted
    #[arg(long, env = "FRONTDOOR_SMTP_LISTEN")]
    pub smtp_listen: Option<SocketAddr>,

    /// The secret a mail provider's webhook sends (Authorization: Bearer SECRET) to post raw mail
    /// to /inbound/mail; without one that route is off
    #[arg(long, env = "FRONTDOOR_INBOUND_MAIL_SECRET", hide_env_values = true)]
    pub inbound_mail_secret: Option<String>,

    /// Hosts outgoing webhooks (and client companies' single sign-on issuers) may reach although
    /// they are private or local (an integration on your own network), by name or address as
    /// written in the URL; comma-separated. Every other private, loopback or link-local target is
    /// refused
    #[arg(long, env = "FRONTDOOR_WEBHOOK_ALLOW_HOSTS", value_delimiter = ',')]
    pub webhook_allow_host: Vec<String>,

    /// The signing secret of your Slack app: turns on /slack/commands (the /request command) and
    /// /slack/events (messages in connected channels). Needs --slack-bot-token
    #[arg(
        long,
        env = "FRONTDOOR_SLACK_SIGNING_SECRET",
        hide_env_values = true,
        requires = "slack_bot_token"
    )]
    pub slack_signing_secret: Option<String>,

    /// The Slack app's bot token (xoxb-…), with chat:write, users:read and users:read.email
    #[arg(long, env = "FRONTDOOR_SLACK_BOT_TOKEN", hide_env_values = true)]
    pub slack_bot_token: Option<String>,

    /// Slack's Web API (a test points it at a local stand-in)
    #[arg(
        long,
        env = "FRONTDOOR_SLACK_API_URL",
        default_value = "https://slack.com/api"
    )]
    pub slack_api_url: String,

    /// The agency's OpenID provider (its issuer URL), for staff single sign-on at /auth/sso; its
    /// redirect URI is <public URL>/auth/sso/callback. Needs --oidc-client-id and
    /// --oidc-client-secret
    #[arg(long, env = "FRONTDOOR_OIDC_ISSUER", requires_all = ["oidc_client_id", "oidc_client_secret"])]
    pub oidc_issuer: Option<String>,

    /// Frontdoor's client id at the agency's OpenID provider
    #[arg(long, env = "FRONTDOOR_OIDC_CLIENT_ID")]
    pub oidc_client_id: Option<String>,

    /// Frontdoor's client secret at the agency's OpenID provider
    #[arg(long, env = "FRONTDOOR_OIDC_CLIENT_SECRET", hide_env_values = true)]
    pub oidc_client_secret: Option<String>,

    /// Staff other than admins must sign in with the agency's OpenID provider; admins keep
    /// passwords and email links for when it is down (break glass)
    #[arg(long, env = "FRONTDOOR_STAFF_SSO_REQUIRED", requires = "oidc_issuer")]
    pub staff_sso_required: bool,

    /// What mail from an unknown address at no client's domain becomes: triage (a request in the
    /// "Unknown senders" account) or refuse
    #[arg(long, env = "FRONTDOOR_MAIL_UNKNOWN_SENDERS", default_value = "triage")]
    pub mail_unknown_senders: UnknownSenders,

    /// For end-to-end tests only: let POST /test/clock?minutes=N move the server's clock forward,
    /// so that SLA timers can be tried without waiting. Never use it for real data
    #[arg(long, env = "FRONTDOOR_TEST_CLOCK", hide = true)]
    pub test_clock: bool,
}

#[derive(Debug, Args)]
pub struct SeedArgs {
    /// How many requests to create
    #[arg(long, default_value_t = 200)]
    pub tickets: usize,
}

#[derive(Debug, Args)]
pub struct CreateAdminArgs {
    /// Their email address (they sign in with it)
    #[arg(long)]
    pub email: String,

    /// Their name as others see it
    #[arg(long)]
    pub name: String,

    /// Their password (at least 12 characters); read from the environment so it stays out of shell history
    #[arg(long, env = "FRONTDOOR_ADMIN_PASSWORD", hide_env_values = true)]
    pub password: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn no_command_means_serve_with_flags_at_the_top() {
        let cli = Cli::try_parse_from(["frontdoor", "--addr", "127.0.0.1:4000", "--demo"]).unwrap();
        assert!(cli.command.is_none());
        assert_eq!(cli.serve.addr.port(), 4000);
        assert!(cli.serve.demo);
    }
}
