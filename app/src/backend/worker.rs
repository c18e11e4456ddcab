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
