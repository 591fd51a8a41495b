//! The durable scenario's load: a fixed number of distinct deliveries sent
//! over keep-alive connections to a server child process, each timed from
//! send to its 200.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use cometchat_webhooks::Trigger;
use cometchat_webhooks::testing::conformance;
use cometchat_webhooks::testing::sample_body;
use http_body_util::BodyExt;

use crate::connection;

/// A request that gets no answer within this counts as failed.
const ANSWER_DEADLINE: Duration = Duration::from_secs(10);

/// Request bodies that are all distinct deliveries: the `message_sent`
/// sample, minified, with its own `data.message.id` each.
pub(crate) struct Bodies {
    bodies: std::vec::IntoIter<Bytes>,
}

impl Bodies {
    pub(crate) fn new(count: usize) -> Self {
        let sample: serde_json::Value = serde_json::from_slice(sample_body(Trigger::MessageSent))
            .expect("the bundled sample is JSON");
        let bodies = (0..count)
            .map(|index| {
                let mut body = sample.clone();
                body["data"]["message"]["id"] = serde_json::Value::from(format!("{}", index + 1));
                Bytes::from(serde_json::to_vec(&body).expect("a JSON value serialises"))
            })
            .collect::<Vec<_>>();
        Self { bodies: bodies.into_iter() }
    }

    /// The next `count` bodies, never handed out before.
    pub(crate) fn take(&mut self, count: usize) -> Vec<Bytes> {
        self.bodies.by_ref().take(count).collect()
    }
}

/// What the rounds of one mode achieved.
#[derive(Debug, Default)]
pub(crate) struct Figures {
    /// Time from sending each request answered 200 to its answer.
    times_to_ok: Vec<Duration>,
    pub(crate) answered_otherwise: u64,
    pub(crate) failed: u64,
    /// From each round's first request to its last answer, summed.
    elapsed: Duration,
}

impl Figures {
    pub(crate) fn add(&mut self, mut other: Figures) {
        self.times_to_ok.append(&mut other.times_to_ok);
        self.answered_otherwise += other.answered_otherwise;
        self.failed += other.failed;
        self.elapsed += other.elapsed;
    }

    /// Requests answered 200.
    pub(crate) fn answered(&self) -> usize {
        self.times_to_ok.len()
    }

    /// The rounds' time, summed.
    pub(crate) fn elapsed(&self) -> Duration {
        self.elapsed
    }

    pub(crate) fn per_second(&self) -> f64 {
        self.times_to_ok.len() as f64 / self.elapsed.as_secs_f64().max(f64::MIN_POSITIVE)
    }

    /// The time to 200 that this share of answers came within (nearest rank).
    pub(crate) fn percentile(&self, share: f64) -> Duration {
        let mut times = self.times_to_ok.clone();
        times.sort_unstable();
        let rank = ((share * times.len() as f64).ceil() as usize).clamp(1, times.len().max(1));
        times.get(rank - 1).copied().unwrap_or_default()
    }
}

/// The store's backlog on the durable server at `address` (see
/// `durable_server`): events waiting, in flight or scheduled for a retry.
pub(crate) async fn backlog(address: SocketAddr) -> std::io::Result<u64> {
    let (mut sender, _) = connection::open(address).await.map_err(std::io::Error::other)?;
    let request = hyper::Request::get(crate::durable_server::BACKLOG_PATH)
        .header("host", address.to_string())
        .body(http_body_util::Empty::<Bytes>::new())
        .map_err(std::io::Error::other)?;
    let answer = tokio::time::timeout(ANSWER_DEADLINE, async {
        let response = sender.send_request(request).await.map_err(std::io::Error::other)?;
        let status = response.status();
        let body = response.into_body().collect().await.map_err(std::io::Error::other)?;
        Ok::<_, std::io::Error>((status, body.to_bytes()))
    })
    .await
    .map_err(|_| std::io::Error::other("the durable server did not answer its backlog"))??;
    let text = String::from_utf8_lossy(&answer.1);
    match (answer.0.as_u16(), text.trim().parse()) {
        (200, Ok(count)) => Ok(count),
        (status, _) => Err(std::io::Error::other(format!("backlog: {status} {text}"))),
    }
}

/// Sends every body once over `connections` keep-alive connections.
pub(crate) async fn send(
    address: SocketAddr,
    authorization: &str,
    bodies: Vec<Bytes>,
    connections: usize,
) -> Figures {
    let queue = Arc::new(Mutex::new(bodies.into_iter()));
    let started = Instant::now();
    let workers: Vec<_> = (0..connections)
        .map(|_| tokio::spawn(keep_sending(address, authorization.to_owned(), Arc::clone(&queue))))
        .collect();
    let mut total = Figures::default();
    for worker in workers {
        match worker.await {
            Ok(figures) => total.add(figures),
            Err(_) => total.failed += 1,
        }
    }
    total.elapsed = started.elapsed();
    total
}

type Queue = Arc<Mutex<std::vec::IntoIter<Bytes>>>;

fn next(queue: &Queue) -> Option<Bytes> {
    queue.lock().unwrap_or_else(std::sync::PoisonError::into_inner).next()
}

/// One connection: takes bodies until none are left, reopening the
/// connection if it is lost (the lost request counts as failed).
async fn keep_sending(address: SocketAddr, authorization: String, queue: Queue) -> Figures {
    let mut figures = Figures::default();
    let mut pending = next(&queue);
    while pending.is_some() {
        let Ok((mut sender, _)) = connection::open(address).await else {
            figures.failed += 1;
            pending = next(&queue);
            continue;
        };
        while let Some(body) = pending.take() {
            if sender.ready().await.is_err() {
                pending = Some(body);
                break;
            }
            let request =
                connection::webhook(address, conformance::PATH, Some(&authorization), body);
            let sent = Instant::now();
            let answer = tokio::time::timeout(ANSWER_DEADLINE, async {
                let response = sender.send_request(request).await?;
                let status = response.status();
                response.into_body().collect().await.map(|_| status)
            })
            .await;
            match answer {
                Ok(Ok(status)) if status == 200 => figures.times_to_ok.push(sent.elapsed()),
                Ok(Ok(_)) => figures.answered_otherwise += 1,
                Ok(Err(_)) | Err(_) => {
                    figures.failed += 1;
                    pending = next(&queue);
                    break;
                }
            }
            pending = next(&queue);
        }
    }
    figures
}
