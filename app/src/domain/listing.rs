//! Lists of tickets: staff filters (also the shape of a saved view and of the board's address) and
//! cursors for paging that stays stable while new tickets arrive.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::search::SnippetPart;
use super::sla::ClockState;
use super::ticket::{Channel, Priority, TicketStatus, TicketSummary};

/// A named choice in a staff picker (a team, a person, an account).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub id: i64,
    pub name: String,
}

/// A filter someone saved under a name; `query` is its address-bar form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedView {
    pub id: i64,
    pub name: String,
    pub query: String,
}

/// One page of a list, and where the next one starts (`None` on the last page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketPage {
    pub tickets: Vec<TicketSummary>,
    pub next: Option<Cursor>,
}

/// A ticket that matched a search, with the best-matching passage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchHit {
    pub ticket: TicketSummary,
    pub snippet: Vec<SnippetPart>,
}

/// Whose tickets a staff list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssigneeFilter {
    Me,
    Unassigned,
    Person(i64),
}

impl AssigneeFilter {
    /// `me`, `none`, or a staff member's id, as the board's address and the API write it.
    pub fn parse(value: &str) -> Option<AssigneeFilter> {
        match value {
            "me" => Some(AssigneeFilter::Me),
            "none" => Some(AssigneeFilter::Unassigned),
            id => id.parse().ok().map(AssigneeFilter::Person),
        }
    }
}

/// The staff filters. Every field narrows the list; `None` means any.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueFilter {
    pub status: Option<TicketStatus>,
    pub priority: Option<Priority>,
    pub category_id: Option<i64>,
    pub assignee: Option<AssigneeFilter>,
    pub team_id: Option<i64>,
    pub account_id: Option<i64>,
    pub channel: Option<Channel>,
    pub tag: Option<String>,
    /// Where the SLA clock stands (as of the ticket's last change or alert).
    pub sla: Option<ClockState>,
}

impl QueueFilter {
    /// The filter as an address-bar query (`status=new&assignee=me`), in a fixed order.
    pub fn to_query(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(status) = self.status {
            pairs.push(("status", status.as_str().to_owned()));
        }
        if let Some(priority) = self.priority {
            pairs.push(("priority", priority.as_str().to_owned()));
        }
        if let Some(id) = self.category_id {
            pairs.push(("category", id.to_string()));
        }
        if let Some(assignee) = self.assignee {
            let value = match assignee {
                AssigneeFilter::Me => "me".to_owned(),
                AssigneeFilter::Unassigned => "none".to_owned(),
                AssigneeFilter::Person(id) => id.to_string(),
            };
            pairs.push(("assignee", value));
        }
        if let Some(id) = self.team_id {
            pairs.push(("team", id.to_string()));
        }
        if let Some(id) = self.account_id {
            pairs.push(("account", id.to_string()));
        }
        if let Some(channel) = self.channel {
            pairs.push(("channel", channel.as_str().to_owned()));
        }
        if let Some(tag) = &self.tag {
            pairs.push(("tag", tag.clone()));
        }
        if let Some(sla) = self.sla {
            pairs.push(("sla", sla.as_str().to_owned()));
        }
        pairs
            .into_iter()
            .map(|(key, value)| format!("{key}={value}"))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// Reads a query written by [`QueueFilter::to_query`]; unknown keys and bad values are ignored,
    /// so an old bookmark still opens.
    pub fn from_query(query: &str) -> QueueFilter {
        let mut filter = QueueFilter::default();
        for pair in query.trim_start_matches('?').split('&') {
            let Some((key, value)) = pair.split_once('=') else {
                continue;
            };
            match key {
                "status" => filter.status = value.parse().ok(),
                "priority" => filter.priority = value.parse().ok(),
                "category" => filter.category_id = value.parse().ok(),
                "assignee" => filter.assignee = AssigneeFilter::parse(value),
                "team" => filter.team_id = value.parse().ok(),
                "account" => filter.account_id = value.parse().ok(),
                "channel" => filter.channel = value.parse().ok(),
                "tag" => filter.tag = normalize_tag(value),
                "sla" => filter.sla = value.parse().ok(),
                _ => {}
            }
        }
        filter
    }

    pub fn is_empty(&self) -> bool {
        *self == QueueFilter::default()
    }
}

/// Tags are short lower-case words joined by dashes; anything else is turned into that shape.
/// `None` when nothing usable is left.
pub fn normalize_tag(raw: &str) -> Option<String> {
    let mut tag = String::new();
    for c in raw.trim().chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            tag.push(c);
        } else if !tag.is_empty() && !tag.ends_with('-') {
            tag.push('-');
        }
    }
    let tag: String = tag.trim_end_matches('-').chars().take(32).collect();
    (!tag.is_empty()).then_some(tag)
}

/// Where the next page of a list starts: after the last ticket shown, in the list's order
/// (most recently updated first, then highest id). A position, not an offset, so tickets filed
/// meanwhile never shift a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct Cursor {
    pub updated_at: i64,
    pub id: i64,
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.updated_at, self.id)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a page cursor")]
pub struct BadCursor(pub String);

impl FromStr for Cursor {
    type Err = BadCursor;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadCursor(s.to_owned());
        let (updated_at, id) = s.split_once('.').ok_or_else(bad)?;
        Ok(Cursor {
            updated_at: updated_at.parse().map_err(|_| bad())?,
            id: id.parse().map_err(|_| bad())?,
        })
    }
}

impl From<Cursor> for String {
    fn from(cursor: Cursor) -> Self {
        cursor.to_string()
    }
}

impl TryFrom<String> for Cursor {
    type Error = BadCursor;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn tags_take_one_shape() {
        assert_eq!(
            normalize_tag("  Billing Issue!! "),
            Some("billing-issue".into())
        );
        assert_eq!(normalize_tag("--"), None);
        assert_eq!(normalize_tag("DNS"), Some("dns".into()));
    }

    #[test]
    fn unknown_query_parts_are_ignored() {
        let filter = QueueFilter::from_query("?status=bogus&assignee=me&x=1&category=abc");
        assert_eq!(
            filter,
            QueueFilter {
                assignee: Some(AssigneeFilter::Me),
                ..QueueFilter::default()
            }
        );
    }

    fn any_filter() -> impl Strategy<Value = QueueFilter> {
        (
            prop::option::of(prop::sample::select(TicketStatus::ALL.to_vec())),
            prop::option::of(prop::sample::select(Priority::ALL.to_vec())),
            prop::option::of(1i64..1000),
            prop::option::of(prop_oneof![
                Just(AssigneeFilter::Me),
                Just(AssigneeFilter::Unassigned),
                (1i64..1000).prop_map(AssigneeFilter::Person)
            ]),
            prop::option::of(1i64..1000),
            prop::option::of(prop::sample::select(Channel::ALL.to_vec())),
            prop::option::of("[a-z0-9]{1,10}(-[a-z0-9]{1,5})?"),
            prop::option::of(prop::sample::select(
                ClockState::FILTERABLE.map(|(state, _)| state).to_vec(),
            )),
        )
            .prop_map(
                |(status, priority, category_id, assignee, account_id, channel, tag, sla)| {
                    QueueFilter {
                        status,
                        priority,
                        category_id,
                        assignee,
                        team_id: category_id,
                        account_id,
                        channel,
                        tag,
                        sla,
                    }
                },
            )
    }

    proptest! {
        #[test]
        fn filters_round_trip_through_the_address_bar(filter in any_filter()) {
            prop_assert_eq!(QueueFilter::from_query(&filter.to_query()), filter);
        }

        #[test]
        fn cursors_round_trip(updated_at in 0i64..i64::MAX, id in 1i64..i64::MAX) {
            let cursor = Cursor { updated_at, id };
            prop_assert_eq!(cursor.to_string().parse::<Cursor>(), Ok(cursor));
        }

        #[test]
        fn reading_any_query_never_panics(query in ".{0,80}") {
            let _ = QueueFilter::from_query(&query);
        }
    }
}
