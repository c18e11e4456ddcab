//! Canned replies (macros): saved answers with placeholders filled in for the ticket at hand.

use serde::{Deserialize, Serialize};

/// A saved answer staff can insert into a reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CannedReply {
    pub id: i64,
    pub title: String,
    pub body: String,
}

/// What the placeholders of a canned reply stand for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceholderValues<'a> {
    pub contact_name: &'a str,
    pub reference: &'a str,
    pub agent_name: &'a str,
}

/// The placeholders people can use, as the editor lists them.
pub const PLACEHOLDERS: [(&str, &str); 4] = [
    ("{contact.name}", "the contact's full name"),
    ("{contact.first_name}", "the contact's first name"),
    (
        "{ticket.reference}",
        "the request's reference, e.g. FD-1042",
    ),
    ("{agent.name}", "your name"),
];

/// Fills in the placeholders in one pass, so a value that looks like a placeholder stays as it is.
/// Unknown `{…}` text is left as written.
pub fn expand(body: &str, values: &PlaceholderValues<'_>) -> String {
    let first_name = values
        .contact_name
        .split_whitespace()
        .next()
        .unwrap_or(values.contact_name);
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let tail = &rest[open..];
        let close = tail.find('}').map(|end| &tail[..=end]);
        let value = close.and_then(|placeholder| match placeholder {
            "{contact.name}" => Some(values.contact_name),
            "{contact.first_name}" => Some(first_name),
            "{ticket.reference}" => Some(values.reference),
            "{agent.name}" => Some(values.agent_name),
            _ => None,
        });
        if let (Some(value), Some(placeholder)) = (value, close) {
            out.push_str(value);
            rest = &tail[placeholder.len()..];
        } else {
            out.push('{');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_in() {
        let values = PlaceholderValues {
            contact_name: "Mei Chen",
            reference: "FD-1042",
            agent_name: "Jordan Lee",
        };
        assert_eq!(
            expand(
                "Hi {contact.first_name}, about {ticket.reference}: done. {agent.name} {unknown}",
                &values
            ),
            "Hi Mei, about FD-1042: done. Jordan Lee {unknown}"
        );
    }

    #[test]
    fn a_value_that_looks_like_a_placeholder_stays_as_it_is() {
        let values = PlaceholderValues {
            contact_name: "{ticket.reference}",
            reference: "FD-1",
            agent_name: "A",
        };
        assert_eq!(expand("{contact.name} {", &values), "{ticket.reference} {");
    }
}
