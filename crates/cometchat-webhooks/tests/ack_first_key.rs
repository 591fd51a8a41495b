//! The acknowledge-first reading (`KeyedEnvelope::read`) answers every body
//! as the eager decode does: the same idempotency key for every webhook
//! (bundled samples, live-shape variants, and the same bodies mutated in
//! any leaf or node, re-ordered or minified), and the same refusal for
//! every body that is not one.

use cometchat_webhooks::testing::{SHAPE_VARIANTS, samples};
use cometchat_webhooks::{Event, KeyedEnvelope, Trigger};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{Value, json};

/// Every bundled body: the samples, then the live-shape variants.
fn bodies() -> Vec<(Trigger, Value)> {
    let variants = SHAPE_VARIANTS.iter().map(|variant| (variant.trigger, variant.body));
    samples()
        .chain(variants)
        .map(|(trigger, body)| (trigger, serde_json::from_slice(body).unwrap()))
        .collect()
}

/// Both readings of `body`: the same key, or the same refusal.
fn assert_same_answer(body: &[u8]) -> Result<(), TestCaseError> {
    match (Event::from_slice(body), KeyedEnvelope::read(body)) {
        (Ok(event), Ok(read)) => {
            prop_assert_eq!(read.idempotency_key(), &event.idempotency_key());
            prop_assert_eq!(read.envelope(), event.envelope());
        }
        (Err(eager), Err(ack_first)) => prop_assert_eq!(ack_first.to_string(), eager.to_string()),
        (eager, ack_first) => prop_assert!(
            false,
            "eager {:?} but ack-first {:?} for {}",
            eager.map(|event| event.idempotency_key()),
            ack_first,
            String::from_utf8_lossy(body)
        ),
    }
    Ok(())
}

/// `body` with `data` first, then everything else in order.
fn data_first(body: &Value) -> String {
    let object = body.as_object().unwrap();
    let mut text = String::from("{");
    let data = object.get("data").map(|data| format!("\"data\":{data}"));
    let rest =
        object.iter().filter(|(key, _)| *key != "data").map(|(k, v)| format!("{}:{v}", json!(k)));
    text.push_str(&data.into_iter().chain(rest).collect::<Vec<_>>().join(","));
    text.push('}');
    text
}

#[test]
fn every_bundled_body_gets_the_eager_key_however_it_is_laid_out() {
    let mut recipes = 0;
    for (trigger, body) in bodies() {
        let minified = body.to_string();
        let pretty = serde_json::to_string_pretty(&body).unwrap();
        for text in [minified.clone(), pretty, data_first(&body)] {
            assert_same_answer(text.as_bytes()).unwrap();
        }
        let event = Event::from_slice(minified.as_bytes()).unwrap();
        assert_eq!(event.known_trigger(), Some(trigger));
        if !event.idempotency_key().as_str().contains("/xxh3=") {
            recipes += 1;
        }
    }
    // Most triggers have a recipe of their own; the body hash is the exception.
    assert!(recipes > 55, "{recipes}");
}

#[test]
fn the_bundled_bytes_themselves_get_the_eager_key() {
    let variants = SHAPE_VARIANTS.iter().map(|variant| variant.body);
    for body in samples().map(|(_, body)| body).chain(variants) {
        assert_same_answer(body).unwrap();
    }
}

/// Every path under `data`: leaves and the objects and arrays above them.
fn paths(value: &Value) -> Vec<Vec<Value>> {
    fn walk(value: &Value, path: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
        out.push(path.clone());
        match value {
            Value::Object(map) => map.iter().for_each(|(key, child)| {
                path.push(json!(key));
                walk(child, path, out);
                path.pop();
            }),
            Value::Array(items) => items.iter().enumerate().for_each(|(index, child)| {
                path.push(json!(index));
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

fn node_mut<'a>(value: &'a mut Value, path: &[Value]) -> &'a mut Value {
    path.iter().fold(value, |node, step| match step {
        Value::String(key) => &mut node[key.as_str()],
        index => &mut node[index.as_u64().unwrap() as usize],
    })
}

/// A value of every JSON type, numbers and strings in the shapes
/// CometChat's lenient fields accept and reject.
fn replacement(pick: usize) -> Value {
    let candidates = [
        json!({"unexpected": {"nested": [1, "two"]}}),
        json!({}),
        json!(["unexpected", 2]),
        json!([]),
        json!("not what was documented"),
        json!("1700000000"),
        json!(""),
        json!(-12.5),
        json!(42),
        json!(1.0),
        json!(true),
        Value::Null,
    ];
    candidates[pick % candidates.len()].clone()
}

/// What a mutation does at its path.
#[derive(Debug, Clone, Copy)]
enum Mutation {
    Replace(usize),
    Remove,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![4 => (0usize..12).prop_map(Mutation::Replace), 1 => Just(Mutation::Remove)]
}

fn mutate(body: &mut Value, path: &[Value], mutation: Mutation) {
    match (mutation, path.split_last()) {
        (Mutation::Replace(pick), _) => *node_mut(body, path) = replacement(pick),
        (Mutation::Remove, Some((Value::String(key), parent))) => {
            if let Some(object) = node_mut(body, parent).as_object_mut() {
                object.remove(key);
            }
        }
        (Mutation::Remove, Some((index, parent))) => {
            if let Some(items) = node_mut(body, parent).as_array_mut() {
                items.remove(index.as_u64().unwrap() as usize);
            }
        }
        (Mutation::Remove, None) => {}
    }
}

/// Every single mutation of every bundled body, in turn: the proptest
/// below pairs and re-orders them at random, this tries each one.
#[test]
fn every_single_mutation_gets_the_eager_key() {
    let mutations = (0..12).map(Mutation::Replace).chain([Mutation::Remove]);
    let mutations: Vec<Mutation> = mutations.collect();
    for (_, body) in bodies() {
        for path in paths(&body) {
            for &mutation in &mutations {
                let mut mutated = body.clone();
                mutate(&mut mutated, &path, mutation);
                assert_same_answer(mutated.to_string().as_bytes())
                    .unwrap_or_else(|error| panic!("{mutation:?} at {path:?}: {error}"));
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn a_mutated_body_gets_the_eager_key(
        sample in any::<Index>(),
        at in any::<Index>(),
        first in mutation(),
        second in proptest::option::of((any::<Index>(), mutation())),
        reorder in any::<bool>(),
    ) {
        let mut bodies = bodies();
        let (_, mut body) = bodies.swap_remove(sample.index(bodies.len()));
        // Paths are taken from the whole body, so the envelope is mutated too.
        let all = paths(&body);
        let path = all[at.index(all.len())].clone();
        mutate(&mut body, &path, first);
        if let Some((at, second)) = second {
            let all = paths(&body);
            let path = all[at.index(all.len())].clone();
            mutate(&mut body, &path, second);
        }
        let text = if reorder && body.get("data").is_some() && body.is_object() {
            data_first(&body)
        } else {
            body.to_string()
        };
        assert_same_answer(text.as_bytes())?;
    }

    #[test]
    fn a_truncated_or_corrupted_body_is_refused_alike(
        sample in any::<Index>(),
        cut in any::<Index>(),
        byte in any::<u8>(),
    ) {
        let mut bodies = bodies();
        let (_, body) = bodies.swap_remove(sample.index(bodies.len()));
        let text = body.to_string().into_bytes();
        let at = cut.index(text.len());
        assert_same_answer(&text[..at])?;
        let mut corrupted = text.clone();
        corrupted[at] = byte;
        assert_same_answer(&corrupted)?;
    }

    #[test]
    fn any_bytes_get_the_same_answer(body in proptest::collection::vec(any::<u8>(), 0..64)) {
        assert_same_answer(&body)?;
    }
}

#[test]
fn an_identity_misfit_keys_by_the_recipe_fields_that_fit_in_both_readings() {
    let mut body: Value =
        serde_json::from_slice(cometchat_webhooks::testing::sample_body(Trigger::MessageSent))
            .unwrap();
    // An identity field elsewhere in `data` untypes the event, but the
    // recipe's own field still identifies it.
    body["data"]["message"]["data"]["mentions"] = json!({"u1": {"uid": {"not": "a uid"}}});
    let text = body.to_string();
    let event = Event::from_slice(text.as_bytes()).unwrap();
    assert!(!event.is_typed(), "the identity misfit untypes the event");
    let read = KeyedEnvelope::read(text.as_bytes()).unwrap();
    assert_eq!(read.idempotency_key(), &event.idempotency_key());
    assert!(
        event.idempotency_key().as_str().contains("message.id="),
        "{}",
        event.idempotency_key()
    );

    // The recipe's own identity field misfit: both fall back to the body hash.
    body["data"]["message"]["id"] = json!({"not": "an id"});
    let text = body.to_string();
    let event = Event::from_slice(text.as_bytes()).unwrap();
    assert!(!event.is_typed());
    let read = KeyedEnvelope::read(text.as_bytes()).unwrap();
    assert_eq!(read.idempotency_key(), &event.idempotency_key());
    assert!(read.idempotency_key().as_str().contains("/xxh3="));
}

#[test]
fn unknown_triggers_and_missing_data_key_by_the_body_hash() {
    for body in [
        json!({"trigger": "a_new_trigger", "appId": "a", "data": {"message": {"id": "1"}}}),
        json!({"trigger": "message_sent", "appId": "a"}),
        json!({"trigger": "message_sent", "appId": "a", "data": null}),
        json!({"trigger": "message_sent", "appId": "a", "data": "text"}),
    ] {
        let text = body.to_string();
        assert_same_answer(text.as_bytes()).unwrap();
        assert!(
            KeyedEnvelope::read(text.as_bytes())
                .unwrap()
                .idempotency_key()
                .as_str()
                .contains("/xxh3=")
        );
    }
}
