//! A minimal HTTP client over a TCP socket, for tests and benchmarks that talk to a running
//! `frontdoor` process: plain requests, and event streams read line by line.
//!
//! Requests are HTTP/1.0, so responses are never chunked: the body simply ends when the server
//! closes the connection. That keeps reading a live stream to splitting lines.

use std::fmt::Write as _;
use std::net::SocketAddr;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    /// The session cookie the answer sets, as `name=value`.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .filter(|(header, _)| header == "set-cookie")
            .map(|(_, value)| value.split(';').next().unwrap_or_default().to_owned())
            .find(|pair| pair.split('=').next() == Some(name))
    }
}

async fn send_head(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<TcpStream> {
    let mut socket = TcpStream::connect(addr).await?;
    socket.set_nodelay(true)?;
    // Server functions answer JSON to callers that ask for it (a plain form post is redirected).
    let accept = if method == "POST" {
        "application/json"
    } else {
        "text/event-stream, */*"
    };
    let mut head = format!("{method} {path} HTTP/1.0\r\nHost: {addr}\r\nAccept: {accept}\r\n");
    for (name, value) in headers {
        let _ = write!(head, "{name}: {value}\r\n");
    }
    if !body.is_empty() {
        let _ = write!(head, "Content-Length: {}\r\n", body.len());
    }
    head.push_str("\r\n");
    socket.write_all(head.as_bytes()).await?;
    socket.write_all(body).await?;
    Ok(socket)
}

/// Reads the status line and headers (names lower-cased).
async fn read_head<R: AsyncBufReadExt + Unpin>(
    reader: &mut R,
) -> std::io::Result<(u16, Vec<(String, String)>)> {
    let mut line = String::new();
    reader.read_line(&mut line).await?;
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    let mut headers = Vec::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).await? == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.trim_end().split_once(':') {
            headers.push((name.to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    Ok((status, headers))
}

/// One request, read to the end: a form post (or a GET) with the session cookie, if any.
pub async fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    body: &str,
) -> std::io::Result<Answer> {
    let cookie = cookie.map(|cookie| ("Cookie", cookie));
    let form = (!body.is_empty()).then_some(("Content-Type", "application/x-www-form-urlencoded"));
    let headers: Vec<(&str, &str)> = cookie.into_iter().chain(form).collect();
    request_with(addr, method, path, &headers, body.as_bytes()).await
}

/// One request with the given headers and body, read to the end.
pub async fn request_with(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<Answer> {
    let socket = send_head(addr, method, path, headers, body).await?;
    let mut reader = BufReader::new(socket);
    let (status, headers) = read_head(&mut reader).await?;
    let mut body = String::new();
    reader.read_to_string(&mut body).await?;
    Ok(Answer {
        status,
        headers,
        body,
    })
}

/// One server-sent event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SseEvent {
    pub id: Option<String>,
    pub kind: String,
    pub data: String,
}

/// An open event stream.
pub struct EventStream {
    reader: BufReader<TcpStream>,
    pub status: u16,
}

impl EventStream {
    pub async fn open(addr: SocketAddr, path: &str, cookie: &str) -> std::io::Result<EventStream> {
        let socket = send_head(addr, "GET", path, &[("Cookie", cookie)], b"").await?;
        let mut reader = BufReader::new(socket);
        let (status, _) = read_head(&mut reader).await?;
        Ok(EventStream { reader, status })
    }

    /// The next event (keep-alive comments skipped); `None` when the server ended the stream.
    pub async fn next(&mut self) -> std::io::Result<Option<SseEvent>> {
        let mut event = SseEvent::default();
        let mut line = String::new();
        loop {
            line.clear();
            if self.reader.read_line(&mut line).await? == 0 {
                return Ok(None);
            }
            let line = line.trim_end_matches(['\r', '\n']);
            if line.is_empty() {
                if !event.kind.is_empty() || !event.data.is_empty() {
                    return Ok(Some(event));
                }
                continue;
            }
            match line.split_once(':') {
                Some(("id", value)) => event.id = Some(value.trim_start().to_owned()),
                Some(("event", value)) => value.trim_start().clone_into(&mut event.kind),
                Some(("data", value)) => event.data.push_str(value.trim_start()),
                _ => {}
            }
        }
    }
}
