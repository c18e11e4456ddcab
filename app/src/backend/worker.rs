//! The loop every background worker runs (notifier, senders, planners, timers): do the work until
//! there is none left, then sleep until woken, until a poll interval passes (work may fall due
//! without anyone waking it), or until shutdown.
//!
//! A macro, not a function taking async closures: the futures of those are not yet known to be
//! `Send` for every borrow, and workers are spawned on the runtime.

/// `keep_working!(what, poll, step, wake, shutdown)`: runs `step` (a `StoreResult<bool>`
/// future: `true` when there may be more) until it says there is no more, then waits for `wake`
/// (a future), `poll` or `shutdown` (a `watch::Receiver<bool>`); a failing step is logged as
/// `what`'s and waited out the same way.
macro_rules! keep_working {
    ($what:expr, $poll:expr, $step:expr, $wake:expr, $shutdown:expr $(,)?) => {{
        let mut shutdown = $shutdown;
        loop {
            loop {
                match $step.await {
                    Ok(true) => {}
                    Ok(false) => break,
                    Err(error) => {
                        tracing::error!(%error, "{} could not do its work", $what);
                        break;
                    }
                }
            }
            tokio::select! {
                _ = $wake => {}
                () = tokio::time::sleep($poll) => {}
                _ = shutdown.changed() => break,
            }
        }
    }};
}

pub(crate) use keep_working;

/// How long to wait after the `attempts`-th failed try of an outbox entry (mail, push, a Slack
/// post): 30 s, 1 min, 2 min, … at most an hour.
pub fn retry_delay_ms(attempts: i64) -> i64 {
    let doublings = attempts.clamp(1, 8) - 1;
    (30_000_i64 << doublings).min(60 * 60 * 1000)
}

#[cfg(test)]
mod tests {
    use super::retry_delay_ms;

    #[test]
    fn retries_back_off_up_to_an_hour() {
        assert_eq!(retry_delay_ms(1), 30_000);
        assert_eq!(retry_delay_ms(2), 60_000);
        assert_eq!(retry_delay_ms(3), 120_000);
        assert_eq!(retry_delay_ms(5), 480_000);
        assert_eq!(retry_delay_ms(40), 60 * 60 * 1000);
        assert_eq!(retry_delay_ms(50), 3_600_000);
    }
}
