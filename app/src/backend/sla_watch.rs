//! The SLA timer: raises warnings and breaches when their instant passes, escalates breaches and
//! tells the people concerned. Due instants live in the database (`tickets.sla_warn_at`,
//! `sla_due_at`), so timers survive restarts, and each alert is claimed with a lease and raised
//! once, so several app instances can run this side by side.

use std::time::Duration;

use tokio::sync::{Notify, watch};

use super::state::AppState;
use super::store::{NewMail, RaisedSlaAlert, StoreResult};
use super::worker::keep_working;
use crate::domain::sla::ClockState;

/// How long one instance may hold a ticket while raising its alert.
const LEASE_MS: i64 = 60 * 1000;
/// How often the timer looks for instants that passed; alerts are at most this late.
const POLL: Duration = Duration::from_secs(20);

#[derive(Debug, Default)]
pub struct SlaWatch {
    wake: Notify,
}

impl SlaWatch {
    /// Looks again now instead of at the next poll (the clock moved).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// The timer loop, until shutdown.
    pub async fn run(&self, state: AppState, shutdown: watch::Receiver<bool>) {
        keep_working!(
            "the SLA timers",
            POLL,
            async { raise_due_alerts(&state).await.map(|_| false) },
            self.wake.notified(),
            shutdown,
        );
    }
}

/// Raises every alert whose instant has passed. Returns how many were raised.
pub async fn raise_due_alerts(state: &AppState) -> StoreResult<usize> {
    let mut raised = 0;
    while let Some(reference) = state
        .store
        .claim_due_sla_alert(state.clock.now_ms(), LEASE_MS)
        .await?
    {
        let Some(alert) = state
            .store
            .raise_sla_alert(reference, state.clock.now_ms(), LEASE_MS)
            .await?
        else {
            continue;
        };
        tracing::info!(ticket = %alert.reference, state = alert.state.as_str(), due = alert.due.as_str(), "SLA alert");
        if !alert.events.is_empty() {
            state.events.publish();
        }
        tell(state, &alert).await?;
        raised += 1;
    }
    Ok(raised)
}

async fn tell(state: &AppState, alert: &RaisedSlaAlert) -> StoreResult<()> {
    let what = if alert.state == ClockState::Breached {
        "was missed"
    } else {
        "is at risk"
    };
    let subject = format!(
        "[{}] {} target {what}: {}",
        alert.reference,
        alert.due.label(),
        alert.title
    );
    let body = format!(
        "The {} target of {} “{}” {what}.\n\nOpen it: {}/requests/{}\n",
        alert.due.label().to_lowercase(),
        alert.reference,
        alert.title,
        state.settings.public_url,
        alert.reference,
    );
    for recipient in &alert.recipients {
        state
            .mailer
            .queue(
                &state.store,
                &NewMail::plain(recipient, &subject, &body, "sla_alert"),
                state.clock.now_ms(),
            )
            .await?;
    }
    Ok(())
}
