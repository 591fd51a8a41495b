//! Legacy ("extension") triggers (reference §2.6): `data` is the message
//! itself for `before_message` / `after_message`, receipts are flat, and
//! presence uses snake_case and milliseconds.

use serde::{Deserialize, Serialize};

use super::event_facts::{Facts, millis, recipient};
use super::shared_shape::shared_shape;
use crate::decode::key_view::{KeyView, Leaf, Node, Text};
use crate::decode::lenient;
use crate::idempotency::KeyParts;
use crate::model::{ConnectionAction, Message, Millis, ReceiverType, Recipient, Timestamp};

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
    #[serde(default, deserialize_with = "lenient::object_or_default")]
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

// What each legacy event says, and its idempotency key --------------------

impl Facts for BeforeMessage {
    const IDEMPOTENCY_RECIPE: &'static str = "muid, sender, sentAt (body hash when absent)";
    type KeyView = BeforeMessageKeyView;

    fn message(&self) -> Option<&Message> {
        Some(&self.0)
    }

    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        parts.part("muid", self.muid.as_deref()?);
        parts.part("sender", self.sender.as_deref()?);
        parts.part("sentAt", self.sent_at?);
        Some(())
    }
}

impl Facts for AfterMessage {
    const IDEMPOTENCY_RECIPE: &'static str = "id, updatedAt (or sentAt)";
    type KeyView = AfterMessageKeyView;

    fn message(&self) -> Option<&Message> {
        Some(&self.0)
    }

    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        parts.part("id", self.id.as_deref()?);
        parts.part("updatedAt", self.updated_at.or(self.sent_at)?);
        Some(())
    }
}

macro_rules! legacy_receipt_facts {
    ($($payload:ty => $time:ident),+) => {$(
        impl Facts for $payload {
            const IDEMPOTENCY_RECIPE: &'static str = "messageId, receiptSender (when sent), receiptType";
            type KeyView = LegacyReceiptKeyView;

            fn sender_uid(&self) -> Option<&str> {
                self.receipt_sender.as_deref()
            }

            fn recipient(&self) -> Option<Recipient<'_>> {
                recipient(self.receipt_receiver.as_deref(), self.receiver_type.as_ref())
            }

            fn message_id(&self) -> Option<&str> {
                self.message_id.as_deref()
            }

            fn occurred_at(&self) -> Option<Timestamp<Millis>> {
                millis(self.$time)
            }

            fn key(&self, parts: &mut KeyParts) -> Option<()> {
                legacy_receipt_key(
                    parts,
                    self.message_id.as_deref(),
                    self.receipt_sender.as_deref(),
                    self.receipt_type.as_deref(),
                )
            }
        }
    )+};
}

legacy_receipt_facts!(LegacyMessageDeliveryReceipt => delivered_at, LegacyMessageReadReceipt => read_at);

impl Facts for AfterConnectionStatusChanged {
    const IDEMPOTENCY_RECIPE: &'static str = "user.uid, event.type, event.at";
    type KeyView = PresenceKeyView;

    fn sender_uid(&self) -> Option<&str> {
        self.user.uid.as_deref()
    }

    fn occurred_at(&self) -> Option<Timestamp<Millis>> {
        self.event.as_ref()?.at
    }

    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        let event = self.event.as_ref()?;
        parts.part("user.uid", self.user.uid.as_deref()?);
        parts.part("event.type", event.event_type.as_ref()?);
        parts.part("event.at", event.at?);
        Some(())
    }
}

// The same keys read without typing the payload (see `decode::key_view`) --

/// The key fields of a legacy message (`data` is the message itself).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LegacyMessageKeyFields {
    #[serde(default)]
    id: Leaf<Text>,
    #[serde(default)]
    muid: Leaf<Text>,
    #[serde(default)]
    sender: Leaf<Text>,
    #[serde(default)]
    sent_at: Leaf<Timestamp>,
    #[serde(default)]
    updated_at: Leaf<Timestamp>,
}

/// The key fields of `before_message`.
#[derive(Debug, Default, Deserialize)]
#[serde(transparent)]
pub(crate) struct BeforeMessageKeyView(LegacyMessageKeyFields);

impl KeyView for BeforeMessageKeyView {
    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        parts.part("muid", self.0.muid.text()?);
        parts.part("sender", self.0.sender.text()?);
        parts.part("sentAt", self.0.sent_at.get()?);
        Some(())
    }
}

/// The key fields of `after_message`.
#[derive(Debug, Default, Deserialize)]
#[serde(transparent)]
pub(crate) struct AfterMessageKeyView(LegacyMessageKeyFields);

impl KeyView for AfterMessageKeyView {
    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        parts.part("id", self.0.id.text()?);
        parts.part("updatedAt", self.0.updated_at.get().or(self.0.sent_at.get())?);
        Some(())
    }
}

/// The key fields of a legacy receipt.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LegacyReceiptKeyView {
    #[serde(default)]
    message_id: Leaf<Text>,
    #[serde(default)]
    receipt_sender: Leaf<Text>,
    #[serde(default)]
    receipt_type: Leaf<Text>,
}

impl KeyView for LegacyReceiptKeyView {
    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        legacy_receipt_key(
            parts,
            self.message_id.text(),
            self.receipt_sender.text(),
            self.receipt_type.text(),
        )
    }
}

/// A legacy receipt's key from its fields, as its `Facts::key` builds it
/// (also read by the current receipts' view, which tells the shapes apart).
pub(crate) fn legacy_receipt_key(
    parts: &mut KeyParts,
    message_id: Option<&str>,
    receipt_sender: Option<&str>,
    receipt_type: Option<&str>,
) -> Option<()> {
    parts.part("messageId", message_id?);
    // The receipt's sender tells two readers' receipts apart when sent; the
    // message id and receipt type are the documented identity and suffice
    // without it.
    if let Some(sender) = receipt_sender {
        parts.part("receiptSender", sender);
    }
    parts.part("receiptType", receipt_type?);
    Some(())
}

/// The key fields of `after_connection_status_changed`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PresenceKeyView {
    #[serde(default)]
    user: Node<PresenceUserKeyFields>,
    #[serde(default)]
    event: Node<PresenceEventKeyFields>,
}

#[derive(Debug, Default, Deserialize)]
struct PresenceUserKeyFields {
    #[serde(default)]
    uid: Leaf<Text>,
}

#[derive(Debug, Default, Deserialize)]
struct PresenceEventKeyFields {
    #[serde(rename = "type", default)]
    event_type: Leaf<ConnectionAction>,
    #[serde(default)]
    at: Leaf<Timestamp<Millis>>,
}

impl KeyView for PresenceKeyView {
    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        let event = self.event.get()?;
        parts.part("user.uid", self.user.get()?.uid.text()?);
        parts.part("event.type", event.event_type.as_ref()?);
        parts.part("event.at", event.at.get()?);
        Some(())
    }
}
