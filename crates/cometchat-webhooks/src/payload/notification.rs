//! Custom notification-provider triggers (reference §2.7): CometChat hands
//! the receiver a push, email or SMS to deliver, one POST per recipient.

use serde::{Deserialize, Serialize};

use super::event_facts::{Facts, user_recipient};
use crate::decode::key_view::{BodyHashOnly, KeyView, Leaf, Node, Text};
use crate::decode::lenient;
use crate::decode::raw_json::{self, RawJson};
use crate::idempotency::KeyParts;
use crate::model::{Millis, ReceiverType, Recipient, Timestamp};

/// The recipient of a provider notification.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NotificationRecipient {
    /// Recipient's uid.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub uid: Option<String>,
    /// Name.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
    /// Email address (email provider).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub email: Option<String>,
    /// Phone number (SMS provider).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub phno: Option<String>,
}

/// `push-notification-payload-generated`: a push to deliver.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PushNotificationPayloadGenerated {
    /// Recipient.
    #[serde(default, deserialize_with = "lenient::object_or_default")]
    pub to: NotificationRecipient,
    /// What to show.
    #[serde(default, deserialize_with = "lenient::object_or_default")]
    pub notification_details: NotificationDetails,
}

/// `notificationDetails` of a push payload.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NotificationDetails {
    /// Title.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub title: Option<String>,
    /// Body.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub body: Option<String>,
    /// Sender's uid.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub sender: Option<String>,
    /// Sender's name.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub sender_name: Option<String>,
    /// Sender's avatar.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub sender_avatar: Option<String>,
    /// Receiver's uid or guid.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub receiver: Option<String>,
    /// Receiver's name.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub receiver_name: Option<String>,
    /// Receiver's avatar.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub receiver_avatar: Option<String>,
    /// User or group.
    pub receiver_type: Option<ReceiverType>,
    /// Grouping tag (the message id for chat).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub tag: Option<String>,
    /// Conversation id.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub conversation_id: Option<String>,
    /// `chat` or `call`.
    #[serde(rename = "type")]
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub notification_type: Option<String>,
    /// Sent, milliseconds (sent as a string).
    pub sent_at: Option<Timestamp<Millis>>,
    /// Unread count for a badge.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub unread_message_count: Option<u64>,
    /// The message object, when included.
    #[serde(default, deserialize_with = "raw_json::opt_open_ended")]
    pub message: Option<RawJson>,
    /// Custom data.
    #[serde(default, deserialize_with = "raw_json::opt_open_ended")]
    pub custom: Option<RawJson>,
    /// Call notifications: the call action.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub call_action: Option<String>,
    /// Call notifications: the session.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub session_id: Option<String>,
    /// Call notifications: audio or video.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub call_type: Option<String>,
}

/// One message in an email or SMS digest.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DigestMessage {
    /// Who sent it.
    pub sender: Option<DigestParty>,
    /// Its text as shown.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub message: Option<String>,
    /// The message object, when included.
    #[serde(default, deserialize_with = "raw_json::opt_open_ended")]
    pub message_object: Option<RawJson>,
}

/// A user or group named in a digest.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DigestParty {
    /// Uid (users).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub uid: Option<String>,
    /// Guid (groups).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub guid: Option<String>,
    /// Name.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
    /// Avatar (users; some groups send their icon here).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub avatar: Option<String>,
    /// Icon (groups, in `groupDetails`).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub icon: Option<String>,
}

impl DigestParty {
    /// The picture shown for the party: `avatar`, or a group's `icon`.
    pub fn picture(&self) -> Option<&str> {
        self.avatar.as_deref().or(self.icon.as_deref())
    }
}

/// `email-notification-payload-generated`: an email digest to deliver.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmailNotificationPayloadGenerated {
    /// Recipient.
    #[serde(default, deserialize_with = "lenient::object_or_default")]
    pub to: NotificationRecipient,
    /// Unread messages.
    #[serde(default, deserialize_with = "lenient::default_on_null")]
    pub messages: Vec<DigestMessage>,
    /// The sender (one-to-one digests).
    pub sender_details: Option<DigestParty>,
    /// The group (group digests).
    pub group_details: Option<DigestParty>,
    /// Subject line.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub subject: Option<String>,
}

/// `sms-notification-payload-generated`: an SMS to deliver.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SmsNotificationPayloadGenerated {
    /// Recipient.
    #[serde(default, deserialize_with = "lenient::object_or_default")]
    pub to: NotificationRecipient,
    /// Unread messages.
    #[serde(default, deserialize_with = "lenient::default_on_null")]
    pub messages: Vec<DigestMessage>,
    /// The sender (one-to-one digests).
    pub sender_details: Option<DigestParty>,
    /// The group (group digests).
    pub group_details: Option<DigestParty>,
    /// The SMS text.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub sms_content: Option<String>,
}

// What each provider notification says, and its idempotency key -----------

impl Facts for PushNotificationPayloadGenerated {
    const IDEMPOTENCY_RECIPE: &'static str =
        "to.uid, notificationDetails.tag, notificationDetails.sentAt (body hash when absent)";
    type KeyView = PushPayloadKeyView;

    fn sender_uid(&self) -> Option<&str> {
        self.notification_details.sender.as_deref()
    }

    fn recipient(&self) -> Option<Recipient<'_>> {
        user_recipient(self.to.uid.as_deref())
    }

    fn conversation_id(&self) -> Option<&str> {
        self.notification_details.conversation_id.as_deref()
    }

    fn occurred_at(&self) -> Option<Timestamp<Millis>> {
        self.notification_details.sent_at
    }

    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        let details = &self.notification_details;
        parts.part("to", self.to.uid.as_deref()?);
        parts.part("tag", details.tag.as_deref()?);
        parts.part("sentAt", details.sent_at?);
        Some(())
    }
}

macro_rules! digest_facts {
    ($($payload:ty),+) => {$(
        impl Facts for $payload {
            const IDEMPOTENCY_RECIPE: &'static str = "body hash (a digest has no id)";
            type KeyView = BodyHashOnly;

            fn sender_uid(&self) -> Option<&str> {
                self.sender_details.as_ref()?.uid.as_deref()
            }

            fn recipient(&self) -> Option<Recipient<'_>> {
                user_recipient(self.to.uid.as_deref())
            }

            fn key(&self, _: &mut KeyParts) -> Option<()> {
                None
            }
        }
    )+};
}

digest_facts!(EmailNotificationPayloadGenerated, SmsNotificationPayloadGenerated);

// The same keys read without typing the payload (see `decode::key_view`) --

/// The key fields of `push-notification-payload-generated`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PushPayloadKeyView {
    #[serde(default)]
    to: Node<RecipientKeyFields>,
    #[serde(default)]
    notification_details: Node<DetailsKeyFields>,
}

#[derive(Debug, Default, Deserialize)]
struct RecipientKeyFields {
    #[serde(default)]
    uid: Leaf<Text>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DetailsKeyFields {
    #[serde(default)]
    tag: Leaf<Text>,
    #[serde(default)]
    sent_at: Leaf<Timestamp<Millis>>,
}

impl KeyView for PushPayloadKeyView {
    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        let details = self.notification_details.get();
        parts.part("to", self.to.get()?.uid.text()?);
        parts.part("tag", details.and_then(|details| details.tag.text())?);
        parts.part("sentAt", details.and_then(|details| details.sent_at.get())?);
        Some(())
    }
}
