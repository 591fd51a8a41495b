//! Receipt triggers (reference §2.1): delivered, read, and the group-wide
//! aggregates of Enhanced Messaging Status.

use serde::{Deserialize, Serialize};

use super::event_facts::{Facts, millis, recipient, uid};
use super::shared_shape::shared_shape;
use crate::decode::key_view::{KeyView, Leaf, Node, Text, UidView, node_uid};
use crate::decode::lenient;
use crate::idempotency::KeyParts;
use crate::model::{Millis, ReceiptAction, ReceiverType, Recipient, Timestamp, User};

/// `data` of a receipt trigger.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Receipt {
    /// Where the receipt goes: the original author (1:1) or the guid (group).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub receiver: Option<String>,
    /// User or group.
    pub receiver_type: Option<ReceiverType>,
    /// `"receipts"`.
    #[serde(rename = "type")]
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub receipt_type: Option<String>,
    /// Who sent the receipt (the message's recipient; `app_system` for aggregates).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub sender: Option<String>,
    /// Author of the message the receipt is about.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub message_sender: Option<String>,
    /// What is being receipted.
    #[serde(default, deserialize_with = "lenient::object_or_default")]
    pub body: ReceiptBody,
}

/// `data.body` of a receipt.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReceiptBody {
    /// Delivered, read, delivered to all, read by all.
    pub action: Option<ReceiptAction>,
    /// The message's id.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub message_id: Option<String>,
    /// The user who delivered or read it.
    pub user: Option<Box<User>>,
    /// When, seconds.
    pub timestamp: Option<Timestamp>,
}

shared_shape! {
    /// `message_delivery_receipt` (current shape; see also
    /// [`LegacyMessageDeliveryReceipt`](super::LegacyMessageDeliveryReceipt)).
    MessageDeliveryReceipt(Receipt);
    /// `message_read_receipt` (current shape; see also
    /// [`LegacyMessageReadReceipt`](super::LegacyMessageReadReceipt)).
    MessageReadReceipt(Receipt);
    /// `message_delivered_to_all`: delivered to every member of a group.
    MessageDeliveredToAll(Receipt);
    /// `message_read_by_all`: read by every member of a group.
    MessageReadByAll(Receipt);
}

// What each receipt says, and its idempotency key -------------------------

macro_rules! receipt_facts {
    ($per_user:literal, $recipe:literal: $($payload:ty),+) => {$(
        impl Facts for $payload {
            const IDEMPOTENCY_RECIPE: &'static str = $recipe;
            // Only the per-user receipts share their names with legacy ones.
            type KeyView = ReceiptKeyView<$per_user, $per_user>;

            fn sender_uid(&self) -> Option<&str> {
                self.sender.as_deref().or(uid(self.body.user.as_deref()))
            }

            fn recipient(&self) -> Option<Recipient<'_>> {
                recipient(self.receiver.as_deref(), self.receiver_type.as_ref())
            }

            fn message_id(&self) -> Option<&str> {
                self.body.message_id.as_deref()
            }

            fn occurred_at(&self) -> Option<Timestamp<Millis>> {
                millis(self.body.timestamp)
            }

            fn key(&self, parts: &mut KeyParts) -> Option<()> {
                parts.part("messageId", self.body.message_id.as_deref()?);
                if $per_user {
                    parts.part("user", uid(self.body.user.as_deref()).or(self.sender.as_deref())?);
                }
                parts.part("action", self.body.action.as_ref()?);
                Some(())
            }
        }
    )+};
}

receipt_facts!(true, "body.messageId, body.user.uid (or sender), body.action":
    MessageDeliveryReceipt, MessageReadReceipt);
receipt_facts!(false, "body.messageId, body.action": MessageDeliveredToAll, MessageReadByAll);

// The same keys read without typing the payload (see `decode::key_view`) --

/// The key fields of a receipt, current or legacy: the name does not tell
/// the two apart, so the view reads both shapes' fields and decides by
/// shape as decoding does (legacy: `messageId` or `receiptType` at the top
/// and no `body`).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ReceiptKeyView<const PER_USER: bool, const LEGACY_TWIN: bool> {
    #[serde(default)]
    body: Node<ReceiptBodyKeyFields>,
    #[serde(default)]
    sender: Leaf<Text>,
    #[serde(default)]
    message_id: Leaf<Text>,
    #[serde(default)]
    receipt_type: Leaf<Text>,
    #[serde(default)]
    receipt_sender: Leaf<Text>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReceiptBodyKeyFields {
    #[serde(default)]
    action: Leaf<ReceiptAction>,
    #[serde(default)]
    message_id: Leaf<Text>,
    #[serde(default)]
    user: Node<UidView>,
}

impl<const PER_USER: bool, const LEGACY_TWIN: bool> KeyView
    for ReceiptKeyView<PER_USER, LEGACY_TWIN>
{
    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        let legacy = LEGACY_TWIN
            && !self.body.was_sent()
            && (self.message_id.was_sent() || self.receipt_type.was_sent());
        if legacy {
            return super::legacy::legacy_receipt_key(
                parts,
                self.message_id.text(),
                self.receipt_sender.text(),
                self.receipt_type.text(),
            );
        }
        let body = self.body.get();
        parts.part("messageId", body.and_then(|body| body.message_id.text())?);
        if PER_USER {
            let user = body.and_then(|body| node_uid(&body.user));
            parts.part("user", user.or(self.sender.text())?);
        }
        parts.part("action", body.and_then(|body| body.action.as_ref())?);
        Some(())
    }
}
