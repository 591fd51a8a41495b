//! [`MemoryStore`]: the queue and dedupe store in this process's memory.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use bytes::Bytes;

use super::clock::{Clock, SystemClock, from_unix_millis, millis, unix_millis};
use super::config::QueueConfig;
use super::dedupe::{DedupeClaim, DedupeStore, DedupeToken};
use super::error::{DeliveryConfigError, DeliveryError};
use super::event::{
    ClaimedEvent, DeadLetter, EnqueueOutcome, EventDetails, FailOutcome, Lease, QueueStats,
    StoredEvent,
};
use super::ledger::{self, Counter, DedupeRecord, EventRecord, Index, IndexKey, Rules, Tables};
use super::queue::{EventQueue, StoreFuture};

/// The queue and dedupe store kept in memory: the same rules as the
/// durable engines (leases, fencing, attempts, retries, dead letters,
/// dedupe window, backlog bound), none of their durability. Everything is
/// lost when the process ends.
///
/// Use it in tests, and as the reference the durable engines are checked
/// against; for production, use a durable engine.
pub struct MemoryStore {
    rules: Rules,
    clock: Arc<dyn Clock>,
    tables: Mutex<MemoryTables>,
}

impl MemoryStore {
    /// An empty store with `config`, reading time from the system clock.
    pub fn new(config: &QueueConfig) -> Result<Self, DeliveryConfigError> {
        Self::with_clock(config, Arc::new(SystemClock))
    }

    /// An empty store reading time from `clock` (e.g. a
    /// [`ManualClock`](super::ManualClock) in tests).
    pub fn with_clock(
        config: &QueueConfig,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, DeliveryConfigError> {
        config.validate()?;
        Ok(Self { rules: Rules::new(config), clock, tables: Mutex::new(MemoryTables::default()) })
    }

    fn now_ms(&self) -> u64 {
        unix_millis(self.clock.now())
    }

    /// Runs `operation` on the tables. The rules check before they change
    /// anything, and memory tables cannot fail half-way, so a poisoned lock
    /// still guards consistent tables.
    fn run<T: Send + 'static>(
        &self,
        operation: impl FnOnce(&mut MemoryTables, Rules, u64) -> Result<T, DeliveryError>,
    ) -> StoreFuture<'_, T> {
        let now_ms = self.now_ms();
        let result = {
            let mut tables = self.tables.lock().unwrap_or_else(PoisonError::into_inner);
            operation(&mut tables, self.rules, now_ms)
        };
        Box::pin(std::future::ready(result))
    }
}

impl EventQueue for MemoryStore {
    fn enqueue<'a>(&'a self, event: &'a StoredEvent) -> StoreFuture<'a, EnqueueOutcome> {
        self.run(|tables, rules, now| ledger::enqueue(tables, rules, now, event))
    }

    fn claim(&self, lease: Duration) -> StoreFuture<'_, Option<ClaimedEvent>> {
        self.run(move |tables, rules, now| ledger::claim(tables, rules, now, millis(lease)))
    }

    fn claim_batch(&self, lease: Duration, max: usize) -> StoreFuture<'_, Vec<ClaimedEvent>> {
        self.run(move |tables, rules, now| {
            ledger::claim_batch(tables, rules, now, millis(lease), max)
        })
    }

    fn renew<'a>(&'a self, lease: &'a Lease, length: Duration) -> StoreFuture<'a, SystemTime> {
        self.run(move |tables, _, now| {
            ledger::renew(tables, now, lease, millis(length)).map(from_unix_millis)
        })
    }

    fn ack<'a>(&'a self, lease: &'a Lease) -> StoreFuture<'a, ()> {
        self.run(|tables, _, _| ledger::ack(tables, lease))
    }

    fn ack_batch<'a>(
        &'a self,
        leases: &'a [Lease],
    ) -> StoreFuture<'a, Vec<Result<(), DeliveryError>>> {
        self.run(|tables, _, _| ledger::ack_batch(tables, leases))
    }

    fn fail<'a>(
        &'a self,
        lease: &'a Lease,
        error: &'a str,
        retry_in: Duration,
    ) -> StoreFuture<'a, FailOutcome> {
        self.run(move |tables, rules, now| {
            ledger::fail(tables, rules, now, lease, error, millis(retry_in))
        })
    }

    fn stats(&self) -> StoreFuture<'_, QueueStats> {
        self.run(|tables, _, _| ledger::stats(tables))
    }

    fn dead_letters(&self, limit: usize) -> StoreFuture<'_, Vec<DeadLetter>> {
        self.run(move |tables, _, _| ledger::dead_letters(tables, limit))
    }

    fn show<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<EventDetails>> {
        self.run(|tables, _, _| ledger::show(tables, key))
    }

    fn redrive<'a>(&'a self, key: &'a str) -> StoreFuture<'a, bool> {
        self.run(|tables, _, _| ledger::redrive(tables, key))
    }

    fn redrive_all(&self) -> StoreFuture<'_, u64> {
        self.run(|tables, _, _| ledger::redrive_all(tables))
    }

    fn purge_dead(&self, older_than: Duration) -> StoreFuture<'_, u64> {
        self.run(move |tables, _, now| {
            ledger::purge_dead(tables, now.saturating_sub(millis(older_than)))
        })
    }
}

impl DedupeStore for MemoryStore {
    fn claim<'a>(&'a self, key: &'a str, lease: Duration) -> StoreFuture<'a, DedupeClaim> {
        self.run(move |tables, rules, now| {
            ledger::dedupe_claim(tables, rules, now, key, millis(lease))
        })
    }

    fn complete<'a>(&'a self, key: &'a str, token: DedupeToken) -> StoreFuture<'a, ()> {
        self.run(move |tables, rules, now| ledger::dedupe_complete(tables, rules, now, key, token))
    }

    fn release<'a>(&'a self, key: &'a str, token: DedupeToken) -> StoreFuture<'a, ()> {
        self.run(move |tables, _, _| ledger::dedupe_release(tables, key, token))
    }
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tables = self.tables.lock().unwrap_or_else(PoisonError::into_inner);
        formatter
            .debug_struct("MemoryStore")
            .field("rules", &self.rules)
            .field("events", &tables.events.len())
            .finish_non_exhaustive()
    }
}

/// [`Tables`] as maps.
#[derive(Default)]
struct MemoryTables {
    events: HashMap<String, EventRecord>,
    bodies: HashMap<u64, Bytes>,
    indexes: HashMap<Index, BTreeMap<IndexKey, String>>,
    seen: HashMap<String, u64>,
    dedupe: HashMap<String, DedupeRecord>,
    counters: HashMap<Counter, u64>,
}

impl Tables for MemoryTables {
    fn event(&mut self, key: &str) -> Result<Option<EventRecord>, DeliveryError> {
        Ok(self.events.get(key).cloned())
    }

    fn put_event(&mut self, key: &str, record: &EventRecord) -> Result<(), DeliveryError> {
        self.events.insert(key.to_owned(), record.clone());
        Ok(())
    }

    fn remove_event(&mut self, key: &str) -> Result<(), DeliveryError> {
        self.events.remove(key);
        Ok(())
    }

    fn body(&mut self, id: u64) -> Result<Option<Bytes>, DeliveryError> {
        Ok(self.bodies.get(&id).cloned())
    }

    fn put_body(&mut self, id: u64, body: &Bytes) -> Result<(), DeliveryError> {
        self.bodies.insert(id, body.clone());
        Ok(())
    }

    fn remove_body(&mut self, id: u64) -> Result<(), DeliveryError> {
        self.bodies.remove(&id);
        Ok(())
    }

    fn index_insert(&mut self, index: Index, at: IndexKey, key: &str) -> Result<(), DeliveryError> {
        self.indexes.entry(index).or_default().insert(at, key.to_owned());
        Ok(())
    }

    fn index_remove(&mut self, index: Index, at: IndexKey) -> Result<(), DeliveryError> {
        if let Some(entries) = self.indexes.get_mut(&index) {
            entries.remove(&at);
        }
        Ok(())
    }

    fn index_scan(
        &mut self,
        index: Index,
        max_first: u64,
        limit: usize,
    ) -> Result<Vec<(IndexKey, String)>, DeliveryError> {
        let Some(entries) = self.indexes.get(&index) else { return Ok(Vec::new()) };
        Ok(entries
            .range(..=(max_first, u64::MAX))
            .take(limit)
            .map(|(at, key)| (*at, key.clone()))
            .collect())
    }

    fn seen_until(&mut self, key: &str) -> Result<Option<u64>, DeliveryError> {
        Ok(self.seen.get(key).copied())
    }

    fn set_seen_until(&mut self, key: &str, until_ms: Option<u64>) -> Result<(), DeliveryError> {
        match until_ms {
            Some(until) => self.seen.insert(key.to_owned(), until),
            None => self.seen.remove(key),
        };
        Ok(())
    }

    fn dedupe(&mut self, key: &str) -> Result<Option<DedupeRecord>, DeliveryError> {
        Ok(self.dedupe.get(key).copied())
    }

    fn set_dedupe(&mut self, key: &str, record: Option<DedupeRecord>) -> Result<(), DeliveryError> {
        match record {
            Some(record) => self.dedupe.insert(key.to_owned(), record),
            None => self.dedupe.remove(key),
        };
        Ok(())
    }

    fn counter(&mut self, counter: Counter) -> Result<u64, DeliveryError> {
        Ok(self.counters.get(&counter).copied().unwrap_or(0))
    }

    fn set_counter(&mut self, counter: Counter, value: u64) -> Result<(), DeliveryError> {
        self.counters.insert(counter, value);
        Ok(())
    }
}
