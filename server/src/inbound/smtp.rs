//! A small SMTP server for direct delivery (the agency's MX relaying support mail here). It takes
//! mail only for addresses at our own domain (never an open relay), refuses a message over the
//! size limit while reading it, and hands each message to the intake pipeline before answering:
//! a `250` means the message is recorded (or, when it cannot be, quarantined for an admin).

use std::sync::Arc;
use std::time::Duration;

use app::backend::AppState;
use app::backend::mail_intake::{Intake, receive_or_quarantine};
use app::domain::email::MAX_MESSAGE_BYTES;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};

/// How long a client may stay silent before it is disconnected.
const IDLE: Duration = Duration::from_mins(5);
/// The longest command line accepted (RFC 5321 allows 512; some clients send a little more).
const MAX_LINE: usize = 2048;
/// How much of a line is read at once while the rest of a message too large to keep is skipped.
/// (A line of a message being kept may be as long as the message may still grow: RFC 5322 allows
/// 998 characters, but cutting a longer one would corrupt what it carries.)
const SKIPPED_LINE: usize = 64 * 1024;
/// Sessions served at once; more wait for a free one.
const MAX_SESSIONS: usize = 32;
/// Recipients of one message (all of them ours).
const MAX_RECIPIENTS: usize = 100;
/// How long one session may last, however busy.
const SESSION: Duration = Duration::from_mins(30);

/// Serves SMTP on `listener` until shutdown.
pub async fn serve(listener: TcpListener, state: AppState, mut shutdown: watch::Receiver<bool>) {
    let domain = state
        .mailer
        .address()
        .rsplit('@')
        .next()
        .unwrap_or_default()
        .to_owned();
    let sessions = Arc::new(Semaphore::new(MAX_SESSIONS));
    loop {
        let permit = tokio::select! {
            permit = sessions.clone().acquire_owned() => permit.expect("the semaphore stays open"),
            _ = shutdown.changed() => break,
        };
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let (state, domain) = (state.clone(), domain.clone());
                    tokio::spawn(async move {
                        let session = Session::new(stream, state, domain).run();
                        match tokio::time::timeout(SESSION, session).await {
                            Ok(Err(error)) => tracing::debug!(%peer, %error, "SMTP session ended"),
                            Err(_) => tracing::debug!(%peer, "SMTP session too long: closed"),
                            Ok(Ok(())) => {}
                        }
                        drop(permit);
                    });
                }
                Err(error) => {
                    // Out of file descriptors, say: do not spin.
                    tracing::warn!(%error, "SMTP listener could not accept");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
            _ = shutdown.changed() => break,
        }
    }
}

struct Session {
    stream: BufReader<TcpStream>,
    state: AppState,
    domain: String,
    sender: Option<String>,
    recipients: Vec<String>,
}

impl Session {
    fn new(stream: TcpStream, state: AppState, domain: String) -> Session {
        Session {
            stream: BufReader::new(stream),
            state,
            domain,
            sender: None,
            recipients: Vec::new(),
        }
    }

    async fn reply(&mut self, line: &str) -> std::io::Result<()> {
        self.stream.get_mut().write_all(line.as_bytes()).await?;
        self.stream.get_mut().write_all(b"\r\n").await
    }

    /// One line, without its line ending; `None` at the end of the connection.
    async fn read_line(&mut self, limit: usize) -> std::io::Result<Option<Vec<u8>>> {
        let mut line = Vec::new();
        let read = tokio::time::timeout(
            IDLE,
            (&mut self.stream)
                .take(limit as u64 + 2)
                .read_until(b'\n', &mut line),
        )
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "client silent"))??;
        if read == 0 {
            return Ok(None);
        }
        while line.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            line.pop();
        }
        Ok(Some(line))
    }

    async fn run(mut self) -> std::io::Result<()> {
        let greeting = format!("220 {} Frontdoor ESMTP ready", self.domain);
        self.reply(&greeting).await?;
        while let Some(line) = self.read_line(MAX_LINE).await? {
            let line = String::from_utf8_lossy(&line).into_owned();
            let (verb, argument) = line.split_once(' ').unwrap_or((&line, ""));
            match verb.to_ascii_uppercase().as_str() {
                "EHLO" => {
                    let lines = format!(
                        "250-{} greets you\r\n250-SIZE {MAX_MESSAGE_BYTES}\r\n250 8BITMIME",
                        self.domain
                    );
                    self.reset();
                    self.reply(&lines).await?;
                }
                "HELO" => {
                    self.reset();
                    self.reply(&format!("250 {}", self.domain)).await?;
                }
                "MAIL" => self.mail_from(argument).await?,
                "RCPT" => self.rcpt_to(argument).await?,
                "DATA" => self.data().await?,
                "RSET" => {
                    self.reset();
                    self.reply("250 2.0.0 Reset").await?;
                }
                "NOOP" => self.reply("250 2.0.0 OK").await?,
                "VRFY" => self.reply("252 2.5.0 Send some mail and see").await?,
                "QUIT" => {
                    self.reply("221 2.0.0 Bye").await?;
                    return Ok(());
                }
                _ => self.reply("502 5.5.2 Command not recognised").await?,
            }
        }
        Ok(())
    }

    fn reset(&mut self) {
        self.sender = None;
        self.recipients.clear();
    }

    async fn mail_from(&mut self, argument: &str) -> std::io::Result<()> {
        let Some(path) = path_after(argument, "FROM:") else {
            return self.reply("501 5.5.4 Syntax: MAIL FROM:<address>").await;
        };
        let declared_size = argument
            .split_whitespace()
            .find_map(|param| {
                param
                    .to_ascii_uppercase()
                    .strip_prefix("SIZE=")
                    .map(str::to_owned)
            })
            .and_then(|size| size.parse::<usize>().ok());
        if declared_size.is_some_and(|size| size > MAX_MESSAGE_BYTES) {
            return self
                .reply("552 5.3.4 Message too big for this system")
                .await;
        }
        self.reset();
        self.sender = Some(path);
        self.reply("250 2.1.0 Sender OK").await
    }

    async fn rcpt_to(&mut self, argument: &str) -> std::io::Result<()> {
        if self.sender.is_none() {
            return self.reply("503 5.5.1 MAIL first").await;
        }
        let Some(recipient) = path_after(argument, "TO:") else {
            return self.reply("501 5.5.4 Syntax: RCPT TO:<address>").await;
        };
        let ours = recipient
            .rsplit_once('@')
            .is_some_and(|(_, domain)| domain.eq_ignore_ascii_case(&self.domain));
        if !ours {
            return self
                .reply("550 5.7.1 Relaying denied: not a mailbox here")
                .await;
        }
        if self.recipients.len() == MAX_RECIPIENTS {
            return self.reply("452 4.5.3 Too many recipients").await;
        }
        self.recipients.push(recipient);
        self.reply("250 2.1.5 Recipient OK").await
    }

    async fn data(&mut self) -> std::io::Result<()> {
        if self.recipients.is_empty() {
            return self.reply("503 5.5.1 RCPT first").await;
        }
        self.reply("354 End data with <CR><LF>.<CR><LF>").await?;
        let mut message = Vec::new();
        let mut too_big = false;
        loop {
            let limit = if too_big {
                SKIPPED_LINE
            } else {
                MAX_MESSAGE_BYTES - message.len()
            };
            let Some(line) = self.read_line(limit).await? else {
                return Ok(());
            };
            if line == b"." {
                break;
            }
            // Dot-stuffing: a line starting with a dot was sent with one more.
            let line = line.strip_prefix(b".").unwrap_or(&line);
            if message.len() + line.len() + 2 > MAX_MESSAGE_BYTES {
                too_big = true;
                message.clear();
                continue;
            }
            if !too_big {
                message.extend_from_slice(line);
                message.extend_from_slice(b"\r\n");
            }
        }
        self.reset();
        if too_big {
            return self
                .reply("552 5.3.4 Message too big for this system")
                .await;
        }
        match receive_or_quarantine(&self.state, "smtp", &message).await {
            Ok(Intake::Refused { reason }) => self.reply(&format!("550 5.7.1 {reason}")).await,
            Ok(_) => self.reply("250 2.0.0 Accepted").await,
            Err(error) => {
                tracing::error!(%error, "mail could be neither recorded nor quarantined; the sender will retry");
                self.reply("451 4.3.0 Try again later").await
            }
        }
    }
}

/// The address in `FROM:<address> …` / `TO:<address>`, lowercased.
fn path_after(argument: &str, keyword: &str) -> Option<String> {
    let rest = argument.trim_start();
    let head = rest.get(..keyword.len())?;
    if !head.eq_ignore_ascii_case(keyword) {
        return None;
    }
    let rest = rest[keyword.len()..].trim_start();
    let address = rest.strip_prefix('<')?.split('>').next()?;
    Some(address.trim().to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::path_after;

    #[test]
    fn paths_are_read_with_or_without_parameters() {
        assert_eq!(
            path_after("FROM:<Dana@Acme.example> SIZE=123", "FROM:"),
            Some("dana@acme.example".to_owned())
        );
        assert_eq!(path_after("from: <>", "FROM:"), Some(String::new()));
        assert_eq!(path_after("TO:dana@acme.example", "TO:"), None);
        assert_eq!(path_after("", "TO:"), None);
    }
}
