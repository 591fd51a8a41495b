//! Lossless: an event serialised and decoded again is equal, and keeps the
//! exact bytes; every payload type round-trips through serde on its own.

use cometchat_webhooks::testing::{SHAPE_VARIANTS, samples};
use cometchat_webhooks::*;

fn all_bodies() -> impl Iterator<Item = &'static [u8]> {
    samples().map(|(_, body)| body).chain(SHAPE_VARIANTS.iter().map(|variant| variant.body))
}

#[test]
fn an_event_serialises_as_the_body_it_came_from() {
    for body in all_bodies() {
        let event = Event::from_slice(body).unwrap();
        let stored = serde_json::to_string(&event).unwrap();
        assert_eq!(stored.as_bytes(), body.trim_ascii());
        let again: Event = serde_json::from_str(&stored).unwrap();
        assert_eq!(again, event);
    }
}

#[test]
fn payloads_round_trip_through_serde() {
    for body in all_bodies() {
        let event = Event::from_slice(body).unwrap();
        let json = serde_json::to_string(event.payload()).unwrap();
        let again: Payload = serde_json::from_str(&json).unwrap();
        assert_eq!(&again, event.payload(), "{json}");
    }
}

#[test]
fn unknown_and_undecodable_payloads_round_trip_too() {
    for body in [
        &br#"{"trigger": "new_thing", "data": {"a": [1, {"b": null}]}}"#[..],
        br#"{"trigger": "group_created", "data": {"group": 5}}"#,
    ] {
        let event = Event::from_slice(body).unwrap();
        let again: Event = serde_json::from_str(&serde_json::to_string(&event).unwrap()).unwrap();
        assert_eq!(again, event);
        let payload = serde_json::to_string(event.payload()).unwrap();
        assert_eq!(&serde_json::from_str::<Payload>(&payload).unwrap(), event.payload());
    }
}

#[test]
fn the_raw_body_is_kept_byte_for_byte() {
    let body = b"{\"trigger\":\"call_started\",\n  \"data\":{\"sessionId\":\"s\",\"created_at\":\"1\"},\"extra\":[1.50]}\n";
    let event = Event::from_slice(body).unwrap();
    assert_eq!(event.raw(), body);
    assert_eq!(event.raw_bytes().as_ref(), body);
}
