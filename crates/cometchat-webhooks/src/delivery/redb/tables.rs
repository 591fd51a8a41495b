//! [`Tables`] inside a redb write transaction.

use bytes::Bytes;
use redb::{Key, ReadableTable, Table, TableDefinition, TableError, Value, WriteTransaction};

use crate::delivery::error::DeliveryError;
use crate::delivery::ledger::{Counter, DedupeRecord, EventRecord, Index, IndexKey, Tables};

// Keys are stored as bytes, not `&str`: redb checks a `&str` for UTF-8 on
// every comparison of a lookup, and the byte order is the same.
const EVENTS: TableDefinition<'_, &[u8], &[u8]> = TableDefinition::new("events");
const BODIES: TableDefinition<'_, u64, &[u8]> = TableDefinition::new("bodies");
const READY: TableDefinition<'_, (u64, u64), &[u8]> = TableDefinition::new("ready");
const SCHEDULED: TableDefinition<'_, (u64, u64), &[u8]> = TableDefinition::new("scheduled");
const LEASES: TableDefinition<'_, (u64, u64), &[u8]> = TableDefinition::new("leases");
const DEAD: TableDefinition<'_, (u64, u64), &[u8]> = TableDefinition::new("dead");
const EXPIRIES: TableDefinition<'_, (u64, u64), &[u8]> = TableDefinition::new("expiries");
const SEEN: TableDefinition<'_, &[u8], u64> = TableDefinition::new("seen");
const DEDUPE: TableDefinition<'_, &[u8], (u64, u64)> = TableDefinition::new("dedupe");
const COUNTERS: TableDefinition<'_, &str, u64> = TableDefinition::new("counters");

type IndexTable<'txn> = Table<'txn, (u64, u64), &'static [u8]>;

/// Every table of the store, opened in one write transaction.
pub(super) struct RedbTables<'txn> {
    events: Table<'txn, &'static [u8], &'static [u8]>,
    bodies: Table<'txn, u64, &'static [u8]>,
    ready: IndexTable<'txn>,
    scheduled: IndexTable<'txn>,
    leases: IndexTable<'txn>,
    dead: IndexTable<'txn>,
    expiries: IndexTable<'txn>,
    seen: Table<'txn, &'static [u8], u64>,
    dedupe: Table<'txn, &'static [u8], (u64, u64)>,
    counters: Table<'txn, &'static str, u64>,
    /// The counters as the transaction sees them: each operation of a
    /// batch changes several, so each is read once and written once, by
    /// [`flush`](Self::flush).
    counter_values: [Option<CounterValue>; COUNTERS_LEN],
}

/// Opens (creating on first use) one table. A table of another key or
/// value type is a file written by another layout of the store (an
/// earlier version kept `&str` keys and the bodies inside the records):
/// the error says so, rather than only what redb found, and the file is
/// left as it was.
fn open_table<'txn, K: Key + 'static, V: Value + 'static>(
    txn: &'txn WriteTransaction,
    definition: TableDefinition<'_, K, V>,
) -> Result<Table<'txn, K, V>, DeliveryError> {
    txn.open_table(definition).map_err(|error| match error {
        TableError::TableTypeMismatch { .. }
        | TableError::TableIsMultimap(_)
        | TableError::TypeDefinitionChanged { .. } => DeliveryError::storage(format!(
            "it was written by an incompatible version of the store ({error})"
        )),
        other => DeliveryError::storage(other),
    })
}

/// A counter's value in the transaction, and whether it changed.
#[derive(Debug, Clone, Copy)]
struct CounterValue {
    value: u64,
    changed: bool,
}

impl<'txn> RedbTables<'txn> {
    /// Opens (creating on first use) every table.
    pub(super) fn open(txn: &'txn WriteTransaction) -> Result<Self, DeliveryError> {
        Ok(Self {
            events: open_table(txn, EVENTS)?,
            bodies: open_table(txn, BODIES)?,
            ready: open_table(txn, READY)?,
            scheduled: open_table(txn, SCHEDULED)?,
            leases: open_table(txn, LEASES)?,
            dead: open_table(txn, DEAD)?,
            expiries: open_table(txn, EXPIRIES)?,
            seen: open_table(txn, SEEN)?,
            dedupe: open_table(txn, DEDUPE)?,
            counters: open_table(txn, COUNTERS)?,
            counter_values: [None; COUNTERS_LEN],
        })
    }

    /// Writes the counters the transaction changed; the writer calls it
    /// once, before the commit.
    pub(super) fn flush(&mut self) -> Result<(), DeliveryError> {
        for counter in ALL_COUNTERS {
            if let Some(CounterValue { value, changed: true }) =
                self.counter_values[counter as usize]
            {
                self.counters
                    .insert(counter_name(counter), value)
                    .map_err(DeliveryError::storage)?;
                self.counter_values[counter as usize] =
                    Some(CounterValue { value, changed: false });
            }
        }
        Ok(())
    }

    fn index(&mut self, index: Index) -> &mut IndexTable<'txn> {
        match index {
            Index::Ready => &mut self.ready,
            Index::Scheduled => &mut self.scheduled,
            Index::Leases => &mut self.leases,
            Index::Dead => &mut self.dead,
            Index::Expiries => &mut self.expiries,
        }
    }
}

const ALL_COUNTERS: [Counter; COUNTERS_LEN] = [
    Counter::Waiting,
    Counter::InFlight,
    Counter::Scheduled,
    Counter::Dead,
    Counter::NextSeq,
    Counter::NextToken,
];
const COUNTERS_LEN: usize = 6;

fn counter_name(counter: Counter) -> &'static str {
    match counter {
        Counter::Waiting => "waiting",
        Counter::InFlight => "in_flight",
        Counter::Scheduled => "scheduled",
        Counter::Dead => "dead",
        Counter::NextSeq => "next_seq",
        Counter::NextToken => "next_token",
    }
}

impl Tables for RedbTables<'_> {
    fn event(&mut self, key: &str) -> Result<Option<EventRecord>, DeliveryError> {
        let stored = self.events.get(key.as_bytes()).map_err(DeliveryError::storage)?;
        stored.map(|bytes| EventRecord::decode(bytes.value())).transpose()
    }

    fn put_event(&mut self, key: &str, record: &EventRecord) -> Result<(), DeliveryError> {
        let bytes = record.encode();
        self.events.insert(key.as_bytes(), bytes.as_slice()).map_err(DeliveryError::storage)?;
        Ok(())
    }

    fn remove_event(&mut self, key: &str) -> Result<(), DeliveryError> {
        self.events.remove(key.as_bytes()).map_err(DeliveryError::storage)?;
        Ok(())
    }

    fn body(&mut self, id: u64) -> Result<Option<Bytes>, DeliveryError> {
        let stored = self.bodies.get(id).map_err(DeliveryError::storage)?;
        Ok(stored.map(|body| Bytes::copy_from_slice(body.value())))
    }

    fn put_body(&mut self, id: u64, body: &Bytes) -> Result<(), DeliveryError> {
        self.bodies.insert(id, body.as_ref()).map_err(DeliveryError::storage)?;
        Ok(())
    }

    fn remove_body(&mut self, id: u64) -> Result<(), DeliveryError> {
        self.bodies.remove(id).map_err(DeliveryError::storage)?;
        Ok(())
    }

    fn index_insert(&mut self, index: Index, at: IndexKey, key: &str) -> Result<(), DeliveryError> {
        self.index(index).insert(at, key.as_bytes()).map_err(DeliveryError::storage)?;
        Ok(())
    }

    fn index_remove(&mut self, index: Index, at: IndexKey) -> Result<(), DeliveryError> {
        self.index(index).remove(at).map_err(DeliveryError::storage)?;
        Ok(())
    }

    fn index_scan(
        &mut self,
        index: Index,
        max_first: u64,
        limit: usize,
    ) -> Result<Vec<(IndexKey, String)>, DeliveryError> {
        let range =
            self.index(index).range(..=(max_first, u64::MAX)).map_err(DeliveryError::storage)?;
        let mut entries = Vec::new();
        for entry in range.take(limit) {
            let (at, key) = entry.map_err(DeliveryError::storage)?;
            let key =
                String::from_utf8(key.value().to_vec()).map_err(|_| DeliveryError::Corrupt {
                    reason: format!("index entry {:?} is not UTF-8", at.value()),
                })?;
            entries.push((at.value(), key));
        }
        Ok(entries)
    }

    fn seen_until(&mut self, key: &str) -> Result<Option<u64>, DeliveryError> {
        let stored = self.seen.get(key.as_bytes()).map_err(DeliveryError::storage)?;
        Ok(stored.map(|until| until.value()))
    }

    fn set_seen_until(&mut self, key: &str, until_ms: Option<u64>) -> Result<(), DeliveryError> {
        match until_ms {
            Some(until) => self.seen.insert(key.as_bytes(), until).map(drop),
            None => self.seen.remove(key.as_bytes()).map(drop),
        }
        .map_err(DeliveryError::storage)
    }

    fn dedupe(&mut self, key: &str) -> Result<Option<DedupeRecord>, DeliveryError> {
        let stored = self.dedupe.get(key.as_bytes()).map_err(DeliveryError::storage)?;
        Ok(stored.map(|record| {
            let (token, until_ms) = record.value();
            DedupeRecord { token, until_ms }
        }))
    }

    fn set_dedupe(&mut self, key: &str, record: Option<DedupeRecord>) -> Result<(), DeliveryError> {
        match record {
            Some(record) => {
                self.dedupe.insert(key.as_bytes(), (record.token, record.until_ms)).map(drop)
            }
            None => self.dedupe.remove(key.as_bytes()).map(drop),
        }
        .map_err(DeliveryError::storage)
    }

    fn counter(&mut self, counter: Counter) -> Result<u64, DeliveryError> {
        if let Some(cached) = self.counter_values[counter as usize] {
            return Ok(cached.value);
        }
        let stored = self.counters.get(counter_name(counter)).map_err(DeliveryError::storage)?;
        let value = stored.map_or(0, |value| value.value());
        self.counter_values[counter as usize] = Some(CounterValue { value, changed: false });
        Ok(value)
    }

    fn set_counter(&mut self, counter: Counter, value: u64) -> Result<(), DeliveryError> {
        self.counter_values[counter as usize] = Some(CounterValue { value, changed: true });
        Ok(())
    }
}
