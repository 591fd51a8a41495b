//! Background mode: acknowledge a delivery once it is queued and run its
//! handler on a worker, so CometChat's 2-second answer window never depends
//! on how long a handler takes. A delivery received as a body is queued as
//! its bytes and key (the request path reads nothing more) and decoded
//! once, by the worker.

use std::collections::VecDeque;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex as StdMutex, MutexGuard, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use futures_util::FutureExt;
use tokio::sync::{Mutex, Semaphore};
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

/// The queue and its workers. Workers hold the waiting jobs and the
/// dispatcher, not the queue, so dropping every router closes the queue and
/// lets the workers finish what is waiting.
pub(crate) struct Queue {
    workers: Mutex<Vec<JoinHandle<()>>>,
    shared: Arc<Shared>,
}

/// What the queue and its workers both see.
struct Shared {
    dispatcher: Arc<Dispatcher>,
    waiting: Waiting,
    running: Running,
}

/// The deliveries waiting for a worker.
///
/// One queue that every worker takes from (a slow handler never holds up a
/// delivery another worker could run), without an async lock around a
/// channel's receiver: the jobs sit behind a plain mutex, held only to push
/// or pop, and a semaphore counts them, so a job wakes exactly one idle
/// worker, which then finds it.
struct Waiting {
    jobs: StdMutex<Jobs>,
    /// One permit per waiting job; once closed, one more per worker, so
    /// every worker wakes, finds the jobs gone and ends.
    ready: Semaphore,
    capacity: usize,
    max_bytes: usize,
    workers: usize,
}

#[derive(Default)]
struct Jobs {
    queued: VecDeque<Job>,
    /// Body bytes of the queued jobs.
    bytes: usize,
    closed: bool,
}

impl Waiting {
    fn lock(&self) -> MutexGuard<'_, Jobs> {
        self.jobs.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues a job unless the queue is closed or one of its bounds is
    /// reached (one job is always accepted into an empty queue, whatever
    /// its size).
    fn push(&self, job: Job) -> Outcome {
        let size = job.work.body_len();
        {
            let mut jobs = self.lock();
            if jobs.closed {
                return Outcome::ShuttingDown;
            }
            let too_many_bytes = jobs.bytes > 0 && jobs.bytes.saturating_add(size) > self.max_bytes;
            if jobs.queued.len() >= self.capacity || too_many_bytes {
                return Outcome::QueueFull;
            }
            jobs.bytes += size;
            jobs.queued.push_back(job);
        }
        self.ready.add_permits(1);
        Outcome::Queued
    }

    /// The next job, waiting for one; `None` once the queue is closed and
    /// empty.
    async fn next(&self) -> Option<Job> {
        // The semaphore is never closed, so acquiring only waits.
        self.ready.acquire().await.ok()?.forget();
        let mut jobs = self.lock();
        let job = jobs.queued.pop_front()?;
        jobs.bytes = jobs.bytes.saturating_sub(job.work.body_len());
        Some(job)
    }

    /// Refuses new jobs; the workers take what is waiting, then end.
    fn close(&self) {
        let mut jobs = self.lock();
        if !jobs.closed {
            jobs.closed = true;
            self.ready.add_permits(self.workers);
        }
    }

    /// Closes the queue and empties it, for when no worker is left to.
    fn drop_waiting(&self) -> usize {
        self.close();
        let mut jobs = self.lock();
        jobs.bytes = 0;
        let dropped = jobs.queued.len();
        jobs.queued.clear();
        dropped
    }
}

impl Queue {
    /// Starts the workers on the current Tokio runtime.
    pub(crate) fn start(config: BackgroundConfig, dispatcher: Arc<Dispatcher>) -> Self {
        let shared = Arc::new(Shared {
            dispatcher,
            waiting: Waiting {
                jobs: StdMutex::default(),
                ready: Semaphore::new(0),
                capacity: config.queue_capacity,
                max_bytes: config.queue_bytes,
                workers: config.workers,
            },
            running: Running::default(),
        });
        let workers =
            (0..config.workers).map(|_| tokio::spawn(work(Arc::clone(&shared)))).collect();
        Self { workers: Mutex::new(workers), shared }
    }

    /// Queues a delivery without waiting for room.
    pub(crate) fn push(&self, job: Job) -> Outcome {
        self.shared.waiting.push(job)
    }

    /// Stops accepting and lets the workers empty the queue for up to
    /// `grace`; then stops them and reports what was left. Concurrent
    /// callers each wait for the same workers.
    pub(crate) async fn shutdown(&self, grace: Duration) -> ShutdownReport {
        self.shared.waiting.close();
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
        let dropped = self.shared.waiting.drop_waiting();
        tracing::error!(
            interrupted = interrupted.len(),
            dropped,
            "shutdown grace period over; acknowledged background deliveries were not handled"
        );
        ShutdownReport { interrupted, dropped }
    }
}

impl Drop for Queue {
    fn drop(&mut self) {
        self.shared.waiting.close();
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

async fn work(shared: Arc<Shared>) {
    while let Some(Job { work, key, span }) = shared.waiting.next().await {
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
