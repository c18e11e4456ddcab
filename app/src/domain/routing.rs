//! Who gets a new ticket: ordered assignment rules (first match wins) and rotation within a team.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::listing::normalize_tag;
use super::ticket::{Channel, Priority, TicketFacts};

/// What a rule looks at. Every non-empty list must match (any of its entries); an empty list
/// matches anything, so a rule without conditions catches every ticket.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RuleConditions {
    pub accounts: Vec<i64>,
    pub categories: Vec<i64>,
    pub channels: Vec<Channel>,
    pub priorities: Vec<Priority>,
    /// Words or phrases looked for in the title and description, ignoring case.
    pub keywords: Vec<String>,
    /// The part of the requester's address after `@`, e.g. `acme.example`.
    pub requester_domains: Vec<String>,
}

/// What a matching rule sets. `None` leaves the field as it is; tags are added.
/// (The SLA tier is not one of [`TicketFacts`]; the store sets it beside them.)
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RuleActions {
    pub team_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub priority: Option<Priority>,
    pub category_id: Option<i64>,
    pub tags: Vec<String>,
    /// Puts the ticket on this SLA tier instead of its company's.
    pub sla_tier_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutingRule {
    pub id: i64,
    pub name: String,
    pub enabled: bool,
    pub conditions: RuleConditions,
    pub actions: RuleActions,
}

/// What rules know about a ticket as it arrives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncomingTicket {
    pub account_id: i64,
    pub category_id: Option<i64>,
    pub channel: Channel,
    pub priority: Priority,
    pub title: String,
    pub description: String,
    pub requester_email: String,
}

impl RuleConditions {
    pub fn matches(&self, ticket: &IncomingTicket) -> bool {
        let any = |list_is_empty: bool, hit: bool| list_is_empty || hit;
        let text = format!("{}\n{}", ticket.title, ticket.description).to_lowercase();
        let domain = ticket
            .requester_email
            .rsplit_once('@')
            .map(|(_, domain)| domain.to_lowercase())
            .unwrap_or_default();
        any(
            self.accounts.is_empty(),
            self.accounts.contains(&ticket.account_id),
        ) && any(
            self.categories.is_empty(),
            ticket
                .category_id
                .is_some_and(|c| self.categories.contains(&c)),
        ) && any(
            self.channels.is_empty(),
            self.channels.contains(&ticket.channel),
        ) && any(
            self.priorities.is_empty(),
            self.priorities.contains(&ticket.priority),
        ) && any(
            self.keywords.is_empty(),
            self.keywords
                .iter()
                .any(|word| !word.trim().is_empty() && text.contains(&word.trim().to_lowercase())),
        ) && any(
            self.requester_domains.is_empty(),
            self.requester_domains.iter().any(|d| {
                d.trim()
                    .trim_start_matches('@')
                    .eq_ignore_ascii_case(&domain)
            }),
        )
    }
}

impl RuleActions {
    /// The facts after this rule's actions.
    pub fn apply(&self, facts: &TicketFacts) -> TicketFacts {
        let mut tags = facts.tags.clone();
        tags.extend(self.tags.iter().filter_map(|t| normalize_tag(t)));
        tags.sort();
        tags.dedup();
        TicketFacts {
            priority: self.priority.unwrap_or(facts.priority),
            category_id: self.category_id.or(facts.category_id),
            assignee_id: self.assignee_id.or(facts.assignee_id),
            team_id: self.team_id.or(facts.team_id),
            tags,
            version: facts.version,
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == RuleActions::default()
    }
}

/// The first enabled rule that matches: rules are kept in the order admins put them.
pub fn first_match<'a>(
    rules: &'a [RoutingRule],
    ticket: &IncomingTicket,
) -> Option<&'a RoutingRule> {
    rules
        .iter()
        .find(|rule| rule.enabled && rule.conditions.matches(ticket))
}

/// How a team hands a ticket that reached it without an assignee to one of its members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rotation {
    /// Nobody in particular: the team picks it up from the board.
    #[default]
    None,
    /// Members in turn.
    RoundRobin,
    /// The member with the fewest open tickets.
    LeastOpen,
}

impl Rotation {
    pub const ALL: [Rotation; 3] = [Rotation::None, Rotation::RoundRobin, Rotation::LeastOpen];

    pub fn as_str(self) -> &'static str {
        match self {
            Rotation::None => "none",
            Rotation::RoundRobin => "round_robin",
            Rotation::LeastOpen => "least_open",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Rotation::None => "The team picks tickets up",
            Rotation::RoundRobin => "Members in turn",
            Rotation::LeastOpen => "Member with the fewest open requests",
        }
    }
}

impl fmt::Display for Rotation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Rotation {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Rotation::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("unknown rotation `{s}`"))
    }
}

/// A team as its lead sets it up: who is in it and how tickets reach them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamSetup {
    pub id: i64,
    pub name: String,
    pub rotation: Rotation,
    pub members: Vec<i64>,
}

/// A team member as rotation sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Member {
    pub user_id: i64,
    pub away: bool,
    pub open_tickets: i64,
}

/// The member who gets the next ticket: never someone away; `None` when everyone is away (the
/// ticket stays with the team). Round robin continues after `last_assigned` in id order.
pub fn pick_member(
    rotation: Rotation,
    members: &[Member],
    last_assigned: Option<i64>,
) -> Option<i64> {
    let mut present: Vec<&Member> = members.iter().filter(|m| !m.away).collect();
    present.sort_by_key(|m| m.user_id);
    match rotation {
        Rotation::None => None,
        Rotation::RoundRobin => present
            .iter()
            .find(|m| last_assigned.is_none_or(|last| m.user_id > last))
            .or(present.first())
            .map(|m| m.user_id),
        Rotation::LeastOpen => present
            .iter()
            .min_by_key(|m| (m.open_tickets, m.user_id))
            .map(|m| m.user_id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn incoming() -> IncomingTicket {
        IncomingTicket {
            account_id: 7,
            category_id: Some(2),
            channel: Channel::Email,
            priority: Priority::Normal,
            title: "Checkout is BROKEN".into(),
            description: "Customers cannot pay since this morning.".into(),
            requester_email: "dana@Acme.example".into(),
        }
    }

    fn rule(id: i64, conditions: RuleConditions) -> RoutingRule {
        RoutingRule {
            id,
            name: format!("rule {id}"),
            enabled: true,
            conditions,
            actions: RuleActions {
                team_id: Some(id),
                ..RuleActions::default()
            },
        }
    }

    #[test]
    fn every_listed_condition_must_hold() {
        let ticket = incoming();
        let both = RuleConditions {
            accounts: vec![7],
            categories: vec![2, 3],
            ..RuleConditions::default()
        };
        assert!(both.matches(&ticket));
        let wrong_category = RuleConditions {
            categories: vec![3],
            ..both.clone()
        };
        assert!(!wrong_category.matches(&ticket));
        let uncategorized = IncomingTicket {
            category_id: None,
            ..incoming()
        };
        assert!(!both.matches(&uncategorized));
    }

    #[test]
    fn keywords_and_domains_ignore_case() {
        let ticket = incoming();
        let keyword = |k: &str| RuleConditions {
            keywords: vec![k.into()],
            ..RuleConditions::default()
        };
        assert!(keyword("broken").matches(&ticket));
        assert!(keyword("cannot pay").matches(&ticket));
        assert!(!keyword("invoice").matches(&ticket));
        assert!(
            !keyword("  ").matches(&ticket),
            "a blank keyword matches nothing"
        );
        let domain = |d: &str| RuleConditions {
            requester_domains: vec![d.into()],
            ..RuleConditions::default()
        };
        assert!(domain("acme.example").matches(&ticket));
        assert!(domain("@ACME.example").matches(&ticket));
        assert!(!domain("example").matches(&ticket), "whole domains only");
    }

    #[test]
    fn the_first_enabled_match_wins() {
        let ticket = incoming();
        let mut rules = vec![
            rule(
                1,
                RuleConditions {
                    channels: vec![Channel::Web],
                    ..RuleConditions::default()
                },
            ),
            rule(
                2,
                RuleConditions {
                    accounts: vec![7],
                    ..RuleConditions::default()
                },
            ),
            rule(3, RuleConditions::default()),
        ];
        assert_eq!(first_match(&rules, &ticket).map(|r| r.id), Some(2));
        rules[1].enabled = false;
        assert_eq!(first_match(&rules, &ticket).map(|r| r.id), Some(3));
        assert_eq!(first_match(&rules[..1], &ticket), None);
    }

    #[test]
    fn actions_set_fields_and_add_tags() {
        let facts = TicketFacts {
            priority: Priority::Normal,
            category_id: Some(2),
            assignee_id: None,
            team_id: None,
            tags: vec!["vip".into()],
            version: 4,
        };
        let actions = RuleActions {
            team_id: Some(9),
            priority: Some(Priority::High),
            tags: vec!["Shop".into(), "vip".into()],
            ..RuleActions::default()
        };
        let routed = actions.apply(&facts);
        assert_eq!(routed.team_id, Some(9));
        assert_eq!(routed.priority, Priority::High);
        assert_eq!(routed.category_id, Some(2), "left as it was");
        assert_eq!(routed.tags, vec!["shop".to_owned(), "vip".to_owned()]);
        assert_eq!(routed.version, 4);
    }

    #[test]
    fn round_robin_takes_turns_and_skips_the_away() {
        let member = |user_id, away| Member {
            user_id,
            away,
            open_tickets: 0,
        };
        let team = [member(3, false), member(5, true), member(8, false)];
        assert_eq!(pick_member(Rotation::RoundRobin, &team, None), Some(3));
        assert_eq!(pick_member(Rotation::RoundRobin, &team, Some(3)), Some(8));
        assert_eq!(pick_member(Rotation::RoundRobin, &team, Some(8)), Some(3));
        assert_eq!(pick_member(Rotation::None, &team, None), None);
        let all_away = [member(3, true)];
        assert_eq!(pick_member(Rotation::LeastOpen, &all_away, None), None);
    }

    fn any_members() -> impl Strategy<Value = Vec<Member>> {
        prop::collection::btree_map(1i64..40, (any::<bool>(), 0i64..20), 0..8).prop_map(|m| {
            m.into_iter()
                .map(|(user_id, (away, open_tickets))| Member {
                    user_id,
                    away,
                    open_tickets,
                })
                .collect()
        })
    }

    proptest! {
        #[test]
        fn nobody_away_is_ever_picked(members in any_members(), last in proptest::option::of(0i64..40)) {
            for rotation in Rotation::ALL {
                if let Some(picked) = pick_member(rotation, &members, last) {
                    let m = members.iter().find(|m| m.user_id == picked).unwrap();
                    prop_assert!(!m.away);
                }
            }
        }

        #[test]
        fn least_open_picks_a_least_loaded_member(members in any_members()) {
            let present: Vec<_> = members.iter().filter(|m| !m.away).collect();
            let picked = pick_member(Rotation::LeastOpen, &members, None);
            prop_assert_eq!(picked.is_some(), !present.is_empty());
            if let Some(picked) = picked {
                let least = present.iter().map(|m| m.open_tickets).min().unwrap();
                let m = present.iter().find(|m| m.user_id == picked).unwrap();
                prop_assert_eq!(m.open_tickets, least);
            }
        }

        #[test]
        fn round_robin_serves_everyone_present_once_per_round(members in any_members()) {
            let present: Vec<i64> = members.iter().filter(|m| !m.away).map(|m| m.user_id).collect();
            let mut last = None;
            let mut served = Vec::new();
            for _ in 0..present.len() {
                last = pick_member(Rotation::RoundRobin, &members, last);
                served.push(last.unwrap());
            }
            served.sort_unstable();
            let mut expected = present.clone();
            expected.sort_unstable();
            prop_assert_eq!(served, expected);
        }

        #[test]
        fn rules_without_conditions_match_everything(
            account_id in 1i64..100,
            title in ".{0,40}",
            email in "[a-z]{1,8}@[a-z]{1,8}\\.example",
        ) {
            let ticket = IncomingTicket { account_id, title, requester_email: email, ..incoming() };
            prop_assert!(RuleConditions::default().matches(&ticket));
        }
    }
}
