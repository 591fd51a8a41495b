//! What `listen`, `inspect` and `demo` show about a decoded event: its
//! trigger, typed variant, key fields, idempotency key and whatever did not
//! decode.

use cometchat_webhooks::media::event_media_urls;
use cometchat_webhooks::{Event, Payload};
use serde::Serialize;

/// The facts of one event, owned so they can cross threads and be printed
/// after the request was answered.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct EventSummary {
    /// The trigger as sent.
    pub(crate) trigger: String,
    /// The trigger's unique name when known (`legacy_message_read_receipt`
    /// for a legacy receipt).
    pub(crate) known_trigger: Option<&'static str>,
    /// The `Payload` variant: the typed payload's name, `Undecodable` or
    /// `Unknown`.
    pub(crate) variant: String,
    /// Whether `data` decoded into the typed payload.
    pub(crate) typed: bool,
    pub(crate) app_id: Option<String>,
    pub(crate) region: Option<String>,
    pub(crate) webhook_id: Option<String>,
    pub(crate) bot_id: Option<String>,
    pub(crate) sender: Option<String>,
    pub(crate) receiver: Option<ReceiverSummary>,
    pub(crate) conversation_id: Option<String>,
    pub(crate) message_id: Option<String>,
    pub(crate) occurred_at_ms: Option<i64>,
    pub(crate) idempotency_key: String,
    pub(crate) media_urls: Vec<String>,
    /// What did not decode, and where.
    pub(crate) not_decoded: Option<NotDecoded>,
    /// Values that did not fit their fields and were set aside, keeping
    /// the event typed.
    pub(crate) set_aside: Vec<SetAsideSummary>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct SetAsideSummary {
    /// JSON path from the body's root (`data.message.sentAt`).
    pub(crate) path: String,
    pub(crate) reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct ReceiverSummary {
    pub(crate) id: String,
    #[serde(rename = "type")]
    pub(crate) receiver_type: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct NotDecoded {
    /// JSON path from the body's root (`data.message.sentAt`).
    pub(crate) path: String,
    /// What it was decoded as.
    pub(crate) expected: String,
    pub(crate) reason: String,
}

impl EventSummary {
    pub(crate) fn of(event: &Event) -> Self {
        let known = event.known_trigger();
        Self {
            trigger: event.trigger().to_owned(),
            known_trigger: known.map(|trigger| trigger.unique_name()),
            variant: variant_name(event),
            typed: event.is_typed(),
            app_id: event.app_id().map(str::to_owned),
            region: event.region().map(str::to_owned),
            webhook_id: event.webhook_id().map(str::to_owned),
            bot_id: event.bot_id().map(str::to_owned),
            sender: event.sender_uid().map(str::to_owned),
            receiver: event.recipient().map(|recipient| ReceiverSummary {
                id: recipient.id.to_owned(),
                receiver_type: recipient.receiver_type.as_str().to_owned(),
            }),
            conversation_id: event.conversation_id().map(str::to_owned),
            message_id: event.message_id().map(str::to_owned),
            occurred_at_ms: event.occurred_at().map(|at| at.unix_millis()),
            idempotency_key: event.idempotency_key().into_string(),
            media_urls: event_media_urls(event).into_iter().map(str::to_owned).collect(),
            not_decoded: not_decoded(event),
            set_aside: event
                .set_aside()
                .iter()
                .map(|value| SetAsideSummary {
                    path: path_from_root(&value.path),
                    reason: value.reason.clone(),
                })
                .collect(),
        }
    }

    /// `bob (user)`.
    pub(crate) fn receiver_text(&self) -> Option<String> {
        self.receiver
            .as_ref()
            .map(|receiver| format!("{} ({})", receiver.id, receiver.receiver_type))
    }
}

/// `Payload`'s variants are named after `Trigger`'s (both come from one
/// table in the core), so a typed event's variant is its trigger's name.
fn variant_name(event: &Event) -> String {
    match (event.payload(), event.known_trigger()) {
        (Payload::Unknown(_), _) => "Unknown".to_owned(),
        (Payload::Undecodable(_), _) => "Undecodable".to_owned(),
        (_, Some(trigger)) => format!("{trigger:?}"),
        (_, None) => "Unknown".to_owned(),
    }
}

fn not_decoded(event: &Event) -> Option<NotDecoded> {
    if let Some(error) = event.decode_error() {
        return Some(NotDecoded {
            path: path_from_root(&error.path),
            expected: error.expected.clone(),
            reason: error.message.clone(),
        });
    }
    match event.payload() {
        Payload::Unknown(unknown) => Some(NotDecoded {
            path: "data".to_owned(),
            expected: "a trigger this version knows".to_owned(),
            reason: format!("`{}` is not a known trigger; `data` is kept as sent", unknown.trigger),
        }),
        _ => None,
    }
}

/// The core's paths are relative to `data` (`.` for `data` itself).
fn path_from_root(relative: &str) -> String {
    match relative {
        "" | "." => "data".to_owned(),
        index if index.starts_with('[') => format!("data{index}"),
        field => format!("data.{field}"),
    }
}

#[cfg(test)]
mod tests {
    use cometchat_webhooks::Trigger;
    use cometchat_webhooks::testing::{EventBuilder, samples};

    use super::*;

    #[test]
    fn every_sample_is_typed_with_its_trigger_as_variant() {
        for (trigger, body) in samples() {
            let event = Event::from_slice(body).map_err(|error| error.to_string());
            let summary = EventSummary::of(&event.expect("bundled samples decode"));
            assert!(summary.typed, "{trigger}");
            assert_eq!(summary.variant, format!("{trigger:?}"));
            assert_eq!(summary.known_trigger, Some(trigger.unique_name()));
            assert!(summary.not_decoded.is_none(), "{trigger}");
        }
    }

    #[test]
    fn a_misfit_names_its_path_from_the_root() {
        let event = EventBuilder::new(Trigger::MessageSent).set("data.message.id", vec![1]).build();
        let summary = EventSummary::of(&event);
        assert_eq!(summary.variant, "Undecodable");
        let not_decoded = summary.not_decoded.expect("the message id does not fit");
        assert_eq!(not_decoded.path, "data.message.id");
        assert_eq!(not_decoded.expected, "MessageSent");
    }

    #[test]
    fn an_unknown_trigger_keeps_its_data() {
        let event = Event::from_slice(br#"{"trigger":"brand_new","data":{"x":1}}"#)
            .expect("a webhook with an unknown trigger");
        let summary = EventSummary::of(&event);
        assert_eq!(summary.variant, "Unknown");
        assert_eq!(summary.known_trigger, None);
        assert_eq!(summary.not_decoded.map(|n| n.path), Some("data".to_owned()));
    }
}
