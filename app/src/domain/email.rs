//! Rules for mail in and out that need no mail parser: which request a message belongs to, what
//! of its text is new, which mail must never be answered automatically, and how our own mail is
//! titled.

use crate::domain::ticket::TicketRef;

/// The line above which a client writes when answering our mail; everything below it is quoted
/// history.
pub const REPLY_MARKER: &str = "## Reply above this line ##";

/// A message is kept whole up to this size; larger ones are refused before they are read.
pub const MAX_MESSAGE_BYTES: usize = 25 * 1024 * 1024;

/// What the quarantine keeps of a message that could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kept<'r> {
    /// The message as it came: it can be retried once its cause is fixed.
    Whole(&'r [u8]),
    /// Only its header (it was over [`MAX_MESSAGE_BYTES`]): it can be read and dismissed, but
    /// there is nothing to file.
    HeaderOnly(&'r [u8]),
}

/// The title a request gets from a subject: reply and forward prefixes and our `[FD-n]` token
/// removed, white space collapsed; `(no subject)` when nothing is left.
pub fn title_from_subject(subject: &str) -> String {
    let without_token = match token_span(subject) {
        Some((start, end)) => format!("{} {}", &subject[..start], &subject[end..]),
        None => subject.to_owned(),
    };
    let collapsed = collapse_whitespace(&without_token);
    let mut rest = collapsed.as_str();
    while let Some(stripped) = strip_reply_prefix(rest) {
        rest = stripped;
    }
    if rest.is_empty() {
        "(no subject)".to_owned()
    } else {
        rest.to_owned()
    }
}

/// The request named by a `[FD-1042]` token in a subject, if there is one.
pub fn reference_in_subject(subject: &str) -> Option<TicketRef> {
    let (start, end) = token_span(subject)?;
    subject[start + 1..end - 1].parse().ok()
}

/// The subject of our mail about a request: the token first, so replies find their way back.
pub fn subject_for(reference: TicketRef, title: &str) -> String {
    format!("[{reference}] {}", collapse_whitespace(title))
}

/// Where the first `[FD-<digits>]` token is, brackets included.
fn token_span(subject: &str) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(offset) = subject[from..].find('[') {
        let start = from + offset;
        let inner = &subject[start + 1..];
        let prefix_len = TicketRef::PREFIX.len();
        if inner
            .get(..prefix_len)
            .is_some_and(|prefix| prefix.eq_ignore_ascii_case(TicketRef::PREFIX))
        {
            let digits = inner[prefix_len..]
                .bytes()
                .take_while(u8::is_ascii_digit)
                .count();
            if digits > 0 && inner[prefix_len + digits..].starts_with(']') {
                return Some((start, start + 1 + prefix_len + digits + 1));
            }
        }
        from = start + 1;
    }
    None
}

const REPLY_PREFIXES: &[&str] = &["re", "fwd", "fw", "aw", "wg", "sv", "vs", "tr"];

fn strip_reply_prefix(subject: &str) -> Option<&str> {
    let (head, rest) = subject.split_once(':')?;
    REPLY_PREFIXES
        .iter()
        .any(|prefix| head.trim().eq_ignore_ascii_case(prefix))
        .then(|| rest.trim_start())
}

fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The new part of a message: its text above our reply marker, above the first line that starts
/// quoted history ("On … wrote:", Outlook's header block and the like), without trailing `>`
/// quotes. Nothing above those lines is ever dropped.
pub fn new_text(body: &str) -> String {
    let lines: Vec<&str> = body.lines().collect();
    let mut end = lines
        .iter()
        .enumerate()
        .position(|(index, line)| starts_history(line, lines.get(index + 1).copied()))
        .unwrap_or(lines.len());
    // A trailing block of `>` quotes (and the blank lines around it) is history too.
    while end > 0 {
        let line = lines[end - 1].trim();
        if line.is_empty() || line.starts_with('>') {
            end -= 1;
        } else {
            break;
        }
    }
    let kept = &lines[..end];
    kept.join("\n").trim().to_owned()
}

fn starts_history(line: &str, next: Option<&str>) -> bool {
    let trimmed = line.trim();
    if trimmed.contains(REPLY_MARKER) || trimmed == "-----Original Message-----" {
        return true;
    }
    if trimmed.starts_with("________________")
        && next.is_some_and(|n| n.trim().starts_with("From:"))
    {
        return true;
    }
    is_attribution(trimmed) || is_split_attribution(trimmed, next)
}

/// "On … wrote:", "Am … schrieb …:", "Le … a écrit :".
fn is_attribution(line: &str) -> bool {
    let lower = line.to_lowercase();
    (lower.starts_with("on ") && lower.ends_with("wrote:"))
        || (lower.starts_with("am ") && lower.contains("schrieb") && lower.ends_with(':'))
        || (lower.starts_with("le ") && lower.contains("a écrit") && lower.ends_with(':'))
}

/// An attribution a mail client broke over two lines.
fn is_split_attribution(line: &str, next: Option<&str>) -> bool {
    let line = line.trim();
    next.is_some_and(|next| {
        let next = next.trim().to_lowercase();
        line.to_lowercase().starts_with("on ")
            && !line.ends_with(':')
            && next.ends_with("wrote:")
            && next.len() < 80
    })
}

/// The headers that say whether a message was written by a person, as the inbound pipeline reads
/// them (lowercased values, `None` when absent).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MailMarks {
    pub auto_submitted: Option<String>,
    pub precedence: Option<String>,
    pub auto_response_suppress: bool,
    /// `X-Autoreply` / `X-Autorespond`: what some out-of-office replies carry instead.
    pub autoreply: bool,
    /// `List-Id` or `List-Unsubscribe`.
    pub list: bool,
}

impl MailMarks {
    /// An out-of-office or other automatic answer: never added to a conversation.
    pub fn is_automatic_reply(&self) -> bool {
        self.autoreply
            || self
                .auto_submitted
                .as_deref()
                .is_some_and(|value| value != "no")
            || self.precedence.as_deref() == Some("auto_reply")
    }

    /// Mail we must not answer automatically (RFC 3834): automatic, bulk or list mail.
    pub fn suppresses_acknowledgement(&self) -> bool {
        self.is_automatic_reply()
            || self.auto_response_suppress
            || self.list
            || matches!(self.precedence.as_deref(), Some("bulk" | "list" | "junk"))
    }
}

/// How a message was matched to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Thread {
    /// Its `In-Reply-To`/`References` name a message of this request.
    Headers(TicketRef),
    /// Its subject carries this request's token.
    Subject(TicketRef),
    /// It starts a new request.
    New,
}

/// Picks the request a message joins. A candidate counts only when the sender may see that
/// request (`participant`), so a forged subject token cannot write into someone else's request.
pub fn choose_thread(
    by_headers: Option<TicketRef>,
    by_subject: Option<TicketRef>,
    participant: impl Fn(TicketRef) -> bool,
) -> Thread {
    if let Some(reference) = by_headers.filter(|r| participant(*r)) {
        return Thread::Headers(reference);
    }
    if let Some(reference) = by_subject.filter(|r| participant(*r)) {
        return Thread::Subject(reference);
    }
    Thread::New
}

/// The domain part of an address, lowercased.
pub fn domain_of(address: &str) -> Option<String> {
    let (local, domain) = address.rsplit_once('@')?;
    (!local.is_empty() && !domain.is_empty()).then(|| domain.trim().to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn titles_lose_prefixes_and_the_token() {
        assert_eq!(
            title_from_subject("RE: Fwd: [FD-12]  Printer   offline"),
            "Printer offline"
        );
        assert_eq!(title_from_subject("AW: WG: Rechnung"), "Rechnung");
        assert_eq!(title_from_subject("Re: [FD-9] Re: VPN"), "VPN");
        assert_eq!(title_from_subject("  "), "(no subject)");
        assert_eq!(title_from_subject("Re:"), "(no subject)");
        // Only real prefixes: a colon in the title stays.
        assert_eq!(title_from_subject("Invoice: March"), "Invoice: March");
    }

    #[test]
    fn the_token_is_found_anywhere_in_the_subject() {
        assert_eq!(
            reference_in_subject("Re: [FD-1042] Printer"),
            Some(TicketRef(1042))
        );
        assert_eq!(reference_in_subject("[fd-7]"), Some(TicketRef(7)));
        assert_eq!(reference_in_subject("[FD-] [FD-x] [FD-3"), None);
        assert_eq!(reference_in_subject("[note] [FD-5] x"), Some(TicketRef(5)));
        assert_eq!(reference_in_subject("FD-5 without brackets"), None);
    }

    #[test]
    fn quoted_history_is_stripped() {
        let body = "Thanks, that works.\n\nOn Tue, 3 Mar 2026 at 10:02, Frontdoor wrote:\n> old\n";
        assert_eq!(new_text(body), "Thanks, that works.");
        let split = "Still broken.\n\nOn Tue, 3 Mar 2026 at 10:02, Sam Rivera\n<support@agency.example> wrote:\n> x";
        assert_eq!(new_text(split), "Still broken.");
        let outlook =
            "See attached.\n\n________________________________\nFrom: Frontdoor\nSent: Monday";
        assert_eq!(new_text(outlook), "See attached.");
        let marker = format!("Yes please.\n{REPLY_MARKER}\nOur earlier message");
        assert_eq!(new_text(&marker), "Yes please.");
        assert_eq!(
            new_text("Danke!\nAm 3. März 2026 um 10:02 schrieb Sam:\n> alt"),
            "Danke!"
        );
        assert_eq!(new_text("Top\n> quoted\n>\n"), "Top");
        // Quotes in the middle are the writer's own: kept.
        assert_eq!(
            new_text("> your point\nmy answer"),
            "> your point\nmy answer"
        );
    }

    #[test]
    fn automatic_mail_is_recognised() {
        let ooo = MailMarks {
            auto_submitted: Some("auto-replied".into()),
            ..MailMarks::default()
        };
        assert!(ooo.is_automatic_reply() && ooo.suppresses_acknowledgement());
        let person = MailMarks {
            auto_submitted: Some("no".into()),
            ..MailMarks::default()
        };
        assert!(!person.is_automatic_reply() && !person.suppresses_acknowledgement());
        let list = MailMarks {
            list: true,
            ..MailMarks::default()
        };
        assert!(!list.is_automatic_reply() && list.suppresses_acknowledgement());
        let bulk = MailMarks {
            precedence: Some("bulk".into()),
            ..MailMarks::default()
        };
        assert!(bulk.suppresses_acknowledgement());
    }

    #[test]
    fn a_forged_token_does_not_thread() {
        let mine = |r: TicketRef| r == TicketRef(1);
        assert_eq!(choose_thread(None, Some(TicketRef(2)), mine), Thread::New);
        assert_eq!(
            choose_thread(Some(TicketRef(2)), Some(TicketRef(1)), mine),
            Thread::Subject(TicketRef(1))
        );
        assert_eq!(
            choose_thread(Some(TicketRef(1)), Some(TicketRef(2)), mine),
            Thread::Headers(TicketRef(1))
        );
    }

    proptest! {
        #[test]
        fn our_subjects_lead_back_to_their_request(id in 1_i64..10_000_000, title in "\\PC{0,60}") {
            let subject = subject_for(TicketRef(id), &title);
            prop_assert_eq!(reference_in_subject(&subject), Some(TicketRef(id)));
            prop_assert_eq!(reference_in_subject(&format!("Re: {subject}")), Some(TicketRef(id)));
        }

        #[test]
        fn titles_are_never_empty_nor_padded(subject in "\\PC{0,80}") {
            let title = title_from_subject(&subject);
            prop_assert!(!title.is_empty());
            prop_assert_eq!(title.trim(), title.as_str());
        }

        #[test]
        fn text_written_above_the_marker_is_kept(text in "[a-zA-Z0-9 .,!?]{1,200}", history in "\\PC{0,200}") {
            let kept = new_text(&format!("{text}\n{REPLY_MARKER}\n{history}"));
            prop_assert_eq!(kept, text.trim());
        }
    }
}
