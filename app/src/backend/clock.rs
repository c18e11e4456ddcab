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
    /// The system clock plus an offset that only grows: end-to-end tests move a running
    /// server's time forward (`frontdoor --test-clock`).
    Shifted(Arc<AtomicI64>),
}

impl Clock {
    pub fn system() -> Self {
        Clock(Source::System)
    }

    /// A clock that stands still until moved; for tests.
    pub fn manual(start_ms: i64) -> Self {
        Clock(Source::Manual(Arc::new(AtomicI64::new(start_ms))))
    }

    /// The system clock that [`Clock::advance`] moves forward.
    pub fn shifted() -> Self {
        Clock(Source::Shifted(Arc::new(AtomicI64::new(0))))
    }

    /// Whether [`Clock::advance`] does anything.
    pub fn is_movable(&self) -> bool {
        !matches!(self.0, Source::System)
    }

    pub fn now_ms(&self) -> i64 {
        let system = || {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as i64)
        };
        match &self.0 {
            Source::System => system(),
            Source::Manual(now) => now.load(Ordering::SeqCst),
            Source::Shifted(offset) => system() + offset.load(Ordering::SeqCst),
        }
    }

    /// Moves a manual or shifted clock forward (never back); the system clock ignores this.
    pub fn advance(&self, by_ms: i64) {
        if let Source::Manual(moved) | Source::Shifted(moved) = &self.0 {
            moved.fetch_add(by_ms.max(0), Ordering::SeqCst);
        }
    }
}
