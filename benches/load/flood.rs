//! Many 1 MiB requests at once, while the server's resident memory is
//! sampled: refused bodies must leave it flat, read ones show what buffering
//! would cost.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::BodyExt;

use crate::connection;
use crate::memory::{self, Memory};
use crate::server_process::ServerProcess;

/// How often the server's memory is read during a flood.
const SAMPLE_EVERY: Duration = Duration::from_millis(5);
/// Time given to the server to finish closing connections before "after".
const SETTLE: Duration = Duration::from_millis(300);
/// No request may take longer than this; one that does counts as failed.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// What to send: `requests` bodies of `body.len()` bytes, `concurrency` at
/// a time, each on a new connection (the server closes after an early 401).
#[derive(Debug, Clone)]
pub(crate) struct Flood {
    pub(crate) path: &'static str,
    pub(crate) authorization: Option<String>,
    pub(crate) body: Bytes,
    pub(crate) requests: usize,
    pub(crate) concurrency: usize,
    /// Send the body chunked (no `Content-Length`) in 64 KiB chunks.
    pub(crate) chunked: bool,
}

/// What the flood got, and the server's memory around it.
#[derive(Debug)]
pub(crate) struct FloodReport {
    /// Answers by status.
    pub(crate) answers: BTreeMap<u16, u64>,
    /// Answered requests whose connection the server closed before the
    /// client could hand all of the body to the kernel: proof that the
    /// server stopped reading. (Most 1 MiB bodies fit in loopback's socket
    /// buffers whole, so this counts only some of the early answers.)
    pub(crate) cut_short: u64,
    /// Requests that got no answer (reset before one arrived, or timed out).
    pub(crate) failed: u64,
    pub(crate) elapsed: Duration,
    pub(crate) before: Memory,
    /// Highest `VmRSS` sampled during the flood.
    pub(crate) peak_resident_kib: u64,
    pub(crate) after: Memory,
}

pub(crate) async fn run(server: &ServerProcess, flood: &Flood) -> std::io::Result<FloodReport> {
    let before = memory::of_process(server.pid())?;
    let flooding = Arc::new(AtomicBool::new(true));
    let sampler = tokio::spawn(sample_peak(server.pid(), Arc::clone(&flooding)));

    let started = Instant::now();
    let next = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = (0..flood.concurrency)
        .map(|_| tokio::spawn(send_share(server.address(), flood.clone(), Arc::clone(&next))))
        .collect();
    let mut report = FloodReport {
        answers: BTreeMap::new(),
        cut_short: 0,
        failed: 0,
        elapsed: Duration::ZERO,
        before,
        peak_resident_kib: before.resident_kib,
        after: before,
    };
    for worker in workers {
        let Ok(outcomes) = worker.await else {
            report.failed += 1;
            continue;
        };
        for outcome in outcomes {
            match outcome {
                Outcome::Answered { status, cut_short } => {
                    *report.answers.entry(status).or_default() += 1;
                    report.cut_short += u64::from(cut_short);
                }
                Outcome::Failed => report.failed += 1,
            }
        }
    }
    report.elapsed = started.elapsed();
    flooding.store(false, Ordering::Relaxed);
    report.peak_resident_kib = sampler.await.unwrap_or(0).max(before.resident_kib);
    tokio::time::sleep(SETTLE).await;
    report.after = memory::of_process(server.pid())?;
    Ok(report)
}

enum Outcome {
    Answered { status: u16, cut_short: bool },
    Failed,
}

/// One concurrency slot: takes request numbers until all are taken.
async fn send_share(address: SocketAddr, flood: Flood, next: Arc<AtomicUsize>) -> Vec<Outcome> {
    let mut outcomes = Vec::new();
    while next.fetch_add(1, Ordering::Relaxed) < flood.requests {
        let sent = tokio::time::timeout(REQUEST_TIMEOUT, send_one(address, &flood)).await;
        outcomes.push(sent.unwrap_or(Outcome::Failed));
    }
    outcomes
}

async fn send_one(address: SocketAddr, flood: &Flood) -> Outcome {
    let authorization = flood.authorization.as_deref();
    if flood.chunked {
        let request = connection::chunked_webhook(address, flood.path, authorization, &flood.body);
        exchange(address, request).await
    } else {
        let request = connection::webhook(address, flood.path, authorization, flood.body.clone());
        exchange(address, request).await
    }
}

/// Sends `request` on a new connection and reads the whole answer.
async fn exchange<B>(address: SocketAddr, request: hyper::Request<B>) -> Outcome
where
    B: hyper::body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let Ok((mut sender, write_failed)) = connection::open(address).await else {
        return Outcome::Failed;
    };
    let Ok(response) = sender.send_request(request).await else { return Outcome::Failed };
    let status = response.status().as_u16();
    match response.into_body().collect().await {
        Ok(_) => Outcome::Answered { status, cut_short: write_failed.is_set() },
        Err(_) => Outcome::Failed,
    }
}

/// The highest resident memory of `pid` while `flooding` holds.
pub(crate) async fn sample_peak(pid: u32, flooding: Arc<AtomicBool>) -> u64 {
    let mut peak = 0;
    while flooding.load(Ordering::Relaxed) {
        if let Ok(memory) = memory::of_process(pid) {
            peak = peak.max(memory.resident_kib);
        }
        tokio::time::sleep(SAMPLE_EVERY).await;
    }
    peak
}
