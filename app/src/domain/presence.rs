//! Who else is on a request right now: "Sam is viewing", "Priya is replying".
//!
//! Each open staff ticket page says it is there every [`HEARTBEAT_MS`]; a mark older than
//! [`PRESENCE_TTL_MS`] means the person left (closed the tab, lost the connection).

use serde::{Deserialize, Serialize};

/// How often an open ticket page says it is still there.
pub const HEARTBEAT_MS: u64 = 10_000;
/// How long a mark lasts without a heartbeat: enough for one missed beat.
pub const PRESENCE_TTL_MS: i64 = 25_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Presence {
    pub name: String,
    /// They have an unsent reply or note on this request.
    pub replying: bool,
}

/// One line for the ticket page: people replying first (that is what a collision is).
pub fn describe(others: &[Presence]) -> Option<String> {
    let names = |replying: bool| {
        others
            .iter()
            .filter(|p| p.replying == replying)
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
    };
    let phrase = |names: Vec<&str>, verb: &str| match names.as_slice() {
        [] => None,
        [one] => Some(format!("{one} is {verb}")),
        [first @ .., last] => Some(format!("{} and {last} are {verb}", first.join(", "))),
    };
    let parts: Vec<String> = [
        phrase(names(true), "replying"),
        phrase(names(false), "viewing"),
    ]
    .into_iter()
    .flatten()
    .collect();
    (!parts.is_empty()).then(|| parts.join(" · "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(name: &str, replying: bool) -> Presence {
        Presence {
            name: name.to_owned(),
            replying,
        }
    }

    #[test]
    fn says_who_replies_before_who_looks() {
        assert_eq!(describe(&[]), None);
        assert_eq!(
            describe(&[person("Sam", false)]).as_deref(),
            Some("Sam is viewing")
        );
        assert_eq!(
            describe(&[person("Sam", false), person("Priya", true)]).as_deref(),
            Some("Priya is replying · Sam is viewing")
        );
        assert_eq!(
            describe(&[
                person("Sam", true),
                person("Priya", true),
                person("Jo", true)
            ])
            .as_deref(),
            Some("Sam, Priya and Jo are replying")
        );
    }
}
