//! [`Tables`] inside a redb write transaction.

use redb::{ReadableTable, Table, TableDefinition, WriteTransaction};

use crate::delivery::error::DeliveryError;
use crate::delivery::ledger::{Counter, DedupeRecord, EventRecord, Index, IndexKey, Tables};

const EVENTS: TableDefinition<'_, &str, &[u8]> = TableDefinition::new("events");
const READY: TableDefinition<'_, (u64, u64), &str> = TableDefinition::new("ready");
const SCHEDULED: TableDefinition<'_, (u64, u64), &str> = TableDefinition::new("scheduled");
const LEASES: TableDefinition<'_, (u64, u64), &str> = TableDefinition::new("leases");
const DEAD: TableDefinition<'_, (u64, u64), &str> = TableDefinition::new("dead");
const EXPIRIES: TableDefinition<'_, (u64, u64), &str> = TableDefinition::new("expiries");
const SEEN: TableDefinition<'_, &str, u64> = TableDefinition::new("seen");
const DEDUPE: TableDefinition<'_, &str, (u64, u64)> = TableDefinition::new("dedupe");
const COUNTERS: TableDefinition<'_, &str, u64> = TableDefinition::new("counters");

/// Every table of the store, opened in one write transaction.
pub(super) struct RedbTables<'txn> {
    events: Table<'txn, &'static str, &'static [u8]>,
    ready: Table<'txn, (u64, u64), &'static str>,
    scheduled: Table<'txn, (u64, u64), &'static str>,
    leases: Table<'txn, (u64, u64), &'static str>,
    dead: Table<'txn, (u64, u64), &'static str>,
    expiries: Table<'txn, (u64, u64), &'static str>,
    seen: Table<'txn, &'static str, u64>,
    dedupe: Table<'txn, &'static str, (u64, u64)>,
    counters: Table<'txn, &'static str, u64>,
}

impl<'txn> RedbTables<'txn> {
    /// Opens (creating on first use) every table.
    pub(super) fn open(txn: &'txn WriteTransaction) -> Result<Self, DeliveryError> {
        Ok(Self {
            events: txn.open_table(EVENTS).map_err(DeliveryError::storage)?,
            ready: txn.open_table(READY).map_err(DeliveryError::storage)?,
            scheduled: txn.open_table(SCHEDULED).map_err(DeliveryError::storage)?,
            leases: txn.open_table(LEASES).map_err(DeliveryError::storage)?,
            dead: txn.open_table(DEAD).map_err(DeliveryError::storage)?,
            expiries: txn.open_table(EXPIRIES).map_err(DeliveryError::storage)?,
            seen: txn.open_table(SEEN).map_err(DeliveryError::storage)?,
            dedupe: txn.open_table(DEDUPE).map_err(DeliveryError::storage)?,
            counters: txn.open_table(COUNTERS).map_err(DeliveryError::storage)?,
        })
    }

    fn index(&mut self, index: Index) -> &mut Table<'txn, (u64, u64), &'static str> {
        match index {
            Index::Ready => &mut self.ready,
            Index::Scheduled => &mut self.scheduled,
            Index::Leases => &mut self.leases,
            Index::Dead => &mut self.dead,
            Index::Expiries => &mut self.expiries,
        }
    }
}

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
        let stored = self.events.get(key).map_err(DeliveryError::storage)?;
        stored.map(|bytes| EventRecord::decode(bytes.value())).transpose()
    }

    fn put_event(&mut self, key: &str, record: &EventRecord) -> Result<(), DeliveryError> {
        let bytes = record.encode();
        self.events.insert(key, bytes.as_slice()).map_err(DeliveryError::storage)?;
        Ok(())
    }

    fn remove_event(&mut self, key: &str) -> Result<(), DeliveryError> {
        self.events.remove(key).map_err(DeliveryError::storage)?;
        Ok(())
    }

    fn index_insert(&mut self, index: Index, at: IndexKey, key: &str) -> Result<(), DeliveryError> {
        self.index(index).insert(at, key).map_err(DeliveryError::storage)?;
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
            entries.push((at.value(), key.value().to_owned()));
        }
        Ok(entries)
    }

    fn seen_until(&mut self, key: &str) -> Result<Option<u64>, DeliveryError> {
        let stored = self.seen.get(key).map_err(DeliveryError::storage)?;
        Ok(stored.map(|until| until.value()))
    }

    fn set_seen_until(&mut self, key: &str, until_ms: Option<u64>) -> Result<(), DeliveryError> {
        match until_ms {
            Some(until) => self.seen.insert(key, until).map(drop),
            None => self.seen.remove(key).map(drop),
        }
        .map_err(DeliveryError::storage)
    }

    fn dedupe(&mut self, key: &str) -> Result<Option<DedupeRecord>, DeliveryError> {
        let stored = self.dedupe.get(key).map_err(DeliveryError::storage)?;
        Ok(stored.map(|record| {
            let (token, until_ms) = record.value();
            DedupeRecord { token, until_ms }
        }))
    }

    fn set_dedupe(&mut self, key: &str, record: Option<DedupeRecord>) -> Result<(), DeliveryError> {
        match record {
            Some(record) => self.dedupe.insert(key, (record.token, record.until_ms)).map(drop),
            None => self.dedupe.remove(key).map(drop),
        }
        .map_err(DeliveryError::storage)
    }

    fn counter(&mut self, counter: Counter) -> Result<u64, DeliveryError> {
        let stored = self.counters.get(counter_name(counter)).map_err(DeliveryError::storage)?;
        Ok(stored.map_or(0, |value| value.value()))
    }

    fn set_counter(&mut self, counter: Counter, value: u64) -> Result<(), DeliveryError> {
        self.counters.insert(counter_name(counter), value).map_err(DeliveryError::storage)?;
        Ok(())
    }
}
