//! The top level of a webhook body. Read in one pass that keeps every value
//! raw, so a wrongly typed envelope field never fails the event and `data` is
//! decoded only once its trigger is known.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::decode::lenient;
use crate::error::ParseError;

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

/// Reads the envelope of `body` and returns it with `data` still raw.
pub(crate) fn read_envelope(body: &str) -> Result<(Envelope, Option<&RawValue>), ParseError> {
    let wire: WireEnvelope<'_> = serde_json::from_str(body).map_err(ParseError::from_json)?;
    let trigger = match wire.trigger {
        None => return Err(ParseError::MissingTrigger),
        Some(raw) => {
            serde_json::from_str::<String>(raw.get()).map_err(|_| ParseError::TriggerNotString)?
        }
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
    Ok((envelope, wire.data))
}

/// An envelope string that may arrive as a number; anything else is ignored.
fn text(raw: Option<&RawValue>) -> Option<String> {
    let raw = raw?.get();
    match raw.as_bytes().first()? {
        b'"' => serde_json::from_str(raw).ok(),
        b'-' | b'0'..=b'9' => Some(raw.to_owned()),
        _ => None,
    }
}

#[derive(Default)]
struct WireEnvelope<'a> {
    trigger: Option<&'a RawValue>,
    data: Option<&'a RawValue>,
    app_id: Option<&'a RawValue>,
    region: Option<&'a RawValue>,
    webhook: Option<&'a RawValue>,
    bot: Option<&'a RawValue>,
    origin: Option<&'a RawValue>,
    chat_api_version: Option<&'a RawValue>,
    session_type: Option<&'a RawValue>,
}

impl<'de: 'a, 'a> Deserialize<'de> for WireEnvelope<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(WireVisitor)
    }
}

struct WireVisitor;

impl<'de> Visitor<'de> for WireVisitor {
    type Value = WireEnvelope<'de>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut wire = WireEnvelope::default();
        while let Some(key) = map.next_key::<WireKey>()? {
            // Later duplicates win, as in `serde_json::Value`.
            let slot = match key {
                WireKey::Trigger => &mut wire.trigger,
                WireKey::Data => &mut wire.data,
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

enum WireKey {
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
