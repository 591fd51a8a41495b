//! [`QueueConfig`] and [`Backoff`]: how long leases last, how often an
//! event is tried, how far the backlog may grow, how long duplicates are
//! remembered and how long the request path may wait for the store.

use std::time::Duration;

use super::error::DeliveryConfigError;

/// Settings every engine applies; [`validate`](Self::validate) is called
/// when a store is opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueConfig {
    lease: Duration,
    max_attempts: u32,
    backoff: Backoff,
    backlog_limit: u64,
    dedupe_window: Duration,
    request_budget: Duration,
}

impl QueueConfig {
    /// How long a claim lasts without renewal by default: twice the
    /// default handler timeout of 30 s.
    pub const DEFAULT_LEASE: Duration = Duration::from_secs(60);
    /// How many times an event is claimed before it is dead-lettered.
    pub const DEFAULT_MAX_ATTEMPTS: u32 = 5;
    /// How many live events (waiting, in flight, scheduled) may be stored
    /// before new ones are refused.
    pub const DEFAULT_BACKLOG_LIMIT: u64 = 100_000;
    /// How long an accepted idempotency key is remembered.
    pub const DEFAULT_DEDUPE_WINDOW: Duration = Duration::from_secs(24 * 60 * 60);
    /// How long the request path waits for the store before answering 503.
    pub const DEFAULT_REQUEST_BUDGET: Duration = Duration::from_millis(1500);
    /// The longest request budget accepted: CometChat waits about 2 s for
    /// an answer, and the answer itself needs time to travel.
    pub const MAX_REQUEST_BUDGET: Duration = Duration::from_millis(1900);

    /// The defaults: 60 s leases, 5 attempts, [`Backoff::default`], 100 000
    /// live events, a 24 h dedupe window and a 1.5 s request budget.
    pub fn new() -> Self {
        Self {
            lease: Self::DEFAULT_LEASE,
            max_attempts: Self::DEFAULT_MAX_ATTEMPTS,
            backoff: Backoff::default(),
            backlog_limit: Self::DEFAULT_BACKLOG_LIMIT,
            dedupe_window: Self::DEFAULT_DEDUPE_WINDOW,
            request_budget: Self::DEFAULT_REQUEST_BUDGET,
        }
    }

    /// Sets how long a claim lasts without renewal. Keep it longer than
    /// the handler timeout, and renew it while a handler runs.
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// Sets how many claims an event gets before it is dead-lettered; a
    /// claim counts even when the worker crashes before reporting.
    pub fn with_max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = max_attempts;
        self
    }

    /// Sets the delays between attempts.
    pub fn with_backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    /// Sets how many live events may be stored before enqueue answers
    /// [`EnqueueOutcome::BacklogFull`](super::EnqueueOutcome::BacklogFull).
    pub fn with_backlog_limit(mut self, backlog_limit: u64) -> Self {
        self.backlog_limit = backlog_limit;
        self
    }

    /// Sets how long an accepted idempotency key is remembered after it was
    /// stored (and while its event is still stored, in any case).
    pub fn with_dedupe_window(mut self, dedupe_window: Duration) -> Self {
        self.dedupe_window = dedupe_window;
        self
    }

    /// Sets how long the request path (enqueue, dedupe claims) waits for
    /// the store.
    pub fn with_request_budget(mut self, request_budget: Duration) -> Self {
        self.request_budget = request_budget;
        self
    }

    /// How long a claim lasts without renewal.
    pub fn lease(&self) -> Duration {
        self.lease
    }

    /// How many claims an event gets before it is dead-lettered.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The delays between attempts.
    pub fn backoff(&self) -> &Backoff {
        &self.backoff
    }

    /// How many live events may be stored.
    pub fn backlog_limit(&self) -> u64 {
        self.backlog_limit
    }

    /// How long an accepted idempotency key is remembered.
    pub fn dedupe_window(&self) -> Duration {
        self.dedupe_window
    }

    /// How long the request path waits for the store.
    pub fn request_budget(&self) -> Duration {
        self.request_budget
    }

    /// Checks that the settings can work together.
    pub fn validate(&self) -> Result<(), DeliveryConfigError> {
        positive("lease", self.lease)?;
        positive("dedupe_window", self.dedupe_window)?;
        positive("request_budget", self.request_budget)?;
        if self.max_attempts == 0 {
            return Err(DeliveryConfigError::ZeroCount { name: "max_attempts" });
        }
        if self.backlog_limit == 0 {
            return Err(DeliveryConfigError::ZeroCount { name: "backlog_limit" });
        }
        if self.request_budget > Self::MAX_REQUEST_BUDGET {
            return Err(DeliveryConfigError::BudgetTooLong {
                budget: self.request_budget,
                limit: Self::MAX_REQUEST_BUDGET,
            });
        }
        self.backoff.validate()
    }
}

impl Default for QueueConfig {
    fn default() -> Self {
        Self::new()
    }
}

/// Exponential backoff with jitter: the delay before attempt `n + 1` is
/// `base × 2^(n-1)`, capped, then (with jitter) drawn uniformly from its
/// upper half so that events failing together do not retry together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backoff {
    base: Duration,
    cap: Duration,
    jitter: bool,
}

impl Backoff {
    /// The first retry delay by default.
    pub const DEFAULT_BASE: Duration = Duration::from_secs(10);
    /// The longest retry delay by default.
    pub const DEFAULT_CAP: Duration = Duration::from_secs(60 * 60);

    /// A backoff starting at `base`, doubling up to `cap`, with jitter.
    pub fn new(base: Duration, cap: Duration) -> Self {
        Self { base, cap, jitter: true }
    }

    /// Turns the jitter off (delays become exact, e.g. for tests).
    pub fn without_jitter(mut self) -> Self {
        self.jitter = false;
        self
    }

    /// The first retry delay.
    pub fn base(&self) -> Duration {
        self.base
    }

    /// The longest retry delay.
    pub fn cap(&self) -> Duration {
        self.cap
    }

    /// Whether delays are randomised.
    pub fn has_jitter(&self) -> bool {
        self.jitter
    }

    /// The delay after the failed attempt number `attempt` (1 for the first
    /// attempt).
    pub fn delay(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1).min(32);
        let exact = self.base.saturating_mul(1u32 << doublings.min(31)).min(self.cap);
        if !self.jitter || exact.is_zero() {
            return exact;
        }
        let half = exact / 2;
        let spread = u64::try_from((exact - half).as_millis()).unwrap_or(u64::MAX);
        half + Duration::from_millis(fastrand::u64(0..=spread))
    }

    fn validate(&self) -> Result<(), DeliveryConfigError> {
        positive("backoff base", self.base)?;
        if self.base > self.cap {
            return Err(DeliveryConfigError::BackoffBaseAboveCap {
                base: self.base,
                cap: self.cap,
            });
        }
        Ok(())
    }
}

impl Default for Backoff {
    /// 10 s, doubling up to one hour, with jitter.
    fn default() -> Self {
        Self::new(Self::DEFAULT_BASE, Self::DEFAULT_CAP)
    }
}

fn positive(name: &'static str, value: Duration) -> Result<(), DeliveryConfigError> {
    if value.is_zero() {
        return Err(DeliveryConfigError::ZeroDuration { name });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        assert_eq!(QueueConfig::default().validate(), Ok(()));
        assert_eq!(QueueConfig::default().max_attempts(), 5);
        assert_eq!(QueueConfig::default().request_budget(), Duration::from_millis(1500));
    }

    #[test]
    fn refuses_settings_that_cannot_work() {
        let zero = QueueConfig::new().with_max_attempts(0).validate();
        assert_eq!(zero, Err(DeliveryConfigError::ZeroCount { name: "max_attempts" }));
        let budget = QueueConfig::new().with_request_budget(Duration::from_secs(2)).validate();
        assert!(matches!(budget, Err(DeliveryConfigError::BudgetTooLong { .. })));
        let backoff = Backoff::new(Duration::from_secs(5), Duration::from_secs(1));
        let inverted = QueueConfig::new().with_backoff(backoff).validate();
        assert!(matches!(inverted, Err(DeliveryConfigError::BackoffBaseAboveCap { .. })));
        let lease = QueueConfig::new().with_lease(Duration::ZERO).validate();
        assert_eq!(lease, Err(DeliveryConfigError::ZeroDuration { name: "lease" }));
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let exact = Backoff::new(Duration::from_secs(1), Duration::from_secs(5)).without_jitter();
        let delays: Vec<_> = (1..=5).map(|n| exact.delay(n).as_secs()).collect();
        assert_eq!(delays, [1, 2, 4, 5, 5]);
        assert_eq!(exact.delay(u32::MAX), Duration::from_secs(5));
        let jittered = Backoff::new(Duration::from_secs(1), Duration::from_secs(60));
        for attempt in 1..=10 {
            let delay = jittered.delay(attempt);
            let upper = Duration::from_secs(1 << (attempt - 1)).min(jittered.cap());
            assert!(delay >= upper / 2 && delay <= upper, "attempt {attempt}: {delay:?}");
        }
    }
}
