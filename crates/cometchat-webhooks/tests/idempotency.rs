//! A retried delivery gets the same key; different events get different keys.

use std::collections::HashMap;

use cometchat_webhooks::testing::{EventBuilder, samples};
use cometchat_webhooks::*;
use serde_json::{Value, json};

fn key_of(body: &[u8]) -> IdempotencyKey {
    Event::from_slice(body).unwrap().idempotency_key()
}

#[test]
fn every_sample_has_a_distinct_key() {
    let mut seen: HashMap<IdempotencyKey, Trigger> = HashMap::new();
    for (trigger, body) in samples() {
        let key = key_of(body);
        assert!(key.as_str().starts_with(trigger.as_str()), "{key}");
        if let Some(other) = seen.insert(key.clone(), trigger) {
            panic!("{trigger} and {other} share {key}");
        }
    }
}

#[test]
fn a_redelivery_gets_the_same_key_even_when_reformatted() {
    for (trigger, body) in samples() {
        assert_eq!(key_of(body), key_of(body), "{trigger}");
        let recipe_based = !key_of(body).as_str().contains("/xxh3=");
        if recipe_based {
            // Re-serialised compactly: same event, different bytes.
            let compact = serde_json::from_slice::<Value>(body).unwrap().to_string();
            assert_eq!(key_of(body), key_of(compact.as_bytes()), "{trigger}");
        }
    }
}

#[test]
fn documented_recipes_are_followed() {
    let cases = [
        (Trigger::MessageSent, "message_sent/<appId>/<webhookID>/message.id=1"),
        (Trigger::CallInitiated, "call_initiated/<appId>/<webhookID>/call.id=52/sentAt=1696934199"),
        (
            Trigger::CallStarted,
            "call_started/<appId>/<webhookID>/sessionId=<sessionId>/created_at=1696934572",
        ),
        (
            Trigger::MeetingEnded,
            "meeting_ended/<appId>/<webhookID>/sessionId=<sessionId>/destroyed_at=1696934730",
        ),
        (
            Trigger::RecordingGenerated,
            "recording_generated/<appId>/<webhookID>/sessionId=<sessionId>/startTime=1696937627",
        ),
    ];
    for (trigger, expected) in cases {
        let body = cometchat_webhooks::testing::sample_body(trigger);
        assert_eq!(key_of(body).as_str(), expected);
    }
}

#[test]
fn events_that_differ_in_an_identifying_field_get_different_keys() {
    let changes: &[(Trigger, &str, Value)] = &[
        (Trigger::MessageSent, "data.message.id", json!("2")),
        (Trigger::MessageEdited, "data.message.data.entities.on.entity.editedAt", json!(1)),
        (Trigger::MessageReadReceipt, "data.body.user.uid", json!("someone-else")),
        (Trigger::MessageReactionAdded, "data.reaction.reaction", json!("🎉")),
        (Trigger::UserConnectionStatusChanged, "data.timestamp", json!(1)),
        (Trigger::GroupMemberKicked, "data.group.updatedAt", json!(1)),
        (Trigger::GroupMemberAdded, "data.by.uid", json!("someone-else")),
        (Trigger::CallParticipantJoined, "data.occupant.name", json!("Someone Else")),
        (Trigger::CallParticipantLeft, "data.occupant.left_at", json!(1)),
        (Trigger::AfterFeedItemRead, "data.readAt", json!(1)),
        (Trigger::UserBlocked, "data.by.lastActiveAt", json!(1)),
        (Trigger::AfterConnectionStatusChanged, "data.event.at", json!(1)),
    ];
    for (trigger, path, value) in changes {
        let original = EventBuilder::new(*trigger).build().idempotency_key();
        let changed =
            EventBuilder::new(*trigger).set(path, value.clone()).build().idempotency_key();
        assert_ne!(original, changed, "{trigger}: changing {path} kept {original}");
    }
}

#[test]
fn the_same_event_on_another_app_or_webhook_gets_another_key() {
    let base = EventBuilder::new(Trigger::MessageSent);
    let key = base.build().idempotency_key();
    assert_ne!(key, base.clone().app_id("other").build().idempotency_key());
    assert_ne!(key, base.clone().webhook("other").build().idempotency_key());
}

#[test]
fn separators_inside_values_cannot_forge_another_key() {
    let slash = EventBuilder::new(Trigger::MessageSent).set("data.message.id", "1/x").build();
    let key = slash.idempotency_key();
    assert_eq!(key.as_str(), "message_sent/<appId>/<webhookID>/message.id=1%2Fx");
    let percent = EventBuilder::new(Trigger::MessageSent).set("data.message.id", "1%2Fx").build();
    assert_ne!(percent.idempotency_key(), key);
}

#[test]
fn missing_identity_falls_back_to_a_hash_of_the_body() {
    let event = EventBuilder::new(Trigger::MessageSent).set("data.message.id", Value::Null).build();
    let key = event.idempotency_key();
    let hash = key.as_str().strip_prefix("message_sent/<appId>/<webhookID>/xxh3=").unwrap();
    assert_eq!(hash.len(), 32);
    assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()));
}
