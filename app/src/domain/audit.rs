//! What the audit log records: a closed list of actions, so entries can be filtered reliably.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::policy::UnknownName;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    SignedIn,
    SignInFailed,
    SignedOut,
    SessionRevoked,
    SignedOutEverywhere,
    SignInLinkSent,
    PasswordResetSent,
    PasswordChanged,
    Invited,
    Deactivated,
    Reactivated,
    RoleChanged,
    VisibilityChanged,
    AccountCreated,
    TwoStepEnabled,
    TwoStepDisabled,
    TwoStepRequirementChanged,
    RequestFiled,
    StatusChanged,
    RequestsMerged,
    DeskConfigured,
    MailRetried,
    MailDismissed,
    ArticleSaved,
    ArticleDeleted,
    ApiTokenCreated,
    ApiTokenRevoked,
    WebhookAdded,
    WebhookRemoved,
    WebhookRedelivered,
    SlackChannelConnected,
    SlackChannelDisconnected,
    SsoConnected,
    SsoRemoved,
}

impl AuditAction {
    pub const ALL: [AuditAction; 34] = [
        AuditAction::SignedIn,
        AuditAction::SignInFailed,
        AuditAction::SignedOut,
        AuditAction::SessionRevoked,
        AuditAction::SignedOutEverywhere,
        AuditAction::SignInLinkSent,
        AuditAction::PasswordResetSent,
        AuditAction::PasswordChanged,
        AuditAction::Invited,
        AuditAction::Deactivated,
        AuditAction::Reactivated,
        AuditAction::RoleChanged,
        AuditAction::VisibilityChanged,
        AuditAction::AccountCreated,
        AuditAction::TwoStepEnabled,
        AuditAction::TwoStepDisabled,
        AuditAction::TwoStepRequirementChanged,
        AuditAction::RequestFiled,
        AuditAction::StatusChanged,
        AuditAction::RequestsMerged,
        AuditAction::DeskConfigured,
        AuditAction::MailRetried,
        AuditAction::MailDismissed,
        AuditAction::ArticleSaved,
        AuditAction::ArticleDeleted,
        AuditAction::ApiTokenCreated,
        AuditAction::ApiTokenRevoked,
        AuditAction::WebhookAdded,
        AuditAction::WebhookRemoved,
        AuditAction::WebhookRedelivered,
        AuditAction::SlackChannelConnected,
        AuditAction::SlackChannelDisconnected,
        AuditAction::SsoConnected,
        AuditAction::SsoRemoved,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::SignedIn => "signed_in",
            AuditAction::SignInFailed => "sign_in_failed",
            AuditAction::SignedOut => "signed_out",
            AuditAction::SessionRevoked => "session_revoked",
            AuditAction::SignedOutEverywhere => "signed_out_everywhere",
            AuditAction::SignInLinkSent => "sign_in_link_sent",
            AuditAction::PasswordResetSent => "password_reset_sent",
            AuditAction::PasswordChanged => "password_changed",
            AuditAction::Invited => "invited",
            AuditAction::Deactivated => "deactivated",
            AuditAction::Reactivated => "reactivated",
            AuditAction::RoleChanged => "role_changed",
            AuditAction::VisibilityChanged => "visibility_changed",
            AuditAction::AccountCreated => "account_created",
            AuditAction::TwoStepEnabled => "two_step_enabled",
            AuditAction::TwoStepDisabled => "two_step_disabled",
            AuditAction::TwoStepRequirementChanged => "two_step_requirement_changed",
            AuditAction::RequestFiled => "request_filed",
            AuditAction::StatusChanged => "status_changed",
            AuditAction::RequestsMerged => "requests_merged",
            AuditAction::DeskConfigured => "desk_configured",
            AuditAction::MailRetried => "mail_retried",
            AuditAction::MailDismissed => "mail_dismissed",
            AuditAction::ArticleSaved => "article_saved",
            AuditAction::ArticleDeleted => "article_deleted",
            AuditAction::ApiTokenCreated => "api_token_created",
            AuditAction::ApiTokenRevoked => "api_token_revoked",
            AuditAction::WebhookAdded => "webhook_added",
            AuditAction::WebhookRemoved => "webhook_removed",
            AuditAction::WebhookRedelivered => "webhook_redelivered",
            AuditAction::SlackChannelConnected => "slack_channel_connected",
            AuditAction::SlackChannelDisconnected => "slack_channel_disconnected",
            AuditAction::SsoConnected => "sso_connected",
            AuditAction::SsoRemoved => "sso_removed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AuditAction::SignedIn => "Signed in",
            AuditAction::SignInFailed => "Failed sign-in",
            AuditAction::SignedOut => "Signed out",
            AuditAction::SessionRevoked => "Session ended",
            AuditAction::SignedOutEverywhere => "Signed out everywhere",
            AuditAction::SignInLinkSent => "Sign-in link sent",
            AuditAction::PasswordResetSent => "Password reset sent",
            AuditAction::PasswordChanged => "Password changed",
            AuditAction::Invited => "Invited",
            AuditAction::Deactivated => "Deactivated",
            AuditAction::Reactivated => "Reactivated",
            AuditAction::RoleChanged => "Role changed",
            AuditAction::VisibilityChanged => "Visibility changed",
            AuditAction::AccountCreated => "Company added",
            AuditAction::TwoStepEnabled => "Two-step sign-in on",
            AuditAction::TwoStepDisabled => "Two-step sign-in off",
            AuditAction::TwoStepRequirementChanged => "Two-step requirement changed",
            AuditAction::RequestFiled => "Request filed",
            AuditAction::StatusChanged => "Status changed",
            AuditAction::RequestsMerged => "Requests merged",
            AuditAction::DeskConfigured => "Desk settings changed",
            AuditAction::MailRetried => "Unreadable mail retried",
            AuditAction::MailDismissed => "Unreadable mail dismissed",
            AuditAction::ArticleSaved => "Help article saved",
            AuditAction::ArticleDeleted => "Help article deleted",
            AuditAction::ApiTokenCreated => "API token created",
            AuditAction::ApiTokenRevoked => "API token revoked",
            AuditAction::WebhookAdded => "Webhook added",
            AuditAction::WebhookRemoved => "Webhook removed",
            AuditAction::WebhookRedelivered => "Webhook delivery sent again",
            AuditAction::SlackChannelConnected => "Slack channel connected",
            AuditAction::SlackChannelDisconnected => "Slack channel disconnected",
            AuditAction::SsoConnected => "Single sign-on set up",
            AuditAction::SsoRemoved => "Single sign-on removed",
        }
    }
}

impl FromStr for AuditAction {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AuditAction::ALL
            .into_iter()
            .find(|action| action.as_str() == s)
            .ok_or_else(|| UnknownName(s.to_owned()))
    }
}

/// A recorded entry, as admins browse it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub created_at: i64,
    pub actor_name: Option<String>,
    pub account_name: Option<String>,
    pub action: String,
    /// What it was done to, in words (see `subject_label`); `None` when that is the person who
    /// did it (signing in, turning on two-step).
    pub subject: Option<String>,
    /// Before and after, the sign-in method and other facts, as `(name, value)` in reading order.
    pub facts: Vec<(String, String)>,
    pub ip: String,
}

/// The facts an entry was stored with (a JSON object), for people to read: "before" ahead of
/// "after", then the rest by name; codes as their labels (see `fact_value`).
pub fn audit_facts(detail: &serde_json::Value) -> Vec<(String, String)> {
    use serde_json::Value;

    let mut facts: Vec<(&str, &Value)> = match detail {
        Value::Null => Vec::new(),
        Value::Object(fields) => fields
            .iter()
            .map(|(name, value)| (name.as_str(), value))
            .collect(),
        other => vec![("detail", other)],
    };
    let rank = |name: &str| match name {
        "before" => 0,
        "after" => 1,
        _ => 2,
    };
    facts.sort_by(|a, b| (rank(a.0), a.0).cmp(&(rank(b.0), b.0)));
    facts
        .into_iter()
        .map(|(name, value)| (fact_name(name), fact_value(name, value)))
        .collect()
}

/// `api_token` → "API token", `before` → "Before".
fn fact_name(name: &str) -> String {
    if name == "api_token" {
        return "API token".to_owned();
    }
    let words = name.replace('_', " ");
    let mut letters = words.chars();
    letters.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(letters).collect()
    })
}

/// A fact's value for people to read: a status, role or visibility before and after a change,
/// a sign-in method or a channel by its label; a flag as yes or no; a named thing (the API
/// token used) by its name; anything else as it was stored.
fn fact_value(name: &str, value: &serde_json::Value) -> String {
    use serde_json::Value;

    use super::policy::{Role, Visibility};
    use super::sign_in::LinkPurpose;
    use super::ticket::{Channel, TicketStatus};

    match value {
        Value::String(code) => {
            let label = match name {
                "before" | "after" | "role" => code
                    .parse::<TicketStatus>()
                    .map(TicketStatus::label)
                    .or_else(|_| code.parse::<Role>().map(Role::label))
                    .or_else(|_| {
                        code.parse::<Visibility>()
                            .map(|visibility| match visibility {
                                Visibility::OwnRequests => "Own requests only",
                                Visibility::Company => "Whole company",
                            })
                    })
                    .ok(),
                "channel" => code.parse::<Channel>().map(Channel::label).ok(),
                "method" => match code.as_str() {
                    "password" => Some("Password"),
                    "demo" => Some("Demo sign-in"),
                    "sso" => Some("Single sign-on"),
                    // A link's sign-in is recorded by the link's purpose.
                    _ => code
                        .parse::<LinkPurpose>()
                        .ok()
                        .map(|purpose| match purpose {
                            LinkPurpose::MagicLink => "Email link",
                            LinkPurpose::Invitation => "Invitation link",
                            LinkPurpose::PasswordReset => "Password reset link",
                        }),
                },
                _ => None,
            };
            label.map_or_else(|| code.clone(), str::to_owned)
        }
        Value::Bool(flag) => if *flag { "yes" } else { "no" }.to_owned(),
        Value::Object(fields) => match fields.get("name") {
            Some(Value::String(named)) => named.clone(),
            _ => value.to_string(),
        },
        other => other.to_string(),
    }
}

/// A stored subject (`user:12`, `ticket:FD-1042`, `api_token:4`) for people to read, given the
/// `name` of what it points at when that still exists: a person by their name, a token or a
/// category by theirs, a request by its reference, anything else by its kind and id.
pub fn subject_label(subject: &str, name: Option<&str>) -> String {
    match (subject.split_once(':'), name) {
        (Some(("user", _)), Some(name)) => name.to_owned(),
        (Some(("api_token", _)), Some(name)) => format!("API token “{name}”"),
        (Some(("category", _)), Some(name)) => format!("Category “{name}”"),
        (Some(("ticket", reference)), _) => reference.to_owned(),
        (Some((kind, id)), _) => {
            format!("{} {}", kind.replace(['_', '-'], " "), id.replace(':', " "))
        }
        (None, _) => subject.to_owned(),
    }
}

impl AuditEntry {
    /// The action's label; the stored name if this build does not know it.
    pub fn action_label(&self) -> String {
        self.action
            .parse::<AuditAction>()
            .map_or_else(|_| self.action.clone(), |action| action.label().to_owned())
    }
}

/// Which entries to show. Empty fields do not filter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    pub action: Option<AuditAction>,
    pub account_id: Option<i64>,
    /// Only entries older than this id (paging back).
    pub before: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_read_before_then_after_then_by_name() {
        let detail =
            serde_json::json!({ "after": "own", "before": "company", "by": 3, "method": "demo" });
        assert_eq!(
            audit_facts(&detail),
            [
                ("Before", "Whole company"),
                ("After", "Own requests only"),
                ("By", "3"),
                ("Method", "Demo sign-in")
            ]
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
        );
        assert_eq!(
            audit_facts(&serde_json::json!({ "method": "magic_link" })),
            [("Method".to_owned(), "Email link".to_owned())]
        );
        assert_eq!(audit_facts(&serde_json::Value::Null), []);
        assert_eq!(
            audit_facts(&serde_json::json!("a note")),
            [("Detail".to_owned(), "a note".to_owned())]
        );
    }

    #[test]
    fn fact_codes_read_as_labels() {
        let detail = serde_json::json!({
            "after": "in_progress",
            "bulk": true,
            "channel": "web",
            "role": "account_admin",
            "api_token": { "id": 4, "name": "Zapier" },
            "title": "new",
        });
        assert_eq!(
            audit_facts(&detail),
            [
                ("After", "In progress"),
                ("API token", "Zapier"),
                ("Bulk", "yes"),
                ("Channel", "Portal"),
                ("Role", "Account admin"),
                ("Title", "new"),
            ]
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
        );
    }

    #[test]
    fn subjects_read_as_names_references_and_kinds() {
        assert_eq!(subject_label("user:12", Some("Tom Becker")), "Tom Becker");
        assert_eq!(subject_label("user:12", None), "user 12");
        assert_eq!(subject_label("ticket:FD-1042", None), "FD-1042");
        assert_eq!(subject_label("api_token:4", None), "api token 4");
        assert_eq!(
            subject_label("api_token:4", Some("Zapier")),
            "API token “Zapier”"
        );
        assert_eq!(
            subject_label("category:2", Some("Billing")),
            "Category “Billing”"
        );
        assert_eq!(subject_label("sla-tier:2", None), "sla tier 2");
        assert_eq!(subject_label("calendar:agency", None), "calendar agency");
        assert_eq!(subject_label("sla:3:urgent", None), "sla 3 urgent");
        assert_eq!(subject_label("legacy", None), "legacy");
    }

    #[test]
    fn action_names_round_trip_and_are_distinct() {
        let mut names: Vec<_> = AuditAction::ALL.iter().map(|a| a.as_str()).collect();
        for action in AuditAction::ALL {
            assert_eq!(action.as_str().parse(), Ok(action));
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), AuditAction::ALL.len());
    }
}
