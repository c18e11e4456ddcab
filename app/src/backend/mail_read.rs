//! What a raw message says, read without the database: who sent it, what it answers, whether a
//! person wrote it, whether it reports a failed delivery, its new text and its files. Pure, so it
//! can be fuzzed and property-tested on its own; `mail_intake` decides what to do with it.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use mail_parser::{ContentType, HeaderName, Message, MessageParser, MimeHeaders};
use sha2::{Digest, Sha256};

use crate::domain::attachment::{MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, human_size, safe_filename};
use crate::domain::email::{Kept, MAX_MESSAGE_BYTES, MailMarks, domain_of, new_text};
use crate::domain::validation::{DESCRIPTION_MAX_CHARS, cut_with_note};

/// A message as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadMail {
    /// Its `Message-ID` without angle brackets, or `sha256:<hash of its bytes>` when it has none.
    pub message_id: String,
    /// Whether `message_id` is the sender's own (one we may answer with `In-Reply-To`).
    pub has_message_id: bool,
    /// The `From` address, lowercased.
    pub sender: String,
    /// The `From` display name, if any.
    pub sender_name: Option<String>,
    /// The first `Subject`, decoded.
    pub subject: String,
    /// Message-IDs it answers (`References`, then `In-Reply-To`).
    pub answers: Vec<String>,
    /// The `X-Loop` header, lowercased.
    pub x_loop: Option<String>,
    pub marks: MailMarks,
    /// Set when it reports a failed delivery.
    pub bounce: Option<BounceReport>,
    pub body: Body,
}

/// What a delivery failure report says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BounceReport {
    /// The address that failed.
    pub address: Option<String>,
    pub reason: String,
    /// Message-IDs of the returned message (ours), to find the request it was about.
    pub returned: Vec<String>,
}

/// Why a message could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unreadable {
    #[error("the message is {size}, over the {limit} limit")]
    TooLarge { size: String, limit: String },
    #[error("could not parse the message")]
    NotMail,
    #[error("no usable sender address (From)")]
    NoSender,
}

impl Unreadable {
    /// A message of `size` bytes, over [`MAX_MESSAGE_BYTES`].
    pub fn too_large(size: usize) -> Unreadable {
        Unreadable::TooLarge {
            size: human_size(size as i64),
            limit: human_size(MAX_MESSAGE_BYTES as i64),
        }
    }

    /// What of the message is kept in quarantine: all of it, except the header only of one too
    /// large to keep.
    pub fn kept<'r>(&self, raw: &'r [u8]) -> Kept<'r> {
        match self {
            Unreadable::TooLarge { .. } => Kept::HeaderOnly(&raw[..header_len(raw)]),
            _ => Kept::Whole(raw),
        }
    }
}

/// The longest Message-ID kept as it is.
const MAX_ID_BYTES: usize = 250;
/// How many of the ids a message answers are looked at (the newest).
const MAX_ANSWERED: usize = 20;

/// Text as stored: no NUL characters (PostgreSQL refuses them), trimmed.
fn clean(text: &str) -> String {
    text.replace('\0', "").trim().to_owned()
}

/// A header's text as stored: one line, trimmed, with no NUL (PostgreSQL refuses it, and intake
/// stalled on it), as in bodies; other control characters (tabs of folded lines) become spaces.
/// Every value taken from a header passes through here.
fn header_text(text: &str) -> String {
    let line: String = text
        .chars()
        .filter(|c| *c != '\0')
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    line.trim().to_owned()
}

/// A message's text, cut to what a form would take, saying so (the original stays viewable).
fn cut(text: &str) -> String {
    cut_with_note(text, DESCRIPTION_MAX_CHARS, "the original mail")
}

/// Reads a raw RFC 5322 message.
pub fn read(raw: &[u8]) -> Result<ReadMail, Unreadable> {
    if raw.len() > MAX_MESSAGE_BYTES {
        return Err(Unreadable::too_large(raw.len()));
    }
    let message = MessageParser::default()
        .parse(raw)
        .filter(has_headers)
        .ok_or(Unreadable::NotMail)?;
    let sender = sender_of(&message).ok_or(Unreadable::NoSender)?;
    // Longer ids are no one's real Message-ID (and would not fit an index): hashed like none.
    let own_id = message
        .message_id()
        .map(header_text)
        .filter(|id| !id.is_empty() && id.len() <= MAX_ID_BYTES);
    let sender_name = message
        .from()
        .and_then(|from| from.first())
        .and_then(|address| address.name())
        .map(header_text)
        .filter(|name| !name.is_empty());
    let bounce = is_bounce(&message, &sender).then(|| bounce_report(&message));
    Ok(ReadMail {
        has_message_id: own_id.is_some(),
        message_id: own_id
            .unwrap_or_else(|| format!("sha256:{}", URL_SAFE_NO_PAD.encode(Sha256::digest(raw)))),
        sender_name,
        subject: header_text(subject_of(&message).unwrap_or_default()),
        answers: answered_ids(&message),
        x_loop: header_value(&message, "X-Loop"),
        marks: marks_of(&message),
        body: Body::of(&message),
        bounce,
        sender,
    })
}

/// A parse that found no header mail has (only made-up names, or none) was not mail.
fn has_headers(message: &Message<'_>) -> bool {
    message
        .headers()
        .iter()
        .any(|header| !matches!(header.name, HeaderName::Other(_)))
}

/// The first `Subject` (some senders repeat the header; the first is the one people see).
fn subject_of<'m>(message: &'m Message<'_>) -> Option<&'m str> {
    message.header_values(HeaderName::Subject).next()?.as_text()
}

/// Where the header block ends (what is kept of a message too large to keep whole).
fn header_len(raw: &[u8]) -> usize {
    let limit = raw.len().min(64 * 1024);
    raw[..limit]
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .or_else(|| raw[..limit].windows(2).position(|w| w == b"\n\n"))
        .unwrap_or(limit)
}

fn sender_of(message: &Message<'_>) -> Option<String> {
    let address = message.from()?.first()?.address()?.trim().to_lowercase();
    // RFC 5321's longest path; no spaces or control characters.
    let plausible =
        address.len() <= 254 && !address.contains(|c: char| c.is_whitespace() || c.is_control());
    (plausible && domain_of(&address).is_some()).then_some(address)
}

fn header_value(message: &Message<'_>, name: &str) -> Option<String> {
    message
        .header_raw(name)
        .map(|value| header_text(value).to_lowercase())
}

fn marks_of(message: &Message<'_>) -> MailMarks {
    MailMarks {
        auto_submitted: header_value(message, "Auto-Submitted"),
        precedence: header_value(message, "Precedence"),
        auto_response_suppress: message.header_raw("X-Auto-Response-Suppress").is_some(),
        autoreply: message.header_raw("X-Autoreply").is_some()
            || message.header_raw("X-Autorespond").is_some(),
        list: message.header_raw("List-Id").is_some()
            || message.header_raw("List-Unsubscribe").is_some(),
    }
}

/// A delivery status report, or mail from a mailer daemon.
fn is_bounce(message: &Message<'_>, sender: &str) -> bool {
    let report = is_type(message.content_type(), "multipart", "report")
        && message
            .content_type()
            .and_then(|ct| ct.attribute("report-type"))
            .is_some_and(|t| t.eq_ignore_ascii_case("delivery-status"));
    let local = sender.split('@').next().unwrap_or_default();
    report || local == "mailer-daemon" || local == "postmaster"
}

/// Whether a part is of this MIME type (`ctype/subtype`, any case).
fn is_type(content_type: Option<&ContentType<'_>>, ctype: &str, subtype: &str) -> bool {
    content_type.is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case(ctype)
            && ct
                .subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case(subtype))
    })
}

/// All the text of a report: its parts, and the headers of the message it returns.
fn report_text(message: &Message<'_>) -> String {
    let mut text = String::new();
    for part in &message.parts {
        match &part.body {
            mail_parser::PartType::Text(body) | mail_parser::PartType::Html(body) => {
                text.push_str(body);
                text.push('\n');
            }
            mail_parser::PartType::Binary(bytes) | mail_parser::PartType::InlineBinary(bytes) => {
                text.push_str(&String::from_utf8_lossy(bytes));
                text.push('\n');
            }
            mail_parser::PartType::Message(inner) => {
                text.push_str(&String::from_utf8_lossy(inner.raw_message()));
                text.push('\n');
            }
            mail_parser::PartType::Multipart(_) => {}
        }
    }
    text
}

/// The value of the first `Name: value` line of `text` (case-insensitive name).
fn field_in(text: &str, name: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let (field, value) = line.trim_start().split_once(':')?;
        let value = header_text(value);
        (field.trim().eq_ignore_ascii_case(name) && !value.is_empty()).then_some(value)
    })
}

/// The Message-IDs a message answers: `References` then `In-Reply-To` (newest last).
fn answered_ids(message: &Message<'_>) -> Vec<String> {
    let all: Vec<_> = [message.references(), message.in_reply_to()]
        .into_iter()
        .flat_map(|header| header.as_text_list().unwrap_or_default())
        .collect();
    // Only the newest few count: a header of a million ids costs no more than one of twenty.
    let mut ids: Vec<String> = Vec::with_capacity(MAX_ANSWERED);
    for id in all.iter().rev().take(MAX_ANSWERED * 4) {
        let id = header_text(id);
        if ids.len() < MAX_ANSWERED && !id.is_empty() && !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids.reverse();
    ids
}

/// A message that says it is multipart but whose boundary never appears is plain text: its
/// whole body.
fn text_of_broken_multipart(message: &Message<'_>) -> Option<String> {
    let boundary = message.content_type()?.attribute("boundary")?;
    let raw = message.raw_message();
    let body = &raw[header_len(raw)..];
    let marker = format!("--{boundary}");
    // A boundary line starts a line (RFC 2046): one pass over the lines, however long the marker.
    let broken = !body
        .split(|byte| *byte == b'\n')
        .any(|line| line.starts_with(marker.as_bytes()));
    broken.then(|| clean(&String::from_utf8_lossy(body)))
}

fn attachment_name(part: &mail_parser::MessagePart<'_>) -> String {
    if let Some(name) = part.attachment_name() {
        return name.to_owned();
    }
    if is_type(part.content_type(), "message", "rfc822") {
        "forwarded.eml".to_owned()
    } else if is_type(part.content_type(), "text", "calendar") {
        "invite.ics".to_owned()
    } else {
        "file".to_owned()
    }
}

/// Reads a delivery failure report: the address that failed, why, and what was returned.
fn bounce_report(message: &Message<'_>) -> BounceReport {
    let text = report_text(message);
    // `Final-Recipient: rfc822; someone@example`: the address after the type.
    let address = field_in(&text, "final-recipient")
        .or_else(|| field_in(&text, "original-recipient"))
        .map(|value| value.rsplit(';').next().unwrap_or(&value).trim().to_owned())
        .or_else(|| field_in(&text, "to"))
        .map(|address| {
            address
                .trim_matches(|c: char| c == '<' || c == '>' || c.is_whitespace())
                .to_lowercase()
        })
        .filter(|address| domain_of(address).is_some());
    let reason = field_in(&text, "diagnostic-code")
        .or_else(|| field_in(&text, "status"))
        .unwrap_or_else(|| "the mail could not be delivered".to_owned());
    let mut returned = answered_ids(message);
    returned.extend(text.lines().filter_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("message-id")
            .then(|| header_text(value).trim_matches(['<', '>']).to_owned())
    }));
    BounceReport {
        address,
        reason,
        returned,
    }
}

/// The new text of a message and the files that came with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    pub text: String,
    /// File name and content of each file kept.
    pub files: Vec<(String, Vec<u8>)>,
}

impl Body {
    fn of(message: &Message<'_>) -> Body {
        if let Some(text) = text_of_broken_multipart(message) {
            return Body {
                text: cut(&new_text(&text)),
                files: Vec::new(),
            };
        }
        let text = message
            .body_text(0)
            .map(|text| new_text(&clean(&text)))
            .unwrap_or_default();
        let mut notes = Vec::new();
        let mut files = Vec::new();
        for part in message.attachments() {
            let filename = safe_filename(&attachment_name(part));
            let content = part.contents();
            if content.is_empty() {
                continue;
            }
            if content.len() > MAX_ATTACHMENT_BYTES {
                notes.push(format!(
                    "“{filename}” ({}) was not kept: files may be at most {}.",
                    human_size(content.len() as i64),
                    human_size(MAX_ATTACHMENT_BYTES as i64)
                ));
            } else if files.len() == MAX_ATTACHMENTS {
                notes.push(format!(
                    "“{filename}” was not kept: at most {MAX_ATTACHMENTS} files per message."
                ));
            } else {
                files.push((filename, content.to_vec()));
            }
        }
        let mut text = match (text.is_empty(), files.is_empty()) {
            (false, _) => cut(&text),
            (true, false) => "(No text: see the attached files.)".to_owned(),
            (true, true) => "(No text.)".to_owned(),
        };
        for note in notes {
            text.push_str("\n\n_");
            text.push_str(&note);
            text.push('_');
        }
        Body { text, files }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SAMPLE: &str = "From: \"Chen, Mei\" <Mei@Acme.example>\r\nTo: support@agency.example\r\n\
        Subject: =?utf-8?q?Re=3A_=5BFD-7=5D_Dr=C3=BCcker?=\r\nMessage-ID: <m1@acme.example>\r\n\
        In-Reply-To: <fd.7.x@agency.example>\r\nAuto-Submitted: no\r\nMIME-Version: 1.0\r\n\
        Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\
        <p>Still <b>broken</b>.</p><p>On Monday, Sam wrote:</p><blockquote>old</blockquote>\r\n\
        --b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"scan.pdf\"\r\n\
        Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n";

    #[test]
    fn a_message_is_read_whole() {
        let mail = read(SAMPLE.as_bytes()).unwrap();
        assert_eq!(mail.sender, "mei@acme.example");
        assert_eq!(mail.sender_name.as_deref(), Some("Chen, Mei"));
        assert_eq!(mail.subject, "Re: [FD-7] Drücker");
        assert_eq!(mail.message_id, "m1@acme.example");
        assert_eq!(mail.answers, ["fd.7.x@agency.example"]);
        assert!(!mail.marks.is_automatic_reply());
        assert!(mail.bounce.is_none());
        assert!(mail.body.text.contains("Still"), "{}", mail.body.text);
        assert!(!mail.body.text.contains("old"), "{}", mail.body.text);
        assert_eq!(mail.body.files[0].0, "scan.pdf");
        assert_eq!(mail.body.files[0].1, b"%PDF-1.4\n");
    }

    #[test]
    fn what_is_not_mail_says_why() {
        assert_eq!(read(b""), Err(Unreadable::NotMail));
        assert_eq!(read(b"\x00\x01\x02 binary"), Err(Unreadable::NotMail));
        assert_eq!(
            read(b"Subject: no sender\r\n\r\nhello"),
            Err(Unreadable::NoSender)
        );
        let without_id = b"From: a@b.example\r\n\r\nhi";
        let mail = read(without_id).unwrap();
        assert!(mail.message_id.starts_with("sha256:") && !mail.has_message_id);
        assert_eq!(
            read(without_id).unwrap().message_id,
            mail.message_id,
            "stable"
        );
    }

    #[test]
    fn header_text_is_stored_without_nul_or_control_characters() {
        let raw = b"From: =?utf-8?B?TWVpAENoZW4=?= <mei@acme.example>\r\n\
            Subject: =?utf-8?B?UHJpbnRlcgAgamFt?=\r\nMessage-ID: <m1\x00@acme.example>\r\n\
            References: <r1\x00@agency.example> <r2@agency.example>\r\n\
            In-Reply-To: <irt\x00@agency.example>\r\nX-Loop: a\x00\x01b\r\n\r\nhello";
        let mail = read(raw).unwrap();
        let bounce = read(
            b"From: mailer-daemon@relay.example\r\nSubject: failed\r\n\r\n\
              Final-Recipient: rfc822; mei\x00@acme.example\r\n\
              Diagnostic-Code: smtp; 550\x00 no such user\r\nMessage-ID: <fd\x00.1@agency.example>\r\n",
        )
        .unwrap()
        .bounce
        .unwrap();
        let texts = [&mail.message_id, &mail.subject, &bounce.reason]
            .into_iter()
            .chain(&mail.sender_name)
            .chain(&mail.x_loop)
            .chain(&mail.answers)
            .chain(&bounce.address)
            .chain(&bounce.returned);
        for text in texts {
            assert!(!text.contains(char::is_control), "{text:?}");
        }
        assert!(mail.has_message_id);
        assert_eq!(mail.sender_name.as_deref(), Some("MeiChen"));
        assert_eq!(bounce.address.as_deref(), Some("mei@acme.example"));
        assert_eq!(mail.answers.len(), 3, "{:?}", mail.answers);
    }

    proptest! {
        // The reading of anything a mailbox may hold ends in a result, never a panic (the
        // cargo-fuzz target in fuzz/ searches far longer; this runs with every test).
        #[test]
        fn arbitrary_bytes_never_panic(raw in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let _ = read(&raw);
        }

        #[test]
        fn damaged_messages_never_panic(
            cuts in proptest::collection::vec((0..SAMPLE.len(), any::<u8>()), 1..12),
            truncate in 0..SAMPLE.len(),
        ) {
            let mut raw = SAMPLE.as_bytes().to_vec();
            for (at, byte) in cuts {
                raw[at] = byte;
            }
            let _ = read(&raw);
            let _ = read(&raw[..truncate]);
        }
    }
}
