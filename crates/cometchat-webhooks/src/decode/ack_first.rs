//! The acknowledge-first reading: what a receiver needs to answer a delivery
//! it will handle later. One pass over the body validates the JSON, reads
//! the envelope and, through the trigger's key view (`decode::key_view`),
//! only the fields of `data` its idempotency key is built from; the rest of
//! `data` is skipped, not typed. The typed payload is decoded later, once,
//! by [`Event::from_bytes`](crate::Event::from_bytes).
//!
//! Like the envelope reading, the single pass views `data` as soon as it is
//! reached when `trigger` came first (as CometChat sends it); otherwise, or
//! when the single pass fails, a raw reading keeps `data` as raw JSON and
//! views it afterwards, and its result is authoritative.

use std::fmt;

use bytes::Bytes;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::envelope::{Envelope, EnvelopeText, WireKey};
use super::key_view::{KeyView, KeyViewStep};
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
        if body.is_empty() {
            return Err(ParseError::Empty);
        }
        let text = std::str::from_utf8(body)
            .map_err(|error| ParseError::NotUtf8 { valid_up_to: error.valid_up_to() })?;
        let (envelope, components) =
            read(text, Reading::SinglePass).or_else(|_| read(text, Reading::RawData))?;
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

#[derive(Clone, Copy, PartialEq, Eq)]
enum Reading {
    SinglePass,
    RawData,
}

fn read(body: &str, reading: Reading) -> Result<(Envelope, Option<String>), ParseError> {
    let mut deserializer = serde_json::Deserializer::from_str(body);
    let wire =
        deserializer.deserialize_map(WireVisitor { reading }).map_err(ParseError::from_json)?;
    deserializer.end().map_err(ParseError::from_json)?;
    let trigger = match wire.trigger {
        None => return Err(ParseError::MissingTrigger),
        Some(None) => return Err(ParseError::TriggerNotString),
        Some(Some(trigger)) => trigger,
    };
    let components = match wire.data {
        WireData::Absent => None,
        WireData::Raw(raw) => view_key_of_data(&trigger, raw.get()),
        WireData::Viewed { components, viewed_as } if viewed_as.as_str() == trigger => components,
        // A later duplicate `trigger` named another trigger than the one
        // `data` was viewed for: only the raw reading can sort that out.
        WireData::Viewed { .. } => return Err(ParseError::MissingTrigger),
    };
    let envelope = Envelope {
        trigger,
        app_id: wire.app_id,
        region: wire.region,
        webhook: wire.webhook,
        bot: wire.bot,
        origin: wire.origin.and_then(|raw| serde_json::from_str(raw.get()).ok()),
        chat_api_version: wire.chat_api_version,
        session_type: wire.session_type,
    };
    Ok((envelope, components))
}

enum WireData<'a> {
    Absent,
    Raw(&'a RawValue),
    Viewed { components: Option<String>, viewed_as: Trigger },
}

struct WireEnvelope<'a> {
    /// `Some(None)`: present but not a string.
    trigger: Option<Option<String>>,
    data: WireData<'a>,
    app_id: Option<String>,
    region: Option<String>,
    webhook: Option<String>,
    bot: Option<String>,
    origin: Option<&'a RawValue>,
    chat_api_version: Option<String>,
    session_type: Option<String>,
}

struct WireVisitor {
    reading: Reading,
}

impl<'de> Visitor<'de> for WireVisitor {
    type Value = WireEnvelope<'de>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut wire = WireEnvelope {
            trigger: None,
            data: WireData::Absent,
            app_id: None,
            region: None,
            webhook: None,
            bot: None,
            origin: None,
            chat_api_version: None,
            session_type: None,
        };
        // Later duplicates win, as in the envelope reading.
        while let Some(key) = map.next_key::<WireKey>()? {
            let slot = match key {
                WireKey::Trigger => {
                    wire.trigger = Some(map.next_value_seed(EnvelopeText { numbers: false })?);
                    continue;
                }
                WireKey::Data => {
                    let known = wire.trigger.as_ref().and_then(Option::as_deref);
                    let known = known.and_then(Trigger::from_wire);
                    wire.data = match known {
                        Some(trigger) if self.reading == Reading::SinglePass => WireData::Viewed {
                            components: map.next_value_seed(ViewSeed(trigger))?,
                            viewed_as: trigger,
                        },
                        _ => WireData::Raw(map.next_value()?),
                    };
                    continue;
                }
                WireKey::Origin => {
                    wire.origin = Some(map.next_value()?);
                    continue;
                }
                WireKey::AppId => &mut wire.app_id,
                WireKey::Region => &mut wire.region,
                WireKey::Webhook => &mut wire.webhook,
                WireKey::Bot => &mut wire.bot,
                WireKey::ChatApiVersion => &mut wire.chat_api_version,
                WireKey::SessionType => &mut wire.session_type,
                WireKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            *slot = map.next_value_seed(EnvelopeText { numbers: true })?;
        }
        Ok(wire)
    }
}

/// Views `data` for a trigger already read, in the single pass.
struct ViewSeed(Trigger);

impl<'de> DeserializeSeed<'de> for ViewSeed {
    type Value = Option<String>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        self.0.with_key_view(ViewIn(deserializer, std::marker::PhantomData))
    }
}

/// Runs a key view on the deserializer positioned at `data`.
struct ViewIn<'de, D: Deserializer<'de>>(D, std::marker::PhantomData<&'de ()>);

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
