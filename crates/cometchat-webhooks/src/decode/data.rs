//! `data` kept raw by the envelope reading, decoded by trigger: typed when it
//! fits, [`Payload::Undecodable`] with the reason when it does not,
//! [`Payload::Unknown`] for a trigger this version does not know.

use serde::Deserialize;
use serde::de::{DeserializeOwned, IgnoredAny};
use serde_json::value::RawValue;

use crate::decode::raw_json::RawJson;
use crate::payload::{DataError, UndecodablePayload, UnknownPayload};
use crate::trigger::{Payload, PayloadTypeStep, Trigger, TypedPayload};

/// Decodes `data` (`None` when the body has none) for the trigger named
/// `trigger`.
pub(super) fn decode_raw(trigger: &str, data: Option<&RawValue>) -> Payload {
    let data_text = data.map_or("null", RawValue::get);
    match Trigger::from_wire(trigger) {
        Some(trigger) => {
            let trigger = resolve_shape(trigger, data_text);
            trigger.with_payload_type(DecodeRaw { trigger, data: data_text })
        }
        None => Payload::Unknown(UnknownPayload {
            trigger: trigger.to_owned(),
            data: data.map_or_else(RawJson::null, RawJson::from_trusted),
        }),
    }
}

/// Legacy receipts share their trigger names with current ones: legacy
/// `data` has `messageId`/`receiptType` at the top and no `body`.
fn resolve_shape(trigger: Trigger, data: &str) -> Trigger {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct ReceiptShape {
        body: Option<IgnoredAny>,
        message_id: Option<IgnoredAny>,
        receipt_type: Option<IgnoredAny>,
    }

    let Some(legacy) = trigger.legacy_shape() else { return trigger };
    match serde_json::from_str::<ReceiptShape>(data) {
        Ok(shape)
            if shape.body.is_none()
                && (shape.message_id.is_some() || shape.receipt_type.is_some()) =>
        {
            legacy
        }
        _ => trigger,
    }
}

/// Decodes `data` as the trigger's payload type; a misfit is `Undecodable`.
struct DecodeRaw<'a> {
    trigger: Trigger,
    data: &'a str,
}

impl PayloadTypeStep for DecodeRaw<'_> {
    type Output = Payload;

    fn run<T: TypedPayload + DeserializeOwned>(self, wrap: fn(Box<T>) -> Payload) -> Payload {
        match serde_json::from_str::<Box<T>>(self.data) {
            Ok(typed) => wrap(typed),
            Err(_) => Payload::Undecodable(explain::<T>(self.trigger, self.data)),
        }
    }
}

/// Decodes again, tracking the path, to explain a failure. Only runs on the
/// failure path, so successful decodes pay nothing for the path.
fn explain<T: DeserializeOwned>(trigger: Trigger, data: &str) -> UndecodablePayload {
    let mut deserializer = serde_json::Deserializer::from_str(data);
    let (path, message) = match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Err(error) => (error.path().to_string(), error.into_inner().to_string()),
        Ok(_) => (".".to_owned(), "decoding was not repeatable".to_owned()),
    };
    let raw = serde_json::from_str::<&RawValue>(data)
        .map(RawJson::from_trusted)
        .unwrap_or_else(|_| RawJson::null());
    UndecodablePayload {
        trigger,
        data: raw,
        error: DataError { expected: short_type_name::<T>(), path, message },
    }
}

fn short_type_name<T>() -> String {
    let full = std::any::type_name::<T>();
    full.rsplit("::").next().unwrap_or(full).to_owned()
}
