//! Working several requests at once from the queue board: drag and drop, keyboard shortcuts and
//! bulk selection all end here, one request at a time through the same store calls, policy and
//! audit as the single-request actions.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::ticket::{Priority, TicketRef, TicketStatus};
use crate::error::AppError;

/// The most requests one bulk change touches.
pub const MAX_BULK: usize = 100;

/// What a bulk change did: each request is done or failed on its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkOutcome {
    pub done: Vec<TicketRef>,
    pub failed: Vec<BulkFailure>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkFailure {
    pub reference: TicketRef,
    pub reason: String,
}

/// Moves the requests to `status`, assigns them to the caller, and/or sets their priority.
/// A request already where it is asked to go counts as done.
#[server(endpoint = "bulk_change")]
pub async fn bulk_change(
    references: Vec<TicketRef>,
    status: Option<TicketStatus>,
    assign_to_me: Option<bool>,
    priority: Option<Priority>,
) -> Result<BulkOutcome, AppError> {
    use crate::backend::{auth, state::app_state};
    use crate::domain::policy::Permission;

    let actor = auth::require_permission(Permission::WorkQueue)?;
    let assign_to_me = assign_to_me.unwrap_or(false);
    if references.is_empty() || references.len() > MAX_BULK {
        return Err(AppError::BadRequest(format!(
            "Choose between 1 and {MAX_BULK} requests."
        )));
    }
    if status.is_none() && !assign_to_me && priority.is_none() {
        return Err(AppError::BadRequest("Choose what to change.".into()));
    }
    let state = app_state()?;
    let mut references = references;
    references.sort_unstable();
    references.dedup();
    let mut outcome = BulkOutcome {
        done: Vec::new(),
        failed: Vec::new(),
    };
    for reference in references {
        let change = Change {
            status,
            assign_to: assign_to_me.then_some(actor.user_id),
            priority,
        };
        match change.apply(&state, reference, actor.user_id).await {
            Ok(()) => outcome.done.push(reference),
            Err(error) => outcome.failed.push(BulkFailure {
                reference,
                reason: error.to_string(),
            }),
        }
    }
    if !outcome.done.is_empty() {
        state.events.publish();
    }
    tracing::info!(
        done = outcome.done.len(),
        failed = outcome.failed.len(),
        user = actor.user_id,
        "bulk change"
    );
    Ok(outcome)
}

#[cfg(feature = "ssr")]
struct Change {
    status: Option<TicketStatus>,
    assign_to: Option<i64>,
    priority: Option<Priority>,
}

#[cfg(feature = "ssr")]
impl Change {
    async fn apply(
        &self,
        state: &crate::backend::AppState,
        reference: TicketRef,
        user_id: i64,
    ) -> Result<(), AppError> {
        use crate::backend::audit::Audit;
        use crate::domain::audit::AuditAction;

        let record = state.store.ticket(reference).await?;
        let now = state.clock.now_ms();
        if let Some(status) = self.status.filter(|s| *s != record.summary.status) {
            state
                .store
                .change_status(reference, status, user_id, now)
                .await?;
            Audit::new(AuditAction::StatusChanged, format!("ticket:{reference}"))
                .detail(serde_json::json!({ "after": status.as_str(), "bulk": true }))
                .record(state)
                .await?;
        }
        if self.assign_to.is_some() || self.priority.is_some() {
            // Read after the move: the version the facts are written against is current.
            let mut facts = state.store.ticket(reference).await?.facts;
            if let Some(assignee) = self.assign_to {
                facts.assignee_id = Some(assignee);
            }
            if let Some(priority) = self.priority {
                facts.priority = priority;
            }
            state
                .store
                .update_facts(reference, &facts, user_id, now)
                .await?;
        }
        Ok(())
    }
}
