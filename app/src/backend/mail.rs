//! The one way mail leaves Frontdoor: queued in the outbox table, sent over SMTP by a worker.
//!
//! Queuing is part of the action that causes the mail, so nothing is lost when the mail server is
//! down or the app restarts; the worker retries with growing pauses.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::sync::{Notify, watch};

use super::clock::Clock;
use super::store::{NewMail, OutgoingMail, Store, StoreResult};
use super::worker::{keep_working, retry_delay_ms};
use crate::domain::ticket::TicketRef;

/// How long one instance may hold a mail while sending it before another may try.
const LEASE_MS: i64 = 2 * 60 * 1000;
/// When nothing wakes the worker, it still looks for due retries this often.
const POLL: Duration = Duration::from_secs(20);

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("invalid SMTP URL: {0}")]
    SmtpUrl(#[source] lettre::transport::smtp::Error),
    #[error("invalid sender address `{0}`")]
    From(String),
    #[error("could not build the message: {0}")]
    Build(String),
    #[error("SMTP: {0}")]
    Send(#[from] lettre::transport::smtp::Error),
    #[error("no SMTP server is configured")]
    NotConfigured,
}

/// Where mail goes.
enum Delivery {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// Demo without a mail server: the mail is written to the log (it holds sign-in links).
    Log,
    /// Not configured: mail waits in the outbox until an SMTP server is configured.
    Hold,
}

pub struct Mailer {
    delivery: Delivery,
    from: Mailbox,
    wake: Notify,
    warned_hold: AtomicBool,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

impl Mailer {
    /// `smtp_url` as lettre reads it: `smtp://host:port` (plain, for a local relay),
    /// `smtps://user:pass@host` (TLS) or `smtp://…?tls=required` (STARTTLS). Without one, mail is
    /// logged when `log_without_smtp` (demo) and held otherwise.
    pub fn new(
        smtp_url: Option<&str>,
        from: &str,
        log_without_smtp: bool,
    ) -> Result<Mailer, MailError> {
        let from: Mailbox = from.parse().map_err(|_| MailError::From(from.to_owned()))?;
        let delivery = match smtp_url {
            Some(url) => Delivery::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(MailError::SmtpUrl)?
                    .timeout(Some(Duration::from_secs(20)))
                    .build(),
            ),
            None if log_without_smtp => Delivery::Log,
            None => Delivery::Hold,
        };
        Ok(Mailer {
            delivery,
            from,
            wake: Notify::new(),
            warned_hold: AtomicBool::new(false),
        })
    }

    /// Puts a mail in the outbox and wakes the worker.
    pub async fn queue(&self, store: &Store, mail: &NewMail<'_>, now: i64) -> StoreResult<()> {
        store.enqueue_mail(mail, now).await?;
        self.wake.notify_one();
        Ok(())
    }

    /// Wakes the worker after mail was queued by other means (in a larger transaction).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// The address Frontdoor sends from (and that mail to it must never be answered from).
    pub fn address(&self) -> String {
        self.from.email.to_string().to_lowercase()
    }

    /// A fresh Message-ID (without angle brackets) for mail about `reference`.
    pub fn new_message_id(&self, reference: TicketRef) -> String {
        format!(
            "fd.{}.{}@{}",
            reference.0,
            super::auth::new_token(),
            self.from.email.domain()
        )
    }

    fn message(&self, mail: &OutgoingMail) -> Result<Message, MailError> {
        let to: Mailbox = mail
            .recipient
            .parse()
            .map_err(|_| MailError::Build(format!("bad recipient `{}`", mail.recipient)))?;
        let message_id = mail.message_id.clone().unwrap_or_else(|| {
            format!(
                "outbox-{}.{}@{}",
                mail.id,
                super::auth::new_token(),
                self.from.email.domain()
            )
        });
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&mail.subject)
            .message_id(Some(format!("<{message_id}>")))
            // Mail that loops back to us is recognised and dropped.
            .header(XLoop(self.address()));
        if let Some(answers) = &mail.in_reply_to {
            builder = builder.in_reply_to(format!("<{answers}>"));
        }
        if !mail.refs.is_empty() {
            let refs: Vec<String> = mail
                .refs
                .split_whitespace()
                .map(|id| format!("<{id}>"))
                .collect();
            builder = builder.references(refs.join(" "));
        }
        if mail.automatic != 0 {
            // Well-behaved autoresponders do not answer automatic mail.
            builder = builder.header(AutoSubmitted);
        }
        let built = match &mail.body_html {
            Some(html) => builder.multipart(MultiPart::alternative_plain_html(
                mail.body_text.clone(),
                html.clone(),
            )),
            None => builder
                .header(ContentType::TEXT_PLAIN)
                .body(mail.body_text.clone()),
        };
        built.map_err(|error| MailError::Build(error.to_string()))
    }

    async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError> {
        match &self.delivery {
            Delivery::Smtp(transport) => {
                transport.send(self.message(mail)?).await?;
                Ok(())
            }
            Delivery::Log => {
                tracing::info!(
                    to = %mail.recipient,
                    subject = %mail.subject,
                    body = %mail.body_text,
                    "mail (demo: no SMTP server configured, so it is logged instead of sent)"
                );
                Ok(())
            }
            Delivery::Hold => Err(MailError::NotConfigured),
        }
    }

    /// Sends every mail that is due now. Returns how many were sent.
    pub async fn deliver_due(&self, store: &Store, clock: &Clock) -> StoreResult<usize> {
        if matches!(self.delivery, Delivery::Hold) {
            if !self.warned_hold.swap(true, Ordering::Relaxed) {
                tracing::warn!(
                    "no SMTP server configured (FRONTDOOR_SMTP_URL): mail waits in the outbox"
                );
            }
            return Ok(0);
        }
        let mut sent = 0;
        while let Some(mail) = store.claim_due_mail(clock.now_ms(), LEASE_MS).await? {
            match self.send(&mail).await {
                Ok(()) => {
                    store.mark_mail_sent(mail.id, clock.now_ms()).await?;
                    sent += 1;
                }
                Err(error) => {
                    let retry_at = clock.now_ms() + retry_delay_ms(mail.attempts);
                    tracing::warn!(mail = mail.id, attempts = mail.attempts, %error, "mail not sent; will retry");
                    store
                        .mark_mail_failed(mail.id, &error.to_string(), retry_at)
                        .await?;
                }
            }
        }
        Ok(sent)
    }

    /// The outbox worker: sends what is due whenever mail is queued, and every [`POLL`] for
    /// retries, until shutdown.
    pub async fn run(&self, store: Store, clock: Clock, shutdown: watch::Receiver<bool>) {
        keep_working!(
            "the mail outbox",
            POLL,
            async { self.deliver_due(&store, &clock).await.map(|_| false) },
            self.wake.notified(),
            shutdown,
        );
    }
}

/// `X-Loop: <our address>`: a message carrying it came from us.
#[derive(Clone)]
struct XLoop(String);

impl lettre::message::header::Header for XLoop {
    fn name() -> lettre::message::header::HeaderName {
        lettre::message::header::HeaderName::new_from_ascii_str("X-Loop")
    }

    fn parse(value: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(XLoop(value.to_owned()))
    }

    fn display(&self) -> lettre::message::header::HeaderValue {
        lettre::message::header::HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// `Auto-Submitted: auto-generated` (RFC 3834).
#[derive(Clone)]
struct AutoSubmitted;

impl lettre::message::header::Header for AutoSubmitted {
    fn name() -> lettre::message::header::HeaderName {
        lettre::message::header::HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted)
    }

    fn display(&self) -> lettre::message::header::HeaderValue {
        lettre::message::header::HeaderValue::new(Self::name(), "auto-generated".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_sender_address_is_refused_at_start() {
        assert!(Mailer::new(None, "not an address", false).is_err());
        assert!(Mailer::new(None, "Frontdoor <support@agency.example>", false).is_ok());
    }
}
