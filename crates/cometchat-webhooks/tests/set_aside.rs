//! Field-level fault isolation: a value that does not fit its field is set
//! aside (the field reads as absent, the path and reason are recorded) and
//! the event stays typed; a misfit in an identity field makes the payload
//! `Undecodable`. Never an `Err`, never a panic.

use cometchat_webhooks::payload::IDENTITY_FIELDS;
use cometchat_webhooks::testing::{EventBuilder, SHAPE_VARIANTS, sample_body, samples};
use cometchat_webhooks::*;
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{Value, json};

/// One step into a JSON value.
#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Item(usize),
}

/// Every leaf under `data` (a scalar, `null`, or an empty array or object),
/// with its path relative to `data`.
fn leaves(value: &Value) -> Vec<Vec<Step>> {
    fn walk(value: &Value, path: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
        match value {
            Value::Object(map) if !map.is_empty() => map.iter().for_each(|(key, child)| {
                path.push(Step::Key(key.clone()));
                walk(child, path, out);
                path.pop();
            }),
            Value::Array(items) if !items.is_empty() => {
                items.iter().enumerate().for_each(|(index, child)| {
                    path.push(Step::Item(index));
                    walk(child, path, out);
                    path.pop();
                })
            }
            _ => out.push(path.clone()),
        }
    }
    let mut out = Vec::new();
    walk(value, &mut Vec::new(), &mut out);
    out
}

fn node<'a>(value: &'a Value, path: &[Step]) -> Option<&'a Value> {
    path.iter().try_fold(value, |node, step| match step {
        Step::Key(key) => node.get(key.as_str()),
        Step::Item(index) => node.get(*index),
    })
}

fn node_mut<'a>(value: &'a mut Value, path: &[Step]) -> &'a mut Value {
    path.iter().fold(value, |node, step| match step {
        Step::Key(key) => &mut node[key.as_str()],
        Step::Item(index) => &mut node[*index],
    })
}

/// The path as [`payload::SetAside::path`] writes it: `message.tags[2]`.
fn path_text(path: &[Step]) -> String {
    let mut text = String::new();
    for step in path {
        match step {
            Step::Key(key) => {
                if !text.is_empty() {
                    text.push('.');
                }
                text.push_str(key);
            }
            Step::Item(index) => text.push_str(&format!("[{index}]")),
        }
    }
    text
}

fn is_identity(path: &[Step]) -> bool {
    matches!(path.last(), Some(Step::Key(key)) if IDENTITY_FIELDS.contains(&key.as_str()))
}

/// Every bundled body, with the trigger it decodes to.
fn bodies() -> Vec<(Trigger, Value)> {
    let variants = SHAPE_VARIANTS.iter().map(|variant| (variant.trigger, variant.body));
    samples()
        .chain(variants)
        .map(|(trigger, body)| (trigger, serde_json::from_slice(body).unwrap()))
        .collect()
}

/// A value of each JSON type, other than `original`'s.
fn replacement_of_another_type(original: &Value, pick: usize) -> Value {
    let candidates = [
        json!({"unexpected": {"nested": [1, "two"]}}),
        json!(["unexpected", 2]),
        json!("not what was documented"),
        json!(-12.5),
        json!(true),
        Value::Null,
    ];
    let same_type =
        |candidate: &Value| std::mem::discriminant(candidate) == std::mem::discriminant(original);
    let others: Vec<&Value> = candidates.iter().filter(|candidate| !same_type(candidate)).collect();
    others[pick % others.len()].clone()
}

/// The typed payload serialised, without its variant tag.
fn typed_json(event: &Event) -> Value {
    match serde_json::to_value(event.payload()).unwrap() {
        Value::Object(tagged) => tagged.into_iter().next().map(|(_, typed)| typed).unwrap(),
        other => other,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(384))]

    #[test]
    fn a_misfit_leaf_is_set_aside_or_kept_and_an_identity_misfit_is_undecodable(
        sample in any::<Index>(),
        leaf in any::<Index>(),
        pick in 0usize..6,
    ) {
        let mut bodies = bodies();
        let (trigger, mut body) = bodies.swap_remove(sample.index(bodies.len()));
        let data_leaves = leaves(&body["data"]);
        prop_assume!(!data_leaves.is_empty());
        let path = &data_leaves[leaf.index(data_leaves.len())];
        let slot = node_mut(&mut body["data"], path);
        let replacement = replacement_of_another_type(slot, pick);
        *slot = replacement.clone();

        let event = Event::from_slice(body.to_string().as_bytes());
        prop_assert!(event.is_ok(), "{trigger} at {}: {:?}", path_text(path), event.err());
        let event = event.unwrap();
        prop_assert_eq!(event.known_trigger(), Some(trigger));
        let where_ = path_text(path);
        if !event.is_typed() {
            // Only an identity field may untype the event, and it says where.
            let error = event.decode_error().unwrap();
            prop_assert!(is_identity(path), "{trigger}: {where_} untyped the event: {error}");
            prop_assert_eq!(&error.path, &where_);
            return Ok(());
        }
        let recorded = event.set_aside().iter().any(|set_aside| set_aside.path == where_);
        if recorded {
            prop_assert!(!is_identity(path), "{trigger}: identity {where_} was set aside");
            return Ok(());
        }
        // Not set aside: the value fit (a lenient field, or an open-ended
        // raw-JSON field that keeps it), so it must be in the typed payload.
        let kept = node(&typed_json(&event), path).cloned();
        if replacement.is_null() {
            prop_assert!(kept.is_none_or(|kept| kept.is_null()), "{trigger}: {where_}");
        } else {
            prop_assert!(
                kept.as_ref().is_some_and(|kept| !kept.is_null()),
                "{trigger}: {where_} = {replacement} was neither kept nor set aside: {:?}",
                event.set_aside()
            );
        }
    }
}

#[test]
fn a_misfit_timestamp_is_set_aside_with_its_path_and_reason() {
    let mut body: Value = serde_json::from_slice(sample_body(Trigger::MessageSent)).unwrap();
    body["data"]["message"]["sentAt"] = json!({"when": "now"});
    body["data"]["message"]["tags"] = json!(["a", {"b": 1}, "c"]);
    let event = Event::from_slice(body.to_string().as_bytes()).unwrap();
    assert!(event.is_typed(), "{:?}", event.decode_error());
    let paths: Vec<&str> = event.set_aside().iter().map(|value| value.path.as_str()).collect();
    assert_eq!(paths, ["message.sentAt", "message.tags[1]"]);
    assert!(event.set_aside()[0].reason.contains("Unix time"), "{:?}", event.set_aside());
    let message = event.message().unwrap();
    assert_eq!(message.sent_at, None);
    assert_eq!(message.tags.as_deref(), Some(&["a".to_owned(), "c".to_owned()][..]));
    assert!(message.id.is_some());
    assert!(event.idempotency_key().as_str().contains("message.id="));
}

#[test]
fn a_misfit_identity_field_is_undecodable_with_the_raw_data() {
    let body = EventBuilder::new(Trigger::MessageSent)
        .set("data.message.sentAt", json!("soon"))
        .set("data.message.id", json!({"not": "an id"}))
        .body();
    let event = Event::from_slice(&body).unwrap();
    assert!(!event.is_typed());
    assert!(event.set_aside().is_empty());
    let error = event.decode_error().unwrap();
    assert_eq!(error.path, "message.id");
    assert_eq!(error.expected, "MessageSent");
    let data: Value = event.raw_data().unwrap().decode().unwrap();
    assert_eq!(data["message"]["sentAt"], json!("soon"));
}

#[test]
fn samples_set_nothing_aside() {
    for (trigger, body) in bodies() {
        let event = Event::from_slice(body.to_string().as_bytes()).unwrap();
        assert!(event.set_aside().is_empty(), "{trigger}: {:?}", event.set_aside());
    }
}
