//! [`OperatorClient`]: a queue's operator requests sent to the
//! [`OperatorSocket`](super::OperatorSocket) of the process that holds it.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::de::DeserializeOwned;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::UnixStream;

use super::wire::{Answer, Request, WireDeadLetter, WireDetails, WireStats};
use crate::delivery::clock::millis;
use crate::delivery::error::DeliveryError;
use crate::delivery::event::{
    ClaimedEvent, DeadLetter, EnqueueOutcome, EventDetails, FailOutcome, Lease, QueueStats,
    StoredEvent,
};
use crate::delivery::queue::{EventQueue, StoreFuture};

/// The longest answer read: a shown event carries its body (bounded by
/// the receiver's body limit), spelled out as JSON.
const MAX_ANSWER: u64 = 64 * 1024 * 1024;

/// The operator side of a queue another process holds, through its
/// [`OperatorSocket`](super::OperatorSocket): [`stats`](EventQueue::stats),
/// [`dead_letters`](EventQueue::dead_letters), [`show`](EventQueue::show),
/// [`redrive`](EventQueue::redrive), [`redrive_all`](EventQueue::redrive_all)
/// and [`purge_dead`](EventQueue::purge_dead). The worker's operations and
/// enqueue belong to that process and fail with
/// [`DeliveryError::Unsupported`].
///
/// Every request is one connection, bounded by the timeout: a process
/// that is gone is [`DeliveryError::Unavailable`], a silent one
/// [`DeliveryError::Timeout`].
#[derive(Debug, Clone)]
pub struct OperatorClient {
    path: PathBuf,
    timeout: Duration,
}

impl OperatorClient {
    /// A client of the socket at `path`, giving each request `timeout`.
    pub fn new(path: impl AsRef<Path>, timeout: Duration) -> Self {
        Self { path: path.as_ref().to_path_buf(), timeout }
    }

    /// The socket's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    async fn ask<T: DeserializeOwned>(&self, request: Request) -> Result<T, DeliveryError> {
        let answer = tokio::time::timeout(self.timeout, self.exchange(&request))
            .await
            .map_err(|_| DeliveryError::Timeout { after: self.timeout })??;
        match answer {
            Answer::Ok(value) => {
                serde_json::from_value(value).map_err(|error| DeliveryError::Storage {
                    source: format!("an answer not understood: {error}").into(),
                })
            }
            Answer::Error(error) => Err(error.into_delivery()),
        }
    }

    async fn exchange(&self, request: &Request) -> Result<Answer, DeliveryError> {
        let unavailable = |error: std::io::Error| DeliveryError::Unavailable {
            source: format!("{}: {error}", self.path.display()).into(),
        };
        let stream = UnixStream::connect(&self.path).await.map_err(unavailable)?;
        let (reader, mut writer) = stream.into_split();
        let mut line = serde_json::to_vec(request)
            .map_err(|error| DeliveryError::Storage { source: error.into() })?;
        line.push(b'\n');
        writer.write_all(&line).await.map_err(unavailable)?;
        let mut answer = Vec::new();
        BufReader::new(reader)
            .take(MAX_ANSWER)
            .read_until(b'\n', &mut answer)
            .await
            .map_err(unavailable)?;
        serde_json::from_slice(&answer).map_err(|error| DeliveryError::Storage {
            source: format!("{} gave an answer not understood: {error}", self.path.display())
                .into(),
        })
    }
}

fn unsupported<T>(operation: &'static str) -> StoreFuture<'static, T> {
    Box::pin(async move { Err(DeliveryError::Unsupported { operation }) })
}

impl EventQueue for OperatorClient {
    fn enqueue<'a>(&'a self, _: &'a StoredEvent) -> StoreFuture<'a, EnqueueOutcome> {
        unsupported("enqueue")
    }

    fn claim(&self, _: Duration) -> StoreFuture<'_, Option<ClaimedEvent>> {
        unsupported("claim")
    }

    fn renew<'a>(&'a self, _: &'a Lease, _: Duration) -> StoreFuture<'a, SystemTime> {
        unsupported("renew")
    }

    fn ack<'a>(&'a self, _: &'a Lease) -> StoreFuture<'a, ()> {
        unsupported("ack")
    }

    fn fail<'a>(&'a self, _: &'a Lease, _: &'a str, _: Duration) -> StoreFuture<'a, FailOutcome> {
        unsupported("fail")
    }

    fn stats(&self) -> StoreFuture<'_, QueueStats> {
        Box::pin(
            async move { self.ask::<WireStats>(Request::Stats {}).await.map(QueueStats::from) },
        )
    }

    fn dead_letters(&self, limit: usize) -> StoreFuture<'_, Vec<DeadLetter>> {
        Box::pin(async move {
            let dead: Vec<WireDeadLetter> = self.ask(Request::DeadLetters { limit }).await?;
            Ok(dead.into_iter().map(DeadLetter::from).collect())
        })
    }

    fn show<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<EventDetails>> {
        Box::pin(async move {
            let details: Option<WireDetails> =
                self.ask(Request::Show { key: key.to_owned() }).await?;
            Ok(details.map(EventDetails::from))
        })
    }

    fn redrive<'a>(&'a self, key: &'a str) -> StoreFuture<'a, bool> {
        Box::pin(self.ask(Request::Redrive { key: key.to_owned() }))
    }

    fn redrive_all(&self) -> StoreFuture<'_, u64> {
        Box::pin(self.ask(Request::RedriveAll {}))
    }

    fn purge_dead(&self, older_than: Duration) -> StoreFuture<'_, u64> {
        Box::pin(self.ask(Request::PurgeDead { older_than_ms: millis(older_than) }))
    }
}
