//! [`MemoryDeduper`]: a [`DedupeStore`] in this process's memory, bounded
//! in time, in entries and in bytes.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;

use super::dedupe::{DedupeClaim, DedupeStore, DedupeToken};
use super::error::DeliveryError;
use super::future::StoreFuture;

/// Remembers handled deliveries in memory for a while: the
/// [`DedupeStore`] for one process, with no store to run.
///
/// - A completed key is remembered for [`ttl`](Self::with_ttl) (default 5
///   minutes: CometChat retries a failed delivery after 10 s and again after
///   30 s).
/// - Memory is bounded twice: at most
///   [`max_entries`](Self::with_max_entries) completed keys (default
///   100 000) and at most [`max_bytes`](Self::with_max_bytes) of remembered
///   keys (default 32 MiB), the oldest completed keys forgotten first. A
///   key costs its length plus about [`ENTRY_OVERHEAD`](Self::ENTRY_OVERHEAD)
///   bytes of bookkeeping; its text is stored once. With the router's keys
///   (components over 128 bytes are hashed, so a key is a few hundred
///   bytes at most) the defaults mean at most about 32 MiB, and typically
///   20 MiB for 100 000 keys of 80 bytes.
/// - A claim holds its key for the lease the caller gives; a holder that
///   never settles (its task was dropped) blocks the key only until then.
/// - A second copy that arrives while the first is held waits up to
///   [`in_flight_wait`](Self::with_in_flight_wait) (default 1 s, inside
///   CometChat's 2-second answer window) for the first to settle: it is
///   then [`Done`](DedupeClaim::Done) if the first completed, or acquires
///   the key itself if the first released it (or its lease ended). If the
///   first is still held it gets [`InFlight`](DedupeClaim::InFlight),
///   answered 503 so CometChat tries again later.
///
/// Only this process sees these records; to de-duplicate across
/// instances, give the router a shared [`DedupeStore`] (`RedisStore`).
// Not a `moka` cache, unlike the media URL cache: a held key must never be
// evicted (evicting it would let a second copy run while the first still
// runs), settling is fenced by a token, and waiters are woken when a key
// settles; moka evicts on its own schedule, by an approximate weight, and
// has no notion of a held entry.
pub struct MemoryDeduper {
    ttl: Duration,
    max_entries: usize,
    max_bytes: usize,
    in_flight_wait: Duration,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Every remembered key, held or done. The text is allocated once and
    /// shared with `completed`.
    entries: HashMap<Arc<str>, Entry>,
    /// Completed keys, oldest first: what expires or is evicted first.
    completed: VecDeque<(Instant, Arc<str>)>,
    /// The estimated memory of every entry, held or done.
    bytes: usize,
    last_token: u64,
}

enum Entry {
    /// Dropping `settled`, when the holder settles or its key is taken
    /// over, wakes every waiting copy at once.
    Held {
        token: u64,
        until: Instant,
        settled: watch::Sender<()>,
    },
    Done,
}

enum Attempt {
    Settled(DedupeClaim),
    /// Wait for the holder to settle, or for its lease to end.
    Wait(watch::Receiver<()>, Instant),
}

impl MemoryDeduper {
    /// How long a completed key is remembered by default.
    pub const DEFAULT_TTL: Duration = Duration::from_secs(5 * 60);
    /// How many completed keys are remembered by default.
    pub const DEFAULT_MAX_ENTRIES: usize = 100_000;
    /// How many bytes of keys are remembered by default (32 MiB).
    pub const DEFAULT_MAX_BYTES: usize = 32 * 1024 * 1024;
    /// How long a second copy waits for a running first by default.
    pub const DEFAULT_IN_FLIGHT_WAIT: Duration = Duration::from_secs(1);
    /// The bytes each remembered key is counted for besides its text: the
    /// shared string's header, its map slot and its place in the eviction
    /// order.
    pub const ENTRY_OVERHEAD: usize = 128;

    /// A deduper with the default bounds.
    pub fn new() -> Self {
        Self {
            ttl: Self::DEFAULT_TTL,
            max_entries: Self::DEFAULT_MAX_ENTRIES,
            max_bytes: Self::DEFAULT_MAX_BYTES,
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

    /// Sets how many bytes of keys are remembered, counted as each key's
    /// length plus [`ENTRY_OVERHEAD`](Self::ENTRY_OVERHEAD). The most
    /// recently completed key is always remembered, whatever its size.
    pub fn with_max_bytes(mut self, max_bytes: usize) -> Self {
        self.max_bytes = max_bytes;
        self
    }

    /// Sets how long a second copy waits for a running first to settle.
    /// The router gives a claim at most 1.5 s (its answer must reach
    /// CometChat within 2 s) and answers 503 after that.
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

    /// How many bytes of keys are remembered at most.
    pub fn max_bytes(&self) -> usize {
        self.max_bytes
    }

    /// How many completed keys are remembered now.
    pub fn len(&self) -> usize {
        let mut state = self.lock();
        self.forget_old(&mut state, Instant::now());
        state.completed.len()
    }

    /// Whether no completed key is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes the remembered keys (held or completed) are counted for
    /// now.
    pub fn bytes(&self) -> usize {
        let mut state = self.lock();
        self.forget_old(&mut state, Instant::now());
        state.bytes
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state stays consistent between statements, so a panic
        // elsewhere while holding the lock leaves nothing half-done.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Forgets completed keys past the TTL, then the oldest beyond either
    /// bound.
    fn forget_old(&self, state: &mut State, now: Instant) {
        while let Some((completed_at, _)) = state.completed.front() {
            let expired = now.saturating_duration_since(*completed_at) >= self.ttl;
            let over = state.completed.len() > self.max_entries
                || (state.bytes > self.max_bytes && state.completed.len() > 1);
            if !expired && !over {
                break;
            }
            let Some((_, key)) = state.completed.pop_front() else { break };
            if let Some(Entry::Done) = state.entries.get(&*key) {
                state.entries.remove(&*key);
                state.bytes = state.bytes.saturating_sub(cost(&key));
            }
        }
    }

    fn try_claim(&self, key: &str, lease: Duration) -> Attempt {
        let now = Instant::now();
        let mut state = self.lock();
        self.forget_old(&mut state, now);
        let token = state.last_token + 1;
        let held = || Entry::Held {
            token,
            until: now.checked_add(lease).unwrap_or(now + FAR_FUTURE),
            settled: watch::channel(()).0,
        };
        match state.entries.get_mut(key) {
            Some(Entry::Done) => return Attempt::Settled(DedupeClaim::Done),
            Some(Entry::Held { until, settled, .. }) if *until > now => {
                return Attempt::Wait(settled.subscribe(), *until);
            }
            // The holder's lease ended: take the key over. Replacing the
            // entry drops its sender, which wakes the copies waiting on it.
            Some(expired) => *expired = held(),
            None => {
                state.bytes = state.bytes.saturating_add(cost(key));
                state.entries.insert(Arc::from(key), held());
            }
        }
        state.last_token = token;
        Attempt::Settled(DedupeClaim::Acquired(DedupeToken(token)))
    }

    fn settle(&self, key: &str, token: DedupeToken, completed: bool) -> Result<(), DeliveryError> {
        let now = Instant::now();
        let mut state = self.lock();
        let shared_key = match state.entries.get_key_value(key) {
            // Like the stores' leases, a claim counts as held until someone
            // else takes the key over, even past its lease.
            Some((shared_key, Entry::Held { token: held, .. })) if *held == token.0 => {
                Arc::clone(shared_key)
            }
            _ => return Err(DeliveryError::StaleLease { key: key.to_owned(), token: token.0 }),
        };
        if completed {
            state.entries.insert(Arc::clone(&shared_key), Entry::Done);
            state.completed.push_back((now, shared_key));
            self.forget_old(&mut state, now);
        } else {
            state.entries.remove(key);
            state.bytes = state.bytes.saturating_sub(cost(key));
        }
        Ok(())
    }
}

/// A lease end for a lease too long to add to the clock.
const FAR_FUTURE: Duration = Duration::from_secs(100 * 365 * 24 * 60 * 60);

/// The bytes a remembered key is counted for.
fn cost(key: &str) -> usize {
    key.len().saturating_add(MemoryDeduper::ENTRY_OVERHEAD)
}

impl DedupeStore for MemoryDeduper {
    fn claim<'a>(&'a self, key: &'a str, lease: Duration) -> StoreFuture<'a, DedupeClaim> {
        Box::pin(async move {
            let started = Instant::now();
            let deadline = started.checked_add(self.in_flight_wait).unwrap_or(started + FAR_FUTURE);
            loop {
                let (mut holder_settled, lease_ends) = match self.try_claim(key, lease) {
                    Attempt::Settled(claim) => return Ok(claim),
                    Attempt::Wait(receiver, lease_ends) => (receiver, lease_ends),
                };
                // Nothing is ever sent: this resolves when the holder's
                // sender is dropped, then the loop looks again. A lease
                // that ends first is taken over by the next look.
                let wake = deadline.min(lease_ends);
                let waited = tokio::time::timeout_at(wake, holder_settled.changed()).await;
                if waited.is_err() && lease_ends > deadline {
                    return Ok(DedupeClaim::InFlight);
                }
            }
        })
    }

    fn complete<'a>(&'a self, key: &'a str, token: DedupeToken) -> StoreFuture<'a, ()> {
        Box::pin(std::future::ready(self.settle(key, token, true)))
    }

    fn release<'a>(&'a self, key: &'a str, token: DedupeToken) -> StoreFuture<'a, ()> {
        Box::pin(std::future::ready(self.settle(key, token, false)))
    }
}

impl Default for MemoryDeduper {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for MemoryDeduper {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        formatter
            .debug_struct("MemoryDeduper")
            .field("ttl", &self.ttl)
            .field("max_entries", &self.max_entries)
            .field("max_bytes", &self.max_bytes)
            .field("in_flight_wait", &self.in_flight_wait)
            .field("remembered", &state.completed.len())
            .field("bytes", &state.bytes)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEASE: Duration = Duration::from_secs(60);

    async fn acquire(deduper: &MemoryDeduper, key: &str) -> DedupeToken {
        match deduper.claim(key, LEASE).await {
            Ok(DedupeClaim::Acquired(token)) => token,
            other => panic!("expected to acquire {key}, got {other:?}"),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_key_is_stored_once_and_counted_with_its_overhead() {
        let deduper = MemoryDeduper::new();
        let key = "k".repeat(1000);
        let token = acquire(&deduper, &key).await;
        assert_eq!(deduper.bytes(), 1000 + MemoryDeduper::ENTRY_OVERHEAD);
        deduper.complete(&key, token).await.expect("held");
        // Completing does not copy the key again.
        assert_eq!(deduper.bytes(), 1000 + MemoryDeduper::ENTRY_OVERHEAD);
        assert_eq!(deduper.claim(&key, LEASE).await.expect("claims"), DedupeClaim::Done);
    }

    #[tokio::test(start_paused = true)]
    async fn the_oldest_completed_keys_go_first_beyond_the_byte_budget() {
        let per_key = 1000 + MemoryDeduper::ENTRY_OVERHEAD;
        let deduper = MemoryDeduper::new().with_max_bytes(3 * per_key);
        for index in 0..10 {
            let key = format!("{index}{}", "k".repeat(999));
            let token = acquire(&deduper, &key).await;
            deduper.complete(&key, token).await.expect("held");
            assert!(deduper.bytes() <= 3 * per_key, "over budget after {index}");
        }
        assert_eq!(deduper.len(), 3);
        let newest = format!("9{}", "k".repeat(999));
        assert_eq!(deduper.claim(&newest, LEASE).await.expect("claims"), DedupeClaim::Done);
        let oldest = format!("0{}", "k".repeat(999));
        assert!(matches!(deduper.claim(&oldest, LEASE).await, Ok(DedupeClaim::Acquired(_))));
    }

    #[tokio::test(start_paused = true)]
    async fn one_key_larger_than_the_budget_is_still_remembered() {
        let deduper = MemoryDeduper::new().with_max_bytes(10);
        let token = acquire(&deduper, "a-key-longer-than-ten-bytes").await;
        deduper.complete("a-key-longer-than-ten-bytes", token).await.expect("held");
        assert_eq!(deduper.len(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn released_keys_give_their_bytes_back() {
        let deduper = MemoryDeduper::new();
        let token = acquire(&deduper, "key").await;
        deduper.release("key", token).await.expect("held");
        assert_eq!(deduper.bytes(), 0);
        assert!(deduper.is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn a_lease_that_ended_is_taken_over_and_the_old_token_is_fenced() {
        let deduper = MemoryDeduper::new().with_in_flight_wait(Duration::ZERO);
        let first = match deduper.claim("key", Duration::from_secs(5)).await {
            Ok(DedupeClaim::Acquired(token)) => token,
            other => panic!("{other:?}"),
        };
        assert_eq!(deduper.claim("key", LEASE).await.expect("claims"), DedupeClaim::InFlight);
        // Still honoured past its lease while nobody took it over.
        tokio::time::advance(Duration::from_secs(6)).await;
        let second = acquire(&deduper, "key").await;
        assert!(second > first);
        assert!(matches!(
            deduper.complete("key", first).await,
            Err(DeliveryError::StaleLease { .. })
        ));
        assert!(matches!(
            deduper.release("key", first).await,
            Err(DeliveryError::StaleLease { .. })
        ));
        deduper.complete("key", second).await.expect("the new holder settles");
        assert_eq!(deduper.bytes(), 3 + MemoryDeduper::ENTRY_OVERHEAD);
    }

    #[tokio::test(start_paused = true)]
    async fn a_waiting_copy_takes_over_when_the_lease_ends_within_its_wait() {
        let deduper = MemoryDeduper::new();
        let _abandoned = match deduper.claim("key", Duration::from_millis(300)).await {
            Ok(DedupeClaim::Acquired(token)) => token,
            other => panic!("{other:?}"),
        };
        let started = Instant::now();
        let claim = deduper.claim("key", LEASE).await.expect("claims");
        assert!(matches!(claim, DedupeClaim::Acquired(_)));
        assert_eq!(started.elapsed(), Duration::from_millis(300));
    }
}
