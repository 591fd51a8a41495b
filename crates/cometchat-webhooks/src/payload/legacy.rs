//! Legacy ("extension") triggers (reference §2.6): `data` is the message
//! itself for `before_message` / `after_message`, receipts are flat, and
//! presence uses snake_case and milliseconds.

use serde::{Deserialize, Serialize};

use super::shared_shape::shared_shape;
use crate::decode::lenient;
use crate::model::{ConnectionAction, Message, Millis, ReceiverType, Timestamp};

shared_shape! {
    /// `before_message` (synchronous): the message about to be sent, without
    /// an `id`. The response body decides its fate (see the router).
    BeforeMessage(Message);
    /// `after_message`: a message was sent (also fires on deletion, as an
    /// action message). Bots receive it too, with `bot` in the envelope.
    AfterMessage(Message);
}

/// `data` of a legacy receipt.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LegacyReceipt {
    /// The message's id.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub message_id: Option<String>,
    /// `delivered` or `read`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub receipt_type: Option<String>,
    /// Delivered, seconds.
    pub delivered_at: Option<Timestamp>,
    /// Read, seconds.
    pub read_at: Option<Timestamp>,
    /// Author of the message.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub message_sender: Option<String>,
    /// Who sent the receipt.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub receipt_sender: Option<String>,
    /// Where the receipt goes (uid or guid).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub receipt_receiver: Option<String>,
    /// User or group.
    pub receiver_type: Option<ReceiverType>,
}

shared_shape! {
    /// Legacy `message_delivery_receipt` (same trigger name as the current
    /// one, told apart by shape: `data.messageId` without `data.body`).
    LegacyMessageDeliveryReceipt(LegacyReceipt);
    /// Legacy `message_read_receipt` (told apart by shape likewise).
    LegacyMessageReadReceipt(LegacyReceipt);
}

/// Legacy `after_connection_status_changed`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AfterConnectionStatusChanged {
    /// The user and their new status.
    #[serde(default, deserialize_with = "lenient::default_on_null")]
    pub user: PresenceUser,
    /// The connection event.
    pub event: Option<PresenceEvent>,
    /// The user's open connections.
    #[serde(default, deserialize_with = "lenient::default_on_null")]
    pub connections: Vec<PresenceConnection>,
}

/// `data.user` of a legacy presence event.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PresenceUser {
    /// The user.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub uid: Option<String>,
    /// `online` / `offline`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub status: Option<String>,
    /// Whether the status changed.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub status_updated: Option<bool>,
    /// When, milliseconds.
    pub status_updated_at: Option<Timestamp<Millis>>,
}

/// `data.event` of a legacy presence event.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PresenceEvent {
    /// Connected or disconnected.
    #[serde(rename = "type")]
    pub event_type: Option<ConnectionAction>,
    /// When, milliseconds.
    pub at: Option<Timestamp<Millis>>,
    /// The connection concerned.
    pub event_for: Option<PresenceConnection>,
}

/// One connection in a legacy presence event.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PresenceConnection {
    /// Connected, milliseconds.
    pub connected_at: Option<Timestamp<Millis>>,
    /// Device id.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub cometchat_device_id: Option<String>,
    /// Session id.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub session_id: Option<String>,
    /// `android`, `ios` or `web`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub platform: Option<String>,
}
