//! [`DurableConfig`]: how the router's durable workers claim, run and retry.

use std::time::Duration;

use crate::delivery::{Backoff, QueueConfig};

/// Settings of the router's durable mode; see
/// [`RouterBuilder::durable`](super::super::RouterBuilder::durable).
///
/// The lease must be longer than the handler timeout: a worker renews its
/// lease while the handler runs, but a lease shorter than the handler's
/// allowed time would let a second worker take over an event whose first
/// handler is still legitimately running.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DurableConfig {
    workers: usize,
    claim_batch: usize,
    handler_timeout: Duration,
    lease: Duration,
    poll_interval: Duration,
    request_budget: Duration,
    backoff: Backoff,
}

impl DurableConfig {
    /// Worker tasks by default.
    pub const DEFAULT_WORKERS: usize = 4;
    /// Events a worker claims per round trip to the store by default.
    pub const DEFAULT_CLAIM_BATCH: usize = 8;
    /// How long a handler may run by default before it counts as failed.
    pub const DEFAULT_HANDLER_TIMEOUT: Duration = Duration::from_secs(30);
    /// How long an idle worker waits before asking the store again.
    pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_millis(250);

    /// The defaults: 4 workers claiming up to 8 events each, a 30 s handler timeout, the store's
    /// default lease (60 s), backoff and request budget (1.5 s) from
    /// [`QueueConfig::new`], and a 250 ms poll interval.
    pub fn new() -> Self {
        Self::from_queue_config(&QueueConfig::new())
    }

    /// The defaults, with the lease, backoff and request budget the store
    /// was opened with, so both sides agree on them.
    pub fn from_queue_config(queue: &QueueConfig) -> Self {
        Self {
            workers: Self::DEFAULT_WORKERS,
            claim_batch: Self::DEFAULT_CLAIM_BATCH,
            handler_timeout: Self::DEFAULT_HANDLER_TIMEOUT,
            lease: queue.lease(),
            poll_interval: Self::DEFAULT_POLL_INTERVAL,
            request_budget: queue.request_budget(),
            backoff: queue.backoff().clone(),
        }
    }

    /// Sets how many workers claim events (at least one). Each runs the
    /// events of one claim at a time, so up to `workers` × the claim batch
    /// handlers run at once.
    ///
    /// Each worker waits for the store on every claim and every ack, and a
    /// durable claim ends with a disk flush (a redb commit, or the fsync
    /// that ends a Redis turn under `appendfsync always`); concurrent claims
    /// share one. With short handlers, stored events are therefore handled
    /// at about `workers` × the claim batch per two flush times: raise
    /// either when the intake outpaces the workers and the backlog grows.
    pub fn with_workers(mut self, workers: usize) -> Self {
        self.workers = workers.max(1);
        self
    }

    /// Sets how many events a worker claims in one round trip to the store
    /// (at least one; default 8). The events of one claim are handled
    /// together and the handled ones acked in one more round trip, so the
    /// store's cost is shared by the batch. Each claim counts an attempt
    /// and starts a lease at once, which is why the batch's handlers run
    /// together rather than one after another; an ack waits for the
    /// slowest handler of its batch (at most the handler timeout, shorter
    /// than the lease). `1` claims and acks one event at a time.
    pub fn with_claim_batch(mut self, events: usize) -> Self {
        self.claim_batch = events.max(1);
        self
    }

    /// Sets how long a handler may run before it is stopped and its
    /// attempt counted as failed.
    pub fn with_handler_timeout(mut self, timeout: Duration) -> Self {
        self.handler_timeout = timeout;
        self
    }

    /// Sets the length of a claim; renewed every third of it while the
    /// handler runs. Must be longer than the handler timeout.
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// Sets how long an idle worker waits before asking the store again.
    pub fn with_poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval;
        self
    }

    /// Sets how long the request path waits for the store to confirm
    /// before answering 503.
    pub fn with_request_budget(mut self, budget: Duration) -> Self {
        self.request_budget = budget;
        self
    }

    /// Sets the delay before a failed event is tried again.
    pub fn with_backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    /// How many workers claim events.
    pub fn workers(&self) -> usize {
        self.workers
    }

    /// How many events a worker claims per round trip to the store.
    pub fn claim_batch(&self) -> usize {
        self.claim_batch
    }

    /// How long a handler may run.
    pub fn handler_timeout(&self) -> Duration {
        self.handler_timeout
    }

    /// The length of a claim.
    pub fn lease(&self) -> Duration {
        self.lease
    }

    /// How long an idle worker waits before asking the store again.
    pub fn poll_interval(&self) -> Duration {
        self.poll_interval
    }

    /// How long the request path waits for the store.
    pub fn request_budget(&self) -> Duration {
        self.request_budget
    }

    /// The delay before a failed event is tried again.
    pub fn backoff(&self) -> &Backoff {
        &self.backoff
    }

    /// Checks that the settings can work together.
    pub fn validate(&self) -> Result<(), DurableConfigError> {
        for (name, value) in [
            ("handler_timeout", self.handler_timeout),
            ("poll_interval", self.poll_interval),
            ("request_budget", self.request_budget),
        ] {
            if value.is_zero() {
                return Err(DurableConfigError::Zero { name });
            }
        }
        if self.lease <= self.handler_timeout {
            return Err(DurableConfigError::LeaseNotLongerThanHandlerTimeout {
                lease: self.lease,
                handler_timeout: self.handler_timeout,
            });
        }
        if self.request_budget > QueueConfig::MAX_REQUEST_BUDGET {
            return Err(DurableConfigError::BudgetTooLong {
                budget: self.request_budget,
                limit: QueueConfig::MAX_REQUEST_BUDGET,
            });
        }
        if self.backoff.base().is_zero() || self.backoff.base() > self.backoff.cap() {
            return Err(DurableConfigError::Backoff {
                base: self.backoff.base(),
                cap: self.backoff.cap(),
            });
        }
        Ok(())
    }
}

impl Default for DurableConfig {
    fn default() -> Self {
        Self::new()
    }
}

/// Why a [`DurableConfig`] was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DurableConfigError {
    /// The lease would end while a handler may still legitimately run.
    #[error("the lease ({lease:?}) must be longer than the handler timeout ({handler_timeout:?})")]
    LeaseNotLongerThanHandlerTimeout {
        /// The lease given.
        lease: Duration,
        /// The handler timeout given.
        handler_timeout: Duration,
    },
    /// A duration that must be positive is zero.
    #[error("`{name}` must be longer than zero")]
    Zero {
        /// The setting's name.
        name: &'static str,
    },
    /// The request budget leaves no time for the answer to reach CometChat.
    #[error("the request budget {budget:?} is longer than the {limit:?} CometChat allows")]
    BudgetTooLong {
        /// The budget given.
        budget: Duration,
        /// The longest budget accepted.
        limit: Duration,
    },
    /// The router's own settings cannot work with this configuration, e.g.
    /// a dedupe lease not longer than this handler timeout.
    #[error(transparent)]
    Router(#[from] crate::router::RouterConfigError),
    /// The backoff's first delay is zero or above its cap.
    #[error("the backoff's first delay {base:?} must be positive and at most its cap {cap:?}")]
    Backoff {
        /// The first delay.
        base: Duration,
        /// The cap.
        cap: Duration,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_hold_a_lease_longer_than_the_handler_timeout() {
        let config = DurableConfig::new();
        assert_eq!(config.validate(), Ok(()));
        assert!(config.lease() > config.handler_timeout());
        assert_eq!(config.request_budget(), Duration::from_millis(1500));
    }

    #[test]
    fn a_lease_not_longer_than_the_handler_timeout_is_refused() {
        let config = DurableConfig::new()
            .with_handler_timeout(Duration::from_secs(60))
            .with_lease(Duration::from_secs(60));
        assert!(matches!(
            config.validate(),
            Err(DurableConfigError::LeaseNotLongerThanHandlerTimeout { .. })
        ));
    }

    #[test]
    fn zero_durations_and_long_budgets_are_refused() {
        let zero = DurableConfig::new().with_poll_interval(Duration::ZERO);
        assert_eq!(zero.validate(), Err(DurableConfigError::Zero { name: "poll_interval" }));
        let long = DurableConfig::new().with_request_budget(Duration::from_secs(2));
        assert!(matches!(long.validate(), Err(DurableConfigError::BudgetTooLong { .. })));
    }
}
