//! Throwaway databases for tests and benchmarks: a fresh, migrated store per call.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use sqlx::{AnyConnection, Connection, Executor};

use super::{Store, StoreResult};

/// A fresh store that removes its SQLite file when dropped (Postgres databases stay in the
/// throwaway test cluster).
pub struct Scratch {
    pub store: Store,
    /// The URL the store was opened with, for tests that need a second connection.
    pub url: String,
    sqlite_file: Option<PathBuf>,
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Some(file) = &self.sqlite_file {
            for suffix in ["", "-wal", "-shm"] {
                let mut path = file.clone().into_os_string();
                path.push(suffix);
                let _ = std::fs::remove_file(path);
            }
        }
    }
}

fn unique_name() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "fd_scratch_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// A migrated SQLite database in a new file under the system's temp folder.
pub async fn scratch_sqlite() -> StoreResult<Scratch> {
    let file = std::env::temp_dir().join(format!("{}.db", unique_name()));
    let url = format!("sqlite://{}", file.display());
    let store = Store::connect(&url).await?;
    store.migrate().await?;
    Ok(Scratch {
        store,
        url,
        sqlite_file: Some(file),
    })
}

/// A migrated, new database in the Postgres cluster that `admin_url` points at (the role needs
/// CREATEDB).
pub async fn scratch_postgres(admin_url: &str) -> StoreResult<Scratch> {
    super::install_default_drivers();
    let name = unique_name();
    let mut admin = AnyConnection::connect(admin_url).await?;
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await?;
    admin.close().await?;
    let base = admin_url.split('?').next().unwrap_or(admin_url);
    let server = base.rsplit_once('/').map_or(base, |(server, _db)| server);
    let url = format!("{server}/{name}");
    let store = Store::connect(&url).await?;
    store.migrate().await?;
    Ok(Scratch {
        store,
        url,
        sqlite_file: None,
    })
}
