//! The operations of the queue and the dedupe store over [`Tables`].

use bytes::Bytes;

use super::{
    Counter, DEDUPE_PREFIX, DedupeRecord, EventRecord, Index, IndexKey, RecordState, SEEN_PREFIX,
    Tables,
};
use crate::delivery::clock::from_unix_millis;
use crate::delivery::config::QueueConfig;
use crate::delivery::dedupe::{DedupeClaim, DedupeToken};
use crate::delivery::error::DeliveryError;
use crate::delivery::event::{
    ClaimedEvent, DeadLetter, EnqueueOutcome, EventDetails, FailOutcome, Lease, QueueStats,
    StoredEvent,
};

type Result<T> = std::result::Result<T, DeliveryError>;

/// How many expired remembered keys one write forgets at most, so the
/// cost of forgetting is spread over writes.
const FORGET_PER_WRITE: usize = 32;

/// The last error noted when an event is claimed again because its lease
/// ran out: its worker stopped, crashed or hung.
pub(crate) const LEASE_EXPIRED: &str = "lease expired before the worker reported an outcome";

/// The settings the rules apply, taken from [`QueueConfig`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rules {
    pub(crate) max_attempts: u32,
    pub(crate) backlog_limit: u64,
    pub(crate) dedupe_window_ms: u64,
}

impl Rules {
    pub(crate) fn new(config: &QueueConfig) -> Self {
        Self {
            max_attempts: config.max_attempts(),
            backlog_limit: config.backlog_limit(),
            dedupe_window_ms: crate::delivery::clock::millis(config.dedupe_window()),
        }
    }
}

pub(crate) fn enqueue(
    tables: &mut impl Tables,
    rules: Rules,
    now_ms: u64,
    event: &StoredEvent,
) -> Result<EnqueueOutcome> {
    forget_expired(tables, now_ms)?;
    let key = event.idempotency_key.as_str();
    if tables.event(key)?.is_some() {
        return Ok(EnqueueOutcome::Duplicate);
    }
    if tables.seen_until(key)?.is_some_and(|until| until > now_ms) {
        return Ok(EnqueueOutcome::Duplicate);
    }
    if stats(tables)?.live() >= rules.backlog_limit {
        return Ok(EnqueueOutcome::BacklogFull);
    }
    let seq = next(tables, Counter::NextSeq)?;
    let record = EventRecord {
        trigger: event.trigger.clone(),
        received_ms: crate::delivery::clock::unix_millis(event.received_at),
        attempts: 0,
        state: RecordState::Waiting { seq },
        last_error: None,
        body_id: seq,
    };
    tables.put_body(seq, &event.body)?;
    enter_state(tables, key, &record)?;
    tables.put_event(key, &record)?;
    let until = now_ms.saturating_add(rules.dedupe_window_ms);
    tables.set_seen_until(key, Some(until))?;
    tables.index_insert(Index::Expiries, (until, seq), &format!("{SEEN_PREFIX}{key}"))?;
    Ok(EnqueueOutcome::Stored)
}

pub(crate) fn claim(
    tables: &mut impl Tables,
    rules: Rules,
    now_ms: u64,
    lease_ms: u64,
) -> Result<Option<ClaimedEvent>> {
    Ok(claim_batch(tables, rules, now_ms, lease_ms, 1)?.pop())
}

/// Up to `max` claims in one transaction, in the order single claims
/// would make them.
pub(crate) fn claim_batch(
    tables: &mut impl Tables,
    rules: Rules,
    now_ms: u64,
    lease_ms: u64,
    max: usize,
) -> Result<Vec<ClaimedEvent>> {
    let mut claimed = Vec::new();
    while claimed.len() < max {
        let candidates = claimable(tables, now_ms, max - claimed.len())?;
        if candidates.is_empty() {
            break;
        }
        // A candidate that dead-letters takes no place: look again.
        for (key, record, expired_lease) in candidates {
            if let Some(event) =
                claim_one(tables, rules, now_ms, lease_ms, key, record, expired_lease)?
            {
                claimed.push(event);
            }
        }
    }
    Ok(claimed)
}

/// Claims one candidate, or dead-letters it when it was claimed as often
/// as allowed without an outcome.
fn claim_one(
    tables: &mut impl Tables,
    rules: Rules,
    now_ms: u64,
    lease_ms: u64,
    key: String,
    mut record: EventRecord,
    expired_lease: bool,
) -> Result<Option<ClaimedEvent>> {
    leave_state(tables, &record)?;
    record.attempts = record.attempts.saturating_add(1);
    if expired_lease {
        record.last_error = Some(LEASE_EXPIRED.to_owned());
    }
    if record.attempts > rules.max_attempts {
        // Each earlier claim's worker vanished (crashed on this event,
        // perhaps).
        record.attempts = rules.max_attempts;
        let seq = next(tables, Counter::NextSeq)?;
        record.state = RecordState::Dead { at_ms: now_ms, seq };
        enter_state(tables, &key, &record)?;
        tables.put_event(&key, &record)?;
        return Ok(None);
    }
    let token = next(tables, Counter::NextToken)?;
    let until_ms = now_ms.saturating_add(lease_ms);
    record.state = RecordState::InFlight { token, until_ms };
    enter_state(tables, &key, &record)?;
    tables.put_event(&key, &record)?;
    let body = body_of(tables, &key, &record)?;
    Ok(Some(ClaimedEvent {
        event: record.event(&key, body),
        attempt: record.attempts,
        lease: Lease::new(key, token, String::new()),
        lease_expires_at: from_unix_millis(until_ms),
    }))
}

/// Up to `limit` claimable events in claim order: expired leases first
/// (their workers are gone), then due retries, then the oldest waiting.
fn claimable(
    tables: &mut impl Tables,
    now_ms: u64,
    limit: usize,
) -> Result<Vec<(String, EventRecord, bool)>> {
    let sources = [(Index::Leases, now_ms), (Index::Scheduled, now_ms), (Index::Ready, u64::MAX)];
    let mut found = Vec::new();
    for (index, max_first) in sources {
        if found.len() >= limit {
            break;
        }
        for (at, key) in tables.index_scan(index, max_first, limit - found.len())? {
            let Some(record) = tables.event(&key)? else {
                return Err(DeliveryError::Corrupt {
                    reason: format!("index entry {at:?} names `{key}`, which is not stored"),
                });
            };
            found.push((key, record, index == Index::Leases));
        }
    }
    Ok(found)
}

/// The body stored for `record`.
fn body_of(tables: &mut impl Tables, key: &str, record: &EventRecord) -> Result<Bytes> {
    tables.body(record.body_id)?.ok_or_else(|| DeliveryError::Corrupt {
        reason: format!("the body of `{key}` (id {}) is not stored", record.body_id),
    })
}

/// An event with its body and where it stands, for the operator.
pub(crate) fn show(tables: &mut impl Tables, key: &str) -> Result<Option<EventDetails>> {
    let Some(record) = tables.event(key)? else { return Ok(None) };
    let body = body_of(tables, key, &record)?;
    Ok(Some(record.details(key, body)))
}

pub(crate) fn renew(
    tables: &mut impl Tables,
    now_ms: u64,
    lease: &Lease,
    lease_ms: u64,
) -> Result<u64> {
    let mut record = held(tables, lease)?;
    leave_state(tables, &record)?;
    let until_ms = now_ms.saturating_add(lease_ms);
    record.state = RecordState::InFlight { token: lease.fencing_token(), until_ms };
    enter_state(tables, lease.key(), &record)?;
    tables.put_event(lease.key(), &record)?;
    Ok(until_ms)
}

pub(crate) fn ack(tables: &mut impl Tables, lease: &Lease) -> Result<()> {
    let record = held(tables, lease)?;
    leave_state(tables, &record)?;
    tables.remove_event(lease.key())?;
    tables.remove_body(record.body_id)
}

/// Acks each lease in one transaction; a stale lease is refused on its
/// own (it changes nothing), the others are acked.
pub(crate) fn ack_batch(tables: &mut impl Tables, leases: &[Lease]) -> Result<Vec<Result<()>>> {
    let mut results = Vec::with_capacity(leases.len());
    for lease in leases {
        match ack(tables, lease) {
            Err(error @ DeliveryError::StaleLease { .. }) => results.push(Err(error)),
            Err(error) => return Err(error),
            Ok(()) => results.push(Ok(())),
        }
    }
    Ok(results)
}

pub(crate) fn fail(
    tables: &mut impl Tables,
    rules: Rules,
    now_ms: u64,
    lease: &Lease,
    error: &str,
    retry_in_ms: u64,
) -> Result<FailOutcome> {
    let mut record = held(tables, lease)?;
    leave_state(tables, &record)?;
    record.last_error = Some(error.to_owned());
    let seq = next(tables, Counter::NextSeq)?;
    let outcome = if record.attempts >= rules.max_attempts {
        record.state = RecordState::Dead { at_ms: now_ms, seq };
        FailOutcome::DeadLettered
    } else {
        let at_ms = now_ms.saturating_add(retry_in_ms);
        record.state = RecordState::Scheduled { at_ms, seq };
        FailOutcome::RetryScheduled { at: from_unix_millis(at_ms) }
    };
    enter_state(tables, lease.key(), &record)?;
    tables.put_event(lease.key(), &record)?;
    Ok(outcome)
}

/// The record `lease` still holds, or [`DeliveryError::StaleLease`].
fn held(tables: &mut impl Tables, lease: &Lease) -> Result<EventRecord> {
    let record = tables.event(lease.key())?;
    match record {
        Some(record)
            if matches!(record.state,
                RecordState::InFlight { token, .. } if token == lease.fencing_token()) =>
        {
            Ok(record)
        }
        _ => Err(DeliveryError::StaleLease {
            key: lease.key().to_owned(),
            token: lease.fencing_token(),
        }),
    }
}

pub(crate) fn stats(tables: &mut impl Tables) -> Result<QueueStats> {
    Ok(QueueStats {
        waiting: tables.counter(Counter::Waiting)?,
        in_flight: tables.counter(Counter::InFlight)?,
        scheduled_retries: tables.counter(Counter::Scheduled)?,
        dead: tables.counter(Counter::Dead)?,
    })
}

pub(crate) fn dead_letters(tables: &mut impl Tables, limit: usize) -> Result<Vec<DeadLetter>> {
    let mut letters = Vec::new();
    for (_, key) in tables.index_scan(Index::Dead, u64::MAX, limit)? {
        let Some(record) = tables.event(&key)? else { continue };
        let RecordState::Dead { at_ms, .. } = record.state else { continue };
        letters.push(DeadLetter {
            trigger: record.trigger.clone(),
            attempts: record.attempts,
            last_error: record.last_error.clone(),
            received_at: from_unix_millis(record.received_ms),
            dead_since: from_unix_millis(at_ms),
            idempotency_key: key,
        });
    }
    Ok(letters)
}

pub(crate) fn redrive(tables: &mut impl Tables, key: &str) -> Result<bool> {
    let Some(mut record) = tables.event(key)? else { return Ok(false) };
    if !matches!(record.state, RecordState::Dead { .. }) {
        return Ok(false);
    }
    leave_state(tables, &record)?;
    record.attempts = 0;
    record.state = RecordState::Waiting { seq: next(tables, Counter::NextSeq)? };
    enter_state(tables, key, &record)?;
    tables.put_event(key, &record)?;
    Ok(true)
}

pub(crate) fn redrive_all(tables: &mut impl Tables) -> Result<u64> {
    let mut count = 0;
    for (_, key) in tables.index_scan(Index::Dead, u64::MAX, usize::MAX)? {
        if redrive(tables, &key)? {
            count += 1;
        }
    }
    Ok(count)
}

/// Deletes dead letters that died at or before `cutoff_ms`.
pub(crate) fn purge_dead(tables: &mut impl Tables, cutoff_ms: u64) -> Result<u64> {
    let mut count = 0;
    for (_, key) in tables.index_scan(Index::Dead, cutoff_ms, usize::MAX)? {
        let Some(record) = tables.event(&key)? else { continue };
        leave_state(tables, &record)?;
        tables.remove_event(&key)?;
        tables.remove_body(record.body_id)?;
        count += 1;
    }
    Ok(count)
}

pub(crate) fn dedupe_claim(
    tables: &mut impl Tables,
    rules: Rules,
    now_ms: u64,
    key: &str,
    lease_ms: u64,
) -> Result<DedupeClaim> {
    forget_expired(tables, now_ms)?;
    match tables.dedupe(key)? {
        Some(record) if record.until_ms > now_ms && record.token == 0 => Ok(DedupeClaim::Done),
        Some(record) if record.until_ms > now_ms => Ok(DedupeClaim::InFlight),
        _ => {
            let token = next(tables, Counter::NextToken)?;
            let until_ms = now_ms.saturating_add(lease_ms);
            tables.set_dedupe(key, Some(DedupeRecord { token, until_ms }))?;
            // A holder that vanished leaves its record until a later claim
            // takes the key over, or for a window after its lease ended.
            let forget_at = until_ms.saturating_add(rules.dedupe_window_ms);
            let entry = format!("{DEDUPE_PREFIX}{key}");
            tables.index_insert(Index::Expiries, (forget_at, token), &entry)?;
            Ok(DedupeClaim::Acquired(DedupeToken(token)))
        }
    }
}

pub(crate) fn dedupe_complete(
    tables: &mut impl Tables,
    rules: Rules,
    now_ms: u64,
    key: &str,
    token: DedupeToken,
) -> Result<()> {
    dedupe_held(tables, key, token)?;
    let until_ms = now_ms.saturating_add(rules.dedupe_window_ms);
    tables.set_dedupe(key, Some(DedupeRecord { token: 0, until_ms }))?;
    let seq = next(tables, Counter::NextSeq)?;
    tables.index_insert(Index::Expiries, (until_ms, seq), &format!("{DEDUPE_PREFIX}{key}"))
}

pub(crate) fn dedupe_release(
    tables: &mut impl Tables,
    key: &str,
    token: DedupeToken,
) -> Result<()> {
    dedupe_held(tables, key, token)?;
    tables.set_dedupe(key, None)
}

/// A dedupe claim counts as held until someone else takes the key over,
/// like a queue lease.
fn dedupe_held(tables: &mut impl Tables, key: &str, token: DedupeToken) -> Result<()> {
    match tables.dedupe(key)? {
        Some(record) if record.token != 0 && record.token == token.0 => Ok(()),
        _ => Err(DeliveryError::StaleLease { key: key.to_owned(), token: token.0 }),
    }
}

/// Forgets a bounded number of remembered keys whose window ended.
fn forget_expired(tables: &mut impl Tables, now_ms: u64) -> Result<()> {
    for (at, entry) in tables.index_scan(Index::Expiries, now_ms, FORGET_PER_WRITE)? {
        tables.index_remove(Index::Expiries, at)?;
        // A key remembered again later has a later expiry: keep it.
        if let Some(key) = entry.strip_prefix(SEEN_PREFIX) {
            if tables.seen_until(key)?.is_some_and(|until| until <= now_ms) {
                tables.set_seen_until(key, None)?;
            }
        } else if let Some(key) = entry.strip_prefix(DEDUPE_PREFIX)
            && tables.dedupe(key)?.is_some_and(|record| record.until_ms <= now_ms)
        {
            tables.set_dedupe(key, None)?;
        }
    }
    Ok(())
}

/// Removes the index entry and count of the record's current state.
fn leave_state(tables: &mut impl Tables, record: &EventRecord) -> Result<()> {
    let (index, at, counter) = position(record.state);
    tables.index_remove(index, at)?;
    let count = tables.counter(counter)?;
    tables.set_counter(counter, count.saturating_sub(1))
}

/// Adds the index entry and count of the record's current state.
fn enter_state(tables: &mut impl Tables, key: &str, record: &EventRecord) -> Result<()> {
    let (index, at, counter) = position(record.state);
    tables.index_insert(index, at, key)?;
    let count = tables.counter(counter)?;
    tables.set_counter(counter, count + 1)
}

fn position(state: RecordState) -> (Index, IndexKey, Counter) {
    match state {
        RecordState::Waiting { seq } => (Index::Ready, (seq, 0), Counter::Waiting),
        RecordState::InFlight { token, until_ms } => {
            (Index::Leases, (until_ms, token), Counter::InFlight)
        }
        RecordState::Scheduled { at_ms, seq } => {
            (Index::Scheduled, (at_ms, seq), Counter::Scheduled)
        }
        RecordState::Dead { at_ms, seq } => (Index::Dead, (at_ms, seq), Counter::Dead),
    }
}

/// Takes the next number of a sequence (starting at 1).
fn next(tables: &mut impl Tables, counter: Counter) -> Result<u64> {
    let value = tables.counter(counter)? + 1;
    tables.set_counter(counter, value)?;
    Ok(value)
}
