//! The one reader of a webhook body: the envelope (every value read
//! leniently, so a wrongly typed envelope field never fails the event) and
//! `data`, in one pass over the bytes.
//!
//! What is done with `data` is the caller's [`DataReading`]: the eager
//! decode types it into its payload, the acknowledge-first reading views only
//! the fields of its idempotency key. Either way there are two readings. The
//! single pass reads `data` as soon as it is reached, when `trigger` came
//! first (as CometChat sends it). The raw reading keeps `data` as raw JSON;
//! it is used when the single pass cannot be (data before trigger, unknown
//! trigger) or fails (data that does not fit, invalid bodies), and its result
//! is authoritative.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::envelope::Envelope;
use crate::error::ParseError;
use crate::trigger::Trigger;

/// What the single pass does with `data` once its trigger is known.
pub(super) trait DataReading {
    /// `data` as read in the single pass.
    type Value;

    /// Reads `data` for a known `trigger`, and says which trigger it was
    /// read as (a receipt's shape may decide between two of the same name).
    /// A misfit is an error: the raw reading then decides.
    fn read_known<'de, D: Deserializer<'de>>(
        &self,
        trigger: Trigger,
        data: D,
    ) -> Result<(Self::Value, Trigger), D::Error>;
}

/// `data` as read: in the single pass, or raw.
pub(super) enum Data<'a, T> {
    /// Read in the single pass.
    InPass(T),
    /// Kept raw; `None` when the body has no `data`.
    Raw(Option<&'a RawValue>),
}

/// The body as text: non-empty UTF-8.
#[inline]
pub(super) fn body_text(body: &[u8]) -> Result<&str, ParseError> {
    if body.is_empty() {
        return Err(ParseError::Empty);
    }
    std::str::from_utf8(body)
        .map_err(|error| ParseError::NotUtf8 { valid_up_to: error.valid_up_to() })
}

/// Reads a body's envelope and `data`: the single pass first, the raw
/// reading when the single pass does not apply or fails.
pub(super) fn read_body<'a, R: DataReading>(
    body: &'a str,
    reading: &R,
) -> Result<(Envelope, Data<'a, R::Value>), ParseError> {
    read(body, Some(reading)).or_else(|_| read::<R>(body, None))
}

/// One reading: `single_pass` reads `data` for a trigger that came first;
/// `None` keeps `data` raw.
fn read<'a, R: DataReading>(
    body: &'a str,
    single_pass: Option<&R>,
) -> Result<(Envelope, Data<'a, R::Value>), ParseError> {
    let mut deserializer = serde_json::Deserializer::from_str(body);
    let wire =
        deserializer.deserialize_map(WireVisitor { single_pass }).map_err(ParseError::from_json)?;
    deserializer.end().map_err(ParseError::from_json)?;
    let trigger = match wire.trigger {
        None => return Err(ParseError::MissingTrigger),
        Some(None) => return Err(ParseError::TriggerNotString),
        Some(Some(trigger)) => trigger,
    };
    let data = match wire.data {
        WireData::Absent => Data::Raw(None),
        WireData::Raw(raw) => Data::Raw(Some(raw)),
        WireData::InPass { value, read_as } if read_as.as_str() == trigger => Data::InPass(value),
        // A later duplicate `trigger` named another trigger than the one
        // `data` was read for: only the raw reading can sort that out.
        WireData::InPass { .. } => return Err(ParseError::MissingTrigger),
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

enum WireData<'a, T> {
    Absent,
    Raw(&'a RawValue),
    InPass { value: T, read_as: Trigger },
}

struct WireEnvelope<'a, T> {
    /// `Some(None)`: present but not a string.
    trigger: Option<Option<String>>,
    data: WireData<'a, T>,
    app_id: Option<String>,
    region: Option<String>,
    webhook: Option<String>,
    bot: Option<String>,
    origin: Option<&'a RawValue>,
    chat_api_version: Option<String>,
    session_type: Option<String>,
}

struct WireVisitor<'r, R> {
    /// `None` in the raw reading.
    single_pass: Option<&'r R>,
}

impl<'r, R> WireVisitor<'r, R> {
    /// How to read `data` right away: in the single pass, when a known
    /// trigger came first.
    fn known_data(&self, trigger: &Option<Option<String>>) -> Option<KnownData<'r, R>> {
        let reading = self.single_pass?;
        let trigger = Trigger::from_wire(trigger.as_ref()?.as_deref()?)?;
        Some(KnownData { reading, trigger })
    }
}

impl<'de, R: DataReading> Visitor<'de> for WireVisitor<'_, R> {
    type Value = WireEnvelope<'de, R::Value>;

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
                    wire.data = match self.known_data(&wire.trigger) {
                        Some(known) => {
                            let (value, read_as) = map.next_value_seed(known)?;
                            WireData::InPass { value, read_as }
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
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            *slot = map.next_value_seed(EnvelopeText { numbers: true })?;
        }
        Ok(wire)
    }
}

/// `data` of a known trigger, handed to the [`DataReading`].
struct KnownData<'r, R> {
    reading: &'r R,
    trigger: Trigger,
}

impl<'de, R: DataReading> DeserializeSeed<'de> for KnownData<'_, R> {
    type Value = (R::Value, Trigger);

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        self.reading.read_known(self.trigger, deserializer)
    }
}

/// An envelope value read once, in place: a string as sent; with
/// `numbers`, a number as its text (ids that arrive as numbers); any other
/// value is skipped and reads as `None`.
struct EnvelopeText {
    numbers: bool,
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
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
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
