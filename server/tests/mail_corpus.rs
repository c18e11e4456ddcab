//! The inbound pipeline against a corpus of real-world-shaped messages (`tests/mail_corpus/`,
//! described in its README): each message, in order, into one demo database, must end as
//! `expected.json` says — outcome, title, requester, account, text kept and dropped, files kept,
//! acknowledgement, thread, bounced address.

mod support;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use app::backend::mail_intake::{Intake, receive};
use app::domain::ticket::{TicketChange, TicketRef};
use serde::Deserialize;
use support::{Harness, harness};

#[derive(Debug, Deserialize)]
struct Manifest {
    messages: Vec<Case>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    file: String,
    about: String,
    outcome: String,
    title: Option<String>,
    requester: Option<String>,
    account: Option<String>,
    acknowledged: Option<bool>,
    thread_of: Option<String>,
    #[serde(default)]
    body_contains: Vec<String>,
    #[serde(default)]
    body_excludes: Vec<String>,
    attachments: Option<Vec<String>>,
    reason_contains: Option<String>,
    bounced_address: Option<String>,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mail_corpus")
}

/// The message with `{{ref:FILE}}` and `{{out:FILE}}` filled in from what earlier files became.
async fn prepared(h: &Harness, raw: Vec<u8>, filed: &HashMap<String, TicketRef>) -> Vec<u8> {
    let mut text = match String::from_utf8(raw) {
        Ok(text) => text,
        // Not UTF-8 (a legacy charset sent 8-bit): it has no placeholders.
        Err(error) => return error.into_bytes(),
    };
    while let Some(start) = text.find("{{") {
        let end = start + text[start..].find("}}").expect("a closed placeholder") + 2;
        let (kind, file) = text[start + 2..end - 2]
            .split_once(':')
            .expect("{{kind:file}}");
        let reference = *filed
            .get(file)
            .unwrap_or_else(|| panic!("{file} made no request before it was named"));
        let value = match kind {
            "ref" => reference.to_string(),
            "out" => {
                h.store
                    .mail_log(reference)
                    .await
                    .unwrap()
                    .into_iter()
                    .rev()
                    .find(|entry| entry.direction == "out")
                    .unwrap_or_else(|| panic!("no mail went out about {file}"))
                    .message_id
            }
            other => panic!("unknown placeholder {other}"),
        };
        text.replace_range(start..end, &value);
    }
    text.into_bytes()
}

#[tokio::test]
async fn every_message_of_the_corpus_ends_as_expected() {
    let manifest: Manifest = serde_json::from_str(
        &std::fs::read_to_string(corpus_dir().join("expected.json")).expect("expected.json"),
    )
    .expect("expected.json is well formed");
    assert!(manifest.messages.len() >= 50, "a corpus of at least 50");
    let h = harness().await;
    let mut filed: HashMap<String, TicketRef> = HashMap::new();
    let mut failures = Vec::new();
    for case in &manifest.messages {
        let raw = std::fs::read(corpus_dir().join(&case.file))
            .unwrap_or_else(|_| panic!("{} is in the corpus", case.file));
        let raw = prepared(&h, raw, &filed).await;
        let intake = receive(&h.state, "corpus", &raw)
            .await
            .unwrap_or_else(|error| panic!("{}: the store failed: {error}", case.file));
        if let Intake::Created { reference, .. } = &intake {
            filed.insert(case.file.clone(), *reference);
        }
        if let Err(problem) = check(&h, case, &intake, &filed).await {
            failures.push(format!(
                "{} ({}): {problem}\n    got {intake:?}",
                case.file, case.about
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} messages ended otherwise than expected:\n{}",
        failures.len(),
        manifest.messages.len(),
        failures.join("\n")
    );
}

async fn check(
    h: &Harness,
    case: &Case,
    intake: &Intake,
    filed: &HashMap<String, TicketRef>,
) -> Result<(), String> {
    let reason_matches = |reason: &str| {
        case.reason_contains
            .as_deref()
            .is_none_or(|expected| reason.to_lowercase().contains(expected))
    };
    match (case.outcome.as_str(), intake) {
        (
            "created",
            Intake::Created {
                reference,
                acknowledged,
            },
        ) => check_created(h, case, *reference, *acknowledged).await,
        ("replied", Intake::Replied { reference }) => {
            let expected = case
                .thread_of
                .as_ref()
                .and_then(|file| filed.get(file))
                .ok_or("thread_of names no filed request")?;
            if reference != expected {
                return Err(format!("joined {reference}, expected {expected}"));
            }
            let timeline = h
                .store
                .timeline(*reference, true)
                .await
                .map_err(|e| e.to_string())?;
            let (event, body) = timeline
                .iter()
                .rev()
                .find_map(|entry| match &entry.change {
                    TicketChange::Replied { body } => Some((entry.id, body.clone())),
                    _ => None,
                })
                .ok_or("no reply on the request")?;
            check_text(case, &body)?;
            check_files(h, case, *reference, Some(event)).await
        }
        ("duplicate", Intake::Duplicate) => Ok(()),
        ("bounce", Intake::Bounce { address, .. }) => match &case.bounced_address {
            Some(expected) if address.as_ref() != Some(expected) => {
                Err(format!("bounced {address:?}, expected {expected}"))
            }
            _ => Ok(()),
        },
        ("ignored", Intake::Ignored { reason })
        | ("refused", Intake::Refused { reason })
        | ("quarantined", Intake::Quarantined { reason, .. }) => {
            if reason_matches(reason) {
                Ok(())
            } else {
                Err(format!(
                    "reason {reason:?} lacks {:?}",
                    case.reason_contains
                ))
            }
        }
        (expected, _) => Err(format!("expected {expected}")),
    }
}

/// A new request: acknowledged or not, its title, requester, account, text and files.
async fn check_created(
    h: &Harness,
    case: &Case,
    reference: TicketRef,
    acknowledged: bool,
) -> Result<(), String> {
    if let Some(expected) = case.acknowledged
        && expected != acknowledged
    {
        return Err(format!("acknowledged {acknowledged}, expected {expected}"));
    }
    let ticket = h.store.ticket(reference).await.map_err(|e| e.to_string())?;
    if let Some(title) = &case.title
        && &ticket.summary.title != title
    {
        return Err(format!(
            "title {:?}, expected {title:?}",
            ticket.summary.title
        ));
    }
    if let Some(requester) = &case.requester {
        let people = h.store.active_people().await.map_err(|e| e.to_string())?;
        let person = people
            .iter()
            .find(|p| p.user_id == ticket.owner.requester_id)
            .ok_or("no requester")?;
        if &person.email != requester {
            return Err(format!("requester {}, expected {requester}", person.email));
        }
    }
    if let Some(account) = &case.account {
        let name = h
            .store
            .account_name(ticket.owner.account_id)
            .await
            .map_err(|e| e.to_string())?;
        let expected = match account.as_str() {
            "acme" => "Acme Logistics",
            "bluebird" => "Bluebird Dental",
            "northwind" => "Northwind Studio",
            "unsorted" => "Unknown senders",
            other => other,
        };
        if name != expected {
            return Err(format!("account {name}, expected {expected}"));
        }
    }
    check_text(case, &ticket.description)?;
    check_files(h, case, reference, None).await
}

fn check_text(case: &Case, text: &str) -> Result<(), String> {
    for phrase in &case.body_contains {
        if !text.contains(phrase.as_str()) {
            return Err(format!("text lacks {phrase:?}:\n{text}"));
        }
    }
    for phrase in &case.body_excludes {
        if text.contains(phrase.as_str()) {
            return Err(format!("text keeps {phrase:?}:\n{text}"));
        }
    }
    Ok(())
}

/// The files on the request (`event`: on that message only) are the expected ones, in order.
async fn check_files(
    h: &Harness,
    case: &Case,
    reference: TicketRef,
    event: Option<i64>,
) -> Result<(), String> {
    let Some(expected) = &case.attachments else {
        return Ok(());
    };
    let names: Vec<String> = h
        .store
        .attachments(reference, true)
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(|file| file.event_id == event)
        .map(|file| file.filename)
        .collect();
    if &names == expected {
        Ok(())
    } else {
        Err(format!("files {names:?}, expected {expected:?}"))
    }
}

/// Built here rather than stored: a file over the attachment limit is left out with a note, and a
/// message over the message limit is quarantined with its header only.
#[tokio::test]
async fn oversized_files_and_messages_are_kept_out_with_a_reason() {
    use app::domain::email::MAX_MESSAGE_BYTES;
    use base64::Engine;

    let h = harness().await;
    let big = base64::engine::general_purpose::STANDARD.encode(vec![7_u8; 11 * 1024 * 1024]);
    let with_big_file = format!(
        "From: Mei Chen <mei@acme.example>\r\nTo: support@agency.example\r\nSubject: Logs\r\n\
         Message-ID: <big-file@acme.example>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n\
         The logs are attached.\r\n--b\r\nContent-Type: application/octet-stream\r\n\
         Content-Disposition: attachment; filename=logs.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n{big}\r\n--b--\r\n"
    );
    let Intake::Created { reference, .. } = receive(&h.state, "test", with_big_file.as_bytes())
        .await
        .unwrap()
    else {
        panic!("a request is filed without the file");
    };
    let ticket = h.store.ticket(reference).await.unwrap();
    assert!(ticket.description.contains("The logs are attached."));
    assert!(
        ticket
            .description
            .contains("“logs.bin” (11.0 MB) was not kept"),
        "{}",
        ticket.description
    );
    assert!(
        h.store
            .attachments(reference, true)
            .await
            .unwrap()
            .is_empty()
    );

    let mut too_big = b"From: mei@acme.example\r\nSubject: Huge\r\n\r\n".to_vec();
    too_big.resize(MAX_MESSAGE_BYTES + 1, b'x');
    let intake = receive(&h.state, "test", &too_big).await.unwrap();
    assert!(
        matches!(&intake, Intake::Quarantined { reason, .. } if reason.contains("over the")),
        "{intake:?}"
    );
    let quarantined = h.store.quarantined_mail().await.unwrap();
    assert!(quarantined[0].size_bytes < 1024, "only the header is kept");
}

/// Sends `command` (if any) to an SMTP server and reads its answer to the end ("250 …", not
/// "250-…").
async fn smtp_say(smtp: &mut tokio::io::BufReader<tokio::net::TcpStream>, command: &str) -> String {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt};

    smtp.get_mut().write_all(command.as_bytes()).await.unwrap();
    loop {
        let mut line = String::new();
        smtp.read_line(&mut line).await.unwrap();
        if line.as_bytes().get(3) != Some(&b'-') {
            return line;
        }
    }
}

/// A line longer than the 998 characters RFC 5322 allows (an unwrapped HTML part, say) comes
/// through the SMTP listener whole: the listener reads a line as far as the message may still
/// grow, rather than cutting it into lines (which would corrupt what it carries).
#[tokio::test]
async fn the_smtp_listener_keeps_a_very_long_line_whole() {
    use sqlx::Connection;

    let h = harness().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (_stop, shutdown) = tokio::sync::watch::channel(false);
    tokio::spawn(server::inbound::smtp::serve(
        listener,
        h.state.clone(),
        shutdown,
    ));
    let mut smtp = tokio::io::BufReader::new(
        tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .unwrap(),
    );
    let long_line = format!("Start {} end", "y".repeat(100_000));
    assert!(smtp_say(&mut smtp, "").await.starts_with("220"));
    assert!(
        smtp_say(&mut smtp, "EHLO relay.test\r\n")
            .await
            .starts_with("250")
    );
    assert!(
        smtp_say(&mut smtp, "MAIL FROM:<mei@acme.example>\r\n")
            .await
            .starts_with("250")
    );
    assert!(
        smtp_say(&mut smtp, "RCPT TO:<support@agency.example>\r\n")
            .await
            .starts_with("250")
    );
    assert!(smtp_say(&mut smtp, "DATA\r\n").await.starts_with("354"));
    let message = format!(
        "From: Mei Chen <mei@acme.example>\r\nTo: support@agency.example\r\n\
         Subject: Export log\r\nMessage-ID: <long-line@acme.example>\r\n\r\n{long_line}\r\n.\r\n"
    );
    let accepted = smtp_say(&mut smtp, &message).await;
    assert!(accepted.starts_with("250"), "{accepted}");
    smtp_say(&mut smtp, "QUIT\r\n").await;

    let mut db = sqlx::AnyConnection::connect(&h.db.url).await.unwrap();
    let raw: Vec<u8> = sqlx::query_scalar(
        "SELECT raw FROM mail_messages WHERE raw IS NOT NULL ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&mut db)
    .await
    .unwrap();
    let kept = String::from_utf8(raw).unwrap();
    assert!(
        kept.contains(&format!("\r\n\r\n{long_line}\r\n")),
        "the line arrived cut"
    );
}
