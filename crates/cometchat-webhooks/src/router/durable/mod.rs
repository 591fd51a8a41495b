//! Durable mode: a delivery is answered 200 only once an [`EventQueue`]
//! stored it; workers claim stored events under a lease, run their
//! handlers, and ack, retry or dead-letter them.

mod config;
mod worker;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

pub use config::{DurableConfig, DurableConfigError};

use super::dispatch::{Dispatcher, Outcome};
use super::metrics::DepthSampler;
use super::shutdown::{Running, ShutdownReport};
use crate::delivery::{EnqueueOutcome, EventQueue, StoredEvent};
use crate::idempotency::IdempotencyKey;

/// The request path's wait for the store.
pub(crate) type StoreOutcome = Pin<Box<dyn Future<Output = Outcome> + Send>>;

/// The queue, its workers and how to stop them.
pub(crate) struct Durable {
    shared: Arc<Shared>,
    tracker: TaskTracker,
}

/// What every worker uses.
struct Shared {
    queue: Arc<dyn EventQueue>,
    config: DurableConfig,
    dispatcher: Arc<Dispatcher>,
    /// Cancelled when shutting down: workers stop claiming.
    stop_claiming: CancellationToken,
    /// Cancelled when the grace period is over: running handlers are
    /// dropped, their events left under their leases.
    abandon: CancellationToken,
    running: Running,
    /// The backlog gauge, sampled by the workers rather than per request.
    depth: DepthSampler,
}

impl Durable {
    /// Starts `config.workers()` workers on the current Tokio runtime.
    pub(crate) fn start(
        queue: Arc<dyn EventQueue>,
        config: DurableConfig,
        dispatcher: Arc<Dispatcher>,
    ) -> Self {
        let shared = Arc::new(Shared {
            queue,
            config,
            dispatcher,
            stop_claiming: CancellationToken::new(),
            abandon: CancellationToken::new(),
            running: Running::default(),
            depth: DepthSampler::default(),
        });
        let tracker = TaskTracker::new();
        for index in 0..shared.config.workers() {
            tracker.spawn(worker::work(Arc::clone(&shared), index));
        }
        // Every worker is spawned: `wait` returns once they have all ended.
        tracker.close();
        Self { shared, tracker }
    }

    /// The request path: stores the exact bytes under `key` within the
    /// request budget. `Stored` and `Duplicate` are answered 200; a full
    /// backlog, an error or the budget running out 503.
    pub(crate) fn store(
        &self,
        trigger: &str,
        body: &bytes::Bytes,
        key: &IdempotencyKey,
    ) -> StoreOutcome {
        let stored = StoredEvent::new(key.as_str(), trigger, body.clone());
        let queue = Arc::clone(&self.shared.queue);
        let budget = self.shared.config.request_budget();
        Box::pin(async move {
            match tokio::time::timeout(budget, queue.enqueue(&stored)).await {
                Ok(Ok(EnqueueOutcome::Stored)) => Outcome::Stored,
                Ok(Ok(EnqueueOutcome::Duplicate)) => Outcome::Duplicate,
                Ok(Ok(EnqueueOutcome::BacklogFull)) => Outcome::QueueFull,
                Ok(Err(error)) => {
                    tracing::warn!(%error, "the store did not take the delivery");
                    Outcome::StoreUnavailable
                }
                Err(_) => {
                    tracing::warn!(?budget, "the store did not confirm within the request budget");
                    Outcome::StoreUnavailable
                }
            }
        })
    }

    /// Stops claiming, gives running handlers `grace` to finish, then
    /// drops the ones still running (their events stay stored under their
    /// leases) and says which.
    pub(crate) async fn shutdown(&self, grace: Duration) -> ShutdownReport {
        self.shared.stop_claiming.cancel();
        if tokio::time::timeout(grace, self.tracker.wait()).await.is_ok() {
            return ShutdownReport::default();
        }
        let interrupted = self.shared.running.snapshot();
        self.shared.abandon.cancel();
        if !interrupted.is_empty() {
            tracing::warn!(
                count = interrupted.len(),
                "shutdown grace period over; interrupted handlers stay stored and run again after their lease"
            );
        }
        ShutdownReport { interrupted, dropped: 0 }
    }
}

impl Drop for Durable {
    /// The last router gone: workers stop claiming; events stay stored.
    fn drop(&mut self) {
        self.shared.stop_claiming.cancel();
    }
}
