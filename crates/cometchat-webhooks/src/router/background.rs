//! Background mode: acknowledge a delivery once it is queued and run its
//! handler on a worker, so CometChat's 2-second answer window never depends
//! on how long a handler takes.

use std::panic::AssertUnwindSafe;
use std::sync::{Arc, PoisonError, RwLock};

use futures_util::FutureExt;
use tokio::sync::{Mutex, mpsc};
use tokio::task::JoinHandle;
use tracing::{Instrument, Span};

use super::dispatch::{Dispatcher, Outcome};
use super::handler::ErasedHandler;
use super::trace;
use crate::event::Event;
use crate::idempotency::IdempotencyKey;

/// Sizes of the background queue and its worker pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackgroundConfig {
    workers: usize,
    queue_capacity: usize,
}

impl BackgroundConfig {
    /// Worker tasks by default.
    pub const DEFAULT_WORKERS: usize = 4;
    /// Deliveries that may wait in the queue by default.
    pub const DEFAULT_QUEUE_CAPACITY: usize = 1024;

    /// The default sizes.
    pub fn new() -> Self {
        Self { workers: Self::DEFAULT_WORKERS, queue_capacity: Self::DEFAULT_QUEUE_CAPACITY }
    }

    /// Sets how many handlers run at once (at least one).
    pub fn with_workers(mut self, workers: usize) -> Self {
        self.workers = workers.max(1);
        self
    }

    /// Sets how many deliveries may wait for a worker (at least one); one
    /// more is answered 503 with `Retry-After`.
    pub fn with_queue_capacity(mut self, capacity: usize) -> Self {
        self.queue_capacity = capacity.max(1);
        self
    }

    /// How many handlers run at once.
    pub fn workers(&self) -> usize {
        self.workers
    }

    /// How many deliveries may wait for a worker.
    pub fn queue_capacity(&self) -> usize {
        self.queue_capacity
    }
}

impl Default for BackgroundConfig {
    fn default() -> Self {
        Self::new()
    }
}

/// A delivery waiting for a worker, with the span it is traced under.
pub(crate) struct Job {
    pub(crate) handler: ErasedHandler,
    pub(crate) event: Event,
    pub(crate) key: Option<IdempotencyKey>,
    pub(crate) span: Span,
}

/// The queue and its workers. Workers hold the dispatcher, not the queue, so
/// dropping every router drops the sender and lets the workers finish.
pub(crate) struct Queue {
    /// `None` once shutting down; the lock is only held to send, never
    /// across an await.
    sender: RwLock<Option<mpsc::Sender<Job>>>,
    workers: Mutex<Vec<JoinHandle<()>>>,
}

impl Queue {
    /// Starts the workers on the current Tokio runtime.
    pub(crate) fn start(config: BackgroundConfig, dispatcher: Arc<Dispatcher>) -> Self {
        let (sender, receiver) = mpsc::channel(config.queue_capacity);
        let receiver = Arc::new(Mutex::new(receiver));
        let workers = (0..config.workers)
            .map(|_| tokio::spawn(work(Arc::clone(&dispatcher), Arc::clone(&receiver))))
            .collect();
        Self { sender: RwLock::new(Some(sender)), workers: Mutex::new(workers) }
    }

    /// Queues a delivery without waiting for room.
    pub(crate) fn push(&self, job: Job) -> Outcome {
        let sender = self.sender.read().unwrap_or_else(PoisonError::into_inner);
        let Some(sender) = sender.as_ref() else { return Outcome::ShuttingDown };
        match sender.try_send(job) {
            Ok(()) => Outcome::Queued,
            Err(mpsc::error::TrySendError::Full(_)) => Outcome::QueueFull,
            Err(mpsc::error::TrySendError::Closed(_)) => Outcome::ShuttingDown,
        }
    }

    /// Stops accepting, lets the workers empty the queue, and waits for
    /// them. Concurrent callers all return once the workers are done.
    pub(crate) async fn shutdown(&self) {
        // Dropping the only sender closes the channel: workers receive what
        // is left, then `None`.
        self.sender.write().unwrap_or_else(PoisonError::into_inner).take();
        let mut workers = self.workers.lock().await;
        for worker in workers.drain(..) {
            if let Err(error) = worker.await {
                tracing::error!(%error, "background worker ended abnormally");
            }
        }
    }
}

async fn work(dispatcher: Arc<Dispatcher>, jobs: Arc<Mutex<mpsc::Receiver<Job>>>) {
    loop {
        // The lock is released before the handler runs, so workers run
        // handlers concurrently and only take turns receiving.
        let next = jobs.lock().await.recv().await;
        let Some(Job { handler, event, key, span }) = next else { return };
        let run = dispatcher.execute(handler, event, key).instrument(span.clone());
        // Handler panics are caught inside; this catches a panicking deduper
        // so the worker survives it too.
        let outcome = AssertUnwindSafe(run).catch_unwind().await.unwrap_or(Outcome::Panicked);
        if matches!(outcome, Outcome::Failed | Outcome::Panicked | Outcome::InFlight) {
            tracing::warn!(parent: &span, "background delivery not handled; it was already acknowledged");
        }
        trace::record_outcome(&span, &outcome);
    }
}
