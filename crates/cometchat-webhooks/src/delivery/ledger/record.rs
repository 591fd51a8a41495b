//! [`EventRecord`]: one stored event and where it stands, with a compact
//! encoding for engines that store bytes (a JSON header, then the body
//! unchanged, so a body is never re-encoded).

use bytes::Bytes;
use serde::{Deserialize, Serialize};

use crate::delivery::clock::from_unix_millis;
use crate::delivery::error::DeliveryError;
use crate::delivery::event::{EventDetails, EventState, StoredEvent};

/// One stored event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EventRecord {
    pub(crate) header: RecordHeader,
    pub(crate) body: Bytes,
}

/// Everything but the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct RecordHeader {
    pub(crate) trigger: String,
    pub(crate) received_ms: u64,
    pub(crate) attempts: u32,
    pub(crate) state: RecordState,
    pub(crate) last_error: Option<String>,
}

/// Where a record stands; each state names its index entry, so moving a
/// record out of a state removes exactly that entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum RecordState {
    Waiting { seq: u64 },
    InFlight { token: u64, until_ms: u64 },
    Scheduled { at_ms: u64, seq: u64 },
    Dead { at_ms: u64, seq: u64 },
}

// The byte encoding is for engines that store bytes (redb).
#[cfg_attr(not(feature = "redb"), allow(dead_code))]
impl EventRecord {
    pub(crate) fn encode(&self) -> Vec<u8> {
        // A struct of strings and integers always serialises.
        let header = serde_json::to_vec(&self.header).unwrap_or_default();
        let header_len = u32::try_from(header.len()).unwrap_or(u32::MAX);
        let mut bytes = Vec::with_capacity(4 + header.len() + self.body.len());
        bytes.extend_from_slice(&header_len.to_be_bytes());
        bytes.extend_from_slice(&header);
        bytes.extend_from_slice(&self.body);
        bytes
    }

    pub(crate) fn decode(bytes: &[u8]) -> Result<Self, DeliveryError> {
        let corrupt = |reason: String| DeliveryError::Corrupt { reason };
        let (length, rest) = bytes
            .split_first_chunk::<4>()
            .ok_or_else(|| corrupt("record shorter than its header length".into()))?;
        let header_len = usize::try_from(u32::from_be_bytes(*length)).unwrap_or(usize::MAX);
        if rest.len() < header_len {
            return Err(corrupt("record shorter than its header".into()));
        }
        let (header, body) = rest.split_at(header_len);
        let header = serde_json::from_slice(header)
            .map_err(|error| corrupt(format!("record header: {error}")))?;
        Ok(Self { header, body: Bytes::copy_from_slice(body) })
    }

    pub(crate) fn event(&self, key: &str) -> StoredEvent {
        StoredEvent {
            idempotency_key: key.to_owned(),
            trigger: self.header.trigger.clone(),
            body: self.body.clone(),
            received_at: from_unix_millis(self.header.received_ms),
        }
    }

    pub(crate) fn details(&self, key: &str) -> EventDetails {
        let state = match self.header.state {
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
            event: self.event(key),
            state,
            attempts: self.header.attempts,
            last_error: self.header.last_error.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_round_trips_and_rejects_damage() {
        let record = EventRecord {
            header: RecordHeader {
                trigger: "message_sent".into(),
                received_ms: 1_700_000_000_000,
                attempts: 2,
                state: RecordState::Scheduled { at_ms: 5, seq: 9 },
                last_error: Some("handler failed: \"quoted\"".into()),
            },
            body: Bytes::from_static(b"{\"trigger\":\"message_sent\"}\xff"),
        };
        let bytes = record.encode();
        assert_eq!(EventRecord::decode(&bytes).ok(), Some(record));
        for cut in [0, 3, 10] {
            assert!(matches!(
                EventRecord::decode(&bytes[..cut]),
                Err(DeliveryError::Corrupt { .. })
            ));
        }
    }
}
