//! The acknowledge-first reading: what a receiver needs to answer a delivery
//! it will handle later. The one reader (`decode::wire`) validates the JSON,
//! reads the envelope and, through the trigger's key view
//! (`decode::key_view`), only the fields of `data` its idempotency key is
//! built from; the rest of `data` is skipped, not typed. The typed payload is
//! decoded later, once, by [`Event::from_bytes`](crate::Event::from_bytes).
//! When the reader kept `data` raw (data before trigger, or a single pass
//! that failed), it is viewed afterwards.

use std::marker::PhantomData;

use bytes::Bytes;
use serde::de::Deserializer;

use super::envelope::Envelope;
use super::key_view::{KeyView, KeyViewStep};
use super::wire::{Data, DataReading, body_text, read_body};
use crate::error::ParseError;
use crate::idempotency::{IdempotencyKey, KeyParts, key_from_components};
use crate::trigger::Trigger;

/// A webhook body read for acknowledging first: its envelope and its
/// idempotency key, with `data` validated but not typed.
///
/// [`KeyedEnvelope::read`] accepts exactly the bodies
/// [`Event::from_slice`](crate::Event::from_slice) accepts (a JSON object
/// with a string `trigger`), and its key equals
/// [`Event::idempotency_key`](crate::Event::idempotency_key) of the same
/// body, so a delivery acknowledged on this reading is de-duplicated and
/// stored under the key its handler later sees.
///
/// ```
/// use cometchat_webhooks::{Event, KeyedEnvelope};
///
/// let body = br#"{"trigger": "message_sent", "appId": "app1", "webhook": "w1",
///     "data": {"message": {"id": "57", "sender": "alice", "data": {"text": "hi"}}}}"#;
/// let read = KeyedEnvelope::read(body)?;
/// assert_eq!(read.trigger(), "message_sent");
/// assert_eq!(read.idempotency_key().as_str(), "message_sent/app1/w1/message.id=57");
/// assert_eq!(read.idempotency_key(), &Event::from_slice(body)?.idempotency_key());
/// # Ok::<(), cometchat_webhooks::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyedEnvelope {
    envelope: Envelope,
    key: IdempotencyKey,
}

impl KeyedEnvelope {
    /// Reads a body's envelope and idempotency key in one pass. Fails
    /// exactly when [`Event::from_slice`](crate::Event::from_slice) fails,
    /// with the same error.
    pub fn read(body: &[u8]) -> Result<Self, ParseError> {
        let (envelope, data) = read_body(body_text(body)?, &KeyComponents)?;
        let components = match data {
            Data::InPass(components) => components,
            Data::Raw(None) => None,
            Data::Raw(Some(raw)) => view_key_of_data(&envelope.trigger, raw.get()),
        };
        let key = key_from_components(&envelope, body, components.as_deref());
        Ok(Self { envelope, key })
    }

    /// [`read`](Self::read) for a body already shared as [`Bytes`].
    pub fn read_bytes(body: &Bytes) -> Result<Self, ParseError> {
        Self::read(body)
    }

    /// The trigger name as sent.
    pub fn trigger(&self) -> &str {
        &self.envelope.trigger
    }

    /// The trigger, when this version knows its name. The two legacy
    /// receipts, told apart by the shape of `data`, read as the current
    /// receipts that share their names.
    pub fn known_trigger(&self) -> Option<Trigger> {
        Trigger::from_wire(&self.envelope.trigger)
    }

    /// The envelope: trigger, app, region, webhook or bot, origin.
    pub fn envelope(&self) -> &Envelope {
        &self.envelope
    }

    /// The key [`Event::idempotency_key`](crate::Event::idempotency_key)
    /// gives for this body.
    pub fn idempotency_key(&self) -> &IdempotencyKey {
        &self.key
    }

    /// The envelope and the key.
    pub fn into_parts(self) -> (Envelope, IdempotencyKey) {
        (self.envelope, self.key)
    }
}

/// The recipe's components of `data` (as raw JSON text) for the trigger
/// named `trigger`, read through its key view; `None` when the recipe
/// falls back to the body hash. The key of an event whose `data` did not
/// type.
pub(crate) fn view_key_of_data(trigger: &str, data: &str) -> Option<String> {
    Trigger::from_wire(trigger)?.with_key_view(ViewRaw(data))
}

/// Runs a key view over raw `data`.
struct ViewRaw<'a>(&'a str);

impl KeyViewStep for ViewRaw<'_> {
    type Output = Option<String>;

    fn run<V: KeyView>(self) -> Option<String> {
        components(&serde_json::from_str::<V>(self.0).ok()?)
    }
}

/// A view's key components, `None` for the body hash.
fn components<V: KeyView>(view: &V) -> Option<String> {
    let mut parts = KeyParts::components_only();
    view.key(&mut parts)?;
    Some(parts.into_components())
}

/// Views `data` in the single pass, through the key view of its trigger,
/// into the recipe's components.
struct KeyComponents;

impl DataReading for KeyComponents {
    type Value = Option<String>;

    fn read_known<'de, D: Deserializer<'de>>(
        &self,
        trigger: Trigger,
        data: D,
    ) -> Result<(Option<String>, Trigger), D::Error> {
        trigger.with_key_view(ViewIn(data, PhantomData)).map(|components| (components, trigger))
    }
}

/// Runs a key view on the deserializer positioned at `data`.
struct ViewIn<'de, D: Deserializer<'de>>(D, PhantomData<&'de ()>);

impl<'de, D: Deserializer<'de>> KeyViewStep for ViewIn<'de, D> {
    type Output = Result<Option<String>, D::Error>;

    fn run<V: KeyView>(self) -> Self::Output {
        V::deserialize(self.0).map(|view| components(&view))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_that_are_not_webhooks_are_refused_as_the_eager_reading_refuses_them() {
        for body in [&b""[..], b"\xff", b"[1]", b"{}", br#"{"trigger": 5}"#, b"{\"trigger\":\"x\""]
        {
            let eager = crate::Event::from_slice(body).unwrap_err();
            let ack_first = KeyedEnvelope::read(body).unwrap_err();
            assert_eq!(ack_first.to_string(), eager.to_string());
        }
    }

    #[test]
    fn data_before_its_trigger_is_viewed_afterwards() {
        let body = br#"{"data": {"message": {"id": 9}}, "trigger": "message_sent", "appId": "a"}"#;
        let read = KeyedEnvelope::read(body).unwrap();
        assert_eq!(read.idempotency_key().as_str(), "message_sent/a/-/message.id=9");
    }
}
