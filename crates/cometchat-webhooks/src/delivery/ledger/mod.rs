//! The queue and dedupe rules of the embedded engines, written once over
//! [`Tables`]: the memory engine runs them on maps under a mutex, the redb
//! engine inside a write transaction. Each operation checks before it
//! changes anything, so an operation refused for a logical reason (a stale
//! lease) leaves the tables untouched and can share a transaction with
//! others.

mod ops;
mod record;

pub(crate) use ops::*;
pub(crate) use record::{EventRecord, RecordState};

use bytes::Bytes;

use super::error::DeliveryError;

/// An index position: the ordering value first (a time or a sequence
/// number), then a tie-breaker.
pub(crate) type IndexKey = (u64, u64);

/// The ordered indexes over events (and dedupe records).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Index {
    /// Waiting events by arrival: `(seq, 0)`.
    Ready,
    /// Retries by due time: `(at_ms, seq)`.
    Scheduled,
    /// Claims by lease end: `(until_ms, token)`.
    Leases,
    /// Dead letters by time of death: `(at_ms, seq)`.
    Dead,
    /// Remembered keys by the end of their window: `(until_ms, seq)`, the
    /// value prefixed with [`SEEN_PREFIX`] or [`DEDUPE_PREFIX`].
    Expiries,
}

/// Counters kept next to the tables, so stats and the backlog check are
/// constant time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Counter {
    Waiting,
    InFlight,
    Scheduled,
    Dead,
    NextSeq,
    NextToken,
}

/// A key in the dedupe store: held by `token` until `until_ms`, or done
/// (`token == 0`) until `until_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DedupeRecord {
    pub(crate) token: u64,
    pub(crate) until_ms: u64,
}

/// Prefix of an [`Index::Expiries`] value naming a queue's accepted key.
pub(crate) const SEEN_PREFIX: char = 's';
/// Prefix of an [`Index::Expiries`] value naming a dedupe-store key.
pub(crate) const DEDUPE_PREFIX: char = 'd';

/// Storage the rules run on. Every method may fail only for storage
/// reasons.
pub(crate) trait Tables {
    fn event(&mut self, key: &str) -> Result<Option<EventRecord>, DeliveryError>;
    fn put_event(&mut self, key: &str, record: &EventRecord) -> Result<(), DeliveryError>;
    fn remove_event(&mut self, key: &str) -> Result<(), DeliveryError>;

    /// An event's body, stored once under its record's `body_id`.
    fn body(&mut self, id: u64) -> Result<Option<Bytes>, DeliveryError>;
    fn put_body(&mut self, id: u64, body: &Bytes) -> Result<(), DeliveryError>;
    fn remove_body(&mut self, id: u64) -> Result<(), DeliveryError>;

    fn index_insert(&mut self, index: Index, at: IndexKey, key: &str) -> Result<(), DeliveryError>;
    fn index_remove(&mut self, index: Index, at: IndexKey) -> Result<(), DeliveryError>;
    /// Up to `limit` entries in order whose first component is at most
    /// `max_first`.
    fn index_scan(
        &mut self,
        index: Index,
        max_first: u64,
        limit: usize,
    ) -> Result<Vec<(IndexKey, String)>, DeliveryError>;

    /// Until when a queue's accepted key counts as a duplicate.
    fn seen_until(&mut self, key: &str) -> Result<Option<u64>, DeliveryError>;
    fn set_seen_until(&mut self, key: &str, until_ms: Option<u64>) -> Result<(), DeliveryError>;

    fn dedupe(&mut self, key: &str) -> Result<Option<DedupeRecord>, DeliveryError>;
    fn set_dedupe(&mut self, key: &str, record: Option<DedupeRecord>) -> Result<(), DeliveryError>;

    fn counter(&mut self, counter: Counter) -> Result<u64, DeliveryError>;
    fn set_counter(&mut self, counter: Counter, value: u64) -> Result<(), DeliveryError>;
}
