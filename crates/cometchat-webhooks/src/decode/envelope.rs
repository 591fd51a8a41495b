//! The top level of a webhook body. Every envelope value is read leniently,
//! so a wrongly typed envelope field never fails the event.
//!
//! Two readings share one visitor. The single pass decodes `data` into its
//! typed payload as soon as it is reached, when `trigger` came first (as
//! CometChat sends it). The raw reading keeps `data` as raw JSON; it is used
//! when the single pass cannot be (data before trigger, receipts whose shape
//! decides the trigger) or fails (data that does not fit, invalid bodies), and
//! its result is authoritative.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::receipt_shape::ReceiptSeed;
use crate::decode::lenient;
use crate::error::ParseError;
use crate::trigger::{Payload, PayloadTypeStep, Trigger, TypedPayload};

/// Everything around `data`: which trigger, from which app and webhook.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope {
    /// The trigger name as sent.
    pub trigger: String,
    /// CometChat app id.
    pub app_id: Option<String>,
    /// `us`, `eu` or `in`.
    pub region: Option<String>,
    /// The webhook's configuration id (not an event id).
    pub webhook: Option<String>,
    /// The bot id, on bot callbacks (instead of `webhook`).
    pub bot: Option<String>,
    /// Where the event originated (legacy and bot payloads).
    pub origin: Option<Origin>,
    /// Chat API version (legacy and bot payloads).
    #[serde(rename = "chatAPIVersion")]
    pub chat_api_version: Option<String>,
    /// `call` or `meet` on media-session events.
    #[serde(rename = "type")]
    pub session_type: Option<String>,
}

/// `origin` of legacy and bot payloads.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    /// `API`, `MGNT-API`, `WEBSOCKET`, `WEBRTC`, `web`, …
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub platform: Option<String>,
    /// Client language (bots).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub language: Option<String>,
    /// Client resource (bots).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub resource: Option<String>,
}

/// `data` as read: typed in the single pass, or raw.
pub(crate) enum Data<'a> {
    /// Decoded in the single pass.
    Typed(Payload),
    /// Kept raw; `None` when the body has no `data`.
    Raw(Option<&'a RawValue>),
}

/// Reads a body's envelope and `data`: the single pass first, the raw
/// reading when the single pass does not apply or fails.
pub(crate) fn read_body(body: &str) -> Result<(Envelope, Data<'_>), ParseError> {
    read(body, Reading::SinglePass).or_else(|_| read(body, Reading::RawData))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Reading {
    SinglePass,
    RawData,
}

fn read(body: &str, reading: Reading) -> Result<(Envelope, Data<'_>), ParseError> {
    let mut deserializer = serde_json::Deserializer::from_str(body);
    let wire =
        deserializer.deserialize_map(WireVisitor { reading }).map_err(ParseError::from_json)?;
    deserializer.end().map_err(ParseError::from_json)?;
    let trigger = match wire.trigger {
        None => return Err(ParseError::MissingTrigger),
        Some(None) => return Err(ParseError::TriggerNotString),
        Some(Some(trigger)) => trigger,
    };
    let data = match wire.data {
        WireData::Absent => Data::Raw(None),
        WireData::Raw(raw) => Data::Raw(Some(raw)),
        WireData::Typed { payload, decoded_as } if decoded_as.as_str() == trigger => {
            Data::Typed(payload)
        }
        // A later duplicate `trigger` named another trigger than the one
        // `data` was decoded for: only the raw reading can sort that out.
        WireData::Typed { .. } => return Err(ParseError::MissingTrigger),
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
    Ok((envelope, data))
}

/// An envelope value read once, in place: a string as sent; with
/// `numbers`, a number as its text (ids that arrive as numbers); any other
/// value is skipped and reads as `None`.
pub(super) struct EnvelopeText {
    pub(super) numbers: bool,
}

impl<'de> DeserializeSeed<'de> for EnvelopeText {
    type Value = Option<String>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for EnvelopeText {
    type Value = Option<String>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        Ok(Some(value.to_owned()))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Self::Value, E> {
        Ok(Some(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
        Ok(self.numbers.then(|| value.to_string()))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
        Ok(self.numbers.then(|| value.to_string()))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Self::Value, E> {
        Ok(self.numbers.then(|| value.to_string()))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<de::IgnoredAny, de::IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<de::IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

enum WireData<'a> {
    Absent,
    Raw(&'a RawValue),
    Typed { payload: Payload, decoded_as: Trigger },
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

/// How `data` is typed in the single pass.
enum SinglePass {
    /// Straight into the trigger's payload type.
    Typed(Trigger),
    /// Into the receipt shape it has (current or legacy).
    ByShape(Trigger),
}

impl WireVisitor {
    /// The trigger whose `data` can be typed right away (known), and whether
    /// it has a legacy twin of the same name (then the shape of `data`
    /// decides between them).
    fn single_pass_trigger(&self, trigger: &Option<Option<String>>) -> Option<SinglePass> {
        let name = trigger.as_ref()?.as_deref()?;
        let known = Trigger::from_wire(name)?;
        if self.reading != Reading::SinglePass {
            return None;
        }
        Some(match known.legacy_shape() {
            None => SinglePass::Typed(known),
            Some(_) => SinglePass::ByShape(known),
        })
    }
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
        // Later duplicates win, as in `serde_json::Value`.
        while let Some(key) = map.next_key::<WireKey>()? {
            let slot = match key {
                WireKey::Trigger => {
                    wire.trigger = Some(map.next_value_seed(EnvelopeText { numbers: false })?);
                    continue;
                }
                WireKey::Data => {
                    wire.data = match self.single_pass_trigger(&wire.trigger) {
                        Some(SinglePass::Typed(trigger)) => WireData::Typed {
                            payload: map.next_value_seed(PayloadSeed(trigger))?,
                            decoded_as: trigger,
                        },
                        Some(SinglePass::ByShape(trigger)) => {
                            let (payload, decoded_as) =
                                map.next_value_seed(ReceiptSeed(trigger))?;
                            WireData::Typed { payload, decoded_as }
                        }
                        None => WireData::Raw(map.next_value()?),
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
                    map.next_value::<de::IgnoredAny>()?;
                    continue;
                }
            };
            *slot = map.next_value_seed(EnvelopeText { numbers: true })?;
        }
        Ok(wire)
    }
}

/// Decodes `data` as the payload of a trigger already read.
struct PayloadSeed(Trigger);

impl<'de> DeserializeSeed<'de> for PayloadSeed {
    type Value = Payload;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Payload, D::Error> {
        self.0.with_payload_type(DeserializeAs { deserializer, lifetime: PhantomData })
    }
}

/// Deserializes straight into the trigger's payload type; a misfit is an
/// error here (the raw reading then explains it).
struct DeserializeAs<'de, D: Deserializer<'de>> {
    deserializer: D,
    lifetime: PhantomData<&'de ()>,
}

impl<'de, D: Deserializer<'de>> PayloadTypeStep for DeserializeAs<'de, D> {
    type Output = Result<Payload, D::Error>;

    fn run<T: TypedPayload + DeserializeOwned>(self, wrap: fn(Box<T>) -> Payload) -> Self::Output {
        Box::<T>::deserialize(self.deserializer).map(wrap)
    }
}

pub(super) enum WireKey {
    Trigger,
    Data,
    AppId,
    Region,
    Webhook,
    Bot,
    Origin,
    ChatApiVersion,
    SessionType,
    Other,
}

impl<'de> Deserialize<'de> for WireKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl Visitor<'_> for KeyVisitor {
            type Value = WireKey;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a field name")
            }

            fn visit_str<E: de::Error>(self, key: &str) -> Result<WireKey, E> {
                Ok(match key {
                    "trigger" => WireKey::Trigger,
                    "data" => WireKey::Data,
                    "appId" => WireKey::AppId,
                    "region" => WireKey::Region,
                    "webhook" => WireKey::Webhook,
                    "bot" => WireKey::Bot,
                    "origin" => WireKey::Origin,
                    "chatAPIVersion" => WireKey::ChatApiVersion,
                    "type" => WireKey::SessionType,
                    _ => WireKey::Other,
                })
            }
        }

        deserializer.deserialize_identifier(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed_in_one_pass(body: &str) -> bool {
        matches!(read_body(body), Ok((_, Data::Typed(_))))
    }

    #[test]
    fn data_after_its_trigger_is_typed_in_the_same_pass() {
        assert!(typed_in_one_pass(r#"{"trigger": "call_started", "data": {"sessionId": "s"}}"#));
    }

    #[test]
    fn receipts_are_typed_in_the_same_pass_by_their_shape() {
        assert!(typed_in_one_pass(
            r#"{"trigger": "message_read_receipt", "data": {"messageId": "1"}}"#
        ));
        // A misfit in either shape leaves the decision to the raw reading.
        assert!(!typed_in_one_pass(
            r#"{"trigger": "message_read_receipt", "data": {"readAt": {"x": 1}}}"#
        ));
    }

    #[test]
    fn other_bodies_keep_data_raw_for_the_second_step() {
        // `data` before `trigger`: its type is not known yet when it is read.
        assert!(!typed_in_one_pass(r#"{"data": {"sessionId": "s"}, "trigger": "call_started"}"#));
        // Unknown trigger, and `data` that does not fit (the raw reading
        // then keeps it for `Payload::Undecodable`).
        assert!(!typed_in_one_pass(r#"{"trigger": "new_thing", "data": {}}"#));
        assert!(!typed_in_one_pass(r#"{"trigger": "group_created", "data": {"group": 5}}"#));
        // A later `trigger` that names another trigger than `data` was read as.
        let changed = r#"{"trigger": "call_started", "data": {"sessionId": "s"},
            "trigger": "meeting_started"}"#;
        assert!(!typed_in_one_pass(changed));
        assert_eq!(
            read_body(changed).map(|(envelope, _)| envelope.trigger).ok().as_deref(),
            Some("meeting_started")
        );
    }
}
