//! `data` kept raw by the envelope reading, decoded by trigger: typed when it
//! fits, typed with the values that do not fit set aside when its identity
//! fits, [`Payload::Undecodable`] with the reason when it does not,
//! [`Payload::Unknown`] for a trigger this version does not know.

use serde::Deserialize;
use serde::de::{DeserializeOwned, IgnoredAny};
use serde_json::value::RawValue;

use super::repair::{Fatal, decode_setting_aside};
use crate::decode::raw_json::RawJson;
use crate::payload::{DataError, SetAside, UndecodablePayload, UnknownPayload};
use crate::trigger::{Payload, PayloadTypeStep, Trigger, TypedPayload};

/// Decodes `data` (`None` when the body has none) for the trigger named
/// `trigger`, with the values set aside to type it.
pub(super) fn decode_raw(trigger: &str, data: Option<&RawValue>) -> (Payload, Vec<SetAside>) {
    let data_text = data.map_or("null", RawValue::get);
    match Trigger::from_wire(trigger) {
        Some(trigger) => {
            let trigger = resolve_shape(trigger, data_text);
            trigger.with_payload_type(DecodeRaw { trigger, data: data_text })
        }
        None => (
            Payload::Unknown(UnknownPayload {
                trigger: trigger.to_owned(),
                data: data.map_or_else(RawJson::null, RawJson::from_trusted),
            }),
            Vec::new(),
        ),
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

/// Decodes `data` as the trigger's payload type. A misfit is set aside
/// field by field; a misfit that cannot be set aside is `Undecodable`.
struct DecodeRaw<'a> {
    trigger: Trigger,
    data: &'a str,
}

impl PayloadTypeStep for DecodeRaw<'_> {
    type Output = (Payload, Vec<SetAside>);

    fn run<T: TypedPayload + DeserializeOwned>(
        self,
        wrap: fn(Box<T>) -> Payload,
    ) -> (Payload, Vec<SetAside>) {
        if let Ok(typed) = serde_json::from_str::<Box<T>>(self.data) {
            return (wrap(typed), Vec::new());
        }
        match decode_setting_aside::<Box<T>>(self.data) {
            Ok((typed, set_aside)) => (wrap(typed), set_aside),
            Err(fatal) => {
                (Payload::Undecodable(undecodable::<T>(self.trigger, self.data, fatal)), Vec::new())
            }
        }
    }
}

/// `data` as sent, with why it could not be typed.
fn undecodable<T>(trigger: Trigger, data: &str, fatal: Fatal) -> UndecodablePayload {
    let raw = serde_json::from_str::<&RawValue>(data)
        .map(RawJson::from_trusted)
        .unwrap_or_else(|_| RawJson::null());
    let path = if fatal.path.is_empty() { ".".to_owned() } else { fatal.path };
    UndecodablePayload {
        trigger,
        data: raw,
        error: DataError { expected: short_type_name::<T>(), path, message: fatal.message },
    }
}

fn short_type_name<T>() -> String {
    let full = std::any::type_name::<T>();
    full.rsplit("::").next().unwrap_or(full).to_owned()
}
