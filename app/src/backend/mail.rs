//! The one way mail leaves Frontdoor: queued in the outbox table, sent over SMTP by a worker.
//!
//! Queuing is part of the action that causes the mail, so nothing is lost when the mail server is
//! down or the app restarts; the worker retries with growing pauses.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::sync::{Notify, watch};

use super::clock::Clock;
use super::store::{OutgoingMail, Store, StoreResult};

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

    /// Puts a plain-text mail in the outbox and wakes the worker.
    pub async fn queue(
        &self,
        store: &Store,
        recipient: &str,
        subject: &str,
        body: &str,
        now: i64,
    ) -> StoreResult<()> {
        store.enqueue_mail(recipient, subject, body, now).await?;
        self.wake.notify_one();
        Ok(())
    }

    fn message(&self, mail: &OutgoingMail) -> Result<Message, MailError> {
        let to: Mailbox = mail
            .recipient
            .parse()
            .map_err(|_| MailError::Build(format!("bad recipient `{}`", mail.recipient)))?;
        let domain = self.from.email.domain().to_owned();
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&mail.subject)
            .message_id(Some(format!(
                "<outbox-{}.{}@{domain}>",
                mail.id,
                super::auth::new_token()
            )))
            // Our own mail is automatic: well-behaved autoresponders do not answer it.
            .header(AutoSubmitted)
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body_text.clone())
            .map_err(|error| MailError::Build(error.to_string()))
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
    pub async fn run(&self, store: Store, clock: Clock, mut shutdown: watch::Receiver<bool>) {
        loop {
            if let Err(error) = self.deliver_due(&store, &clock).await {
                tracing::error!(%error, "the mail outbox could not be read");
            }
            tokio::select! {
                () = self.wake.notified() => {}
                () = tokio::time::sleep(POLL) => {}
                _ = shutdown.changed() => break,
            }
        }
    }
}

/// 30 s, 1 min, 2 min, … up to an hour between tries.
fn retry_delay_ms(attempts: i64) -> i64 {
    let exponent = attempts.clamp(1, 8) - 1;
    (30_000_i64 << exponent).min(60 * 60 * 1000)
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
    fn retries_back_off_up_to_an_hour() {
        assert_eq!(retry_delay_ms(1), 30_000);
        assert_eq!(retry_delay_ms(2), 60_000);
        assert_eq!(retry_delay_ms(3), 120_000);
        assert_eq!(retry_delay_ms(50), 3_600_000);
    }

    #[test]
    fn a_bad_sender_address_is_refused_at_start() {
        assert!(Mailer::new(None, "not an address", false).is_err());
        assert!(Mailer::new(None, "Frontdoor <support@agency.example>", false).is_ok());
    }
}
