//! A sample body for every trigger, bundled into the crate. Most are
//! CometChat's documented samples verbatim; the few CometChat documents no
//! sample for (pins, `group_member_removed`) and the live-observed shapes are
//! assembled from the reference and marked "inferred".

use crate::trigger::Trigger;

/// One bundled body per trigger, in [`Trigger::ALL`] order.
static SAMPLES: &[(Trigger, &[u8])] = &[
    (Trigger::MessageSent, include_bytes!("../../fixtures/message_sent.json")),
    (Trigger::MessageEdited, include_bytes!("../../fixtures/message_edited.json")),
    (Trigger::MessageDeleted, include_bytes!("../../fixtures/message_deleted.json")),
    (
        Trigger::MessageDeliveryReceipt,
        include_bytes!("../../fixtures/message_delivery_receipt.json"),
    ),
    (Trigger::MessageReadReceipt, include_bytes!("../../fixtures/message_read_receipt.json")),
    (
        Trigger::MessageDeliveredToAll,
        include_bytes!("../../fixtures/message_delivered_to_all.json"),
    ),
    (Trigger::MessageReadByAll, include_bytes!("../../fixtures/message_read_by_all.json")),
    (Trigger::MessageReactionAdded, include_bytes!("../../fixtures/message_reaction_added.json")),
    (
        Trigger::MessageReactionRemoved,
        include_bytes!("../../fixtures/message_reaction_removed.json"),
    ),
    (Trigger::UserMentioned, include_bytes!("../../fixtures/user_mentioned.json")),
    (Trigger::MessagePinned, include_bytes!("../../fixtures/inferred/message_pinned.json")),
    (Trigger::MessageUnpinned, include_bytes!("../../fixtures/inferred/message_unpinned.json")),
    (
        Trigger::ConversationPinned,
        include_bytes!("../../fixtures/inferred/conversation_pinned.json"),
    ),
    (
        Trigger::ConversationUnpinned,
        include_bytes!("../../fixtures/inferred/conversation_unpinned.json"),
    ),
    (Trigger::UserBlocked, include_bytes!("../../fixtures/user_blocked.json")),
    (Trigger::UserUnblocked, include_bytes!("../../fixtures/user_unblocked.json")),
    (
        Trigger::UserConnectionStatusChanged,
        include_bytes!("../../fixtures/user_connection_status_changed.json"),
    ),
    (Trigger::GroupCreated, include_bytes!("../../fixtures/group_created.json")),
    (Trigger::GroupUpdated, include_bytes!("../../fixtures/group_updated.json")),
    (Trigger::GroupDeleted, include_bytes!("../../fixtures/group_deleted.json")),
    (Trigger::GroupMemberJoined, include_bytes!("../../fixtures/group_member_joined.json")),
    (Trigger::GroupMemberLeft, include_bytes!("../../fixtures/group_member_left.json")),
    (Trigger::GroupMemberAdded, include_bytes!("../../fixtures/group_member_added.json")),
    (Trigger::GroupMemberKicked, include_bytes!("../../fixtures/group_member_kicked.json")),
    (Trigger::GroupMemberBanned, include_bytes!("../../fixtures/group_member_banned.json")),
    (Trigger::GroupMemberUnbanned, include_bytes!("../../fixtures/group_member_unbanned.json")),
    (
        Trigger::GroupMemberScopeChanged,
        include_bytes!("../../fixtures/group_member_scope_changed.json"),
    ),
    (
        Trigger::GroupMemberRemoved,
        include_bytes!("../../fixtures/inferred/group_member_removed.json"),
    ),
    (Trigger::GroupOwnerTransferred, include_bytes!("../../fixtures/group_owner_transferred.json")),
    (Trigger::CallInitiated, include_bytes!("../../fixtures/call_initiated.json")),
    (Trigger::CallBusy, include_bytes!("../../fixtures/call_busy.json")),
    (Trigger::CallCancelled, include_bytes!("../../fixtures/call_cancelled.json")),
    (Trigger::CallRejected, include_bytes!("../../fixtures/call_rejected.json")),
    (Trigger::CallUnanswered, include_bytes!("../../fixtures/call_unanswered.json")),
    (Trigger::CallStarted, include_bytes!("../../fixtures/call_started.json")),
    (Trigger::CallParticipantJoined, include_bytes!("../../fixtures/call_participant_joined.json")),
    (Trigger::CallParticipantLeft, include_bytes!("../../fixtures/call_participant_left.json")),
    (Trigger::CallEnded, include_bytes!("../../fixtures/call_ended.json")),
    (Trigger::MeetingStarted, include_bytes!("../../fixtures/meeting_started.json")),
    (
        Trigger::MeetingParticipantJoined,
        include_bytes!("../../fixtures/meeting_participant_joined.json"),
    ),
    (
        Trigger::MeetingParticipantLeft,
        include_bytes!("../../fixtures/meeting_participant_left.json"),
    ),
    (Trigger::MeetingEnded, include_bytes!("../../fixtures/meeting_ended.json")),
    (Trigger::RecordingGenerated, include_bytes!("../../fixtures/recording_generated.json")),
    (
        Trigger::TranscriptionGenerated,
        include_bytes!("../../fixtures/transcription_generated.json"),
    ),
    (
        Trigger::ModerationEngineApproved,
        include_bytes!("../../fixtures/moderation_engine_approved.json"),
    ),
    (
        Trigger::ModerationEngineBlocked,
        include_bytes!("../../fixtures/moderation_engine_blocked.json"),
    ),
    (
        Trigger::ModerationManualApproved,
        include_bytes!("../../fixtures/moderation_manual_approved.json"),
    ),
    (
        Trigger::ModerationEngineFailed,
        include_bytes!("../../fixtures/moderation_engine_failed.json"),
    ),
    (
        Trigger::AfterCampaignCompleted,
        include_bytes!("../../fixtures/after_campaign_completed.json"),
    ),
    (Trigger::AfterCampaignFailed, include_bytes!("../../fixtures/after_campaign_failed.json")),
    (
        Trigger::AfterNotificationCreated,
        include_bytes!("../../fixtures/after_notification_created.json"),
    ),
    (Trigger::AfterFeedItemSent, include_bytes!("../../fixtures/after_feed_item_sent.json")),
    (
        Trigger::AfterFeedItemDelivered,
        include_bytes!("../../fixtures/after_feed_item_delivered.json"),
    ),
    (Trigger::AfterFeedItemRead, include_bytes!("../../fixtures/after_feed_item_read.json")),
    (
        Trigger::AfterFeedItemInteracted,
        include_bytes!("../../fixtures/after_feed_item_interacted.json"),
    ),
    (
        Trigger::AfterPushNotificationSent,
        include_bytes!("../../fixtures/after_push_notification_sent.json"),
    ),
    (
        Trigger::AfterPushNotificationDelivered,
        include_bytes!("../../fixtures/after_push_notification_delivered.json"),
    ),
    (
        Trigger::AfterPushNotificationClicked,
        include_bytes!("../../fixtures/after_push_notification_clicked.json"),
    ),
    (
        Trigger::PushNotificationPayloadGenerated,
        include_bytes!("../../fixtures/push-notification-payload-generated.json"),
    ),
    (
        Trigger::EmailNotificationPayloadGenerated,
        include_bytes!("../../fixtures/email-notification-payload-generated.json"),
    ),
    (
        Trigger::SmsNotificationPayloadGenerated,
        include_bytes!("../../fixtures/sms-notification-payload-generated.json"),
    ),
    (Trigger::BeforeMessage, include_bytes!("../../fixtures/legacy/before_message.json")),
    (Trigger::AfterMessage, include_bytes!("../../fixtures/legacy/after_message.json")),
    (
        Trigger::AfterConnectionStatusChanged,
        include_bytes!("../../fixtures/legacy/after_connection_status_changed.json"),
    ),
    (
        Trigger::LegacyMessageDeliveryReceipt,
        include_bytes!("../../fixtures/legacy/message_delivery_receipt.json"),
    ),
    (
        Trigger::LegacyMessageReadReceipt,
        include_bytes!("../../fixtures/legacy/message_read_receipt.json"),
    ),
];

/// A body that shows another shape of a trigger CometChat is known to send.
#[derive(Debug, Clone, Copy)]
pub struct ShapeVariant {
    /// What the shape is.
    pub name: &'static str,
    /// The trigger it decodes to.
    pub trigger: Trigger,
    /// The body.
    pub body: &'static [u8],
}

/// Other shapes seen live: edits and deletes where `data.message` is the
/// message itself, a bot callback, media events with occupant uids.
pub static SHAPE_VARIANTS: &[ShapeVariant] = &[
    ShapeVariant {
        name: "message_edited, live shape (data.message is the edited message)",
        trigger: Trigger::MessageEdited,
        body: include_bytes!("../../fixtures/inferred/message_edited_live.json"),
    },
    ShapeVariant {
        name: "message_deleted, live shape (data.message is the deleted message)",
        trigger: Trigger::MessageDeleted,
        body: include_bytes!("../../fixtures/inferred/message_deleted_live.json"),
    },
    ShapeVariant {
        name: "after_message to a bot (bot instead of webhook)",
        trigger: Trigger::AfterMessage,
        body: include_bytes!("../../fixtures/inferred/bot_after_message.json"),
    },
    ShapeVariant {
        name: "call_ended with occupant uids",
        trigger: Trigger::CallEnded,
        body: include_bytes!("../../fixtures/inferred/call_ended_live.json"),
    },
];

/// The bundled sample body for `trigger`.
pub fn sample_body(trigger: Trigger) -> &'static [u8] {
    SAMPLES.iter().find(|(sample, _)| *sample == trigger).map(|(_, body)| *body).unwrap_or(b"{}")
}

/// Every trigger with its bundled sample body.
pub fn samples() -> impl Iterator<Item = (Trigger, &'static [u8])> {
    SAMPLES.iter().copied()
}
