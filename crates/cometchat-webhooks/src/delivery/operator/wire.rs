//! What goes over an operator socket: one request line, one answer line,
//! both JSON. Times travel as Unix milliseconds; a body as text when it is
//! UTF-8 (as webhook bodies are), otherwise as its bytes.

use bytes::Bytes;
use serde::{Deserialize, Serialize};

use crate::delivery::clock::{from_unix_millis, unix_millis};
use crate::delivery::error::DeliveryError;
use crate::delivery::event::{DeadLetter, EventDetails, EventState, QueueStats, StoredEvent};

/// One operator request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub(super) enum Request {
    // Braced, so an unknown field is refused here too.
    Stats {},
    DeadLetters { limit: usize },
    Show { key: String },
    Redrive { key: String },
    RedriveAll {},
    PurgeDead { older_than_ms: u64 },
}

/// The answer to a request: its result, or why it failed.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub(super) enum Answer {
    Ok(serde_json::Value),
    Error(WireError),
}

/// A failed operation, with the kind the client rebuilds its error from.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WireError {
    pub(super) kind: ErrorKind,
    pub(super) message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum ErrorKind {
    /// The request could not be read.
    BadRequest,
    Timeout,
    Unavailable,
    Corrupt,
    Closed,
    Storage,
}

impl WireError {
    pub(super) fn bad_request(message: impl Into<String>) -> Self {
        Self { kind: ErrorKind::BadRequest, message: message.into() }
    }

    pub(super) fn from_delivery(error: &DeliveryError) -> Self {
        let kind = match error {
            DeliveryError::Timeout { .. } => ErrorKind::Timeout,
            DeliveryError::Unavailable { .. } => ErrorKind::Unavailable,
            DeliveryError::Corrupt { .. } => ErrorKind::Corrupt,
            DeliveryError::Closed => ErrorKind::Closed,
            _ => ErrorKind::Storage,
        };
        let message = match error {
            DeliveryError::Corrupt { reason } => reason.clone(),
            other => other.to_string(),
        };
        Self { kind, message }
    }

    /// The error a client reports: the server's, said as coming from it.
    pub(super) fn into_delivery(self) -> DeliveryError {
        let message = format!("the receiver answered: {}", self.message);
        match self.kind {
            ErrorKind::Corrupt => DeliveryError::Corrupt { reason: self.message },
            ErrorKind::Closed => DeliveryError::Closed,
            ErrorKind::Unavailable | ErrorKind::Timeout => {
                DeliveryError::Unavailable { source: message.into() }
            }
            ErrorKind::BadRequest | ErrorKind::Storage => {
                DeliveryError::Storage { source: message.into() }
            }
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WireStats {
    waiting: u64,
    in_flight: u64,
    scheduled_retries: u64,
    dead: u64,
}

impl From<QueueStats> for WireStats {
    fn from(stats: QueueStats) -> Self {
        Self {
            waiting: stats.waiting,
            in_flight: stats.in_flight,
            scheduled_retries: stats.scheduled_retries,
            dead: stats.dead,
        }
    }
}

impl From<WireStats> for QueueStats {
    fn from(wire: WireStats) -> Self {
        QueueStats {
            waiting: wire.waiting,
            in_flight: wire.in_flight,
            scheduled_retries: wire.scheduled_retries,
            dead: wire.dead,
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WireDeadLetter {
    key: String,
    trigger: String,
    attempts: u32,
    last_error: Option<String>,
    received_ms: u64,
    dead_since_ms: u64,
}

impl From<DeadLetter> for WireDeadLetter {
    fn from(dead: DeadLetter) -> Self {
        Self {
            key: dead.idempotency_key,
            trigger: dead.trigger,
            attempts: dead.attempts,
            last_error: dead.last_error,
            received_ms: unix_millis(dead.received_at),
            dead_since_ms: unix_millis(dead.dead_since),
        }
    }
}

impl From<WireDeadLetter> for DeadLetter {
    fn from(wire: WireDeadLetter) -> Self {
        DeadLetter {
            idempotency_key: wire.key,
            trigger: wire.trigger,
            attempts: wire.attempts,
            last_error: wire.last_error,
            received_at: from_unix_millis(wire.received_ms),
            dead_since: from_unix_millis(wire.dead_since_ms),
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case", deny_unknown_fields)]
enum WireState {
    Waiting,
    InFlight { lease_expires_ms: u64 },
    Scheduled { retry_ms: u64 },
    Dead { since_ms: u64 },
}

/// A body as text when it is UTF-8, otherwise as bytes.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum WireBody {
    Text(String),
    Bytes(Vec<u8>),
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WireDetails {
    key: String,
    trigger: String,
    body: WireBody,
    received_ms: u64,
    state: WireState,
    attempts: u32,
    last_error: Option<String>,
}

impl From<EventDetails> for WireDetails {
    fn from(details: EventDetails) -> Self {
        let StoredEvent { idempotency_key, trigger, body, received_at } = details.event;
        let body = match std::str::from_utf8(&body) {
            Ok(text) => WireBody::Text(text.to_owned()),
            Err(_) => WireBody::Bytes(body.to_vec()),
        };
        let state = match details.state {
            EventState::Waiting => WireState::Waiting,
            EventState::InFlight { lease_expires_at } => {
                WireState::InFlight { lease_expires_ms: unix_millis(lease_expires_at) }
            }
            EventState::Scheduled { retry_at } => {
                WireState::Scheduled { retry_ms: unix_millis(retry_at) }
            }
            EventState::Dead { since } => WireState::Dead { since_ms: unix_millis(since) },
        };
        Self {
            key: idempotency_key,
            trigger,
            body,
            received_ms: unix_millis(received_at),
            state,
            attempts: details.attempts,
            last_error: details.last_error,
        }
    }
}

impl From<WireDetails> for EventDetails {
    fn from(wire: WireDetails) -> Self {
        let body = match wire.body {
            WireBody::Text(text) => Bytes::from(text),
            WireBody::Bytes(bytes) => Bytes::from(bytes),
        };
        let state = match wire.state {
            WireState::Waiting => EventState::Waiting,
            WireState::InFlight { lease_expires_ms } => {
                EventState::InFlight { lease_expires_at: from_unix_millis(lease_expires_ms) }
            }
            WireState::Scheduled { retry_ms } => {
                EventState::Scheduled { retry_at: from_unix_millis(retry_ms) }
            }
            WireState::Dead { since_ms } => EventState::Dead { since: from_unix_millis(since_ms) },
        };
        let mut event = StoredEvent::new(wire.key, wire.trigger, body);
        event.received_at = from_unix_millis(wire.received_ms);
        EventDetails { event, state, attempts: wire.attempts, last_error: wire.last_error }
    }
}
