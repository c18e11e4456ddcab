//! Inbound mail throughput: messages of four everyday shapes (a plain new request, an HTML-only
//! one from an unknown address at a client's domain, a reply threaded by `In-Reply-To`, one with a
//! 200 KB PDF) through the whole pipeline (read, dedupe, thread, file, acknowledge) into the demo
//! database on embedded SQLite, one after another as one mailbox poller hands them over. Also
//! times reading alone (no database).
//!
//! `cargo bench -p server --bench mail_intake -- [MESSAGES]` (default 2000); the figures are in
//! `docs/benchmarks.md`.

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use app::backend::mail_intake::{Intake, receive};
use app::backend::mail_read::read;
use base64::Engine;

fn message(n: usize, attachment: &str) -> String {
    match n % 4 {
        0 => format!(
            "From: Luis Romero <luis@acme.example>\r\nTo: support@agency.example\r\n\
             Subject: Printer {n} offline\r\nMessage-ID: <bench{n}@acme.example>\r\n\
             Content-Type: text/plain; charset=utf-8\r\n\r\n\
             The printer in room {n} has been offline since this morning.\r\nLuis\r\n"
        ),
        1 => format!(
            "From: \"Nina Berg\" <nina{n}@bluebird.example>\r\nTo: support@agency.example\r\n\
             Subject: =?utf-8?q?K=C3=BChlschrank_{n}?=\r\nMessage-ID: <bench{n}@bluebird.example>\r\n\
             MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\
             <html><body><p>Hello,</p><p>the <b>booking page</b> shows an error {n}.</p></body></html>\r\n"
        ),
        2 => format!(
            "From: Luis Romero <luis@acme.example>\r\nTo: support@agency.example\r\n\
             Subject: Re: Printer {p} offline\r\nMessage-ID: <bench{n}@acme.example>\r\n\
             In-Reply-To: <bench{p}@acme.example>\r\n\r\n\
             Restarted it, still offline.\r\n\r\nOn Monday, Luis wrote:\r\n> The printer\r\n",
            p = n - 2
        ),
        _ => format!(
            "From: Mei Chen <mei@acme.example>\r\nTo: support@agency.example\r\n\
             Subject: Invoice {n}\r\nMessage-ID: <bench{n}@acme.example>\r\nMIME-Version: 1.0\r\n\
             Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n\
             The invoice is attached.\r\n--b\r\nContent-Type: application/pdf\r\n\
             Content-Disposition: attachment; filename=invoice.pdf\r\n\
             Content-Transfer-Encoding: base64\r\n\r\n{attachment}\r\n--b--\r\n"
        ),
    }
}

fn percentile(sorted: &[Duration], share: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * share).round() as usize]
}

#[tokio::main]
#[allow(clippy::print_stdout)] // a benchmark's report is its output
async fn main() {
    let count: usize = std::env::args()
        .skip(1)
        .find_map(|arg| arg.parse().ok())
        .unwrap_or(2000);
    let mut pdf = b"%PDF-1.4\n".to_vec();
    pdf.resize(200 * 1024, b'x');
    let attachment = base64::engine::general_purpose::STANDARD.encode(&pdf);
    let messages: Vec<String> = (0..count).map(|n| message(n, &attachment)).collect();
    let bytes: usize = messages.iter().map(String::len).sum();

    let started = Instant::now();
    for raw in &messages {
        read(raw.as_bytes()).expect("readable");
    }
    let reading = started.elapsed();

    let h = support::harness().await;
    let mut each = Vec::with_capacity(count);
    let started = Instant::now();
    let (mut created, mut replied) = (0, 0);
    for raw in &messages {
        let one = Instant::now();
        match receive(&h.state, "bench", raw.as_bytes())
            .await
            .expect("stored")
        {
            Intake::Created { .. } => created += 1,
            Intake::Replied { .. } => replied += 1,
            other => panic!("unexpected {other:?}"),
        }
        each.push(one.elapsed());
    }
    let total = started.elapsed();
    each.sort_unstable();
    let rate = |d: Duration| count as f64 / d.as_secs_f64();
    println!(
        "{count} messages ({:.1} MB): read only {:.0} msg/s; full pipeline on SQLite {:.0} msg/s \
         ({created} created, {replied} replied), per message p50 {:.2} ms, p99 {:.2} ms",
        bytes as f64 / 1e6,
        rate(reading),
        rate(total),
        percentile(&each, 0.5).as_secs_f64() * 1e3,
        percentile(&each, 0.99).as_secs_f64() * 1e3,
    );
}
