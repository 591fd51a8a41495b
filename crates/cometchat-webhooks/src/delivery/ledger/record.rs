//! [`EventRecord`]: where one stored event stands, without its body, with a
//! compact byte encoding for engines that store bytes. The body is stored
//! once, apart, under the record's `body_id`: a claim, a renewal or a
//! failure rewrites these few dozen bytes, never the body.

use bytes::Bytes;

use crate::delivery::clock::from_unix_millis;
use crate::delivery::error::DeliveryError;
use crate::delivery::event::{EventDetails, EventState, StoredEvent};

/// One stored event, except its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EventRecord {
    pub(crate) trigger: String,
    pub(crate) received_ms: u64,
    pub(crate) attempts: u32,
    pub(crate) state: RecordState,
    pub(crate) last_error: Option<String>,
    /// Where the body is stored: the sequence number the event was
    /// accepted with, which no other event shares.
    pub(crate) body_id: u64,
}

/// Where a record stands; each state names its index entry, so moving a
/// record out of a state removes exactly that entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RecordState {
    Waiting { seq: u64 },
    InFlight { token: u64, until_ms: u64 },
    Scheduled { at_ms: u64, seq: u64 },
    Dead { at_ms: u64, seq: u64 },
}

/// The fixed-width part of an encoded record: state tag, the state's two
/// numbers, received time, attempts, body id, trigger length.
#[cfg_attr(not(feature = "redb"), allow(dead_code))]
const FIXED_LEN: usize = 1 + 8 + 8 + 8 + 4 + 8 + 4;

#[cfg_attr(not(feature = "redb"), allow(dead_code))]
impl RecordState {
    fn to_parts(self) -> (u8, u64, u64) {
        match self {
            Self::Waiting { seq } => (0, seq, 0),
            Self::InFlight { token, until_ms } => (1, token, until_ms),
            Self::Scheduled { at_ms, seq } => (2, at_ms, seq),
            Self::Dead { at_ms, seq } => (3, at_ms, seq),
        }
    }

    fn from_parts(tag: u8, first: u64, second: u64) -> Option<Self> {
        Some(match tag {
            0 => Self::Waiting { seq: first },
            1 => Self::InFlight { token: first, until_ms: second },
            2 => Self::Scheduled { at_ms: first, seq: second },
            3 => Self::Dead { at_ms: first, seq: second },
            _ => return None,
        })
    }
}

// The byte encoding is for engines that store bytes (redb).
#[cfg_attr(not(feature = "redb"), allow(dead_code))]
impl EventRecord {
    /// The fixed-width fields, the trigger, then the last error if any
    /// (lengths as big-endian `u32`).
    pub(crate) fn encode(&self) -> Vec<u8> {
        let error = self.last_error.as_deref();
        let mut bytes = Vec::with_capacity(
            FIXED_LEN + self.trigger.len() + error.map_or(0, |error| 4 + error.len()),
        );
        let (tag, first, second) = self.state.to_parts();
        bytes.push(tag);
        bytes.extend_from_slice(&first.to_be_bytes());
        bytes.extend_from_slice(&second.to_be_bytes());
        bytes.extend_from_slice(&self.received_ms.to_be_bytes());
        bytes.extend_from_slice(&self.attempts.to_be_bytes());
        bytes.extend_from_slice(&self.body_id.to_be_bytes());
        push_text(&mut bytes, &self.trigger);
        if let Some(error) = error {
            push_text(&mut bytes, error);
        }
        bytes
    }

    pub(crate) fn decode(bytes: &[u8]) -> Result<Self, DeliveryError> {
        let mut reader = Reader(bytes);
        let tag = reader.take::<1>()?[0];
        let (first, second) = (reader.number()?, reader.number()?);
        let state = RecordState::from_parts(tag, first, second)
            .ok_or_else(|| corrupt(format!("unknown record state {tag}")))?;
        let received_ms = reader.number()?;
        let attempts = u32::from_be_bytes(reader.take()?);
        let body_id = reader.number()?;
        let trigger = reader.text()?;
        let last_error = if reader.0.is_empty() { None } else { Some(reader.text()?) };
        if !reader.0.is_empty() {
            return Err(corrupt("bytes after the record's last field".into()));
        }
        Ok(Self { trigger, received_ms, attempts, state, last_error, body_id })
    }

    /// The event as received, with `body` (stored under `body_id`).
    pub(crate) fn event(&self, key: &str, body: Bytes) -> StoredEvent {
        StoredEvent {
            idempotency_key: key.to_owned(),
            trigger: self.trigger.clone(),
            body,
            received_at: from_unix_millis(self.received_ms),
        }
    }

    pub(crate) fn details(&self, key: &str, body: Bytes) -> EventDetails {
        let state = match self.state {
            RecordState::Waiting { .. } => EventState::Waiting,
            RecordState::InFlight { until_ms, .. } => {
                EventState::InFlight { lease_expires_at: from_unix_millis(until_ms) }
            }
            RecordState::Scheduled { at_ms, .. } => {
                EventState::Scheduled { retry_at: from_unix_millis(at_ms) }
            }
            RecordState::Dead { at_ms, .. } => EventState::Dead { since: from_unix_millis(at_ms) },
        };
        EventDetails {
            event: self.event(key, body),
            state,
            attempts: self.attempts,
            last_error: self.last_error.clone(),
        }
    }
}

#[cfg_attr(not(feature = "redb"), allow(dead_code))]
fn corrupt(reason: String) -> DeliveryError {
    DeliveryError::Corrupt { reason }
}

#[cfg_attr(not(feature = "redb"), allow(dead_code))]
fn push_text(bytes: &mut Vec<u8>, text: &str) {
    let length = u32::try_from(text.len()).unwrap_or(u32::MAX);
    bytes.extend_from_slice(&length.to_be_bytes());
    bytes.extend_from_slice(text.as_bytes());
}

/// Reads an encoded record front to back.
struct Reader<'a>(&'a [u8]);

#[cfg_attr(not(feature = "redb"), allow(dead_code))]
impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], DeliveryError> {
        let (taken, rest) = self
            .0
            .split_first_chunk::<N>()
            .ok_or_else(|| corrupt("record shorter than its fields".into()))?;
        self.0 = rest;
        Ok(*taken)
    }

    fn number(&mut self) -> Result<u64, DeliveryError> {
        self.take().map(u64::from_be_bytes)
    }

    fn text(&mut self) -> Result<String, DeliveryError> {
        let length = usize::try_from(u32::from_be_bytes(self.take()?)).unwrap_or(usize::MAX);
        if self.0.len() < length {
            return Err(corrupt("record shorter than its text".into()));
        }
        let (text, rest) = self.0.split_at(length);
        self.0 = rest;
        String::from_utf8(text.to_vec()).map_err(|_| corrupt("record text is not UTF-8".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_round_trips_and_rejects_damage() {
        let failed = EventRecord {
            trigger: "message_sent".into(),
            received_ms: 1_700_000_000_000,
            attempts: 2,
            state: RecordState::Scheduled { at_ms: 5, seq: 9 },
            last_error: Some("handler failed: \"quoted\"".into()),
            body_id: 7,
        };
        let fresh = EventRecord {
            state: RecordState::InFlight { token: 3, until_ms: 11 },
            last_error: None,
            ..failed.clone()
        };
        for record in [failed, fresh] {
            let bytes = record.encode();
            assert_eq!(EventRecord::decode(&bytes).ok(), Some(record));
            for cut in [0, 3, FIXED_LEN, bytes.len() - 1] {
                assert!(matches!(
                    EventRecord::decode(&bytes[..cut]),
                    Err(DeliveryError::Corrupt { .. })
                ));
            }
        }
        let mut unknown_state = vec![9];
        unknown_state.resize(FIXED_LEN, 0);
        assert!(matches!(EventRecord::decode(&unknown_state), Err(DeliveryError::Corrupt { .. })));
    }
}
