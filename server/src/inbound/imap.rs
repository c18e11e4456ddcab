//! Polls support mailboxes over IMAP. Each round takes the unseen messages, checks each one's size
//! before downloading it, hands it to the intake pipeline, and marks it seen only once it is
//! recorded; a message that could not be recorded stays unseen for the next round.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use app::backend::AppState;
use app::backend::mail_intake::receive;
use app::domain::email::MAX_MESSAGE_BYTES;
use async_imap::Client;
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

/// Polls `mailbox` every `every` until shutdown.
pub async fn poll(
    mailbox: Mailbox,
    every: Duration,
    state: AppState,
    mut shutdown: watch::Receiver<bool>,
) {
    let source = format!("imap:{}", mailbox.folder);
    loop {
        match poll_once(&mailbox, &state, &source).await {
            Ok(0) => {}
            Ok(count) => tracing::info!(?mailbox, count, "mail fetched"),
            Err(error) => tracing::warn!(
                ?mailbox,
                error = format!("{error:#}"),
                "mailbox poll failed"
            ),
        }
        tokio::select! {
            () = tokio::time::sleep(every) => {}
            _ = shutdown.changed() => break,
        }
    }
}

/// One round over one mailbox. Returns how many messages were taken in.
pub async fn poll_once(mailbox: &Mailbox, state: &AppState, source: &str) -> anyhow::Result<usize> {
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
        take_in(stream, mailbox, state, source).await
    } else {
        take_in(tcp, mailbox, state, source).await
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

async fn take_in<S>(
    stream: S,
    mailbox: &Mailbox,
    state: &AppState,
    source: &str,
) -> anyhow::Result<usize>
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
        let outcome = if size > MAX_MESSAGE_BYTES {
            state.store.quarantine_mail(
                source,
                raw,
                &format!("the message is {size} bytes, over the {MAX_MESSAGE_BYTES} byte limit; not downloaded"),
                state.clock.now_ms(),
            )
            .await
            .map(|_| ())
        } else {
            receive(state, source, raw).await.map(|_| ())
        };
        // Not recorded: left unseen, tried again next round.
        outcome.with_context(|| format!("recording UID {uid}"))?;
        session
            .uid_store(uid.to_string(), "+FLAGS (\\Seen)")
            .await?
            .try_collect::<Vec<_>>()
            .await?;
        taken += 1;
    }
    session.logout().await.ok();
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
