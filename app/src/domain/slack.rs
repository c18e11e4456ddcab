//! Slack intake rules: which requests from Slack are fresh, what a message or a `/request`
//! becomes, and what a request's thread is told. The transport (signatures, the Web API) is in
//! `backend::slack`.

use super::ticket::{TicketChange, TicketRef, TicketStatus};
use super::validation::{DESCRIPTION_MAX_CHARS, cut_with_note};

/// How far a request's timestamp may be from now (Slack's own advice: five minutes).
pub const REPLAY_WINDOW_S: i64 = 5 * 60;
/// The longest title taken from a message; the whole message is the description.
pub const MAX_TITLE_CHARS: usize = 120;

/// Whether a request signed at `timestamp_s` may be taken now.
pub fn fresh(timestamp_s: i64, now_s: i64) -> bool {
    // The timestamp is whatever the sender wrote: the difference of two i64 may overflow, their
    // distance (a u64) cannot.
    now_s.abs_diff(timestamp_s) <= REPLAY_WINDOW_S.unsigned_abs()
}

/// A direct message with the app (Slack's ids for them start with `D`).
pub fn is_direct_message(channel_id: &str) -> bool {
    channel_id.starts_with('D')
}

/// Who reads the channel a request's thread is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// A direct message with the app: the requester alone.
    Requester,
    /// A channel of the request's company, whose people see each other's requests.
    Company,
    /// A channel of the request's company, whose people each see only their own requests: the
    /// thread hears that something happened, not what was written.
    CompanyNotSharingRequests,
}

/// A Slack channel id as Slack writes them (`C0123ABCD`; `G…` for older private channels).
pub fn is_channel_id(text: &str) -> bool {
    (9..=20).contains(&text.len())
        && text.starts_with(['C', 'G'])
        && text
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// What a message or a `/request` files: its first line (shortened) as the title, the whole
/// text (up to a form's limit) as the description. `None` for an empty text.
pub fn request_from(text: &str) -> Option<(String, String)> {
    let text = text.trim();
    let first = text.lines().next()?.trim();
    if first.is_empty() {
        return None;
    }
    let title = if first.chars().count() > MAX_TITLE_CHARS {
        let cut: String = first.chars().take(MAX_TITLE_CHARS - 1).collect();
        format!("{}…", cut.trim_end())
    } else {
        first.to_owned()
    };
    Some((title, message_text(text)))
}

/// A message's text as filed: at most what a form would take (Slack allows twice as much).
pub fn message_text(text: &str) -> String {
    cut_with_note(text.trim(), DESCRIPTION_MAX_CHARS, "the Slack message")
}

/// Text for Slack's mrkdwn: `&`, `<` and `>` escaped, as Slack asks (they would start links
/// and mentions).
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The first post in a request's thread: its reference and where to follow it.
pub fn filed_text(reference: TicketRef, title: &str, link: &str) -> String {
    format!(
        "Filed as *{reference}*: {}. Replies in this thread reach the team; status changes show up here. <{link}|Open it in Frontdoor>",
        escape(title)
    )
}

/// What a request's thread is told of a change, if anything: status changes, and replies from
/// the agency (`by_staff`; a client's own reply came from the thread or is theirs to share) —
/// only that there is one, where the audience may not read the request.
pub fn thread_update(
    change: &TicketChange,
    actor_name: &str,
    by_staff: bool,
    audience: Audience,
) -> Option<String> {
    match change {
        TicketChange::StatusChanged { to, .. } => Some(format!(
            "{} changed the status to *{}*.{}",
            escape(actor_name),
            to.label(),
            if *to == TicketStatus::Completed {
                " Was it resolved? Answer in Frontdoor."
            } else {
                ""
            }
        )),
        TicketChange::Replied { .. }
            if by_staff && audience == Audience::CompanyNotSharingRequests =>
        {
            Some(format!(
                "*{}* replied. Read it in Frontdoor.",
                escape(actor_name)
            ))
        }
        TicketChange::Replied { body } if by_staff => Some(format!(
            "*{}* replied:\n{}",
            escape(actor_name),
            escape(body)
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn requests_older_or_newer_than_five_minutes_are_stale() {
        assert!(fresh(1_000, 1_000));
        assert!(fresh(1_000, 1_300));
        assert!(!fresh(1_000, 1_301));
        assert!(!fresh(1_400, 1_000), "from the future too");
    }

    #[test]
    fn extreme_timestamps_are_stale_not_a_panic() {
        assert!(!fresh(i64::MIN, 1_000));
        assert!(!fresh(i64::MAX, 1_000));
        assert!(!fresh(i64::MIN, i64::MAX));
        assert!(fresh(i64::MAX, i64::MAX));
    }

    #[test]
    fn channel_ids_look_like_slacks() {
        assert!(is_channel_id("C0123ABCD"));
        assert!(is_channel_id("G01ABCDEF23"));
        for bad in [
            "",
            "c0123abcd",
            "U0123ABCD",
            "C012",
            "C0123-ABCD",
            "#general",
        ] {
            assert!(!is_channel_id(bad), "{bad}");
        }
    }

    #[test]
    fn the_first_line_is_the_title_and_the_whole_text_the_description() {
        assert_eq!(
            request_from("  Printer broken\nTray 2 jams.  "),
            Some((
                "Printer broken".into(),
                "Printer broken\nTray 2 jams.".into()
            ))
        );
        assert_eq!(request_from("   \n  "), None);
        let (title, _) = request_from(&"x".repeat(500)).unwrap();
        assert_eq!(title.chars().count(), MAX_TITLE_CHARS);
        assert!(title.ends_with('…'));
    }

    #[test]
    fn a_message_longer_than_a_form_takes_is_filed_cut_with_a_note() {
        let long = format!("Printer broken\n{}", "y".repeat(40_000));
        let (_, description) = request_from(&long).unwrap();
        assert!(description.starts_with("Printer broken\ny"));
        assert!(description.ends_with("_(Cut here: the Slack message has the rest.)_"));
        let kept = description.split("\n\n_(Cut here").next().unwrap();
        assert_eq!(kept.chars().count(), DESCRIPTION_MAX_CHARS);
        assert_eq!(message_text("  Thanks!  "), "Thanks!");
    }

    #[test]
    fn threads_hear_of_status_changes_and_staff_replies_only() {
        let done = TicketChange::StatusChanged {
            from: TicketStatus::InProgress,
            to: TicketStatus::Completed,
        };
        assert_eq!(
            thread_update(&done, "Sam Rivera", true, Audience::Company).as_deref(),
            Some(
                "Sam Rivera changed the status to *Completed*. Was it resolved? Answer in Frontdoor."
            )
        );
        let reply = TicketChange::Replied {
            body: "Use <the> back door & knock".into(),
        };
        assert_eq!(
            thread_update(&reply, "Sam", true, Audience::Requester).as_deref(),
            Some("*Sam* replied:\nUse &lt;the&gt; back door &amp; knock")
        );
        assert_eq!(
            thread_update(&reply, "Sam", true, Audience::CompanyNotSharingRequests).as_deref(),
            Some("*Sam* replied. Read it in Frontdoor."),
            "coworkers who may not read the request do not read the reply"
        );
        assert_eq!(
            thread_update(&reply, "Luis", false, Audience::Company),
            None
        );
        assert_eq!(
            thread_update(
                &TicketChange::NoteAdded { body: "x".into() },
                "Sam",
                true,
                Audience::Requester
            ),
            None
        );
    }

    proptest! {
        #[test]
        fn escaped_text_opens_no_link_or_mention(text in ".{0,200}") {
            let escaped = escape(&text);
            prop_assert!(!escaped.contains('<') && !escaped.contains('>'));
        }

        #[test]
        fn any_text_with_a_word_files_a_request_whose_title_fits(text in "\\PC{1,400}") {
            if let Some((title, description)) = request_from(&text) {
                prop_assert!(title.chars().count() <= MAX_TITLE_CHARS);
                prop_assert!(!title.trim().is_empty());
                prop_assert_eq!(description, text.trim());
            }
        }
    }
}
