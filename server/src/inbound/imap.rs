//! Follows support mailboxes over IMAP: takes the unseen messages, checks each one's size before
//! downloading it, hands it to the intake pipeline, and marks it seen only once it is recorded
//! or quarantined (a message the database cannot take is quarantined, not retried forever ahead of
//! the rest; while the database is down it stays unseen for the next round); then waits in IDLE
//! for news where the server offers it, or polls.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use app::backend::AppState;
use app::backend::mail_intake::{quarantine, receive_or_quarantine};
use app::backend::mail_read::Unreadable;
use app::domain::email::{Kept, MAX_MESSAGE_BYTES};
use async_imap::types::UnsolicitedResponse;
use async_imap::{Client, Session};
use futures::TryStreamExt;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::sync::watch;
use url::Url;

/// One mailbox to poll: `imap://USER:PASSWORD@HOST:PORT/MAILBOX` (plain, for a local server) or
/// `imaps://…` (TLS). The mailbox defaults to INBOX.
#[derive(Clone)]
pub struct Mailbox {
    host: String,
    port: u16,
    tls: bool,
    user: String,
    password: String,
    folder: String,
}

impl std::fmt::Debug for Mailbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}@{}:{}/{}",
            self.user, self.host, self.port, self.folder
        )
    }
}

impl std::str::FromStr for Mailbox {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let url = Url::parse(value).map_err(|error| format!("not a URL: {error}"))?;
        let tls = match url.scheme() {
            "imap" => false,
            "imaps" => true,
            other => return Err(format!("`{other}`: use imap:// or imaps://")),
        };
        let decode = |part: &str| {
            percent_encoding::percent_decode_str(part)
                .decode_utf8_lossy()
                .into_owned()
        };
        let user = decode(url.username());
        let password = url.password().map(decode).unwrap_or_default();
        if user.is_empty() {
            return Err("the URL needs the mailbox user: imap://USER:PASSWORD@HOST/".to_owned());
        }
        let mailbox = decode(url.path().trim_start_matches('/'));
        Ok(Mailbox {
            host: url.host_str().ok_or("the URL needs a host")?.to_owned(),
            port: url.port().unwrap_or(if tls { 993 } else { 143 }),
            tls,
            user,
            password,
            folder: if mailbox.is_empty() {
                "INBOX".to_owned()
            } else {
                mailbox
            },
        })
    }
}

/// How long to wait in IDLE before asking again (servers may end an IDLE after 30 minutes).
const IDLE_RENEW: Duration = Duration::from_mins(9);

/// Takes in the mail of `mailbox` until shutdown: whatever is unseen, then again whenever the
/// server says something arrived (IMAP IDLE, where the server offers it) or, without IDLE,
/// every `every`. A lost connection is made again after `every`.
pub async fn poll(
    mailbox: Mailbox,
    every: Duration,
    state: AppState,
    mut shutdown: watch::Receiver<bool>,
) {
    let source = format!("imap:{}", mailbox.folder);
    while !*shutdown.borrow() {
        if let Err(error) = connect(&mailbox, every, &state, &source, &mut shutdown).await {
            tracing::warn!(
                ?mailbox,
                error = format!("{error:#}"),
                "mailbox connection failed"
            );
        }
        tokio::select! {
            () = tokio::time::sleep(every) => {}
            _ = shutdown.changed() => break,
        }
    }
}

async fn connect(
    mailbox: &Mailbox,
    every: Duration,
    state: &AppState,
    source: &str,
    shutdown: &mut watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let tcp = TcpStream::connect((mailbox.host.as_str(), mailbox.port))
        .await
        .with_context(|| format!("connecting to {}:{}", mailbox.host, mailbox.port))?;
    if mailbox.tls {
        let connector = tokio_rustls::TlsConnector::from(Arc::new(tls_config()));
        let name = tokio_rustls::rustls::pki_types::ServerName::try_from(mailbox.host.clone())
            .context("the IMAP host name")?;
        let stream = connector
            .connect(name, tcp)
            .await
            .context("TLS handshake")?;
        follow(stream, mailbox, every, state, source, shutdown).await
    } else {
        follow(tcp, mailbox, every, state, source, shutdown).await
    }
}

fn tls_config() -> tokio_rustls::rustls::ClientConfig {
    let roots: tokio_rustls::rustls::RootCertStore =
        webpki_roots::TLS_SERVER_ROOTS.iter().cloned().collect();
    tokio_rustls::rustls::ClientConfig::builder_with_provider(Arc::new(
        tokio_rustls::rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("ring supports the default protocol versions")
    .with_root_certificates(roots)
    .with_no_client_auth()
}

/// Signs in and follows the mailbox on one connection until shutdown or an error.
async fn follow<S>(
    stream: S,
    mailbox: &Mailbox,
    every: Duration,
    state: &AppState,
    source: &str,
    shutdown: &mut watch::Receiver<bool>,
) -> anyhow::Result<()>
where
    S: AsyncRead + AsyncWrite + Unpin + std::fmt::Debug + Send,
{
    let mut client = Client::new(stream);
    client
        .read_response()
        .await
        .context("reading the server greeting")?
        .context("the server closed the connection")?;
    let mut session = client
        .login(&mailbox.user, &mailbox.password)
        .await
        .map_err(|(error, _)| error)
        .context("signing in")?;
    session
        .select(&mailbox.folder)
        .await
        .with_context(|| format!("opening {}", mailbox.folder))?;
    let idle = session.capabilities().await?.has_str("IDLE");
    loop {
        let taken = take_in(&mut session, state, source).await?;
        if taken > 0 {
            tracing::info!(?mailbox, taken, "mail fetched");
        }
        // Mail that arrived while we were taking in the last is announced in answer to any
        // command (a NOOP here), into the side channel: if so, look again before idling.
        session.noop().await.context("NOOP")?;
        let mut announced = false;
        while let Ok(response) = session.unsolicited_responses.try_recv() {
            announced |= matches!(
                response,
                UnsolicitedResponse::Exists(_) | UnsolicitedResponse::Recent(_)
            );
        }
        if announced {
            continue;
        }
        let stop = if idle {
            let mut waiting = session.idle();
            waiting.init().await.context("starting IDLE")?;
            let (news, interrupt) = waiting.wait_with_timeout(IDLE_RENEW);
            let stop = tokio::select! {
                news = news => { news.context("waiting in IDLE")?; false }
                _ = shutdown.changed() => true,
            };
            drop(interrupt);
            session = waiting.done().await.context("ending IDLE")?;
            stop
        } else {
            tokio::select! {
                () = tokio::time::sleep(every) => false,
                _ = shutdown.changed() => true,
            }
        };
        if stop {
            session.logout().await.ok();
            return Ok(());
        }
    }
}

/// Takes in every unseen message. Returns how many.
async fn take_in<S>(
    session: &mut Session<S>,
    state: &AppState,
    source: &str,
) -> anyhow::Result<usize>
where
    S: AsyncRead + AsyncWrite + Unpin + std::fmt::Debug + Send,
{
    let mut unseen: Vec<u32> = session.uid_search("UNSEEN").await?.into_iter().collect();
    unseen.sort_unstable();
    let mut taken = 0;
    for uid in unseen {
        // The size first: a message over the limit is not downloaded, only its header.
        let size = session
            .uid_fetch(uid.to_string(), "RFC822.SIZE")
            .await?
            .try_collect::<Vec<_>>()
            .await?
            .first()
            .and_then(|fetch| fetch.size)
            .unwrap_or(0) as usize;
        let part = if size > MAX_MESSAGE_BYTES {
            "BODY.PEEK[HEADER]"
        } else {
            "BODY.PEEK[]"
        };
        let fetched = session
            .uid_fetch(uid.to_string(), part)
            .await?
            .try_collect::<Vec<_>>()
            .await?;
        let Some(raw) = fetched
            .first()
            .and_then(|fetch| fetch.body().or_else(|| fetch.header()))
        else {
            bail!("the server sent no message for UID {uid}");
        };
        let recorded = if size > MAX_MESSAGE_BYTES {
            let reason = format!(
                "{}; only its header was downloaded",
                Unreadable::too_large(size)
            );
            quarantine(state, source, Kept::HeaderOnly(raw), reason)
                .await
                .map(|_| ())
        } else {
            receive_or_quarantine(state, source, raw).await.map(|_| ())
        };
        // Neither recorded nor quarantined: left unseen, tried again next time.
        recorded.with_context(|| format!("recording UID {uid}"))?;
        session
            .uid_store(uid.to_string(), "+FLAGS (\\Seen)")
            .await?
            .try_collect::<Vec<_>>()
            .await?;
        taken += 1;
    }
    Ok(taken)
}

#[cfg(test)]
mod tests {
    use super::Mailbox;

    #[test]
    fn mailbox_urls_are_read_with_defaults() {
        let plain: Mailbox = "imap://support%40agency.example:p%40ss@127.0.0.1:1143/"
            .parse()
            .unwrap();
        assert_eq!(
            (
                plain.user.as_str(),
                plain.password.as_str(),
                plain.port,
                plain.tls
            ),
            ("support@agency.example", "p@ss", 1143, false)
        );
        assert_eq!(plain.folder, "INBOX");
        let tls: Mailbox = "imaps://me:pw@mail.example/Support".parse().unwrap();
        assert_eq!(
            (tls.port, tls.tls, tls.folder.as_str()),
            (993, true, "Support")
        );
        assert!("imap://mail.example/".parse::<Mailbox>().is_err());
        assert!("pop3://me:pw@mail.example/".parse::<Mailbox>().is_err());
    }
}
