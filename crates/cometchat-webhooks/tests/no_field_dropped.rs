//! Nothing CometChat sends is dropped: for every bundled sample, every field
//! path of `data` is reachable from the typed payload, as a typed field or
//! inside a raw-JSON field for open-ended objects. Decoding a sample and
//! serialising its typed payload must therefore keep every input path.
//!
//! Fields CometChat documents but no bundled sample shows are covered by the
//! documented-shape bodies in `fixtures/documented/`, written from the
//! documentation's field tables (message, user and group objects, the
//! moderation, notification and call variants).

use std::collections::BTreeSet;

use cometchat_webhooks::Event;
use cometchat_webhooks::testing::{SHAPE_VARIANTS, samples};
use serde_json::Value;

/// Paths that are deliberately not kept, with the reason. Each entry is a
/// trigger name and a path relative to `data` (`[]` stands for any index).
const DELIBERATE_EXCEPTIONS: &[(&str, &str, &str)] = &[(
    "message_sent",
    ".message.data.custom_data.kind",
    "kept: `custom_data` and `customData` are both read into `MessageData::custom_data`, \
     which serialises under the camelCase name",
)];

/// Bodies in the shapes CometChat documents that no bundled sample shows.
const DOCUMENTED_SHAPES: &[(&str, &[u8])] = &[
    (
        "message_sent with every documented message, user and group field",
        include_bytes!("../fixtures/documented/message_sent_every_documented_field.json"),
    ),
    (
        "moderation_engine_approved, filter-failure variant",
        include_bytes!("../fixtures/documented/moderation_engine_approved_filter_failure.json"),
    ),
    (
        "moderation_engine_blocked, live shape (verdict and rule on the message, and the array)",
        include_bytes!("../fixtures/documented/moderation_engine_blocked_live.json"),
    ),
    (
        "push-notification-payload-generated, call variant",
        include_bytes!("../fixtures/documented/push_notification_call.json"),
    ),
    (
        "push-notification-payload-generated, group-action variant",
        include_bytes!("../fixtures/documented/push_notification_group_action.json"),
    ),
    (
        "email-notification-payload-generated, group variant",
        include_bytes!("../fixtures/documented/email_notification_group.json"),
    ),
    (
        "call_busy, live shape (entities by / for / on)",
        include_bytes!("../fixtures/documented/call_busy_live.json"),
    ),
    (
        "call_participant_joined, live shape (occupant uid)",
        include_bytes!("../fixtures/documented/call_participant_joined_live.json"),
    ),
];

/// Every path to a leaf (a scalar, `null`, or an empty array or object),
/// with array indexes written as `[]`.
fn leaf_paths(value: &Value, path: &mut String, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, child) in map {
                let length = path.len();
                path.push('.');
                path.push_str(key);
                leaf_paths(child, path, out);
                path.truncate(length);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let length = path.len();
            path.push_str("[]");
            for child in items {
                leaf_paths(child, path, out);
            }
            path.truncate(length);
        }
        _ => {
            out.insert(path.clone());
        }
    }
}

/// Every path that exists (leaf or not) in `value`.
fn all_paths(value: &Value, path: &mut String, out: &mut BTreeSet<String>) {
    out.insert(path.clone());
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let length = path.len();
                path.push('.');
                path.push_str(key);
                all_paths(child, path, out);
                path.truncate(length);
            }
        }
        Value::Array(items) => {
            let length = path.len();
            path.push_str("[]");
            for child in items {
                all_paths(child, path, out);
            }
            path.truncate(length);
        }
        _ => {}
    }
}

/// The paths of `data` missing from the serialised typed payload.
fn dropped_paths(name: &str, body: &[u8]) -> Vec<String> {
    let event = Event::from_slice(body).unwrap();
    assert!(event.is_typed(), "{name}: {:?}", event.decode_error());
    assert!(event.set_aside().is_empty(), "{name}: {:?}", event.set_aside());
    let input: Value = serde_json::from_slice(body).unwrap();
    let mut inputs = BTreeSet::new();
    leaf_paths(&input["data"], &mut String::new(), &mut inputs);

    let serialised = serde_json::to_value(event.payload()).unwrap();
    let Value::Object(tagged) = serialised else { panic!("{name}: payload is not tagged") };
    assert_eq!(tagged.len(), 1, "{name}: payload is tagged by its variant");
    let typed = tagged.into_iter().next().map(|(_, typed)| typed).unwrap();
    let mut outputs = BTreeSet::new();
    all_paths(&typed, &mut String::new(), &mut outputs);

    let trigger = event.trigger().to_owned();
    inputs
        .into_iter()
        .filter(|path| !outputs.contains(path))
        .filter(|path| {
            !DELIBERATE_EXCEPTIONS.iter().any(|(exception_trigger, exception_path, _)| {
                *exception_trigger == trigger && exception_path == path
            })
        })
        .collect()
}

#[test]
fn every_field_of_every_bundled_sample_is_kept_by_its_typed_payload() {
    let mut dropped = Vec::new();
    for (trigger, body) in samples() {
        for path in dropped_paths(trigger.as_str(), body) {
            dropped.push(format!("{trigger}: data{path}"));
        }
    }
    for variant in SHAPE_VARIANTS {
        for path in dropped_paths(variant.name, variant.body) {
            dropped.push(format!("{}: data{path}", variant.name));
        }
    }
    for (name, body) in DOCUMENTED_SHAPES {
        for path in dropped_paths(name, body) {
            dropped.push(format!("{name}: data{path}"));
        }
    }
    assert!(dropped.is_empty(), "fields dropped by the typed payloads:\n{}", dropped.join("\n"));
}

#[test]
fn the_check_notices_a_dropped_field() {
    let body = br#"{"trigger": "call_started", "data": {"sessionId": "s", "notAField": 1}}"#;
    assert_eq!(dropped_paths("call_started", body), vec![".notAField".to_owned()]);
}
