//! How an event is kept when its `data` cannot be typed: an unknown trigger,
//! or a known trigger whose `data` does not fit. Nothing is dropped.

use serde::{Deserialize, Serialize};

use crate::decode::raw_json::RawJson;
use crate::trigger::Trigger;

/// A trigger this version does not know.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnknownPayload {
    /// The trigger name as sent.
    pub trigger: String,
    /// `data` as sent (`null` when absent).
    pub data: RawJson,
}

/// A known trigger whose `data` did not fit its type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UndecodablePayload {
    /// The trigger.
    pub trigger: Trigger,
    /// `data` as sent (`null` when absent).
    pub data: RawJson,
    /// Why it did not fit.
    pub error: DataError,
}

/// Why `data` did not fit its type, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("`data` does not fit {expected} at `{path}`: {message}")]
pub struct DataError {
    /// The type `data` was decoded as.
    pub expected: String,
    /// JSON path of the offending value, relative to `data` (`.` for `data` itself).
    pub path: String,
    /// What was wrong.
    pub message: String,
}

/// A value in `data` that did not fit its field and was set aside: the
/// field reads as absent and the rest of the event stays typed. Only fields
/// that do not say which message, group, user or call an event is about are
/// set aside (see [`IDENTITY_FIELDS`]); a misfit there makes the payload
/// [`UndecodablePayload`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetAside {
    /// JSON path of the value, relative to `data` (`message.sentAt`,
    /// `message.tags[2]`).
    pub path: String,
    /// Why it did not fit.
    pub reason: String,
}

/// The field names that identify what an event is about, wherever they
/// appear in `data`: a value there that does not fit its type makes the
/// payload [`UndecodablePayload`] instead of being set aside.
pub const IDENTITY_FIELDS: &[&str] = &[
    "id",
    "uid",
    "guid",
    "sessionId",
    "messageId",
    "campaignId",
    "notificationId",
    "pushNotificationId",
];
