//! [`MemoryDeduper`]: de-duplication within one process, bounded in time
//! and in memory.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;

use super::{Claim, DedupeFuture, Deduper};
use crate::idempotency::IdempotencyKey;

/// Remembers completed deliveries in memory for a while.
///
/// - A completed key is remembered for [`ttl`](Self::with_ttl) (default 5
///   minutes: CometChat retries a failed delivery after 10 s and again after
///   30 s), and at most [`max_entries`](Self::with_max_entries) keys are
///   remembered (default 100 000), the oldest forgotten first. Each costs its
///   key's text plus a few dozen bytes.
/// - A second copy that arrives while the first is running waits up to
///   [`in_flight_wait`](Self::with_in_flight_wait) (default 1 s, inside
///   CometChat's 2-second answer window) for the first to settle: it is then
///   a duplicate if the first succeeded, or runs the handler itself if the
///   first failed. If the first is still running it gets
///   [`Claim::InFlight`], answered 503 so CometChat tries again later.
///
/// Only one process sees these records; run a [`Deduper`] over a shared
/// store to de-duplicate across instances.
pub struct MemoryDeduper {
    ttl: Duration,
    max_entries: usize,
    in_flight_wait: Duration,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    entries: HashMap<Arc<IdempotencyKey>, Entry>,
    /// Completed keys, oldest first: what expires or is evicted first.
    completed: VecDeque<(Instant, Arc<IdempotencyKey>)>,
}

enum Entry {
    /// Dropping the sender, on completion or release, wakes every waiting
    /// copy at once, including one that subscribed just before.
    InFlight(watch::Sender<()>),
    Done,
}

enum Attempt {
    Settled(Claim),
    Wait(watch::Receiver<()>),
}

impl MemoryDeduper {
    /// How long a completed key is remembered by default.
    pub const DEFAULT_TTL: Duration = Duration::from_secs(5 * 60);
    /// How many completed keys are remembered by default.
    pub const DEFAULT_MAX_ENTRIES: usize = 100_000;
    /// How long a second copy waits for a running first by default.
    pub const DEFAULT_IN_FLIGHT_WAIT: Duration = Duration::from_secs(1);

    /// A deduper with the default bounds.
    pub fn new() -> Self {
        Self {
            ttl: Self::DEFAULT_TTL,
            max_entries: Self::DEFAULT_MAX_ENTRIES,
            in_flight_wait: Self::DEFAULT_IN_FLIGHT_WAIT,
            state: Mutex::new(State::default()),
        }
    }

    /// Sets how long a completed key is remembered.
    pub fn with_ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// Sets how many completed keys are remembered (at least one).
    pub fn with_max_entries(mut self, max_entries: usize) -> Self {
        self.max_entries = max_entries.max(1);
        self
    }

    /// Sets how long a second copy waits for a running first to settle.
    pub fn with_in_flight_wait(mut self, wait: Duration) -> Self {
        self.in_flight_wait = wait;
        self
    }

    /// How long a completed key is remembered.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// How many completed keys are remembered at most.
    pub fn max_entries(&self) -> usize {
        self.max_entries
    }

    /// How many completed keys are remembered now.
    pub fn len(&self) -> usize {
        let mut state = self.lock();
        state.forget_old(Instant::now(), self.ttl, self.max_entries);
        state.completed.len()
    }

    /// Whether no completed key is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state stays consistent between statements, so a panic
        // elsewhere while holding the lock leaves nothing half-done.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn try_claim(&self, key: &IdempotencyKey) -> Attempt {
        let mut state = self.lock();
        state.forget_old(Instant::now(), self.ttl, self.max_entries);
        match state.entries.get(key) {
            Some(Entry::Done) => Attempt::Settled(Claim::Done),
            Some(Entry::InFlight(holder)) => Attempt::Wait(holder.subscribe()),
            None => {
                let (holder, _) = watch::channel(());
                state.entries.insert(Arc::new(key.clone()), Entry::InFlight(holder));
                Attempt::Settled(Claim::Acquired)
            }
        }
    }
}

impl State {
    /// Forgets completed keys past the TTL, then the oldest beyond the bound.
    fn forget_old(&mut self, now: Instant, ttl: Duration, max_entries: usize) {
        while let Some((completed_at, _)) = self.completed.front() {
            let expired = now.saturating_duration_since(*completed_at) >= ttl;
            if !expired && self.completed.len() <= max_entries {
                break;
            }
            if let Some((_, key)) = self.completed.pop_front() {
                self.entries.remove(&*key);
            }
        }
    }
}

impl Deduper for MemoryDeduper {
    fn claim<'a>(&'a self, key: &'a IdempotencyKey) -> DedupeFuture<'a, Claim> {
        Box::pin(async move {
            let deadline = Instant::now() + self.in_flight_wait;
            loop {
                let mut holder_settled = match self.try_claim(key) {
                    Attempt::Settled(claim) => return claim,
                    Attempt::Wait(receiver) => receiver,
                };
                // Nothing is ever sent: this resolves when the holder's
                // sender is dropped, then the loop looks again.
                let wait = tokio::time::timeout_at(deadline, holder_settled.changed());
                if wait.await.is_err() {
                    return Claim::InFlight;
                }
            }
        })
    }

    fn complete<'a>(&'a self, key: &'a IdempotencyKey) -> DedupeFuture<'a, ()> {
        Box::pin(async move {
            let now = Instant::now();
            let mut state = self.lock();
            let key = Arc::new(key.clone());
            if let Some(Entry::Done) = state.entries.insert(Arc::clone(&key), Entry::Done) {
                return;
            }
            state.completed.push_back((now, key));
            state.forget_old(now, self.ttl, self.max_entries);
        })
    }

    fn release<'a>(&'a self, key: &'a IdempotencyKey) -> DedupeFuture<'a, ()> {
        Box::pin(async move {
            let mut state = self.lock();
            if let Some(Entry::InFlight(_)) = state.entries.get(key) {
                state.entries.remove(key);
            }
        })
    }
}

impl Default for MemoryDeduper {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for MemoryDeduper {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("MemoryDeduper")
            .field("ttl", &self.ttl)
            .field("max_entries", &self.max_entries)
            .field("in_flight_wait", &self.in_flight_wait)
            .field("remembered", &self.lock().completed.len())
            .finish()
    }
}
