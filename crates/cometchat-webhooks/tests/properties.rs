//! Property tests: decoding never panics, never fails a webhook-shaped body,
//! and stays typed when CometChat adds fields, changes number spellings or
//! omits optional fields.

use cometchat_webhooks::model::Timestamp;
use cometchat_webhooks::testing::samples;
use cometchat_webhooks::*;
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{Map, Value};

/// One step into a JSON value.
#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Item(usize),
}

/// Every node of `value` with its path, depth first.
fn nodes(value: &Value) -> Vec<(Vec<Step>, &Value)> {
    fn walk<'a>(value: &'a Value, path: &mut Vec<Step>, out: &mut Vec<(Vec<Step>, &'a Value)>) {
        out.push((path.clone(), value));
        match value {
            Value::Object(map) => map.iter().for_each(|(key, child)| {
                path.push(Step::Key(key.clone()));
                walk(child, path, out);
                path.pop();
            }),
            Value::Array(items) => items.iter().enumerate().for_each(|(index, child)| {
                path.push(Step::Item(index));
                walk(child, path, out);
                path.pop();
            }),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, &mut Vec::new(), &mut out);
    out
}

fn node_mut<'a>(value: &'a mut Value, path: &[Step]) -> &'a mut Value {
    path.iter().fold(value, |node, step| match step {
        Step::Key(key) => &mut node[key.as_str()],
        Step::Item(index) => &mut node[*index],
    })
}

fn last_key(path: &[Step]) -> Option<&str> {
    match path.last() {
        Some(Step::Key(key)) => Some(key),
        _ => None,
    }
}

/// Objects keyed by uid, where a new key is a new (invalid) member, not a field.
const MAPS_KEYED_BY_UID: [&str; 3] = ["members", "users", "mentions"];

/// Fields without which an event cannot be typed.
const IDENTITY_KEYS: [&str; 8] =
    ["uid", "guid", "group", "user", "message", "call", "reaction", "data"];

/// What an event answers, which must not change when only spellings change.
fn answers(event: &Event) -> (Option<String>, Option<String>, Option<i64>, Option<String>) {
    (
        event.message_id().map(str::to_owned),
        event.sender_uid().map(str::to_owned),
        event.occurred_at().map(Timestamp::unix_millis),
        event.conversation_id().map(str::to_owned),
    )
}

fn recipe_key(event: &Event) -> Option<IdempotencyKey> {
    let key = event.idempotency_key();
    (!key.as_str().contains("/xxh3=")).then_some(key)
}

fn decode_value(value: &Value) -> Event {
    Event::from_slice(value.to_string().as_bytes()).expect("a webhook body must decode")
}

fn sample_values() -> Vec<(Trigger, Value)> {
    samples().map(|(trigger, body)| (trigger, serde_json::from_slice(body).unwrap())).collect()
}

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::hash_map(".{0,8}", inner, 0..6)
                .prop_map(|map| Value::Object(map.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn sample_index() -> impl Strategy<Value = usize> {
    0..Trigger::ALL.len()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(body in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = Event::from_slice(&body);
    }

    #[test]
    fn arbitrary_json_with_a_string_trigger_always_decodes(
        trigger in prop_oneof![
            prop::sample::select(Trigger::ALL).prop_map(|t| t.as_str().to_owned()),
            ".{0,20}",
        ],
        data in any_json(),
        extra in any_json(),
    ) {
        let body = serde_json::json!({"trigger": trigger, "data": data, "extra": extra});
        let event = decode_value(&body);
        prop_assert_eq!(event.trigger(), trigger.as_str());
        let _ = (event.idempotency_key(), answers(&event), event.message(), event.recipient());
    }

    #[test]
    fn unknown_trigger_names_keep_name_and_data(
        trigger in "[a-z_\\-]{1,30}".prop_filter("unknown", |t| Trigger::from_wire(t).is_none()),
        data in any_json(),
    ) {
        let body = serde_json::json!({"trigger": trigger, "data": data});
        let event = decode_value(&body);
        prop_assert!(!event.is_known());
        prop_assert_eq!(event.raw_data().unwrap().get(), data.to_string());
    }

    #[test]
    fn unknown_fields_at_any_depth_change_nothing(
        sample in sample_index(),
        at in any::<Index>(),
        name in "zz_[a-z]{1,8}",
        value in any_json(),
    ) {
        let (trigger, mut body) = sample_values().swap_remove(sample);
        let original = decode_value(&body);
        let objects: Vec<Vec<Step>> = nodes(&body)
            .into_iter()
            .filter(|(path, node)| {
                node.is_object() && !last_key(path).is_some_and(|k| MAPS_KEYED_BY_UID.contains(&k))
            })
            .map(|(path, _)| path)
            .collect();
        let path = &objects[at.index(objects.len())];
        node_mut(&mut body, path)[name.as_str()] = value;
        let changed = decode_value(&body);
        prop_assert!(changed.is_typed(), "{trigger}: {:?}", changed.decode_error());
        prop_assert_eq!(changed.known_trigger(), Some(trigger));
        prop_assert_eq!(answers(&changed), answers(&original));
        prop_assert_eq!(recipe_key(&changed), recipe_key(&original));
    }

    #[test]
    fn numbers_spelled_as_strings_and_back_change_nothing(
        sample in sample_index(),
        at in any::<Index>(),
        to_string in any::<bool>(),
    ) {
        let (trigger, mut body) = sample_values().swap_remove(sample);
        let original = decode_value(&body);
        let candidates: Vec<Vec<Step>> = nodes(&body)
            .into_iter()
            .filter(|(_, node)| match node {
                Value::Number(number) => to_string && number.is_i64(),
                Value::String(text) => !to_string && text.parse::<i64>().is_ok(),
                _ => false,
            })
            .map(|(path, _)| path)
            .collect();
        prop_assume!(!candidates.is_empty());
        let node = node_mut(&mut body, &candidates[at.index(candidates.len())]);
        *node = match node.take() {
            Value::Number(number) => Value::String(number.to_string()),
            Value::String(text) => Value::from(text.parse::<i64>().unwrap()),
            other => other,
        };
        let changed = decode_value(&body);
        prop_assert!(changed.is_typed(), "{trigger}: {:?}", changed.decode_error());
        prop_assert_eq!(answers(&changed), answers(&original));
        prop_assert_eq!(recipe_key(&changed), recipe_key(&original));
    }

    #[test]
    fn removing_an_optional_field_keeps_the_event_typed(
        sample in sample_index(),
        at in any::<Index>(),
    ) {
        let (trigger, mut body) = sample_values().swap_remove(sample);
        let fields: Vec<Vec<Step>> = nodes(&body)
            .into_iter()
            .map(|(path, _)| path)
            .filter(|path| matches!(path.last(), Some(Step::Key(_))) && path.len() > 1)
            .collect();
        let path = &fields[at.index(fields.len())];
        let (parent, Some(Step::Key(key))) = (&path[..path.len() - 1], path.last()) else {
            unreachable!("filtered to keys")
        };
        node_mut(&mut body, parent).as_object_mut().unwrap().remove(key);
        let changed = decode_value(&body);
        prop_assert_eq!(changed.known_trigger(), Some(trigger));
        if !IDENTITY_KEYS.contains(&key.as_str()) {
            prop_assert!(changed.is_typed(), "{trigger} without {key}: {:?}", changed.decode_error());
        }
    }
}
