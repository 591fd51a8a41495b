//! Every bundled sample decodes to its typed variant, and what every event
//! answers matches the sample.

use cometchat_webhooks::model::{
    Action, CallStatus, ConnectionAction, Entity, GroupScope, Message, MessageCategory,
    MessageType, ModerationStatus, ReceiptAction, ReceiverType, Timestamp, UserStatus,
};
use cometchat_webhooks::payload::{
    AfterConnectionStatusChanged, AfterFeedItemSent, BeforeMessage, CallBusy, CallEnded,
    CallInitiated, CallParticipantJoined, EmailNotificationPayloadGenerated,
    GroupMemberScopeChanged, GroupOwnerTransferred, LegacyMessageDeliveryReceipt, MessageDeleted,
    MessageDeliveryReceipt, MessageEdited, MessageSent, ModerationEngineBlocked,
    ModerationEngineFailed, ModerationManualApproved, PushNotificationPayloadGenerated,
    RecordingGenerated, UserConnectionStatusChanged,
};
use cometchat_webhooks::testing::{SHAPE_VARIANTS, sample_body, samples};
use cometchat_webhooks::*;

fn decode(trigger: Trigger) -> Event {
    Event::from_slice(sample_body(trigger)).unwrap()
}

#[test]
fn every_trigger_has_a_sample_that_decodes_to_its_typed_variant() {
    let mut covered = Vec::new();
    for (trigger, body) in samples() {
        let event = Event::from_slice(body).unwrap();
        assert!(event.is_typed(), "{trigger}: {:?}", event.decode_error());
        assert_eq!(event.known_trigger(), Some(trigger));
        assert_eq!(event.trigger(), trigger.as_str());
        assert_eq!(event.raw(), body);
        covered.push(trigger);
    }
    assert_eq!(covered, Trigger::ALL);
}

#[test]
fn live_shapes_decode_to_their_typed_variants() {
    for variant in SHAPE_VARIANTS {
        let event = Event::from_slice(variant.body).unwrap();
        assert!(event.is_typed(), "{}: {:?}", variant.name, event.decode_error());
        assert_eq!(event.known_trigger(), Some(variant.trigger), "{}", variant.name);
    }
}

#[test]
fn message_sent_answers_from_the_message() {
    let event = decode(Trigger::MessageSent);
    let sent = event.typed::<MessageSent>().unwrap();
    assert_eq!(sent.message.text(), Some("hi"));
    assert_eq!(sent.message.category, Some(MessageCategory::Message));
    assert_eq!(sent.message.message_type, Some(MessageType::Text));
    let entities = sent.message.data.entities.as_ref().unwrap();
    let sender = entities.sender.as_ref().and_then(Entity::as_user).unwrap();
    assert_eq!(sender.name.as_deref(), Some("Andrew Joseph"));
    assert_eq!(sender.status, Some(UserStatus::Available));
    assert_eq!(sender.last_active_at, Some(Timestamp::new(1_696_934_440)));

    assert_eq!(event.app_id(), Some("<appId>"));
    assert_eq!(event.region(), Some("<region>"));
    assert_eq!(event.webhook_id(), Some("<webhookID>"));
    assert_eq!(event.sender_uid(), Some("cometchat-uid-1"));
    assert_eq!(
        event.recipient(),
        Some(Recipient { id: "cometchat-uid-2", receiver_type: ReceiverType::User })
    );
    assert_eq!(event.conversation_id(), Some("cometchat-uid-1_user_cometchat-uid-2"));
    assert_eq!(event.message_id(), Some("1"));
    assert_eq!(event.occurred_at().map(Timestamp::unix_seconds), Some(1_696_934_912));
    assert_eq!(event.idempotency_key().as_str(), "message_sent/<appId>/<webhookID>/message.id=1");
}

#[test]
fn edits_and_deletes_expose_the_edited_message_in_both_shapes() {
    let documented = decode(Trigger::MessageEdited);
    let live = Event::from_slice(SHAPE_VARIANTS[0].body).unwrap();
    for event in [&documented, &live] {
        let edited = event.typed::<MessageEdited>().unwrap().edited_message();
        assert_eq!(edited.id.as_deref(), Some("1"));
        assert_eq!(edited.text(), Some("hello"));
        assert_eq!(edited.edited_by.as_deref(), Some("cometchat-uid-1"));
        assert_eq!(event.message_id(), Some("1"));
        assert_eq!(event.message().and_then(Message::text), Some("hello"));
        assert_eq!(event.occurred_at().map(Timestamp::unix_seconds), Some(1_696_934_985));
    }
    // Both shapes of the same edit get the same key.
    assert_eq!(documented.idempotency_key(), live.idempotency_key());
    let action = documented.typed::<MessageEdited>().unwrap().action().unwrap();
    assert_eq!(action.data.action, Some(Action::Edited));
    assert!(live.typed::<MessageEdited>().unwrap().action().is_none());

    let deleted = decode(Trigger::MessageDeleted);
    let live_deleted = Event::from_slice(SHAPE_VARIANTS[1].body).unwrap();
    let message = deleted.typed::<MessageDeleted>().unwrap().deleted_message();
    assert!(message.deleted_at.is_some());
    assert_eq!(deleted.message_id(), live_deleted.message_id());
    assert_eq!(deleted.idempotency_key(), live_deleted.idempotency_key());
}

#[test]
fn receipts_and_their_legacy_twins_are_told_apart_by_shape() {
    let current = decode(Trigger::MessageDeliveryReceipt);
    let receipt = current.typed::<MessageDeliveryReceipt>().unwrap();
    assert_eq!(receipt.body.action, Some(ReceiptAction::Delivered));
    assert_eq!(current.message_id(), Some("57"));
    assert_eq!(current.sender_uid(), Some("cometchat-uid-2"));
    assert_eq!(current.recipient().map(|r| r.id), Some("cometchat-uid-1"));

    let legacy = decode(Trigger::LegacyMessageDeliveryReceipt);
    assert_eq!(legacy.trigger(), "message_delivery_receipt");
    assert_eq!(legacy.known_trigger(), Some(Trigger::LegacyMessageDeliveryReceipt));
    let legacy_receipt = legacy.typed::<LegacyMessageDeliveryReceipt>().unwrap();
    assert_eq!(legacy_receipt.receipt_type.as_deref(), Some("delivered"));
    assert_eq!(legacy.message_id(), Some("57"));
    assert_eq!(legacy.sender_uid(), Some("cometchat-uid-2"));
    assert_eq!(legacy.envelope().chat_api_version.as_deref(), Some("3.0"));
    assert_eq!(legacy.envelope().origin.as_ref().unwrap().platform.as_deref(), Some("WEBSOCKET"));

    let legacy_read = decode(Trigger::LegacyMessageReadReceipt);
    assert_eq!(legacy_read.known_trigger(), Some(Trigger::LegacyMessageReadReceipt));
    assert_eq!(legacy_read.occurred_at().map(Timestamp::unix_seconds), Some(1_673_017_183));

    let aggregate = decode(Trigger::MessageReadByAll);
    assert_eq!(aggregate.sender_uid(), Some("app_system"));
    assert_eq!(aggregate.recipient().map(|r| r.receiver_type), Some(ReceiverType::Group));
}

#[test]
fn group_events_keep_members_keyed_by_uid_with_scopes() {
    let event = decode(Trigger::GroupMemberScopeChanged);
    let change = event.typed::<GroupMemberScopeChanged>().unwrap();
    let member = &change.members["cometchat-uid-2"];
    assert_eq!(member.scope, Some(GroupScope::Admin));
    assert_eq!(member.old_scope, Some(GroupScope::Participant));
    assert_eq!(event.sender_uid(), change.by.as_ref().map(|by| by.uid.as_str()));
    let recipient = event.recipient().unwrap();
    assert_eq!(recipient.receiver_type, ReceiverType::Group);
    assert_eq!(recipient.id, change.group.guid);

    let transferred = decode(Trigger::GroupOwnerTransferred);
    let group = &transferred.typed::<GroupOwnerTransferred>().unwrap().group;
    assert!(group.old_owner.is_some());
    assert_ne!(group.owner, group.old_owner);
}

#[test]
fn users_calls_and_meetings_read_their_odd_units_and_types() {
    let presence = decode(Trigger::UserConnectionStatusChanged);
    let changed = presence.typed::<UserConnectionStatusChanged>().unwrap();
    let connection = changed.current_connection.as_ref().unwrap();
    assert_eq!(connection.action, Some(ConnectionAction::Disconnected));
    assert_eq!(changed.status, Some(UserStatus::Offline));
    // Milliseconds here, while user.lastActiveAt in the same payload is seconds.
    assert_eq!(changed.timestamp.map(Timestamp::unix_seconds), Some(1_696_935_103));
    assert_eq!(changed.user.last_active_at.map(Timestamp::unix_seconds), Some(1_693_916_686));
    assert_eq!(connection.connected_at.map(Timestamp::unix_seconds), Some(1_696_934_440));
    assert_eq!(presence.occurred_at().map(Timestamp::unix_millis), Some(1_696_935_103_114));
    assert_eq!(presence.sender_uid(), Some(changed.user.uid.as_str()));

    let joined = decode(Trigger::CallParticipantJoined);
    let participant = joined.typed::<CallParticipantJoined>().unwrap();
    assert_eq!(participant.occupant.audio_call, Some(true));
    assert_eq!(participant.initial_config.as_ref().unwrap().is_audio_only, Some(true));
    assert_eq!(joined.envelope().session_type.as_deref(), Some("call"));

    let recording = decode(Trigger::RecordingGenerated);
    let generated = recording.typed::<RecordingGenerated>().unwrap();
    assert_eq!(generated.start_time, Some(Timestamp::new(1_696_937_627)));
    assert_eq!(generated.duration, Some(21.433));

    let initiated = decode(Trigger::CallInitiated);
    let signal = initiated.typed::<CallInitiated>().unwrap();
    assert_eq!(signal.action(), Some(&Action::Initiated));
    assert_eq!(signal.session_id(), Some("<sessionId>"));
    assert_eq!(signal.call_entity().unwrap().status, Some(CallStatus::Initiated));
    assert_eq!(initiated.message_id(), Some("52"));

    let busy = decode(Trigger::CallBusy);
    assert_eq!(busy.typed::<CallBusy>().unwrap().action(), Some(&Action::Busy));
    assert!(busy.typed::<CallBusy>().unwrap().call_entity().is_none());

    let ended = Event::from_slice(SHAPE_VARIANTS[3].body).unwrap();
    let occupants = &ended.typed::<CallEnded>().unwrap().all_occupants;
    assert_eq!(occupants[0].uid.as_deref(), Some("cometchat-uid-2"));
}

#[test]
fn moderation_campaign_and_provider_events_decode_their_details() {
    let blocked = decode(Trigger::ModerationEngineBlocked);
    let verdict = blocked.typed::<ModerationEngineBlocked>().unwrap();
    let rule = verdict.moderation[0].rule.as_ref().unwrap();
    assert_eq!(rule.id.as_deref(), Some("email_filter"));
    assert_eq!(rule.action.as_deref(), Some(&["blockMessage".to_owned()][..]));

    let manual = decode(Trigger::ModerationManualApproved);
    let approved = manual.typed::<ModerationManualApproved>().unwrap();
    assert_eq!(approved.reviewed, Some(true));
    // A numeric condition id is read as text.
    assert_eq!(approved.moderation[0].condition.as_ref().unwrap().id.as_deref(), Some("1"));
    let status = approved.message.data.moderation.as_ref().unwrap().status.clone();
    assert_eq!(status, Some(ModerationStatus::Approved));

    let failed = decode(Trigger::ModerationEngineFailed);
    let failure = &failed.typed::<ModerationEngineFailed>().unwrap().failures[0];
    assert_eq!(failure.http_status, Some(500));
    assert_eq!(failed.message_id(), Some("11"));

    let feed = decode(Trigger::AfterFeedItemSent);
    let item = feed.typed::<AfterFeedItemSent>().unwrap();
    assert_eq!(item.delivered_at, None);
    assert!(item.content.is_some());
    assert_eq!(feed.recipient().map(|r| r.id), Some("cometchat-uid-1"));

    let push = decode(Trigger::PushNotificationPayloadGenerated);
    let details = &push.typed::<PushNotificationPayloadGenerated>().unwrap().notification_details;
    // A string of milliseconds.
    assert_eq!(details.sent_at.map(Timestamp::unix_seconds), Some(1_741_847_453));
    assert_eq!(push.envelope().webhook.as_deref(), Some("custom"));

    let email = decode(Trigger::EmailNotificationPayloadGenerated);
    let digest = email.typed::<EmailNotificationPayloadGenerated>().unwrap();
    assert_eq!(digest.messages.len(), 2);
    assert_eq!(digest.to.email.as_deref(), Some("andrew-joseph@example.com"));
}

#[test]
fn legacy_messages_and_bot_callbacks_carry_the_message_directly() {
    let before = decode(Trigger::BeforeMessage);
    let message = before.typed::<BeforeMessage>().unwrap();
    assert_eq!(message.id, None);
    assert_eq!(message.text(), Some("Hi Webhook Test"));
    assert_eq!(before.message().and_then(Message::text), Some("Hi Webhook Test"));

    let bot = Event::from_slice(SHAPE_VARIANTS[2].body).unwrap();
    assert_eq!(bot.bot_id(), Some("support-bot"));
    assert_eq!(bot.webhook_id(), None);
    assert_eq!(bot.message_id(), Some("1"));
    assert!(bot.idempotency_key().as_str().contains("/support-bot/"));

    let presence = decode(Trigger::AfterConnectionStatusChanged);
    let changed = presence.typed::<AfterConnectionStatusChanged>().unwrap();
    assert_eq!(changed.event.as_ref().unwrap().event_type, Some(ConnectionAction::Connected));
    assert_eq!(changed.connections.len(), 1);
}

#[test]
fn media_urls_are_found_in_attachments_and_data_url() {
    let event = cometchat_webhooks::testing::EventBuilder::new(Trigger::MessageSent)
        .set(
            "data.message.data",
            serde_json::json!({
                "url": "https://files-us.cometchat.io/app/media/a.png",
                "attachments": [
                    {"url": "https://files-us.cometchat.io/app/media/b.pdf", "size": "1024"},
                    {"name": "no url"}
                ]
            }),
        )
        .build();
    let message = event.message().unwrap();
    let urls: Vec<&str> = message.media_urls().collect();
    assert_eq!(
        urls,
        [
            "https://files-us.cometchat.io/app/media/a.png",
            "https://files-us.cometchat.io/app/media/b.pdf"
        ]
    );
    assert_eq!(message.data.attachments.as_ref().unwrap()[0].size, Some(1024));
}
