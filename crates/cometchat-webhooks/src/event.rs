//! [`Event`]: one webhook delivery, decoded, with the exact bytes received.

use bytes::Bytes;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

use crate::decode::raw_json::RawJson;
use crate::decode::{Envelope, decode_body, view_key_of_data};
use crate::error::ParseError;
use crate::idempotency::{IdempotencyKey, idempotency_key, key_from_components};
use crate::model::{Message, Millis, Recipient, Timestamp};
use crate::payload::{DataError, SetAside};
use crate::trigger::{Payload, Trigger, TypedPayload};

/// A CometChat webhook delivery: its envelope, its typed payload and the
/// exact bytes received.
///
/// Decoding fails only when the body is not a JSON object with a string
/// `trigger`; an unknown trigger or a `data` that does not fit its type still
/// decodes, keeping `data` raw ([`Payload::Unknown`], [`Payload::Undecodable`]).
///
/// `Event` serialises as the body it was decoded from, so storing an event
/// and decoding it again gives an equal event. (The body is written as raw
/// JSON, which `serde_json` supports; other formats can store [`Event::raw`].)
#[derive(Debug, Clone)]
pub struct Event {
    envelope: Envelope,
    payload: Payload,
    set_aside: Vec<SetAside>,
    raw: Bytes,
}

impl Event {
    /// Decodes a webhook body.
    pub fn from_slice(body: &[u8]) -> Result<Self, ParseError> {
        Self::from_bytes(Bytes::copy_from_slice(body))
    }

    /// Decodes a webhook body without copying it.
    pub fn from_bytes(body: Bytes) -> Result<Self, ParseError> {
        let (envelope, payload, set_aside) = decode_body(&body)?;
        Ok(Self { envelope, payload, set_aside, raw: body })
    }

    /// The trigger name as sent (`message_sent`, or a name this version does
    /// not know).
    pub fn trigger(&self) -> &str {
        &self.envelope.trigger
    }

    /// The trigger, when this version knows it (legacy receipts resolved by
    /// shape).
    pub fn known_trigger(&self) -> Option<Trigger> {
        self.payload.trigger()
    }

    /// Whether this version knows the trigger (even if its `data` did not fit).
    pub fn is_known(&self) -> bool {
        self.known_trigger().is_some()
    }

    /// Whether `data` decoded into its typed payload.
    pub fn is_typed(&self) -> bool {
        self.payload.facts().is_some()
    }

    /// Why `data` did not fit its type, when it did not.
    pub fn decode_error(&self) -> Option<&DataError> {
        match &self.payload {
            Payload::Undecodable(undecodable) => Some(&undecodable.error),
            _ => None,
        }
    }

    /// The values in `data` that did not fit their fields and were set
    /// aside to keep the event typed (each field reads as absent), with
    /// their paths and reasons. Empty when everything fit, and for events
    /// that are not typed (see [`Event::decode_error`]).
    pub fn set_aside(&self) -> &[SetAside] {
        &self.set_aside
    }

    /// The typed payload.
    pub fn payload(&self) -> &Payload {
        &self.payload
    }

    /// Takes the typed payload.
    pub fn into_payload(self) -> Payload {
        self.payload
    }

    /// The payload as `T`, when this event is `T`'s trigger.
    ///
    /// ```
    /// use cometchat_webhooks::Event;
    /// use cometchat_webhooks::payload::MessageSent;
    ///
    /// let body = br#"{"trigger": "message_sent", "appId": "app1", "webhook": "wh1",
    ///     "data": {"message": {"id": "57", "sender": "alice", "receiverType": "user",
    ///     "receiver": "bob", "type": "text", "data": {"text": "hi"}}}}"#;
    /// let event = Event::from_slice(body)?;
    /// let sent: &MessageSent = event.typed().expect("a message_sent body");
    /// assert_eq!(sent.message.text(), Some("hi"));
    /// # Ok::<(), cometchat_webhooks::ParseError>(())
    /// ```
    pub fn typed<T: TypedPayload>(&self) -> Option<&T> {
        T::from_payload_ref(&self.payload)
    }

    /// `data` as received, for unknown and undecodable events.
    pub fn raw_data(&self) -> Option<&RawJson> {
        match &self.payload {
            Payload::Unknown(unknown) => Some(&unknown.data),
            Payload::Undecodable(undecodable) => Some(&undecodable.data),
            _ => None,
        }
    }

    /// The envelope: trigger, app, region, webhook or bot, origin.
    pub fn envelope(&self) -> &Envelope {
        &self.envelope
    }

    /// The exact bytes received.
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// The exact bytes received, shareable without copying.
    pub fn raw_bytes(&self) -> &Bytes {
        &self.raw
    }

    /// CometChat app id.
    pub fn app_id(&self) -> Option<&str> {
        self.envelope.app_id.as_deref()
    }

    /// `us`, `eu` or `in`.
    pub fn region(&self) -> Option<&str> {
        self.envelope.region.as_deref()
    }

    /// The webhook's configuration id (not an event id).
    pub fn webhook_id(&self) -> Option<&str> {
        self.envelope.webhook.as_deref()
    }

    /// The bot id, on bot callbacks.
    pub fn bot_id(&self) -> Option<&str> {
        self.envelope.bot.as_deref()
    }

    /// Who caused the event: a message's sender, a receipt's sender, the
    /// reacting, blocking, connecting or acting user.
    pub fn sender_uid(&self) -> Option<&str> {
        self.payload.facts()?.sender_uid()
    }

    /// Whom the event is addressed to: a message's receiver, a group's guid.
    pub fn recipient(&self) -> Option<Recipient<'_>> {
        self.payload.facts()?.recipient()
    }

    /// The conversation the event belongs to.
    pub fn conversation_id(&self) -> Option<&str> {
        self.payload.facts()?.conversation_id()
    }

    /// The message the event is about; for edits and deletes, the edited or
    /// deleted message whichever shape arrived.
    pub fn message(&self) -> Option<&Message> {
        self.payload.facts()?.message()
    }

    /// The id of the message the event is about (also for receipts and
    /// reactions, which carry only the id).
    pub fn message_id(&self) -> Option<&str> {
        self.payload.facts()?.message_id()
    }

    /// When the event happened, as precisely as the payload says.
    pub fn occurred_at(&self) -> Option<Timestamp<Millis>> {
        self.payload.facts()?.occurred_at()
    }

    /// A key that is the same for every delivery of this event and differs
    /// between events; see the recipe per trigger in
    /// [`Trigger::idempotency_recipe`].
    ///
    /// The recipe reads only its own fields: when `data` did not fit its
    /// type ([`Event::decode_error`]), the key is still built from the
    /// recipe's fields that fit (else the body hash), which is also what
    /// [`KeyedEnvelope::read`](crate::KeyedEnvelope::read) gives without
    /// typing `data` at all.
    pub fn idempotency_key(&self) -> IdempotencyKey {
        match &self.payload {
            Payload::Undecodable(undecodable) => {
                let components = view_key_of_data(&self.envelope.trigger, undecodable.data.get());
                key_from_components(&self.envelope, &self.raw, components.as_deref())
            }
            payload => {
                let facts = payload.facts();
                idempotency_key(&self.envelope, &self.raw, |parts| facts?.key(parts))
            }
        }
    }
}

/// Whitespace around the body is not part of the event: a body with a
/// trailing newline equals the same event stored and decoded again.
impl PartialEq for Event {
    fn eq(&self, other: &Self) -> bool {
        self.envelope == other.envelope
            && self.payload == other.payload
            && self.raw.trim_ascii() == other.raw.trim_ascii()
    }
}

impl Serialize for Event {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // A decoded body is valid UTF-8 JSON, so this keeps it byte for byte.
        let text = std::str::from_utf8(&self.raw).map_err(serde::ser::Error::custom)?;
        let raw = RawValue::from_string(text.to_owned()).map_err(serde::ser::Error::custom)?;
        raw.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        let body = Bytes::from(raw.get().to_owned());
        Event::from_bytes(body).map_err(serde::de::Error::custom)
    }
}
