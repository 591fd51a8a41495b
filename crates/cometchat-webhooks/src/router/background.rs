//! Background mode: acknowledge a delivery once it is queued and run its
//! handler on a worker, so CometChat's 2-second answer window never depends
//! on how long a handler takes. A delivery received as a body is queued as
//! its bytes and key (the request path reads nothing more) and decoded
//! once, by the worker.

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use bytes::Bytes;
use futures_util::FutureExt;
use tokio::sync::{Mutex, mpsc};
use tokio::task::JoinHandle;
use tracing::{Instrument, Span};

use super::dispatch::{Dispatcher, Outcome};
use super::handler::ErasedHandler;
use super::shutdown::{Running, ShutdownReport};
use super::trace;
use crate::event::Event;
use crate::idempotency::IdempotencyKey;

/// Sizes of the background queue and its worker pool.
///
/// The queue is bounded twice: in deliveries and in body bytes. A delivery
/// received through [`WebhookRouter::handle_body`](super::WebhookRouter::handle_body)
/// waits as its body alone (it is decoded by the worker); one handed over
/// decoded ([`WebhookRouter::handle`](super::WebhookRouter::handle)) holds
/// its body and its decoded payload, about twice the body's size. So the
/// default 32 MiB of bodies means at most about 64 MiB of memory, whatever
/// the count bound allows (1,024 bodies of CometChat's largest size would
/// otherwise approach 2 GiB).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackgroundConfig {
    workers: usize,
    queue_capacity: usize,
    queue_bytes: usize,
}

impl BackgroundConfig {
    /// Worker tasks by default.
    pub const DEFAULT_WORKERS: usize = 4;
    /// Deliveries that may wait in the queue by default.
    pub const DEFAULT_QUEUE_CAPACITY: usize = 1024;
    /// Body bytes that may wait in the queue by default (32 MiB; at most
    /// about 64 MiB of memory with decoded payloads).
    pub const DEFAULT_QUEUE_BYTES: usize = 32 * 1024 * 1024;

    /// The default sizes.
    pub fn new() -> Self {
        Self {
            workers: Self::DEFAULT_WORKERS,
            queue_capacity: Self::DEFAULT_QUEUE_CAPACITY,
            queue_bytes: Self::DEFAULT_QUEUE_BYTES,
        }
    }

    /// Sets how many body bytes may wait for a worker; a delivery that
    /// would exceed it is answered 503 with `Retry-After` (one delivery is
    /// always accepted into an empty queue, whatever its size).
    pub fn with_queue_bytes(mut self, bytes: usize) -> Self {
        self.queue_bytes = bytes;
        self
    }

    /// How many body bytes may wait for a worker.
    pub fn queue_bytes(&self) -> usize {
        self.queue_bytes
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
    pub(crate) work: Work,
    pub(crate) key: Option<IdempotencyKey>,
    pub(crate) span: Span,
}

/// What a worker gets of a delivery.
pub(crate) enum Work {
    /// Already decoded by the caller of `WebhookRouter::handle` (boxed: an
    /// event is ten times the size of the bytes it came from).
    Decoded(Box<Event>),
    /// The exact bytes acknowledged, decoded by the worker.
    Received(Bytes),
}

impl Work {
    /// The body's size, what the queue's byte bound counts.
    fn body_len(&self) -> usize {
        match self {
            Work::Decoded(event) => event.raw().len(),
            Work::Received(body) => body.len(),
        }
    }

    /// The event, decoded now if it was queued as its bytes.
    fn into_event(self) -> Result<Event, crate::ParseError> {
        match self {
            Work::Decoded(event) => Ok(*event),
            Work::Received(body) => Event::from_bytes(body),
        }
    }
}

/// The queue and its workers. Workers hold the dispatcher, not the queue, so
/// dropping every router drops the sender and lets the workers finish.
pub(crate) struct Queue {
    /// `None` once shutting down; the lock is only held to send, never
    /// across an await.
    sender: RwLock<Option<mpsc::Sender<Job>>>,
    receiver: Arc<Mutex<mpsc::Receiver<Job>>>,
    workers: Mutex<Vec<JoinHandle<()>>>,
    shared: Arc<Shared>,
    queue_bytes: usize,
}

/// What the queue and its workers both see.
struct Shared {
    dispatcher: Arc<Dispatcher>,
    /// Body bytes of the deliveries waiting in the channel.
    queued_bytes: AtomicUsize,
    running: Running,
}

impl Queue {
    /// Starts the workers on the current Tokio runtime.
    pub(crate) fn start(config: BackgroundConfig, dispatcher: Arc<Dispatcher>) -> Self {
        let (sender, receiver) = mpsc::channel(config.queue_capacity);
        let receiver = Arc::new(Mutex::new(receiver));
        let shared = Arc::new(Shared {
            dispatcher,
            queued_bytes: AtomicUsize::new(0),
            running: Running::default(),
        });
        let workers = (0..config.workers)
            .map(|_| tokio::spawn(work(Arc::clone(&shared), Arc::clone(&receiver))))
            .collect();
        Self {
            sender: RwLock::new(Some(sender)),
            receiver,
            workers: Mutex::new(workers),
            shared,
            queue_bytes: config.queue_bytes,
        }
    }

    /// Queues a delivery without waiting for room.
    pub(crate) fn push(&self, job: Job) -> Outcome {
        let sender = self.sender.read().unwrap_or_else(PoisonError::into_inner);
        let Some(sender) = sender.as_ref() else { return Outcome::ShuttingDown };
        let size = job.work.body_len();
        let before = self.shared.queued_bytes.fetch_add(size, Ordering::AcqRel);
        if before > 0 && before.saturating_add(size) > self.queue_bytes {
            self.shared.queued_bytes.fetch_sub(size, Ordering::AcqRel);
            return Outcome::QueueFull;
        }
        let refused = match sender.try_send(job) {
            Ok(()) => return Outcome::Queued,
            Err(mpsc::error::TrySendError::Full(_)) => Outcome::QueueFull,
            Err(mpsc::error::TrySendError::Closed(_)) => Outcome::ShuttingDown,
        };
        self.shared.queued_bytes.fetch_sub(size, Ordering::AcqRel);
        refused
    }

    /// Stops accepting and lets the workers empty the queue for up to
    /// `grace`; then stops them and reports what was left. Concurrent
    /// callers each wait for the same workers.
    pub(crate) async fn shutdown(&self, grace: Duration) -> ShutdownReport {
        // Dropping the only sender closes the channel: workers receive what
        // is left, then `None`.
        self.sender.write().unwrap_or_else(PoisonError::into_inner).take();
        let mut workers = self.workers.lock().await;
        let drained = tokio::time::timeout(grace, async {
            for worker in workers.iter_mut() {
                if let Err(error) = worker.await {
                    tracing::error!(%error, "background worker ended abnormally");
                }
            }
        })
        .await;
        if drained.is_ok() {
            workers.clear();
            return ShutdownReport::default();
        }
        let interrupted = self.shared.running.snapshot();
        for worker in workers.drain(..) {
            worker.abort();
        }
        // With the workers aborted nobody holds the receiver any more.
        let mut receiver = self.receiver.lock().await;
        receiver.close();
        let mut dropped = 0;
        while receiver.try_recv().is_ok() {
            dropped += 1;
        }
        tracing::error!(
            interrupted = interrupted.len(),
            dropped,
            "shutdown grace period over; acknowledged background deliveries were not handled"
        );
        ShutdownReport { interrupted, dropped }
    }
}

/// The queued delivery decoded (once) and its handler, or `None` when no
/// handler takes the typed event.
fn routed(dispatcher: &Dispatcher, work: Work) -> Option<(ErasedHandler, Event)> {
    let event = match work.into_event() {
        Ok(event) => event,
        // The request path read the same bytes as a webhook; decoding
        // accepts every body that reading accepts.
        Err(error) => {
            tracing::error!(%error, "an acknowledged body did not decode; not handled");
            return None;
        }
    };
    let handler = dispatcher.handler_for(&event);
    if handler.is_none() {
        tracing::debug!("no handler for this event");
    }
    Some((handler?, event))
}

async fn work(shared: Arc<Shared>, jobs: Arc<Mutex<mpsc::Receiver<Job>>>) {
    loop {
        // The lock is released before the handler runs, so workers run
        // handlers concurrently and only take turns receiving.
        let next = jobs.lock().await.recv().await;
        let Some(Job { work, key, span }) = next else { return };
        shared.queued_bytes.fetch_sub(work.body_len(), Ordering::AcqRel);
        let Some((handler, event)) = span.in_scope(|| routed(&shared.dispatcher, work)) else {
            trace::record_outcome(&span, &Outcome::Unhandled);
            continue;
        };
        let _running = shared.running.enter(event.trigger(), key.as_ref().map(|key| key.as_str()));
        let run = shared.dispatcher.execute(handler, event, key).instrument(span.clone());
        // Handler panics are caught inside; this catches a panicking deduper
        // so the worker survives it too.
        let outcome = AssertUnwindSafe(run).catch_unwind().await.unwrap_or(Outcome::Panicked);
        if matches!(
            outcome,
            Outcome::Failed(_)
                | Outcome::Panicked
                | Outcome::TimedOut
                | Outcome::InFlight
                | Outcome::StoreUnavailable
        ) {
            tracing::warn!(parent: &span, "background delivery not handled; it was already acknowledged");
        }
        trace::record_outcome(&span, &outcome);
    }
}
