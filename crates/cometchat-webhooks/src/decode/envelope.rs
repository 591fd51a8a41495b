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
        app_id: text(wire.app_id),
        region: text(wire.region),
        webhook: text(wire.webhook),
        bot: text(wire.bot),
        origin: wire.origin.and_then(|raw| serde_json::from_str(raw.get()).ok()),
        chat_api_version: text(wire.chat_api_version),
        session_type: text(wire.session_type),
    };
    Ok((envelope, data))
}

/// An envelope string that may arrive as a number; anything else is ignored.
pub(super) fn text(raw: Option<&RawValue>) -> Option<String> {
    let raw = raw?.get();
    match raw.as_bytes().first()? {
        b'"' => serde_json::from_str(raw).ok(),
        b'-' | b'0'..=b'9' => Some(raw.to_owned()),
        _ => None,
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
    app_id: Option<&'a RawValue>,
    region: Option<&'a RawValue>,
    webhook: Option<&'a RawValue>,
    bot: Option<&'a RawValue>,
    origin: Option<&'a RawValue>,
    chat_api_version: Option<&'a RawValue>,
    session_type: Option<&'a RawValue>,
}

struct WireVisitor {
    reading: Reading,
}

impl WireVisitor {
    /// The trigger whose `data` can be typed right away: known, and not one
    /// whose legacy twin shares its name (those need the shape of `data`).
    fn single_pass_trigger(&self, trigger: &Option<Option<String>>) -> Option<Trigger> {
        let name = trigger.as_ref()?.as_deref()?;
        let known = Trigger::from_wire(name)?;
        (self.reading == Reading::SinglePass && known.legacy_shape().is_none()).then_some(known)
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
                    let raw: &RawValue = map.next_value()?;
                    wire.trigger = Some(serde_json::from_str::<String>(raw.get()).ok());
                    continue;
                }
                WireKey::Data => {
                    wire.data = match self.single_pass_trigger(&wire.trigger) {
                        Some(trigger) => WireData::Typed {
                            payload: map.next_value_seed(PayloadSeed(trigger))?,
                            decoded_as: trigger,
                        },
                        None => WireData::Raw(map.next_value()?),
                    };
                    continue;
                }
                WireKey::AppId => &mut wire.app_id,
                WireKey::Region => &mut wire.region,
                WireKey::Webhook => &mut wire.webhook,
                WireKey::Bot => &mut wire.bot,
                WireKey::Origin => &mut wire.origin,
                WireKey::ChatApiVersion => &mut wire.chat_api_version,
                WireKey::SessionType => &mut wire.session_type,
                WireKey::Other => {
                    map.next_value::<de::IgnoredAny>()?;
                    continue;
                }
            };
            *slot = Some(map.next_value()?);
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
    fn other_bodies_keep_data_raw_for_the_second_step() {
        // `data` before `trigger`: its type is not known yet when it is read.
        assert!(!typed_in_one_pass(r#"{"data": {"sessionId": "s"}, "trigger": "call_started"}"#));
        // Receipts: the shape of `data` decides between current and legacy.
        assert!(!typed_in_one_pass(
            r#"{"trigger": "message_read_receipt", "data": {"messageId": "1"}}"#
        ));
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
