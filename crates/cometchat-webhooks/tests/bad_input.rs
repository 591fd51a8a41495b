//! Bodies that are not webhooks fail with the right reason; bodies that are
//! webhooks never fail, however odd their `data`.

use cometchat_webhooks::model::{GroupType, Timestamp};
use cometchat_webhooks::payload::{CallParticipantJoined, GroupCreated};
use cometchat_webhooks::testing::{EventBuilder, sample_body, samples};
use cometchat_webhooks::*;
use serde_json::json;

fn parse_error(body: &[u8]) -> ParseError {
    Event::from_slice(body).expect_err("should not decode")
}

#[test]
fn bodies_that_are_not_webhooks_say_why() {
    assert_eq!(parse_error(b""), ParseError::Empty);
    assert_eq!(parse_error(b"\xff\xfe{}"), ParseError::NotUtf8 { valid_up_to: 0 });
    assert_eq!(parse_error(b"[1, 2]"), ParseError::NotAnObject);
    assert_eq!(parse_error(b"\"message_sent\""), ParseError::NotAnObject);
    assert_eq!(parse_error(b"null"), ParseError::NotAnObject);
    assert_eq!(parse_error(br#"{"data": {}}"#), ParseError::MissingTrigger);
    assert_eq!(parse_error(br#"{"trigger": 5, "data": {}}"#), ParseError::TriggerNotString);
    assert_eq!(parse_error(br#"{"trigger": null}"#), ParseError::TriggerNotString);
    assert_eq!(parse_error(br#"{"trigger": ["message_sent"]}"#), ParseError::TriggerNotString);
    assert!(matches!(parse_error(b"not json"), ParseError::Syntax { .. }));
    assert!(matches!(parse_error(b"   "), ParseError::Truncated { .. }));
    assert!(matches!(
        parse_error(br#"{"trigger": "message_sent"} trailing"#),
        ParseError::Syntax { .. }
    ));
    assert!(matches!(parse_error(br#"{"trigger": "a", "trigger"}"#), ParseError::Syntax { .. }));
    for error in [parse_error(b"[]"), parse_error(b"{")] {
        assert_eq!(Rejection::from(error.clone()).status(), 400);
        assert!(!error.to_string().is_empty());
    }
}

#[test]
fn every_truncation_of_every_sample_is_an_error_not_a_panic() {
    for (trigger, body) in samples() {
        let complete = body.trim_ascii_end().len();
        for cut in 0..complete {
            let result = Event::from_slice(&body[..cut]);
            assert!(result.is_err(), "{trigger} cut at {cut} decoded");
        }
    }
}

#[test]
fn unknown_triggers_keep_their_name_and_raw_data() {
    let body =
        br#"{"trigger": "message_teleported", "data": {"to": "mars", "n": [1, 2]}, "appId": "a"}"#;
    let event = Event::from_slice(body).unwrap();
    assert!(!event.is_known());
    assert!(!event.is_typed());
    assert_eq!(event.trigger(), "message_teleported");
    assert_eq!(event.app_id(), Some("a"));
    let Payload::Unknown(unknown) = event.payload() else { panic!("not unknown") };
    assert_eq!(unknown.trigger, "message_teleported");
    assert_eq!(unknown.data.get(), r#"{"to": "mars", "n": [1, 2]}"#);
    assert_eq!(event.raw_data().map(RawJson::get), Some(unknown.data.get()));
    assert!(event.idempotency_key().as_str().starts_with("message_teleported/a/-/xxh3="));
    assert_eq!(event.message(), None);
    assert_eq!(event.sender_uid(), None);
}

#[test]
fn misfitting_data_keeps_the_raw_data_and_the_path_of_the_problem() {
    // A misfit that identifies the message: a misfit elsewhere (`sentAt`
    // below) is set aside and would leave the event typed.
    let body = EventBuilder::new(Trigger::MessageSent)
        .set("data.message.data.entities.sender.entity", json!({"uid": "u1"}))
        .set("data.message.id", json!({"when": "now"}))
        .body();
    let event = Event::from_slice(&body).unwrap();
    assert!(event.is_known());
    assert!(!event.is_typed());
    assert_eq!(event.known_trigger(), Some(Trigger::MessageSent));
    let error = event.decode_error().unwrap();
    assert_eq!(error.path, "message.id");
    assert_eq!(error.expected, "MessageSent");
    assert!(error.message.contains("a string or a number"), "{}", error.message);
    let data: serde_json::Value = event.raw_data().unwrap().decode().unwrap();
    assert_eq!(data["message"]["id"], json!({"when": "now"}));
}

#[test]
fn data_of_the_wrong_type_or_missing_is_undecodable_not_an_error() {
    for data in [json!([1, 2]), json!("text"), json!(null), json!(42), json!({})] {
        let body = json!({"trigger": "group_created", "data": data}).to_string();
        let event = Event::from_slice(body.as_bytes()).unwrap();
        assert_eq!(event.known_trigger(), Some(Trigger::GroupCreated), "{data}");
        assert!(!event.is_typed(), "{data}");
    }
    let no_data = Event::from_slice(br#"{"trigger": "group_created"}"#).unwrap();
    assert_eq!(no_data.raw_data().map(RawJson::get), Some("null"));
}

#[test]
fn wrongly_typed_envelope_fields_are_ignored_not_fatal() {
    let body = br#"{"trigger": "call_started", "appId": 12345, "region": {"x": 1},
        "webhook": ["w"], "origin": "API", "chatAPIVersion": 3,
        "data": {"sessionId": "s", "created_at": 1}}"#;
    let event = Event::from_slice(body).unwrap();
    assert!(event.is_typed());
    assert_eq!(event.app_id(), Some("12345"));
    assert_eq!(event.region(), None);
    assert_eq!(event.webhook_id(), None);
    assert_eq!(event.envelope().origin, None);
    assert_eq!(event.envelope().chat_api_version.as_deref(), Some("3"));
}

#[test]
fn duplicate_keys_take_the_last_value_like_serde_json_value() {
    let body = br#"{"trigger": "nope", "trigger": "call_started", "data": {"sessionId": "s"}}"#;
    let event = Event::from_slice(body).unwrap();
    assert_eq!(event.known_trigger(), Some(Trigger::CallStarted));
}

#[test]
fn oversized_and_deeply_nested_bodies_do_not_panic() {
    // A large but valid body decodes; the size limit is the receiver's job.
    let text = "x".repeat(2 * 1024 * 1024);
    let body = EventBuilder::new(Trigger::MessageSent).set("data.message.data.text", text).body();
    assert!(Event::from_slice(&body).unwrap().is_typed());

    // Deep nesting never overflows the stack: inside `data` it is kept raw
    // and reported as not fitting; in an ignored envelope key it is skipped or
    // refused by serde_json's recursion limit.
    let deep = |depth: usize| format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
    let in_data = format!(r#"{{"trigger": "message_sent", "data": {}}}"#, deep(10_000));
    let event = Event::from_slice(in_data.as_bytes()).unwrap();
    assert!(event.is_known() && !event.is_typed());
    let in_metadata = format!(
        r#"{{"trigger": "message_sent", "data": {{"message": {{"data": {{"metadata": {}}}}}}}}}"#,
        deep(10_000)
    );
    assert!(!Event::from_slice(in_metadata.as_bytes()).unwrap().is_typed());
    let shallow_metadata = in_metadata.replace(&deep(10_000), &deep(50));
    assert!(Event::from_slice(shallow_metadata.as_bytes()).unwrap().is_typed());
    let in_envelope = format!(r#"{{"trigger": "message_sent", "extra": {}}}"#, deep(10_000));
    let _ = Event::from_slice(in_envelope.as_bytes());
}

#[test]
fn lenient_fields_accept_every_form_cometchat_uses() {
    let body = EventBuilder::new(Trigger::MessageSent)
        .set("data.message.id", 1)
        .set("data.message.sentAt", "1696934912")
        .set("data.message.data.entities.receiver.entity.lastActiveAt", 1_696_934_491.0)
        .build();
    let message = body.message().unwrap();
    assert_eq!(message.id.as_deref(), Some("1"));
    assert_eq!(message.sent_at, Some(Timestamp::new(1_696_934_912)));

    let joined = EventBuilder::new(Trigger::CallParticipantJoined)
        .set("data.occupant.audio_call", false)
        .set("data.initial_config.is_video_muted", "TRUE")
        .build();
    let participant = joined.typed::<CallParticipantJoined>().unwrap();
    assert_eq!(participant.occupant.audio_call, Some(false));
    assert_eq!(participant.initial_config.as_ref().unwrap().is_video_muted, Some(true));

    let group = EventBuilder::new(Trigger::GroupCreated)
        .set("data.group.membersCount", "3")
        .set("data.group.type", "secret")
        .set("data.group.hasJoined", "true")
        .build();
    let created = &group.typed::<GroupCreated>().unwrap().group;
    assert_eq!(created.members_count, Some(3));
    assert_eq!(created.group_type, Some(GroupType::Other("secret".into())));
    assert_eq!(created.has_joined, Some(true));
}

#[test]
fn sample_body_is_the_bundled_file() {
    let body = sample_body(Trigger::MessageSent);
    assert!(std::str::from_utf8(body).unwrap().contains("\"message_sent\""));
}
