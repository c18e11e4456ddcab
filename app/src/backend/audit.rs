//! Recording to the audit log from inside a server function: who (the signed-in person, unless
//! given), from where (the client address), what and to whom.

use super::auth::{api_call, client_address, current_actor};
use super::state::AppState;
use super::store::NewAuditEntry;
use crate::domain::audit::AuditAction;
use crate::error::AppError;

/// What to record; the actor defaults to whoever is signed in. Nothing is written until
/// [`Audit::record`].
#[must_use = "an audit entry is only written by `record`"]
pub struct Audit {
    pub action: AuditAction,
    pub subject: String,
    pub account_id: Option<i64>,
    pub detail: serde_json::Value,
    /// Set when the person acting is not (yet) signed in, e.g. at sign-in.
    pub actor_id: Option<i64>,
}

impl Audit {
    pub fn new(action: AuditAction, subject: impl Into<String>) -> Audit {
        Audit {
            action,
            subject: subject.into(),
            account_id: None,
            detail: serde_json::Value::Null,
            actor_id: None,
        }
    }

    pub fn account(mut self, account_id: Option<i64>) -> Audit {
        self.account_id = account_id;
        self
    }

    pub fn detail(mut self, detail: serde_json::Value) -> Audit {
        self.detail = detail;
        self
    }

    pub fn by(mut self, actor_id: i64) -> Audit {
        self.actor_id = Some(actor_id);
        self
    }

    pub async fn record(self, state: &AppState) -> Result<(), AppError> {
        let mut detail = self.detail;
        // Done through the API: which token did it.
        if let Some(call) = api_call() {
            let token = serde_json::json!({ "id": call.token_id, "name": call.token_name });
            match &mut detail {
                serde_json::Value::Object(fields) => {
                    fields.insert("api_token".into(), token);
                }
                other => *other = serde_json::json!({ "api_token": token }),
            }
        }
        let entry = NewAuditEntry {
            actor_id: self
                .actor_id
                .or_else(|| current_actor().map(|actor| actor.user_id)),
            account_id: self.account_id,
            action: self.action,
            subject: self.subject,
            detail,
            ip: client_address()
                .map(|ip| ip.to_string())
                .unwrap_or_default(),
        };
        state
            .store
            .append_audit(&entry, state.clock.now_ms())
            .await?;
        Ok(())
    }
}

/// The subject naming a person, e.g. `user:12`.
pub fn user_subject(user_id: i64) -> String {
    format!("user:{user_id}")
}
