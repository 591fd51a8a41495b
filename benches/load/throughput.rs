//! Requests per second of one route: keep-alive connections sending the
//! same webhook back to back for a fixed time.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::BodyExt;

use crate::{connection, cpu};

/// What one measurement achieved.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Tally {
    /// Requests answered 200.
    pub(crate) answered_ok: u64,
    /// Requests answered otherwise: the run is void if any.
    pub(crate) answered_otherwise: u64,
    /// Requests that got no answer (connection lost): void too.
    pub(crate) failed: u64,
    /// Connections opened; one per connection slot when keep-alive held.
    pub(crate) connections: u64,
    /// From the first request to the last answer.
    pub(crate) elapsed: Duration,
    /// CPU time the server spent meanwhile (user and system).
    pub(crate) server_cpu: Duration,
}

impl Tally {
    pub(crate) fn per_second(&self) -> f64 {
        self.answered_ok as f64 / self.elapsed.as_secs_f64()
    }

    /// Server CPU time per request answered.
    pub(crate) fn server_cpu_per_request(&self) -> Duration {
        self.server_cpu / u32::try_from(self.answered_ok.max(1)).unwrap_or(u32::MAX)
    }

    /// Adds another measurement's figures, e.g. of the next round.
    pub(crate) fn add(&mut self, other: &Tally) {
        self.answered_ok += other.answered_ok;
        self.answered_otherwise += other.answered_otherwise;
        self.failed += other.failed;
        self.connections += other.connections;
        self.elapsed += other.elapsed;
        self.server_cpu += other.server_cpu;
    }
}

/// What to send, and how hard.
#[derive(Debug, Clone)]
pub(crate) struct Load {
    pub(crate) address: SocketAddr,
    /// The server's process, whose CPU time is measured.
    pub(crate) pid: u32,
    pub(crate) path: &'static str,
    pub(crate) authorization: String,
    pub(crate) body: Bytes,
    pub(crate) connections: usize,
    pub(crate) duration: Duration,
}

/// Sends `load` until its duration is over; answers to requests in flight
/// at that moment still count, and so does the time they took.
pub(crate) async fn measure(load: &Load) -> Tally {
    let cpu_before = cpu::of_process(load.pid).unwrap_or_default();
    let started = Instant::now();
    let deadline = started + load.duration;
    let workers: Vec<_> =
        (0..load.connections).map(|_| tokio::spawn(keep_sending(load.clone(), deadline))).collect();
    // Workers count requests; time and CPU are the whole measurement's.
    let mut total = Tally::default();
    for worker in workers {
        match worker.await {
            Ok(tally) => total.add(&tally),
            Err(_) => total.failed += 1,
        }
    }
    total.elapsed = started.elapsed();
    total.server_cpu = cpu::of_process(load.pid).unwrap_or_default().saturating_sub(cpu_before);
    total
}

/// One connection slot: a keep-alive connection, reopened if it is lost.
async fn keep_sending(load: Load, deadline: Instant) -> Tally {
    let mut tally = Tally::default();
    while Instant::now() < deadline {
        let Ok((mut sender, _)) = connection::open(load.address).await else {
            tally.failed += 1;
            // A refused connection is not worth hammering.
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        tally.connections += 1;
        while Instant::now() < deadline {
            if sender.ready().await.is_err() {
                break;
            }
            let request = connection::webhook(
                load.address,
                load.path,
                Some(&load.authorization),
                load.body.clone(),
            );
            let answer = match sender.send_request(request).await {
                Ok(response) => {
                    let status = response.status();
                    response.into_body().collect().await.map(|_| status)
                }
                Err(error) => Err(error),
            };
            match answer {
                Ok(status) if status == 200 => tally.answered_ok += 1,
                Ok(_) => tally.answered_otherwise += 1,
                Err(_) => {
                    tally.failed += 1;
                    break;
                }
            }
        }
    }
    tally
}
