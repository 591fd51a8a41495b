//! What handlers under test record, shared by the core's router tests, the
//! adapter suites and the cross-framework tests: how often a handler ran
//! ([`RunCount`]), which typed handlers ran ([`TriggerLog`]), what a handler
//! saw of each event ([`Sightings`]), and a [`Gate`] that holds handlers
//! inside their run until the test lets them go.
//!
//! Clones of each share one record, so a handler and the test can each hold
//! one.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use crate::event::Event;
use crate::trigger::Trigger;

/// How many times a handler ran.
#[derive(Debug, Clone, Default)]
pub struct RunCount(Arc<AtomicUsize>);

impl RunCount {
    /// Notes a run; returns its number, counting from 1.
    pub fn bump(&self) -> usize {
        self.0.fetch_add(1, Ordering::SeqCst) + 1
    }

    /// How many runs were noted.
    pub fn get(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// The triggers whose typed handlers ran, oldest first.
#[derive(Debug, Clone, Default)]
pub struct TriggerLog(Arc<Mutex<Vec<Trigger>>>);

impl TriggerLog {
    /// Notes that the handler of `trigger` ran.
    pub fn record(&self, trigger: Trigger) {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).push(trigger);
    }

    /// The triggers recorded since the last call.
    pub fn take(&self) -> Vec<Trigger> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// What a handler saw of one event: enough to tell that the whole event
/// arrived, and which one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sighting {
    /// The trigger name, as sent.
    pub trigger: String,
    /// The event's idempotency key.
    pub idempotency_key: String,
}

impl Sighting {
    /// What a handler sees of `event`.
    pub fn of(event: &Event) -> Self {
        Self {
            trigger: event.trigger().to_owned(),
            idempotency_key: event.idempotency_key().into_string(),
        }
    }
}

/// Every event a handler saw and nobody took yet, oldest first.
#[derive(Debug, Clone, Default)]
pub struct Sightings(Arc<Mutex<Vec<Sighting>>>);

impl Sightings {
    /// Records `event` and returns its trigger: what the handlers of the
    /// suites answer, so a lost response body shows.
    pub fn record(&self, event: &Event) -> String {
        let sighting = Sighting::of(event);
        let trigger = sighting.trigger.clone();
        self.0.lock().unwrap_or_else(PoisonError::into_inner).push(sighting);
        trigger
    }

    /// The events seen since the last call. A handler runs before its
    /// response is written, so once the client has the response, the
    /// sighting is here.
    pub fn take(&self) -> Vec<Sighting> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

#[cfg(any(feature = "router", feature = "durable"))]
pub use gate::{Gate, NotStarted};

/// The gate needs the Tokio runtime the router and the durable engines
/// bring.
#[cfg(any(feature = "router", feature = "durable"))]
mod gate {
    use std::sync::Arc;
    use std::time::Duration;

    use tokio::sync::Semaphore;

    /// Holds handlers inside their run: a handler calls
    /// [`pass`](Self::pass), the test waits for it with
    /// [`started`](Self::started) and lets it go with [`open`](Self::open).
    /// The way to keep a worker busy while a queue behind it fills up, or a
    /// first delivery running while its copy arrives.
    #[derive(Debug, Clone)]
    pub struct Gate {
        started: Arc<Semaphore>,
        release: Arc<Semaphore>,
    }

    impl Default for Gate {
        fn default() -> Self {
            Self { started: Arc::new(Semaphore::new(0)), release: Arc::new(Semaphore::new(0)) }
        }
    }

    /// Handlers did not start within the time a test allowed them.
    #[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
    #[error("{count} handler(s) did not start within {limit:?}")]
    pub struct NotStarted {
        /// How many starts were awaited.
        pub count: u32,
        /// How long the test waited.
        pub limit: Duration,
    }

    impl Gate {
        /// Called by a handler: announces it started and waits to be let go.
        pub async fn pass(&self) {
            self.started.add_permits(1);
            // The semaphores are never closed, so acquiring cannot fail.
            if let Ok(permit) = self.release.acquire().await {
                permit.forget();
            }
        }

        /// Waits until `count` more handlers have started, however long
        /// that takes (a test on a paused clock must not time out).
        pub async fn started(&self, count: u32) {
            if let Ok(permits) = self.started.acquire_many(count).await {
                permits.forget();
            }
        }

        /// Waits until `count` more handlers have started, at most `limit`.
        pub async fn started_within(&self, count: u32, limit: Duration) -> Result<(), NotStarted> {
            match tokio::time::timeout(limit, self.started(count)).await {
                Ok(()) => Ok(()),
                Err(_) => Err(NotStarted { count, limit }),
            }
        }

        /// Lets `count` held handlers (present or future) finish.
        pub fn open(&self, count: usize) {
            self.release.add_permits(count);
        }

        /// How many handlers started that nobody waited for with
        /// [`started`](Self::started).
        pub fn unawaited_starts(&self) -> usize {
            self.started.available_permits()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::sample_body;

    #[test]
    fn run_count_numbers_runs_from_one_across_clones() {
        let runs = RunCount::default();
        let handler = runs.clone();
        assert_eq!((handler.bump(), handler.bump()), (1, 2));
        assert_eq!(runs.get(), 2);
    }

    #[test]
    fn logs_hand_out_what_was_recorded_once() {
        let log = TriggerLog::default();
        log.clone().record(Trigger::MessageSent);
        assert_eq!(log.take(), [Trigger::MessageSent]);
        assert!(log.take().is_empty());

        let sightings = Sightings::default();
        let event = Event::from_slice(sample_body(Trigger::MessageSent)).unwrap();
        assert_eq!(sightings.clone().record(&event), "message_sent");
        assert_eq!(sightings.take(), [Sighting::of(&event)]);
        assert!(sightings.take().is_empty());
    }

    #[cfg(feature = "router")]
    #[tokio::test]
    async fn a_gate_holds_a_handler_until_opened() {
        use std::time::Duration;

        let gate = Gate::default();
        let held = tokio::spawn({
            let gate = gate.clone();
            async move { gate.pass().await }
        });
        gate.started_within(1, Duration::from_secs(5)).await.unwrap();
        assert!(!held.is_finished());
        gate.open(1);
        held.await.unwrap();
        let none = gate.started_within(1, Duration::from_millis(10)).await;
        assert_eq!(none, Err(NotStarted { count: 1, limit: Duration::from_millis(10) }));
        assert_eq!(gate.unawaited_starts(), 0);
    }
}
