//! [`ShutdownReport`]: what a shutdown with a deadline left unfinished, and
//! the registry of running handlers it is drawn from.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

/// What [`WebhookRouter::shutdown`](super::WebhookRouter::shutdown) left
/// unfinished when its grace period ended.
///
/// In durable mode nothing in it is lost: an interrupted event is still
/// stored under its lease and is claimed again once the lease ends (by
/// this process after a restart, or by another instance). In background
/// mode both lists are acknowledged deliveries that will not be handled.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ShutdownReport {
    /// Handlers still running at the deadline; they were stopped.
    pub interrupted: Vec<UnfinishedDelivery>,
    /// Background mode: deliveries still waiting in the in-memory queue at
    /// the deadline, dropped without running.
    pub dropped: usize,
}

impl ShutdownReport {
    /// Whether every handler finished within the grace period.
    pub fn is_complete(&self) -> bool {
        self.interrupted.is_empty() && self.dropped == 0
    }
}

/// A delivery whose handler was still running at a shutdown's deadline.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct UnfinishedDelivery {
    /// The trigger name as sent.
    pub trigger: String,
    /// The idempotency key, when the router computed it.
    pub idempotency_key: Option<String>,
}

/// The handlers running right now, so a shutdown can say which ones it
/// interrupted.
#[derive(Debug, Default)]
pub(crate) struct Running {
    next: AtomicU64,
    entries: Mutex<HashMap<u64, UnfinishedDelivery>>,
}

impl Running {
    /// Records a handler as running until the guard is dropped.
    pub(crate) fn enter(&self, trigger: &str, key: Option<&str>) -> RunningGuard<'_> {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let entry = UnfinishedDelivery {
            trigger: trigger.to_owned(),
            idempotency_key: key.map(str::to_owned),
        };
        self.entries.lock().unwrap_or_else(PoisonError::into_inner).insert(id, entry);
        RunningGuard { running: self, id }
    }

    /// The handlers running now.
    pub(crate) fn snapshot(&self) -> Vec<UnfinishedDelivery> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.values().cloned().collect()
    }
}

/// Removes its handler from [`Running`] when it finishes or is dropped.
pub(crate) struct RunningGuard<'a> {
    running: &'a Running,
    id: u64,
}

impl Drop for RunningGuard<'_> {
    fn drop(&mut self) {
        let mut entries = self.running.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.remove(&self.id);
    }
}
