//! Time, injected so that expiry and SLA rules are testable without sleeping.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch, UTC.
#[derive(Clone)]
pub struct Clock(Source);

#[derive(Clone)]
enum Source {
    System,
    Manual(Arc<AtomicI64>),
}

impl Clock {
    pub fn system() -> Self {
        Clock(Source::System)
    }

    /// A clock that stands still until moved; for tests.
    pub fn manual(start_ms: i64) -> Self {
        Clock(Source::Manual(Arc::new(AtomicI64::new(start_ms))))
    }

    pub fn now_ms(&self) -> i64 {
        match &self.0 {
            Source::System => SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as i64),
            Source::Manual(now) => now.load(Ordering::SeqCst),
        }
    }

    /// Moves a manual clock forward; the system clock ignores this.
    pub fn advance(&self, by_ms: i64) {
        if let Source::Manual(now) = &self.0 {
            now.fetch_add(by_ms, Ordering::SeqCst);
        }
    }
}
