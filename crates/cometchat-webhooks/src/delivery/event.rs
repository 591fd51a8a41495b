//! What a store keeps and hands out: events, leases, outcomes and the
//! operator's views.

use std::fmt;
use std::time::SystemTime;

use bytes::Bytes;

/// An event as received: its idempotency key, trigger and exact body.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredEvent {
    /// The key duplicates share (see `IdempotencyKey`).
    pub idempotency_key: String,
    /// The trigger name, e.g. `message_sent`.
    pub trigger: String,
    /// The body, byte for byte as received.
    pub body: Bytes,
    /// When the receiver accepted it.
    pub received_at: SystemTime,
}

impl StoredEvent {
    /// An event received now.
    pub fn new(
        idempotency_key: impl Into<String>,
        trigger: impl Into<String>,
        body: Bytes,
    ) -> Self {
        Self {
            idempotency_key: idempotency_key.into(),
            trigger: trigger.into(),
            body,
            received_at: SystemTime::now(),
        }
    }

    /// Sets when the event was received.
    pub fn received_at(mut self, received_at: SystemTime) -> Self {
        self.received_at = received_at;
        self
    }
}

impl fmt::Debug for StoredEvent {
    // The body can hold personal data: show its size, not its content.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("StoredEvent")
            .field("idempotency_key", &self.idempotency_key)
            .field("trigger", &self.trigger)
            .field("body_len", &self.body.len())
            .field("received_at", &self.received_at)
            .finish()
    }
}

/// What [`EventQueue::enqueue`](super::EventQueue::enqueue) did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EnqueueOutcome {
    /// The event is stored durably (as durable as the engine is) and will
    /// be handed to a worker: answer 200.
    Stored,
    /// An event with the same idempotency key is stored, or was accepted
    /// within the dedupe window: answer 200, nothing new was stored.
    Duplicate,
    /// The backlog is at its bound; nothing was stored: answer 503.
    BacklogFull,
}

/// The right to work on a claimed event, and the proof of it.
///
/// Every claim gets a new fencing token, larger than any before it in the
/// same store. Renew, ack and fail present it; once the event was claimed
/// again (after the lease expired) or settled, the old token is refused
/// with [`DeliveryError::StaleLease`](super::DeliveryError::StaleLease).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Lease {
    key: String,
    token: u64,
    /// Where the engine finds the claim (the Redis stream entry id); empty
    /// for engines that need nothing more than the key.
    locator: String,
}

impl Lease {
    pub(crate) fn new(key: String, token: u64, locator: String) -> Self {
        Self { key, token, locator }
    }

    /// The idempotency key of the leased event.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The fencing token of this claim.
    pub fn fencing_token(&self) -> u64 {
        self.token
    }

    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    pub(crate) fn locator(&self) -> &str {
        &self.locator
    }
}

/// An event handed to a worker by [`EventQueue::claim`](super::EventQueue::claim).
#[derive(Debug, Clone)]
pub struct ClaimedEvent {
    /// The event.
    pub event: StoredEvent,
    /// Which claim this is, from 1; counted when claimed, so a worker that
    /// dies while handling still uses up an attempt.
    pub attempt: u32,
    /// The lease to renew, ack or fail with.
    pub lease: Lease,
    /// When the lease ends unless renewed (by the store's clock).
    pub lease_expires_at: SystemTime,
}

/// What [`EventQueue::ack_and_claim`](super::EventQueue::ack_and_claim)
/// did: a worker's turn between two batches.
#[derive(Debug)]
pub struct WorkerTurn {
    /// One result per lease handed in, in order, as
    /// [`EventQueue::ack_batch`](super::EventQueue::ack_batch) gives them.
    pub acked: Vec<Result<(), super::DeliveryError>>,
    /// The next batch, as [`EventQueue::claim_batch`](super::EventQueue::claim_batch)
    /// gives it.
    pub claimed: Vec<ClaimedEvent>,
}

/// What [`EventQueue::fail`](super::EventQueue::fail) did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FailOutcome {
    /// The event will be claimable again from this time.
    RetryScheduled {
        /// When the retry is due (by the store's clock).
        at: SystemTime,
    },
    /// That was the last attempt: the event is now a dead letter.
    DeadLettered,
}

/// Where a stored event stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EventState {
    /// Waiting for a worker.
    Waiting,
    /// Claimed by a worker.
    InFlight {
        /// When the lease ends unless renewed.
        lease_expires_at: SystemTime,
    },
    /// Failed, waiting for its retry time.
    Scheduled {
        /// When the retry is due.
        retry_at: SystemTime,
    },
    /// Out of attempts; kept for an operator.
    Dead {
        /// When it was dead-lettered.
        since: SystemTime,
    },
}

/// Everything a store knows about one event, for
/// [`EventQueue::show`](super::EventQueue::show).
#[derive(Debug, Clone)]
pub struct EventDetails {
    /// The event, with its body.
    pub event: StoredEvent,
    /// Where it stands.
    pub state: EventState,
    /// How many times it was claimed.
    pub attempts: u32,
    /// The last failure a worker reported (or the lease expiry noted when
    /// a worker vanished).
    pub last_error: Option<String>,
}

/// A dead letter in a listing, without its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadLetter {
    /// The idempotency key.
    pub idempotency_key: String,
    /// The trigger name.
    pub trigger: String,
    /// How many times it was claimed.
    pub attempts: u32,
    /// The last failure.
    pub last_error: Option<String>,
    /// When it was received.
    pub received_at: SystemTime,
    /// When it was dead-lettered.
    pub dead_since: SystemTime,
}

/// How many events a store holds, by state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct QueueStats {
    /// Waiting for a worker.
    pub waiting: u64,
    /// Claimed by a worker (including leases that expired and were not yet
    /// claimed again).
    pub in_flight: u64,
    /// Failed, waiting for their retry time.
    pub scheduled_retries: u64,
    /// Dead letters.
    pub dead: u64,
}

impl QueueStats {
    /// The events that still count against the backlog bound.
    pub fn live(&self) -> u64 {
        self.waiting + self.in_flight + self.scheduled_retries
    }
}
