//! Accessors prefer what is there: where the outer action message and the
//! inner message both carry a fact, a missing one falls back to the other;
//! idempotency keys use the documented identity fields when they are sent.

use cometchat_webhooks::payload::{MessageDeleted, MessageEdited};
use cometchat_webhooks::testing::sample_body;
use cometchat_webhooks::*;
use serde_json::Value;

fn sample(trigger: Trigger) -> Value {
    serde_json::from_slice(sample_body(trigger)).unwrap()
}

fn decode(body: &Value) -> Event {
    Event::from_slice(body.to_string().as_bytes()).unwrap()
}

/// The sample with the inner (acted-on) message trimmed to its id.
fn trimmed(trigger: Trigger) -> Value {
    let mut body = sample(trigger);
    let inner = &mut body["data"]["message"]["data"]["entities"]["on"]["entity"];
    let id = inner["id"].clone();
    *inner = serde_json::json!({ "id": id });
    body
}

#[test]
fn a_trimmed_delete_reports_sender_recipient_and_deleter_from_the_action_message() {
    let full = decode(&sample(Trigger::MessageDeleted));
    let event = decode(&trimmed(Trigger::MessageDeleted));
    assert!(event.is_typed());
    assert_eq!(event.sender_uid(), Some("cometchat-uid-1"));
    assert_eq!(event.recipient(), full.recipient());
    assert!(event.recipient().is_some());
    assert_eq!(event.conversation_id(), full.conversation_id());
    let deleted = event.typed::<MessageDeleted>().unwrap();
    assert_eq!(deleted.deleted_message().sender, None);
    assert_eq!(deleted.deleted_by(), Some("cometchat-uid-1"));
    assert!(deleted.deleted_at().is_some(), "falls back to the action message's time");
    // Still keyed by the deleted message's id, not the body hash.
    let key = event.idempotency_key();
    assert!(key.as_str().contains("message.id="), "{key}");
    assert!(!key.as_str().contains("xxh3="), "{key}");
}

#[test]
fn a_full_delete_keeps_its_own_facts() {
    let event = decode(&sample(Trigger::MessageDeleted));
    let deleted = event.typed::<MessageDeleted>().unwrap();
    assert_eq!(deleted.deleted_by(), deleted.deleted_message().deleted_by.as_deref());
    assert_eq!(deleted.deleted_at(), deleted.deleted_message().deleted_at);
}

#[test]
fn a_trimmed_edit_reports_sender_and_editor_from_the_action_message() {
    let event = decode(&trimmed(Trigger::MessageEdited));
    assert!(event.is_typed());
    assert!(event.sender_uid().is_some());
    assert!(event.recipient().is_some());
    let edited = event.typed::<MessageEdited>().unwrap();
    assert!(edited.edited_by().is_some());
    assert!(!event.idempotency_key().as_str().contains("xxh3="));
}

#[test]
fn a_legacy_receipt_without_its_sender_is_keyed_by_message_id_and_receipt_type() {
    let mut body = sample(Trigger::LegacyMessageReadReceipt);
    body["data"].as_object_mut().unwrap().remove("receiptSender");
    let event = decode(&body);
    assert_eq!(event.known_trigger(), Some(Trigger::LegacyMessageReadReceipt));
    let key = event.idempotency_key();
    assert!(key.as_str().ends_with("/messageId=57/receiptType=read"), "{key}");

    let full = decode(&sample(Trigger::LegacyMessageReadReceipt));
    let key = full.idempotency_key();
    assert!(key.as_str().ends_with("/messageId=57/receiptSender=cometchat-uid-2/receiptType=read"));
}

#[test]
fn a_group_digest_shows_the_group_icon() {
    let mut body = sample(Trigger::EmailNotificationPayloadGenerated);
    body["data"]["groupDetails"] =
        serde_json::json!({"guid": "g1", "name": "Group", "icon": "https://example.com/g.png"});
    let event = decode(&body);
    let Payload::EmailNotificationPayloadGenerated(email) = event.payload() else {
        panic!("not typed: {:?}", event.decode_error())
    };
    let group = email.group_details.as_ref().unwrap();
    assert_eq!(group.icon.as_deref(), Some("https://example.com/g.png"));
    assert_eq!(group.picture(), Some("https://example.com/g.png"));
}
