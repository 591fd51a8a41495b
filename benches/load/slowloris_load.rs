//! The slowloris scenario: many connections that send a byte at a time
//! (request heads, or bodies after a whole head), each reopened when the
//! server closes it, held for a fixed time while legitimate deliveries run
//! on new connections; what the legitimate senders got, and the server's
//! memory.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::BodyExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::connection;
use crate::flood::sample_peak;
use crate::memory::{self, Memory};
use crate::server_process::ServerProcess;

/// No legitimate request may take longer than this; one that does failed.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Legitimate senders, each sending one delivery after another.
const LEGITIMATE_SENDERS: usize = 8;

/// What to run.
#[derive(Debug, Clone)]
pub(crate) struct Slowloris {
    /// Slow connections held at once; two thirds send heads, the rest
    /// bodies.
    pub(crate) connections: usize,
    /// The pause between two bytes of a slow sender.
    pub(crate) byte_pause: Duration,
    /// How long the siege lasts.
    pub(crate) duration: Duration,
    /// The valid `Authorization` value every sender uses.
    pub(crate) authorization: String,
    /// Where the receiver is served.
    pub(crate) path: &'static str,
    /// The legitimate deliveries' body.
    pub(crate) body: Bytes,
}

/// What the siege did and what the legitimate senders got.
#[derive(Debug)]
pub(crate) struct SlowlorisReport {
    pub(crate) legitimate: u64,
    pub(crate) legitimate_ok: u64,
    /// Latencies of the legitimate requests answered 200, sorted.
    pub(crate) latencies: Vec<Duration>,
    /// Slow connections opened (each reopened after the server closed it).
    pub(crate) slow_opened: u64,
    /// Slow connections the server closed (or answered) before the end.
    pub(crate) slow_closed_by_server: u64,
    pub(crate) before: Memory,
    pub(crate) peak_resident_kib: u64,
    pub(crate) after: Memory,
}

impl SlowlorisReport {
    pub(crate) fn success_rate(&self) -> f64 {
        self.legitimate_ok as f64 / self.legitimate.max(1) as f64
    }

    pub(crate) fn percentile(&self, fraction: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let index = ((self.latencies.len() - 1) as f64 * fraction).round() as usize;
        self.latencies[index]
    }
}

#[derive(Default)]
struct SlowCounts {
    opened: AtomicU64,
    closed_by_server: AtomicU64,
}

pub(crate) async fn run(
    server: &ServerProcess,
    siege: &Slowloris,
) -> std::io::Result<SlowlorisReport> {
    let before = memory::of_process(server.pid())?;
    let sampling = Arc::new(AtomicBool::new(true));
    let sampler = tokio::spawn(sample_peak(server.pid(), Arc::clone(&sampling)));
    let until = Instant::now() + siege.duration;
    let counts = Arc::new(SlowCounts::default());
    let head = format!(
        "POST {} HTTP/1.1\r\nhost: {}\r\nauthorization: {}\r\ncontent-type: application/json\r\n\
         content-length: 100\r\n",
        siege.path,
        server.address(),
        siege.authorization
    );
    let slow: Vec<_> = (0..siege.connections)
        .map(|slot| {
            // Heads: everything dripped; bodies: the head at once.
            let (burst, drip) = if slot % 3 == 2 {
                (format!("{head}\r\n").into_bytes(), vec![b' '; 100])
            } else {
                (Vec::new(), format!("{head}\r\n").into_bytes())
            };
            let counts = Arc::clone(&counts);
            let (address, pause) = (server.address(), siege.byte_pause);
            tokio::spawn(slow_sender(address, burst, drip, pause, until, counts))
        })
        .collect();
    // Let the slow connections take hold first.
    tokio::time::sleep(siege.byte_pause.min(Duration::from_secs(1))).await;
    let legitimate: Vec<_> = (0..LEGITIMATE_SENDERS)
        .map(|_| tokio::spawn(legitimate_sender(server.address(), siege.clone(), until)))
        .collect();
    let mut report = SlowlorisReport {
        legitimate: 0,
        legitimate_ok: 0,
        latencies: Vec::new(),
        slow_opened: 0,
        slow_closed_by_server: 0,
        before,
        peak_resident_kib: before.resident_kib,
        after: before,
    };
    for sender in legitimate {
        let (sent, latencies) = sender.await.unwrap_or_default();
        report.legitimate += sent;
        report.legitimate_ok += latencies.len() as u64;
        report.latencies.extend(latencies);
    }
    for sender in slow {
        let _ = sender.await;
    }
    report.latencies.sort_unstable();
    report.slow_opened = counts.opened.load(Ordering::Relaxed);
    report.slow_closed_by_server = counts.closed_by_server.load(Ordering::Relaxed);
    sampling.store(false, Ordering::Relaxed);
    report.peak_resident_kib = sampler.await.unwrap_or(0).max(before.resident_kib);
    tokio::time::sleep(Duration::from_millis(300)).await;
    report.after = memory::of_process(server.pid())?;
    Ok(report)
}

/// Holds one slow connection until `until`: sends `burst`, then `drip` a
/// byte every `pause`; reopens when the server closes it.
async fn slow_sender(
    address: SocketAddr,
    burst: Vec<u8>,
    drip: Vec<u8>,
    pause: Duration,
    until: Instant,
    counts: Arc<SlowCounts>,
) {
    while Instant::now() < until {
        let Ok(mut stream) = TcpStream::connect(address).await else {
            tokio::time::sleep(pause).await;
            continue;
        };
        counts.opened.fetch_add(1, Ordering::Relaxed);
        let closed = hold(&mut stream, &burst, &drip, pause, until).await;
        if closed {
            counts.closed_by_server.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Whether the server closed (or answered on) the connection before
/// `until` or the end of `drip`.
async fn hold(
    stream: &mut TcpStream,
    burst: &[u8],
    drip: &[u8],
    pause: Duration,
    until: Instant,
) -> bool {
    if stream.write_all(burst).await.is_err() {
        return true;
    }
    let mut answer = [0_u8; 1024];
    for byte in drip {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return false;
        }
        tokio::select! {
            () = tokio::time::sleep(pause.min(left)) => {}
            // An answer (408) or the end of the stream: closed by the server.
            _ = stream.read(&mut answer) => return true,
        }
        if stream.write_all(&[*byte]).await.is_err() {
            return true;
        }
    }
    // Everything sent: the server answers now (a body that is not a
    // webhook, or the head's 2-byte body never comes).
    let left = until.saturating_duration_since(Instant::now());
    tokio::time::timeout(left, stream.read(&mut answer)).await.is_ok()
}

/// Deliveries one after another, each on a new connection, until `until`:
/// how many were sent and the latencies of those answered 200.
async fn legitimate_sender(
    address: SocketAddr,
    siege: Slowloris,
    until: Instant,
) -> (u64, Vec<Duration>) {
    let (mut sent, mut latencies) = (0, Vec::new());
    while Instant::now() < until {
        sent += 1;
        let started = Instant::now();
        let request = connection::webhook(
            address,
            siege.path,
            Some(&siege.authorization),
            siege.body.clone(),
        );
        let exchange = async {
            let (mut sender, _) = connection::open(address).await.ok()?;
            let response = sender.send_request(request).await.ok()?;
            let status = response.status().as_u16();
            response.into_body().collect().await.ok()?;
            Some(status)
        };
        if let Ok(Some(200)) = tokio::time::timeout(REQUEST_TIMEOUT, exchange).await {
            latencies.push(started.elapsed());
        }
    }
    (sent, latencies)
}
