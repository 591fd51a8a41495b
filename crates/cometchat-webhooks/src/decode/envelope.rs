//! The top level of a webhook body as the eager decode reads it: the
//! envelope types, and `data` typed into its payload in the single pass of
//! the one reader (`decode::wire`).

use std::marker::PhantomData;

use serde::de::{DeserializeOwned, DeserializeSeed, Deserializer};
use serde::{Deserialize, Serialize};

use super::receipt_shape::ReceiptSeed;
use super::wire::DataReading;
use crate::decode::lenient;
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

/// Types `data` in the single pass: straight into the trigger's payload
/// type, or, for a receipt with a legacy twin of the same name, into the
/// shape it has (current or legacy).
pub(super) struct TypedData;

impl DataReading for TypedData {
    type Value = Payload;

    fn read_known<'de, D: Deserializer<'de>>(
        &self,
        trigger: Trigger,
        data: D,
    ) -> Result<(Payload, Trigger), D::Error> {
        match trigger.legacy_shape() {
            None => trigger
                .with_payload_type(DeserializeAs { deserializer: data, lifetime: PhantomData })
                .map(|payload| (payload, trigger)),
            Some(_) => ReceiptSeed(trigger).deserialize(data),
        }
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

#[cfg(test)]
mod tests {
    use super::super::wire::{Data, read_body};
    use super::*;

    fn typed_in_one_pass(body: &str) -> bool {
        matches!(read_body(body, &TypedData), Ok((_, Data::InPass(_))))
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
            read_body(changed, &TypedData).map(|(envelope, _)| envelope.trigger).ok().as_deref(),
            Some("meeting_started")
        );
    }
}
