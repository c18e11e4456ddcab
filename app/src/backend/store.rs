//! The one store API over both backends: embedded SQLite (the default) and PostgreSQL (scale-out).
//!
//! Queries are written once in the SQL both engines accept (`$1` placeholders, `RETURNING`,
//! integer times and flags) and run through sqlx's `Any` driver; only the migrations differ.

/// Runs `body` in the transaction `begin` opens, with the transaction bound to `tx`: commits
/// when the body succeeds; when it fails, rolls back and waits for that. A dropped transaction
/// only schedules its rollback, and on SQLite the pooled connection was seen to keep the write
/// lock meanwhile, so every refused write must end here. `?` and `return` leave the body.
macro_rules! in_transaction {
    ($begin:expr, |$tx:ident| $body:block) => {{
        let mut transaction = $begin.await?;
        let $tx = &mut transaction;
        let result: StoreResult<_> = async { $body }.await;
        match result {
            Ok(value) => {
                transaction.commit().await?;
                Ok(value)
            }
            Err(error) => {
                transaction.rollback().await?;
                Err(error)
            }
        }
    }};
}

mod accounts;
mod api_tokens;
mod attachments;
mod audit;
mod events;
mod feedback;
mod knowledge;
mod library;
mod links;
mod listing;
mod mail;
mod notifications;
mod outbox;
mod presence;
mod push;
mod reports;
mod routing;
pub mod scratch;
mod sessions;
mod sla;
mod sla_timers;
mod slack;
mod sso;
mod ticket_work;
mod tickets;
mod two_step;
mod webhooks;

use std::path::Path;
use std::str::FromStr;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{Any, AnyPool, Executor, Transaction};

use crate::domain::ticket::{ReplyRefused, TransitionError};

pub use accounts::{NewAccount, NewUser};
pub use api_tokens::{NewApiToken, TokenHolder};
pub use attachments::{NewAttachment, StoredAttachment};
pub use audit::NewAuditEntry;
pub use events::OwnedEvent;
pub use feedback::NewFeedback;
pub use knowledge::{ArticleCounts, ArticleHitRow, StoredArticle};
pub use links::{NewLink, StoredLink};
pub use listing::TicketQuery;
pub use mail::{
    ArrivedMail, MailLogEntry, MailSettlement, MailThread, QuarantinedMail, QuarantinedOriginal,
    TRIAGE_ACCOUNT_SLUG,
};
pub use notifications::InboxReader;
pub use outbox::{LogFollower, NewMail, OutgoingMail};
pub use push::{NewPush, NewSubscription, OutgoingPush};
pub use routing::RoutingDecision;
pub use sessions::{LiveSession, SessionOrigin};
pub use sla_timers::RaisedSlaAlert;
pub use slack::{SlackChannel, SlackPost, SlackThread};
pub use sso::{OidcClient, SsoAttempt, SsoConnection};
pub use ticket_work::NewTask;
pub use tickets::{Filing, NewMessage, NewTicket, StatusFilter, TicketRecord};
pub use two_step::TwoStepChallenge;
pub use webhooks::{Attempt, DueDelivery, NewDelivery, NewWebhook, WebhookTarget};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unsupported database URL `{0}`: use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    #[error("could not create the database folder {path}: {source}")]
    CreateDir {
        path: String,
        source: std::io::Error,
    },
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Transition(#[from] TransitionError),
    #[error(transparent)]
    ReplyRefused(#[from] ReplyRefused),
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// What a write that names something missing (a deleted person, a made-up team id) is told.
const MISSING_REFERENCE: &str = "That refers to something that no longer exists.";

/// Every sqlx error becomes a store error here. A violated foreign key is the caller's: an id
/// that names nothing, a conflict with what is stored (409), not a failure of ours (500).
impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match error {
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                tracing::info!(error = %db, "write refused: it names a missing row");
                StoreError::Conflict(MISSING_REFERENCE.to_owned())
            }
            other => StoreError::Database(other),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

impl Store {
    /// Opens (creating if needed) the database at `url`. Does not migrate.
    pub async fn connect(url: &str) -> StoreResult<Store> {
        install_default_drivers();
        let (backend, url) = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Backend::Postgres, url.to_owned())
        } else if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            (Backend::Sqlite, sqlite_url(path)?)
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_owned()));
        };
        let max_connections = match backend {
            Backend::Sqlite => 8,
            Backend::Postgres => 16,
        };
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers run beside the one writer; NORMAL is durable in WAL mode
                        // except for the last transactions on power loss, the usual trade-off.
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
                             PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await?;
        Ok(Store { pool, backend })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Brings the schema up to date. Safe to run on every start.
    pub async fn migrate(&self) -> StoreResult<()> {
        let migrator = match self.backend {
            Backend::Sqlite => sqlx::migrate!("../migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("../migrations/postgres"),
        };
        migrator.run(&self.pool).await?;
        Ok(())
    }

    /// Waits for in-flight queries and closes every connection (SQLite checkpoints its WAL).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// A cheap round trip, for health checks.
    pub async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Starts a transaction that will write.
    ///
    /// On SQLite it takes the write lock up front (`BEGIN IMMEDIATE`): a deferred transaction that
    /// reads first and writes later fails with "database is locked" (`SQLITE_BUSY_SNAPSHOT`,
    /// which the busy timeout does not wait out) whenever another connection committed in between.
    async fn begin_write(&self) -> StoreResult<Transaction<'static, Any>> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// Starts a transaction that will append ticket events.
    ///
    /// Event ids must become visible in id order, or a live reader that has seen id N could skip a
    /// smaller id committed later. SQLite has one writer at a time anyway; on Postgres an advisory
    /// lock makes event-writing transactions commit one after another.
    async fn begin_event_write(&self) -> StoreResult<Transaction<'static, Any>> {
        let mut tx = self.begin_write().await?;
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock(7402)")
                .execute(&mut *tx)
                .await?;
        }
        Ok(tx)
    }
}

/// Turns a path into a SQLite URL that creates the file, making its folder first.
fn sqlite_url(path: &str) -> StoreResult<String> {
    let file = path.split('?').next().unwrap_or(path);
    let parent = Path::new(file)
        .parent()
        .filter(|p| !p.as_os_str().is_empty());
    if let Some(parent) = parent.filter(|_| file != ":memory:") {
        std::fs::create_dir_all(parent).map_err(|source| StoreError::CreateDir {
            path: parent.display().to_string(),
            source,
        })?;
    }
    Ok(if path.contains("mode=") {
        format!("sqlite://{path}")
    } else if path.contains('?') {
        format!("sqlite://{path}&mode=rwc")
    } else {
        format!("sqlite://{path}?mode=rwc")
    })
}

/// Reads a stored enum name back, treating an unknown one as corrupt data rather than panicking.
fn parse_stored<T: FromStr>(value: &str, what: &str) -> StoreResult<T> {
    value
        .parse()
        .map_err(|_| StoreError::Corrupt(format!("unknown {what} `{value}`")))
}

/// Whether a database error is a violated unique constraint.
fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.is_unique_violation())
}
