//! Receipts in one pass. `message_delivery_receipt` and
//! `message_read_receipt` name two shapes (current: `data.body`, legacy:
//! `data.messageId` / `data.receiptType` at the top), so their `data` is read
//! once into the union of both shapes and the shape decided afterwards, by
//! the same rule as `data::resolve_shape`. A `data` that does not fit the
//! union (a misfit in a field of either shape) fails this reading, and the
//! raw reading then decides the shape and sets values aside as for any
//! other trigger.

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer};

use crate::decode::lenient;
use crate::model::{ReceiverType, Timestamp};
use crate::payload::{
    LegacyMessageDeliveryReceipt, LegacyMessageReadReceipt, LegacyReceipt, MessageDeliveryReceipt,
    MessageReadReceipt, Receipt, ReceiptBody,
};
use crate::trigger::{Payload, Trigger};

/// The fields of both receipt shapes.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EitherReceipt {
    // Both shapes.
    receiver_type: Option<ReceiverType>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    message_sender: Option<String>,
    // Current shape.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    receiver: Option<String>,
    #[serde(rename = "type")]
    #[serde(default, deserialize_with = "lenient::opt_string")]
    kind: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    sender: Option<String>,
    body: Option<ReceiptBody>,
    // Legacy shape.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    message_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    receipt_type: Option<String>,
    delivered_at: Option<Timestamp>,
    read_at: Option<Timestamp>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    receipt_sender: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    receipt_receiver: Option<String>,
}

impl EitherReceipt {
    /// Legacy `data` has `messageId` or `receiptType` at the top and no `body`.
    fn is_legacy(&self) -> bool {
        self.body.is_none() && (self.message_id.is_some() || self.receipt_type.is_some())
    }

    fn into_legacy(self) -> LegacyReceipt {
        LegacyReceipt {
            message_id: self.message_id,
            receipt_type: self.receipt_type,
            delivered_at: self.delivered_at,
            read_at: self.read_at,
            message_sender: self.message_sender,
            receipt_sender: self.receipt_sender,
            receipt_receiver: self.receipt_receiver,
            receiver_type: self.receiver_type,
        }
    }

    fn into_current(self) -> Receipt {
        Receipt {
            receiver: self.receiver,
            receiver_type: self.receiver_type,
            receipt_type: self.kind,
            sender: self.sender,
            message_sender: self.message_sender,
            body: self.body.unwrap_or_default(),
        }
    }
}

/// Decodes the `data` of a receipt trigger that has a legacy twin into the
/// payload of the shape it has, with the trigger that shape stands for.
pub(super) struct ReceiptSeed(pub(super) Trigger);

impl<'de> DeserializeSeed<'de> for ReceiptSeed {
    type Value = (Payload, Trigger);

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        let receipt = EitherReceipt::deserialize(deserializer)?;
        let legacy = receipt.is_legacy();
        Ok(match (self.0, legacy) {
            (Trigger::MessageDeliveryReceipt, false) => (
                Payload::MessageDeliveryReceipt(Box::new(MessageDeliveryReceipt(
                    receipt.into_current(),
                ))),
                Trigger::MessageDeliveryReceipt,
            ),
            (Trigger::MessageDeliveryReceipt, true) => (
                Payload::LegacyMessageDeliveryReceipt(Box::new(LegacyMessageDeliveryReceipt(
                    receipt.into_legacy(),
                ))),
                Trigger::LegacyMessageDeliveryReceipt,
            ),
            (Trigger::MessageReadReceipt, false) => (
                Payload::MessageReadReceipt(Box::new(MessageReadReceipt(receipt.into_current()))),
                Trigger::MessageReadReceipt,
            ),
            (Trigger::MessageReadReceipt, true) => (
                Payload::LegacyMessageReadReceipt(Box::new(LegacyMessageReadReceipt(
                    receipt.into_legacy(),
                ))),
                Trigger::LegacyMessageReadReceipt,
            ),
            // A trigger with a legacy twin this reading does not know: the
            // raw reading decides.
            (other, _) => {
                return Err(de::Error::custom(format_args!(
                    "no single-pass reading for {}",
                    other.as_str()
                )));
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::data::decode_raw;

    /// The single pass and the two-step reading agree on every shape.
    #[test]
    fn agrees_with_the_two_step_reading() {
        let bodies = [
            r#"{"messageId": "57", "receiptType": "delivered", "deliveredAt": 1673017183,
                "messageSender": "a", "receiptSender": "b", "receiptReceiver": "a",
                "receiverType": "user"}"#,
            r#"{"receiptType": "read", "readAt": 1}"#,
            r#"{"receiver": "a", "receiverType": "user", "type": "receipts", "sender": "b",
                "messageSender": "a", "body": {"action": "delivered", "messageId": "9",
                "user": {"uid": "b"}, "timestamp": 5}}"#,
            r#"{"messageId": "1", "body": null}"#,
            r#"{"messageId": "1", "body": {"messageId": "2"}}"#,
            r#"{}"#,
        ];
        for trigger in [Trigger::MessageDeliveryReceipt, Trigger::MessageReadReceipt] {
            for body in bodies {
                let mut deserializer = serde_json::Deserializer::from_str(body);
                let (single, resolved) =
                    ReceiptSeed(trigger).deserialize(&mut deserializer).unwrap();
                let (two_step, set_aside) =
                    decode_raw(trigger.as_str(), serde_json::from_str(body).ok());
                assert!(set_aside.is_empty());
                assert_eq!(single, two_step, "{body}");
                assert_eq!(single.trigger(), Some(resolved), "{body}");
            }
        }
    }
}
