//! The email channel end to end, with real servers on 127.0.0.1: a Dovecot mailbox the running
//! `frontdoor` polls over IMAP, its own SMTP listener fed by a standard SMTP client (lettre), the
//! HTTP hook, and outgoing mail captured by a real SMTP receiver (aiosmtpd writing a Maildir).

mod support;

use std::time::Duration;

use app::backend::store::Store;
use app::domain::email::reference_in_subject;
use app::domain::ticket::{Channel, TicketChange, TicketRef, TicketStatus};
use lettre::{Message, SmtpTransport, Transport};
use support::instance::Instance;
use support::wire;

const SECRET: &str = "hook-secret-for-tests";

/// The real servers this test needs, from the test command's environment.
struct MailServers {
    imap: String,
    imap_login: (String, u16, String, String),
    sink_url: String,
    sink_maildir: String,
}

fn mail_servers() -> Option<MailServers> {
    let var = |name: &str| std::env::var(name).ok();
    let found = (|| {
        let host = var("IMAP_HOST")?;
        let port: u16 = var("IMAP_PORT")?.parse().ok()?;
        let (user, password) = (var("IMAP_USER")?, var("IMAP_PASSWORD")?);
        Some(MailServers {
            imap: format!(
                "imap://{}:{}@{host}:{port}/INBOX",
                user.replace('@', "%40"),
                password
            ),
            imap_login: (host, port, user, password),
            sink_url: var("FRONTDOOR_TEST_SMTP_URL")?,
            sink_maildir: var("FRONTDOOR_TEST_SMTP_MAILDIR")?,
        })
    })();
    if found.is_none() {
        assert!(
            var("FRONTDOOR_REQUIRE_MAIL_SERVERS").as_deref() != Some("1"),
            "FRONTDOOR_REQUIRE_MAIL_SERVERS=1 but IMAP_* / FRONTDOOR_TEST_SMTP_* are not set"
        );
        eprintln!("skipped: start Dovecot and the SMTP sink (scripts/services.sh) to run this");
    }
    found
}

/// Puts a message into the support mailbox, as the agency's mail server would.
async fn deliver_to_mailbox(servers: &MailServers, raw: &str) {
    let (host, port, user, password) = &servers.imap_login;
    let tcp = tokio::net::TcpStream::connect((host.as_str(), *port))
        .await
        .unwrap();
    let mut client = async_imap::Client::new(tcp);
    client.read_response().await.unwrap();
    let mut session = client
        .login(user, password)
        .await
        .map_err(|(e, _)| e)
        .unwrap();
    session
        .append("INBOX", None, None, raw.replace('\n', "\r\n").as_bytes())
        .await
        .unwrap();
    session.logout().await.unwrap();
}

/// Waits for a captured mail to `recipient` whose text contains `needle`.
async fn captured(servers: &MailServers, recipient: &str, needle: &str) -> String {
    let maildir = format!("{}/new", servers.sink_maildir);
    tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            let found = std::fs::read_dir(&maildir).ok().and_then(|entries| {
                entries
                    .filter_map(|entry| std::fs::read_to_string(entry.ok()?.path()).ok())
                    .find(|text| {
                        text.contains(&format!("To: {recipient}")) && text.contains(needle)
                    })
            });
            if let Some(mail) = found {
                return mail;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no mail to {recipient} containing {needle:?} arrived"))
}

/// The value of a header of a captured mail (first occurrence, unfolded).
fn header(mail: &str, name: &str) -> Option<String> {
    let unfolded = mail
        .replace("\r\n", "\n")
        .replace("\n ", " ")
        .replace("\n\t", " ");
    unfolded.lines().find_map(|line| {
        let (field, value) = line.split_once(':')?;
        field
            .eq_ignore_ascii_case(name)
            .then(|| value.trim().to_owned())
    })
}

async fn wait_for<T, F, Fut>(what: &str, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            if let Some(found) = probe().await {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("waited 30 s for {what}"))
}

async fn messages_on(store: &Store, reference: TicketRef) -> Vec<(Option<String>, String)> {
    store
        .timeline(reference, true)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|entry| match entry.change {
            TicketChange::Replied { body } => Some((entry.actor_name, body)),
            _ => None,
        })
        .collect()
}

async fn hook(instance: &Instance, secret: &str, raw: &str) -> wire::Answer {
    wire::request_with(
        instance.addr,
        "POST",
        "/inbound/mail",
        &[
            ("Authorization", &format!("Bearer {secret}")),
            ("Content-Type", "message/rfc822"),
        ],
        raw.as_bytes(),
    )
    .await
    .unwrap()
}

/// The answer's JSON body.
fn json(answer: &wire::Answer) -> serde_json::Value {
    serde_json::from_str(&answer.body).unwrap_or_else(|_| panic!("JSON, not {}", answer.body))
}

/// A client mails the support mailbox, gets an acknowledgement, gets the staff reply threaded,
/// answers it through the SMTP listener into the same request; their out-of-office answering our
/// mail does not loop; unreadable mail is quarantined and the next message still processed.
#[tokio::test]
async fn a_conversation_by_mail_stays_in_one_request() {
    let Some(servers) = mail_servers() else {
        return;
    };
    let (instance, store, smtp_port) = start_frontdoor(&servers).await;
    // Unique per run: the mailbox and the sink keep earlier runs' mail.
    let run = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    let client_id = format!("run{run}.1@acme.example");

    // 1. Luis writes to the support mailbox.
    deliver_to_mailbox(
        &servers,
        &format!(
            "From: Luis Romero <luis@acme.example>\nTo: support@agency.example\n\
             Subject: Warehouse printer offline {run}\nMessage-ID: <{client_id}>\n\
             Date: Thu, 26 Nov 2026 09:00:00 +0000\nContent-Type: text/plain; charset=utf-8\n\n\
             The printer in the warehouse office has been offline since this morning.\n"
        ),
    )
    .await;
    let acknowledgement = captured(&servers, "luis@acme.example", &run.to_string()).await;
    let subject = header(&acknowledgement, "Subject").unwrap();
    let reference = reference_in_subject(&subject).expect("the subject names the request");
    assert_eq!(
        subject,
        format!("[{reference}] Warehouse printer offline {run}")
    );
    assert_eq!(
        header(&acknowledgement, "In-Reply-To"),
        Some(format!("<{client_id}>"))
    );
    assert_eq!(
        header(&acknowledgement, "Auto-Submitted").as_deref(),
        Some("auto-generated")
    );
    assert!(
        acknowledgement.contains("multipart/alternative"),
        "{acknowledgement}"
    );
    let ticket = store.ticket(reference).await.unwrap();
    assert_eq!(ticket.summary.channel, Channel::Email);
    assert!(ticket.description.contains("offline since this morning"));

    // 2. Sam replies in the portal; the mail reaches Luis, threaded under his own message.
    let sam = instance.sign_in(&store, "sam@agency.example").await;
    let answer = instance
        .call(
            Some(&sam),
            "reply",
            &format!("reference={reference}&body=Could+you+restart+it+once%3F+{run}"),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let staff_reply = captured(
        &servers,
        "luis@acme.example",
        &format!("Could you restart it once? {run}"),
    )
    .await;
    let reply_id = header(&staff_reply, "Message-ID").unwrap();
    assert!(reply_id.ends_with("@agency.example>"), "{reply_id}");
    assert!(
        header(&staff_reply, "References").is_some_and(|refs| refs.contains(&client_id)),
        "{staff_reply}"
    );
    assert_eq!(
        header(&staff_reply, "Auto-Submitted"),
        None,
        "a person wrote it"
    );
    assert!(staff_reply.contains(&format!("/requests/{reference}")));

    // 3. Luis answers that mail; it comes in through the SMTP listener, into the same request.
    let answer = Message::builder()
        .from("Luis Romero <luis@acme.example>".parse().unwrap())
        .to("support@agency.example".parse().unwrap())
        .subject(format!("Re: {subject}"))
        .in_reply_to(reply_id.clone())
        .references(format!("<{client_id}> {reply_id}"))
        .body(format!(
            "Restarted it, still offline.\n\nOn Thu, 26 Nov 2026, Frontdoor <support@agency.example> wrote:\n> Could you restart it once? {run}\n"
        ))
        .unwrap();
    SmtpTransport::builder_dangerous("127.0.0.1")
        .port(smtp_port)
        .build()
        .send(&answer)
        .expect("the SMTP listener accepts the mail");
    let messages = wait_for("Luis's answer on the request", || async {
        let messages = messages_on(&store, reference).await;
        (messages.len() == 2).then_some(messages)
    })
    .await;
    assert_eq!(messages[1].0.as_deref(), Some("Luis Romero"));
    assert_eq!(messages[1].1, "Restarted it, still offline.");
    assert_eq!(
        store.ticket(reference).await.unwrap().summary.status,
        TicketStatus::InProgress
    );

    noise_and_garbage(&instance, &store, reference, &subject, &reply_id, run).await;

    mail_announced_by_idle(&servers, &store, run).await;
}

/// Much later, more mail in the mailbox: the server announces it (IMAP IDLE) and it is filed in
/// seconds, though the poll interval is ten minutes.
async fn mail_announced_by_idle(servers: &MailServers, store: &Store, run: u128) {
    let tickets_before = store.count_tickets().await.unwrap();
    deliver_to_mailbox(
        servers,
        &format!(
            "From: Dana Whitfield <dana@acme.example>\nTo: support@agency.example\n\
             Subject: New starter on Monday {run}\nMessage-ID: <starter{run}@acme.example>\n\n\
             Please set up an account for our new colleague.\n"
        ),
    )
    .await;
    wait_for("the mail announced by IDLE to be filed", || async {
        (store.count_tickets().await.unwrap() == tickets_before + 1).then_some(())
    })
    .await;
}

/// Luis's out-of-office answers our mail: ignored, no loop, nothing new; unreadable mail is
/// quarantined and the next message still processed; the hook wants its secret.
async fn noise_and_garbage(
    instance: &Instance,
    store: &Store,
    reference: TicketRef,
    subject: &str,
    reply_id: &str,
    run: u128,
) {
    // 4. His out-of-office answers our mail: ignored, no loop, nothing new.
    let tickets_before = store.count_tickets().await.unwrap();
    let out_of_office = format!(
        "From: Luis Romero <luis@acme.example>\nTo: support@agency.example\n\
         Subject: Automatic reply: {subject}\nAuto-Submitted: auto-replied\n\
         In-Reply-To: {reply_id}\nMessage-ID: <ooo{run}@acme.example>\n\n\
         I am out of the office until Monday.\n"
    );
    let answer = hook(instance, SECRET, &out_of_office).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(json(&answer)["outcome"], "ignored");
    assert_eq!(store.count_tickets().await.unwrap(), tickets_before);
    assert_eq!(messages_on(store, reference).await.len(), 2);
    // Delivered twice (webhooks retry): still one.
    assert_eq!(
        json(&hook(instance, SECRET, &out_of_office).await)["outcome"],
        "duplicate"
    );

    // 5. Garbage is quarantined; the next message is processed all the same.
    let garbage = hook(instance, SECRET, "\u{1}\u{2} not mail at all").await;
    assert_eq!(json(&garbage)["outcome"], "quarantined", "{}", garbage.body);
    assert_eq!(store.quarantined_mail().await.unwrap().len(), 1);
    let next = hook(
        instance,
        SECRET,
        &format!(
            "From: Mei Chen <mei@acme.example>\nTo: support@agency.example\n\
             Subject: VPN access {run}\nMessage-ID: <vpn{run}@acme.example>\n\nPlease add me to the VPN.\n"
        ),
    )
    .await;
    assert_eq!(json(&next)["outcome"], "created", "{}", next.body);

    // 6. The hook wants its secret.
    assert_eq!(hook(instance, "wrong", &out_of_office).await.status, 401);
}

/// A `frontdoor` polling the test mailbox every second, listening for SMTP, mailing through the
/// sink, with the mail hook open; and the store of its database.
async fn start_frontdoor(servers: &MailServers) -> (Instance, Store, u16) {
    let folder = tempfile_dir();
    let database = format!("sqlite://{folder}/frontdoor.db");
    let smtp_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let instance = Instance::start_with(
        &database,
        &[
            "--imap-url",
            &servers.imap,
            // Long: mail that arrives later is announced by IMAP IDLE, not found by polling.
            "--imap-poll-seconds",
            "600",
            "--smtp-listen",
            &format!("127.0.0.1:{smtp_port}"),
            "--smtp-url",
            &servers.sink_url,
            "--mail-from",
            "Frontdoor <support@agency.example>",
            "--inbound-mail-secret",
            SECRET,
        ],
    )
    .await;
    let store = Store::connect(&database).await.unwrap();
    (instance, store, smtp_port)
}

/// A fresh folder for this test's database, removed with the test process's temp files.
fn tempfile_dir() -> String {
    let folder = std::env::temp_dir().join(format!(
        "frontdoor-email-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&folder).unwrap();
    folder.display().to_string()
}
