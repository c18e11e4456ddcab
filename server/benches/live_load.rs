//! Live-update load: N event-stream clients on one `frontdoor` process while a member of staff
//! changes a request's status at a steady pace. Reports how long each change took to reach
//! every client, and the server's memory.
//!
//! `cargo bench -p server --bench live_load -- [CLIENTS] [CHANGES]` (defaults 1000 and 40);
//! `scripts/bench-live.sh` runs the series recorded in `docs/benchmarks.md`. Latency is
//! measured from the moment the change request is sent (so it includes the write itself) to
//! the moment a client has read the event; clients and server share the machine's two cores.

#[path = "../tests/support/instance.rs"]
mod instance;
#[path = "../tests/support/wire.rs"]
mod wire;

use std::sync::Arc;
use std::time::{Duration, Instant};

use app::backend::store::scratch::scratch_sqlite;
use instance::Instance;
use tokio::sync::Mutex;
use wire::EventStream;

/// Time between two status changes.
const PACE: Duration = Duration::from_millis(250);

#[tokio::main]
async fn main() {
    // `cargo bench` passes `--bench`; the numbers are ours.
    let numbers: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|arg| arg.parse().ok())
        .collect();
    let clients = numbers.first().copied().unwrap_or(1000);
    let changes = numbers.get(1).copied().unwrap_or(40);

    let db = scratch_sqlite().await.expect("a scratch database");
    let server = Instance::start(&db.url).await;
    let staff = server.sign_in(&db.store, "sam@agency.example").await;
    let client = server.sign_in(&db.store, "dana@acme.example").await;
    let filed = server
        .call(
            Some(&client),
            "create_request",
            "title=Load+test&description=Watching",
        )
        .await;
    let reference = serde_json::from_str::<serde_json::Value>(&filed.body).unwrap()["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    let rss_idle = rss_kib(server.pid());

    // Half the clients are staff boards, half the client's phones: both see this request.
    let cursor = db.store.latest_event_id().await.unwrap();
    let receipts = Arc::new(Mutex::new(Vec::<Vec<Instant>>::new()));
    let mut readers = Vec::new();
    for n in 0..clients {
        let cookie = if n % 2 == 0 { &staff } else { &client };
        let stream = EventStream::open(server.addr, &format!("/events?after={cursor}"), cookie)
            .await
            .expect("a stream opens");
        assert_eq!(stream.status, 200);
        readers.push(tokio::spawn(read_changes(
            stream,
            changes,
            receipts.clone(),
        )));
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_open = rss_kib(server.pid());

    let sent = change_status(&server, &staff, &reference, changes).await;
    let rss_busy = rss_kib(server.pid());
    for reader in readers {
        let _ = tokio::time::timeout(Duration::from_secs(30), reader).await;
    }
    let receipts = receipts.lock().await;
    report(
        &format!("clients {clients}, changes {changes}"),
        clients * changes,
        &sent,
        &receipts,
        [rss_idle, rss_open, rss_busy],
    );
}

/// Reads one stream until `changes` status changes arrived; records when each did.
async fn read_changes(
    mut stream: EventStream,
    changes: usize,
    receipts: Arc<Mutex<Vec<Vec<Instant>>>>,
) {
    let mut seen = Vec::with_capacity(changes);
    while seen.len() < changes {
        match stream.next().await {
            Ok(Some(event)) if event.data.contains("status_changed") => seen.push(Instant::now()),
            Ok(Some(_)) => {}
            _ => break,
        }
    }
    receipts.lock().await.push(seen);
}

/// Puts the request on hold and back, `changes` times at a steady pace; returns when each
/// change was sent.
async fn change_status(
    server: &Instance,
    staff: &str,
    reference: &str,
    changes: usize,
) -> Vec<Instant> {
    let mut sent = Vec::with_capacity(changes);
    for n in 0..changes {
        let status = if n % 2 == 0 {
            "waiting_on_client"
        } else {
            "in_progress"
        };
        let started = Instant::now();
        let answer = server
            .call(
                Some(staff),
                "change_status",
                &format!("reference={reference}&status={status}"),
            )
            .await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        sent.push(started);
        tokio::time::sleep(PACE.saturating_sub(started.elapsed())).await;
    }
    sent
}

/// One line: deliveries, latency percentiles, and the server's memory idle, with the streams
/// open, and during the changes.
#[allow(clippy::print_stdout)] // a benchmark's report is its output
fn report(
    run: &str,
    expected: usize,
    sent: &[Instant],
    receipts: &[Vec<Instant>],
    rss_kib: [u64; 3],
) {
    let mut latencies: Vec<Duration> = receipts
        .iter()
        .flat_map(|seen| {
            seen.iter()
                .zip(sent)
                .map(|(got, sent)| got.duration_since(*sent))
        })
        .collect();
    latencies.sort();
    let delivered = latencies.len();
    let at = |share: f64| {
        latencies
            .get(((delivered as f64 * share).ceil() as usize).saturating_sub(1))
            .map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0)
    };
    let [idle, open, busy] = rss_kib.map(|kib| kib / 1024);
    println!(
        "{run}: delivered {delivered} of {} | latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms \
         | server RSS idle {idle} MiB, streams open {open} MiB, during changes {busy} MiB",
        expected,
        at(0.50),
        at(0.99),
        at(1.0),
    );
}

/// Resident memory of a process, in KiB (0 if unreadable).
fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmRSS:"))
                .and_then(|value| value.split_whitespace().next()?.parse().ok())
        })
        .unwrap_or(0)
}
