//! Tickets: the status machine, the human reference (`FD-1042`) and the shapes sent to views.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::sla::{ClockState, DueKind};
use super::validation::{ECHO_MAX_CHARS, shortened};

/// Where a request stands. Clients see exactly these four.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum TicketStatus {
    New,
    InProgress,
    WaitingOnClient,
    Completed,
}

/// A status change the machine does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a request cannot move from {from} to {to}")]
pub struct TransitionError {
    pub from: TicketStatus,
    pub to: TicketStatus,
}

impl TicketStatus {
    pub const ALL: [TicketStatus; 4] = [
        TicketStatus::New,
        TicketStatus::InProgress,
        TicketStatus::WaitingOnClient,
        TicketStatus::Completed,
    ];

    /// The stable name stored in the database and used in URLs and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            TicketStatus::New => "new",
            TicketStatus::InProgress => "in_progress",
            TicketStatus::WaitingOnClient => "waiting_on_client",
            TicketStatus::Completed => "completed",
        }
    }

    /// What people read.
    pub fn label(self) -> &'static str {
        match self {
            TicketStatus::New => "New",
            TicketStatus::InProgress => "In progress",
            TicketStatus::WaitingOnClient => "Waiting on client",
            TicketStatus::Completed => "Completed",
        }
    }

    /// Whether the request still needs work from someone.
    pub fn is_open(self) -> bool {
        self != TicketStatus::Completed
    }

    /// The statuses a request may move to from here.
    ///
    /// Nothing goes back to `New`: once someone has looked at a request it has been seen.
    /// A completed request can be reopened (back to `InProgress`).
    pub fn next_statuses(self) -> &'static [TicketStatus] {
        use TicketStatus::{Completed, InProgress, New, WaitingOnClient};
        match self {
            New => &[InProgress, WaitingOnClient, Completed],
            InProgress => &[WaitingOnClient, Completed],
            WaitingOnClient => &[InProgress, Completed],
            Completed => &[InProgress],
        }
    }

    pub fn can_move_to(self, to: TicketStatus) -> bool {
        self.next_statuses().contains(&to)
    }

    /// Checks a move against the machine and returns the new status.
    pub fn move_to(self, to: TicketStatus) -> Result<TicketStatus, TransitionError> {
        if self.can_move_to(to) {
            Ok(to)
        } else {
            Err(TransitionError { from: self, to })
        }
    }
}

impl fmt::Display for TicketStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown status `{0}`")]
pub struct UnknownStatus(pub String);

impl FromStr for TicketStatus {
    type Err = UnknownStatus;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TicketStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| UnknownStatus(s.to_owned()))
    }
}

/// The human reference of a ticket, `FD-1042`. Inside, it is the ticket's integer key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct TicketRef(pub i64);

impl TicketRef {
    pub const PREFIX: &'static str = "FD-";
}

impl fmt::Display for TicketRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", Self::PREFIX, self.0)
    }
}

impl From<TicketRef> for String {
    fn from(reference: TicketRef) -> Self {
        reference.to_string()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a request reference like FD-1042")]
pub struct BadTicketRef(pub String);

impl BadTicketRef {
    /// Quotes only the start of what was given: the message goes back to whoever sent it.
    fn of(given: &str) -> BadTicketRef {
        BadTicketRef(shortened(given, ECHO_MAX_CHARS))
    }
}

impl FromStr for TicketRef {
    type Err = BadTicketRef;

    /// Accepts `FD-1042`, `fd-1042` and a bare `1042`, as people type them.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let trimmed = s.trim();
        let digits = trimmed
            .get(..Self::PREFIX.len())
            .filter(|prefix| prefix.eq_ignore_ascii_case(Self::PREFIX))
            .map_or(trimmed, |_| &trimmed[Self::PREFIX.len()..]);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(BadTicketRef::of(s));
        }
        digits
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .map(TicketRef)
            .ok_or_else(|| BadTicketRef::of(s))
    }
}

impl TryFrom<String> for TicketRef {
    type Error = BadTicketRef;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

/// How urgent a request is. The definitions are shown to staff, simplified to clients.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Priority {
    Critical,
    High,
    #[default]
    Normal,
    Low,
}

impl Priority {
    /// Most urgent first.
    pub const ALL: [Priority; 4] = [
        Priority::Critical,
        Priority::High,
        Priority::Normal,
        Priority::Low,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Critical => "critical",
            Priority::High => "high",
            Priority::Normal => "normal",
            Priority::Low => "low",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Priority::Critical => "Critical",
            Priority::High => "High",
            Priority::Normal => "Normal",
            Priority::Low => "Low",
        }
    }

    /// What the priority means, as staff read it.
    pub fn definition(self) -> &'static str {
        match self {
            Priority::Critical => "Site down or revenue at risk",
            Priority::High => "A major feature is broken",
            Priority::Normal => "Standard request",
            Priority::Low => "Cosmetic or nice to have",
        }
    }

    /// One step more urgent (an escalation); critical stays critical.
    #[must_use]
    pub fn raised(self) -> Priority {
        match self {
            Priority::Critical | Priority::High => Priority::Critical,
            Priority::Normal => Priority::High,
            Priority::Low => Priority::Normal,
        }
    }
}

impl FromStr for Priority {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Priority::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| UnknownName(s.to_owned()))
    }
}

/// How a request reached us. Every channel files the same structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Channel {
    #[default]
    Web,
    Email,
    Chat,
    Api,
    /// Filed by staff for a contact (phone call, meeting).
    Staff,
}

impl Channel {
    pub const ALL: [Channel; 5] = [
        Channel::Web,
        Channel::Email,
        Channel::Chat,
        Channel::Api,
        Channel::Staff,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Email => "email",
            Channel::Chat => "chat",
            Channel::Api => "api",
            Channel::Staff => "staff",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Channel::Web => "Portal",
            Channel::Email => "Email",
            Channel::Chat => "Chat",
            Channel::Api => "API",
            Channel::Staff => "Filed by staff",
        }
    }
}

impl FromStr for Channel {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Channel::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| UnknownName(s.to_owned()))
    }
}

/// How a client who asked to talk to a person wants to be reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReachBy {
    #[default]
    Phone,
    Email,
}

impl ReachBy {
    pub fn label(self) -> &'static str {
        match self {
            ReachBy::Phone => "a phone call",
            ReachBy::Email => "an email",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown name `{0}`")]
pub struct UnknownName(pub String);

/// A category (service line) clients choose when filing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub examples: String,
}

impl Category {
    /// The category as a picker choice.
    pub fn choice(&self) -> crate::domain::listing::Choice {
        crate::domain::listing::Choice {
            id: self.id,
            name: self.name.clone(),
        }
    }
}

/// One line in a list of requests (the client's "My requests" and the staff board).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketSummary {
    pub reference: TicketRef,
    pub title: String,
    pub status: TicketStatus,
    pub priority: Priority,
    pub channel: Channel,
    pub category: Option<String>,
    pub account_name: String,
    pub requester_name: String,
    pub assignee_name: Option<String>,
    /// The client asked for a person to call them back, and nobody has answered since.
    pub callback_requested: bool,
    /// Where its SLA stood when it last changed (staff read it; `None` before the first change).
    pub sla: Option<crate::domain::sla::SlaMark>,
    /// Milliseconds since the Unix epoch, UTC.
    pub created_at: i64,
    pub updated_at: i64,
}

/// What staff set on a ticket, as the page shows it and an edit sends it back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketFacts {
    pub priority: Priority,
    pub category_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub team_id: Option<i64>,
    pub tags: Vec<String>,
    /// Bumped by every edit; an edit made from an older copy is refused.
    pub version: i64,
}

/// One field a staff edit changed, for the ticket's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// One entry of a ticket's history as people may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub id: i64,
    pub actor_name: Option<String>,
    /// Whether the author is agency staff (their messages are shown as the agency's).
    pub by_staff: bool,
    pub change: TicketChange,
    pub at: i64,
    /// A message's body as sanitized HTML, rendered on the server from its markdown.
    pub html: Option<String>,
    /// Set when the entry comes from a duplicate merged into this request.
    pub from_ticket: Option<TicketRef>,
    /// It came in by mail (staff can open the original).
    pub by_mail: bool,
}

/// What happened to a ticket. Stored in the append-only event log, as JSON tagged with its
/// `kind` (`{"kind":"replied","body":"…"}`); read back through [`ChangeRecord`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", try_from = "ChangeRecord")]
pub enum TicketChange {
    Created,
    StatusChanged {
        from: TicketStatus,
        to: TicketStatus,
    },
    /// A public message in the conversation (markdown).
    Replied {
        body: String,
    },
    /// A note the agency keeps from the client (markdown). Never leaves staff eyes.
    NoteAdded {
        body: String,
    },
    /// Staff changed priority, category, assignee, team or tags.
    FieldsChanged {
        changes: Vec<FieldChange>,
    },
    /// This request was a duplicate; its conversation continues on `survivor`.
    MergedInto {
        survivor: TicketRef,
    },
    /// A duplicate was merged into this request.
    Merged {
        duplicate: TicketRef,
    },
    /// The client asked to talk to a person, reached the way they prefer.
    CallbackRequested {
        reach_by: ReachBy,
        phone: Option<String>,
    },
    /// Work was handed off into an internal task.
    TaskAdded {
        title: String,
    },
    /// A task was finished; `all_done` when it was the last open one.
    TaskDone {
        title: String,
        all_done: bool,
    },
    /// An assignment rule set fields of a new ticket (the team's rotation may have picked the
    /// assignee).
    Routed {
        rule: String,
        changes: Vec<FieldChange>,
    },
    /// An SLA clock crossed its warning share (`Warning`) or its due time (`Breached`).
    SlaAlerted {
        state: ClockState,
        due: DueKind,
        due_at: i64,
        assignee_id: Option<i64>,
    },
    /// A breach escalated the ticket as its priority's policy says.
    Escalated {
        changes: Vec<FieldChange>,
    },
    /// The requester answered "Was this resolved?" (or changed their answer).
    FeedbackGiven {
        resolved: bool,
        comment: String,
    },
}

/// A [`TicketChange`] as written: its `kind` and the fields of every kind, those of other kinds
/// absent. Read this way instead of by serde's reader of internally tagged enums, which first
/// copies every value into a generic tree: the same JSON, without that tree's code (about
/// 10 KB of the browser's WASM, brotli) for the one enum that needed it.
#[derive(Deserialize)]
struct ChangeRecord {
    kind: String,
    from: Option<TicketStatus>,
    to: Option<TicketStatus>,
    body: Option<String>,
    changes: Option<Vec<FieldChange>>,
    survivor: Option<TicketRef>,
    duplicate: Option<TicketRef>,
    reach_by: Option<ReachBy>,
    phone: Option<String>,
    title: Option<String>,
    all_done: Option<bool>,
    rule: Option<String>,
    state: Option<ClockState>,
    due: Option<DueKind>,
    due_at: Option<i64>,
    assignee_id: Option<i64>,
    resolved: Option<bool>,
    comment: Option<String>,
}

impl TryFrom<ChangeRecord> for TicketChange {
    type Error = String;

    fn try_from(record: ChangeRecord) -> Result<TicketChange, String> {
        fn field<T>(value: Option<T>, name: &str) -> Result<T, String> {
            value.ok_or_else(|| format!("missing field `{name}`"))
        }
        let r = record;
        Ok(match r.kind.as_str() {
            "created" => TicketChange::Created,
            "status_changed" => TicketChange::StatusChanged {
                from: field(r.from, "from")?,
                to: field(r.to, "to")?,
            },
            "replied" => TicketChange::Replied {
                body: field(r.body, "body")?,
            },
            "note_added" => TicketChange::NoteAdded {
                body: field(r.body, "body")?,
            },
            "fields_changed" => TicketChange::FieldsChanged {
                changes: field(r.changes, "changes")?,
            },
            "merged_into" => TicketChange::MergedInto {
                survivor: field(r.survivor, "survivor")?,
            },
            "merged" => TicketChange::Merged {
                duplicate: field(r.duplicate, "duplicate")?,
            },
            "callback_requested" => TicketChange::CallbackRequested {
                reach_by: field(r.reach_by, "reach_by")?,
                phone: r.phone,
            },
            "task_added" => TicketChange::TaskAdded {
                title: field(r.title, "title")?,
            },
            "task_done" => TicketChange::TaskDone {
                title: field(r.title, "title")?,
                all_done: field(r.all_done, "all_done")?,
            },
            "routed" => TicketChange::Routed {
                rule: field(r.rule, "rule")?,
                changes: field(r.changes, "changes")?,
            },
            "sla_alerted" => TicketChange::SlaAlerted {
                state: field(r.state, "state")?,
                due: field(r.due, "due")?,
                due_at: field(r.due_at, "due_at")?,
                assignee_id: r.assignee_id,
            },
            "escalated" => TicketChange::Escalated {
                changes: field(r.changes, "changes")?,
            },
            "feedback_given" => TicketChange::FeedbackGiven {
                resolved: field(r.resolved, "resolved")?,
                comment: field(r.comment, "comment")?,
            },
            other => return Err(format!("unknown change kind `{other}`")),
        })
    }
}

impl TicketChange {
    /// The stable kind name stored beside the event's data.
    pub fn kind(&self) -> &'static str {
        match self {
            TicketChange::Created => "created",
            TicketChange::StatusChanged { .. } => "status_changed",
            TicketChange::Replied { .. } => "replied",
            TicketChange::NoteAdded { .. } => "note_added",
            TicketChange::FieldsChanged { .. } => "fields_changed",
            TicketChange::MergedInto { .. } => "merged_into",
            TicketChange::Merged { .. } => "merged",
            TicketChange::CallbackRequested { .. } => "callback_requested",
            TicketChange::TaskAdded { .. } => "task_added",
            TicketChange::TaskDone { .. } => "task_done",
            TicketChange::Routed { .. } => "routed",
            TicketChange::SlaAlerted {
                state: ClockState::Breached,
                ..
            } => "sla_breached",
            TicketChange::SlaAlerted { .. } => "sla_warning",
            TicketChange::Escalated { .. } => "escalated",
            TicketChange::FeedbackGiven { .. } => "feedback_given",
        }
    }

    /// Only staff may ever see it: notes, triage fields (tags are internal words), merges into a
    /// request (the survivor may be another contact's) and internal tasks.
    pub fn is_internal(&self) -> bool {
        matches!(
            self,
            TicketChange::NoteAdded { .. }
                | TicketChange::FieldsChanged { .. }
                | TicketChange::Merged { .. }
                | TicketChange::TaskAdded { .. }
                | TicketChange::TaskDone { .. }
                | TicketChange::Routed { .. }
                | TicketChange::SlaAlerted { .. }
                | TicketChange::Escalated { .. }
        )
    }

    /// The markdown body of a message.
    pub fn body(&self) -> Option<&str> {
        match self {
            TicketChange::Replied { body } | TicketChange::NoteAdded { body } => Some(body),
            _ => None,
        }
    }
}

/// The lists a client can switch between on "My requests".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestFilter {
    /// Everything not completed.
    #[default]
    Open,
    /// Requests where the agency waits for the client's answer.
    Waiting,
    /// Completed in the last 30 days.
    Closed,
}

/// How far back "Closed" looks.
pub const RECENTLY_CLOSED_MS: i64 = 30 * 24 * 60 * 60 * 1000;

impl RequestFilter {
    pub const ALL: [RequestFilter; 3] = [
        RequestFilter::Open,
        RequestFilter::Waiting,
        RequestFilter::Closed,
    ];

    /// The name in the address bar (`/?filter=waiting`).
    pub fn as_str(self) -> &'static str {
        match self {
            RequestFilter::Open => "open",
            RequestFilter::Waiting => "waiting",
            RequestFilter::Closed => "closed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RequestFilter::Open => "All open",
            RequestFilter::Waiting => "Waiting on me",
            RequestFilter::Closed => "Closed (30 days)",
        }
    }

    /// Reads the address bar's value; anything unknown is the default list.
    pub fn from_query(value: Option<&str>) -> RequestFilter {
        RequestFilter::ALL
            .into_iter()
            .find(|filter| Some(filter.as_str()) == value)
            .unwrap_or_default()
    }
}

/// A client may reply to a completed request for this long; it reopens.
pub const REOPEN_WINDOW_MS: i64 = 14 * 24 * 60 * 60 * 1000;

/// A reply that the status rules refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReplyRefused {
    #[error("This request was completed more than 14 days ago. Please file a new request.")]
    ClosedLongAgo,
}

/// What a new public reply does to a request's status: a client's answer while we wait on them,
/// or to a request completed in the last 14 days, puts it back in progress; the agency's first
/// reply to a new request starts it.
pub fn status_after_reply(
    current: TicketStatus,
    by_client: bool,
    resolved_at: Option<i64>,
    now: i64,
) -> Result<Option<TicketStatus>, ReplyRefused> {
    use TicketStatus::{Completed, InProgress, New, WaitingOnClient};
    match (current, by_client) {
        (WaitingOnClient, true) | (New, false) => Ok(Some(InProgress)),
        (Completed, true) => {
            let recent = resolved_at.is_none_or(|at| now - at <= REOPEN_WINDOW_MS);
            if recent {
                Ok(Some(InProgress))
            } else {
                Err(ReplyRefused::ClosedLongAgo)
            }
        }
        _ => Ok(None),
    }
}

/// A ticket with everything its page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketDetail {
    pub summary: TicketSummary,
    pub description: String,
    pub facts: TicketFacts,
    pub timeline: Vec<TimelineEntry>,
    pub attachments: Vec<AttachmentInfo>,
    /// The request this one was merged into.
    pub merged_into: Option<TicketRef>,
    /// The earlier request this one follows up.
    pub follows: Option<TicketRef>,
    /// Internal tasks (empty for clients).
    pub tasks: Vec<Task>,
}

/// A file attached to a request or one of its messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentInfo {
    pub id: i64,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    /// A real raster image, safe to preview inline.
    pub is_image: bool,
    /// The message it came with; `None` for files filed with the request.
    pub event_id: Option<i64>,
}

/// Internal work a ticket was handed off into.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub id: i64,
    pub title: String,
    pub assignee_name: Option<String>,
    pub due_at: Option<i64>,
    pub checklist: Vec<ChecklistItem>,
    pub done_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistItem {
    pub text: String,
    pub done: bool,
}

/// An event as it travels to browsers over the live stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveEvent {
    pub id: i64,
    pub reference: TicketRef,
    pub change: TicketChange,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn any_status() -> impl Strategy<Value = TicketStatus> {
        prop::sample::select(TicketStatus::ALL.to_vec())
    }

    #[test]
    fn changes_read_back_as_written() {
        let changes = vec![FieldChange {
            field: "priority".into(),
            from: Some("normal".into()),
            to: None,
        }];
        let reference = TicketRef(1042);
        let every_kind = [
            TicketChange::Created,
            TicketChange::StatusChanged {
                from: TicketStatus::New,
                to: TicketStatus::InProgress,
            },
            TicketChange::Replied { body: "Hi".into() },
            TicketChange::NoteAdded {
                body: "psst".into(),
            },
            TicketChange::FieldsChanged {
                changes: changes.clone(),
            },
            TicketChange::MergedInto {
                survivor: reference,
            },
            TicketChange::Merged {
                duplicate: reference,
            },
            TicketChange::CallbackRequested {
                reach_by: ReachBy::Phone,
                phone: None,
            },
            TicketChange::TaskAdded {
                title: "Fix".into(),
            },
            TicketChange::TaskDone {
                title: "Fix".into(),
                all_done: true,
            },
            TicketChange::Routed {
                rule: "Outages".into(),
                changes: changes.clone(),
            },
            TicketChange::SlaAlerted {
                state: ClockState::Breached,
                due: DueKind::Resolution,
                due_at: 5,
                assignee_id: Some(3),
            },
            TicketChange::Escalated { changes },
            TicketChange::FeedbackGiven {
                resolved: false,
                comment: String::new(),
            },
        ];
        for change in every_kind {
            let json = serde_json::to_string(&change).unwrap();
            assert_eq!(
                serde_json::from_str::<TicketChange>(&json).unwrap(),
                change,
                "{json}"
            );
        }
        // As stored by earlier versions: the tag first or last, optional fields left out.
        let stored: TicketChange = serde_json::from_str(
            r#"{"to":"waiting_on_client","from":"in_progress","kind":"status_changed"}"#,
        )
        .unwrap();
        assert_eq!(
            stored,
            TicketChange::StatusChanged {
                from: TicketStatus::InProgress,
                to: TicketStatus::WaitingOnClient
            }
        );
        let callback: TicketChange =
            serde_json::from_str(r#"{"kind":"callback_requested","reach_by":"email"}"#).unwrap();
        assert_eq!(
            callback,
            TicketChange::CallbackRequested {
                reach_by: ReachBy::Email,
                phone: None
            }
        );
        for broken in [
            r#"{"kind":"replied"}"#,
            r#"{"kind":"shouted","body":"x"}"#,
            r#"{"body":"x"}"#,
            r#"{"kind":"replied","body":7}"#,
        ] {
            assert!(
                serde_json::from_str::<TicketChange>(broken).is_err(),
                "{broken}"
            );
        }
    }

    #[test]
    fn request_filters_read_from_the_address_bar() {
        for filter in RequestFilter::ALL {
            assert_eq!(RequestFilter::from_query(Some(filter.as_str())), filter);
        }
        assert_eq!(RequestFilter::from_query(None), RequestFilter::Open);
        assert_eq!(
            RequestFilter::from_query(Some("bogus")),
            RequestFilter::Open
        );
    }

    #[test]
    fn a_client_answer_puts_a_waiting_request_back_in_progress() {
        use TicketStatus::*;
        assert_eq!(
            status_after_reply(WaitingOnClient, true, None, 0),
            Ok(Some(InProgress))
        );
        assert_eq!(status_after_reply(InProgress, true, None, 0), Ok(None));
        assert_eq!(
            status_after_reply(New, true, None, 0),
            Ok(None),
            "adding information"
        );
        assert_eq!(
            status_after_reply(New, false, None, 0),
            Ok(Some(InProgress)),
            "the agency starts it"
        );
        assert_eq!(
            status_after_reply(WaitingOnClient, false, None, 0),
            Ok(None)
        );
    }

    #[test]
    fn a_completed_request_reopens_within_14_days_only() {
        use TicketStatus::*;
        let done = 1_000;
        assert_eq!(
            status_after_reply(Completed, true, Some(done), done + REOPEN_WINDOW_MS),
            Ok(Some(InProgress))
        );
        assert_eq!(
            status_after_reply(Completed, true, Some(done), done + REOPEN_WINDOW_MS + 1),
            Err(ReplyRefused::ClosedLongAgo)
        );
        assert_eq!(
            status_after_reply(Completed, false, Some(done), done),
            Ok(None),
            "staff may add a word"
        );
    }

    #[test]
    fn the_walking_path_is_allowed() {
        let status = TicketStatus::New
            .move_to(TicketStatus::InProgress)
            .and_then(|s| s.move_to(TicketStatus::WaitingOnClient))
            .and_then(|s| s.move_to(TicketStatus::InProgress))
            .and_then(|s| s.move_to(TicketStatus::Completed));
        assert_eq!(status, Ok(TicketStatus::Completed));
    }

    #[test]
    fn a_completed_request_can_be_reopened_but_never_made_new() {
        assert!(TicketStatus::Completed.can_move_to(TicketStatus::InProgress));
        assert_eq!(
            TicketStatus::Completed.move_to(TicketStatus::New),
            Err(TransitionError {
                from: TicketStatus::Completed,
                to: TicketStatus::New
            })
        );
    }

    #[test]
    fn status_names_round_trip() {
        for status in TicketStatus::ALL {
            assert_eq!(status.as_str().parse::<TicketStatus>(), Ok(status));
        }
        assert!("done".parse::<TicketStatus>().is_err());
    }

    #[test]
    fn references_parse_as_people_type_them() {
        assert_eq!("FD-1042".parse(), Ok(TicketRef(1042)));
        assert_eq!(" fd-7 ".parse(), Ok(TicketRef(7)));
        assert_eq!("1042".parse(), Ok(TicketRef(1042)));
        for bad in [
            "",
            "FD-",
            "FD-12a",
            "FD--3",
            "FD-0",
            "XX-12",
            "FD-99999999999999999999",
        ] {
            assert!(bad.parse::<TicketRef>().is_err(), "{bad} should be refused");
        }
    }

    proptest! {
        #[test]
        fn replies_only_ever_move_a_request_along_the_machine(
            current in any_status(),
            by_client in any::<bool>(),
            resolved in proptest::option::of(0i64..10_000_000_000),
            now in 0i64..10_000_000_000,
        ) {
            if let Ok(Some(next)) = status_after_reply(current, by_client, resolved, now) {
                prop_assert!(current.can_move_to(next));
            }
        }

        #[test]
        fn nothing_ever_moves_back_to_new(from in any_status()) {
            prop_assert!(!from.can_move_to(TicketStatus::New));
        }

        #[test]
        fn no_status_moves_to_itself(status in any_status()) {
            prop_assert!(status.move_to(status).is_err());
        }

        #[test]
        fn every_open_request_can_be_completed(status in any_status()) {
            prop_assume!(status.is_open());
            prop_assert!(status.can_move_to(TicketStatus::Completed));
        }

        #[test]
        fn any_walk_of_allowed_moves_can_still_finish(choices in prop::collection::vec(0usize..4, 0..20)) {
            let mut status = TicketStatus::New;
            for choice in choices {
                let next = status.next_statuses();
                status = status.move_to(next[choice % next.len()]).unwrap();
            }
            prop_assert!(status == TicketStatus::Completed || status.can_move_to(TicketStatus::Completed));
        }

        #[test]
        fn references_round_trip(n in 1i64..i64::MAX) {
            let reference = TicketRef(n);
            prop_assert_eq!(reference.to_string().parse::<TicketRef>(), Ok(reference));
        }

        #[test]
        fn reference_parsing_never_panics(s in ".{0,30}") {
            let _ = s.parse::<TicketRef>();
        }
    }
}
