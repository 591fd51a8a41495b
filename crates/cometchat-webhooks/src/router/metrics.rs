//! What the router records through the `metrics` facade (feature
//! `metrics`): the one home of every metric name and label. Without the
//! feature each function is an empty inline body, so call sites carry no
//! `cfg` and cost nothing.

// The durable recordings have no caller without `durable`, and the names
// none without `metrics`.
#![cfg_attr(not(all(feature = "metrics", feature = "durable")), allow(dead_code, unused_imports))]

use super::dispatch::Outcome;
use crate::event::Event;
use crate::trigger::Trigger;

/// Deliveries answered, by `trigger` and `outcome`.
pub(crate) const DELIVERIES: &str = "cometchat_webhooks_deliveries_total";
/// Seconds a handler ran (inline, background or durable), by `trigger`.
pub(crate) const HANDLER_SECONDS: &str = "cometchat_webhooks_handler_seconds";
/// Durable attempts that failed and were scheduled again, by `trigger`.
pub(crate) const RETRIES: &str = "cometchat_webhooks_retries_total";
/// Durable events that used up their attempts, by `trigger`.
pub(crate) const DEAD_LETTERS: &str = "cometchat_webhooks_dead_letters_total";
/// Durable events waiting for a worker or for their retry time.
pub(crate) const QUEUE_DEPTH: &str = "cometchat_webhooks_queue_depth";

/// The `trigger` label: a trigger this version knows, else `other`, so a
/// sender cannot grow the label set without bound.
pub(crate) fn trigger_label(event: &Event) -> &'static str {
    event.known_trigger().map_or("other", Trigger::as_str)
}

/// The `trigger` label of a stored trigger name (see [`trigger_label`]).
pub(crate) fn stored_trigger_label(trigger: &str) -> &'static str {
    Trigger::from_name(trigger).map_or("other", Trigger::as_str)
}

#[cfg(feature = "metrics")]
mod recording {
    use std::future::Future;
    use std::sync::Mutex;
    use std::time::{Duration, Instant};

    use super::{DEAD_LETTERS, DELIVERIES, HANDLER_SECONDS, Outcome, QUEUE_DEPTH, RETRIES};

    /// Counts the answer decided for one delivery.
    pub(crate) fn delivery(trigger: &'static str, outcome: &Outcome) {
        metrics::counter!(DELIVERIES, "trigger" => trigger, "outcome" => outcome.name())
            .increment(1);
    }

    /// Runs a handler's future and records how long it took, whatever it
    /// ended as (also when it is stopped by the timeout around it).
    pub(crate) async fn time_handler<F: Future>(trigger: &'static str, run: F) -> F::Output {
        let _timer = HandlerTimer { trigger, started: Instant::now() };
        run.await
    }

    /// Records on drop, so a run cut short by a timeout is measured too.
    struct HandlerTimer {
        trigger: &'static str,
        started: Instant,
    }

    impl Drop for HandlerTimer {
        fn drop(&mut self) {
            metrics::histogram!(HANDLER_SECONDS, "trigger" => self.trigger)
                .record(self.started.elapsed().as_secs_f64());
        }
    }

    /// A durable attempt failed and runs again later.
    pub(crate) fn retry(trigger: &'static str) {
        metrics::counter!(RETRIES, "trigger" => trigger).increment(1);
    }

    /// A durable event became a dead letter.
    pub(crate) fn dead_letter(trigger: &'static str) {
        metrics::counter!(DEAD_LETTERS, "trigger" => trigger).increment(1);
    }

    /// How often the durable workers ask the store for its backlog.
    const DEPTH_EVERY: Duration = Duration::from_secs(1);

    /// Samples the durable backlog for the workers, at most once per
    /// [`DEPTH_EVERY`] across all of them.
    #[derive(Debug, Default)]
    pub(crate) struct DepthSampler {
        last: Mutex<Option<Instant>>,
    }

    impl DepthSampler {
        /// Whether this worker should sample now; claims the turn if so.
        fn due(&self) -> bool {
            let Ok(mut last) = self.last.try_lock() else {
                // Another worker is deciding right now.
                return false;
            };
            let now = Instant::now();
            if last.is_some_and(|at| now.duration_since(at) < DEPTH_EVERY) {
                return false;
            }
            *last = Some(now);
            true
        }

        /// Sets the gauge to waiting + scheduled events when a sample is due.
        #[cfg(feature = "durable")]
        pub(crate) async fn sample(&self, queue: &dyn crate::delivery::EventQueue) {
            if !self.due() {
                return;
            }
            match queue.stats().await {
                Ok(stats) => {
                    let depth = stats.waiting.saturating_add(stats.scheduled_retries);
                    // Precision is lost only beyond 2^53 events.
                    #[allow(clippy::cast_precision_loss)]
                    metrics::gauge!(QUEUE_DEPTH).set(depth as f64);
                }
                Err(error) => tracing::debug!(%error, "reading the backlog for metrics failed"),
            }
        }
    }
}

#[cfg(not(feature = "metrics"))]
mod recording {
    use std::future::Future;

    use super::Outcome;

    #[inline]
    pub(crate) fn delivery(_trigger: &'static str, _outcome: &Outcome) {}

    #[inline]
    pub(crate) async fn time_handler<F: Future>(_trigger: &'static str, run: F) -> F::Output {
        run.await
    }

    #[inline]
    pub(crate) fn retry(_trigger: &'static str) {}

    #[inline]
    pub(crate) fn dead_letter(_trigger: &'static str) {}

    /// Nothing to sample without the feature.
    #[derive(Debug, Default)]
    pub(crate) struct DepthSampler {}

    impl DepthSampler {
        #[cfg(feature = "durable")]
        #[inline]
        pub(crate) async fn sample(&self, _queue: &dyn crate::delivery::EventQueue) {}
    }
}

pub(crate) use recording::{DepthSampler, dead_letter, retry};
pub(crate) use recording::{delivery, time_handler};
