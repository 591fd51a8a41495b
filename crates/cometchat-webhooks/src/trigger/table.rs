//! Every trigger this crate knows, in one table: its payload type (named like
//! the variant), wire name, category, whether it is legacy, and its bundled
//! sample under `fixtures/`. The `Trigger` and `Payload` enums, the decode
//! dispatch, typed access, the idempotency recipe lookup and the samples of
//! the `testing` feature are generated from it (`generate.rs`).
//!
//! To add a trigger:
//! 1. add a row here (current triggers in `current`, a legacy shape that
//!    shares a current trigger's wire name in `shape_aliases`);
//! 2. add its payload type to the family file under `payload/` (or a new
//!    family file), with its `Facts` impl: what it says about the event and
//!    how its idempotency key is built, with the recipe in words;
//! 3. add its sample body under `fixtures/` and a row to the README's trigger
//!    table (`tests/readme.rs` checks the table against this one).

// The payload types, named by the rows below.
use crate::payload::*;

use super::generate::triggers;

triggers! {
    current {
        /// A message was sent.
        MessageSent = "message_sent", Message, false, "message_sent.json";
        /// A message was edited.
        MessageEdited = "message_edited", Message, false, "message_edited.json";
        /// A message was deleted.
        MessageDeleted = "message_deleted", Message, false, "message_deleted.json";
        /// A recipient received a message.
        MessageDeliveryReceipt = "message_delivery_receipt", Message, false, "message_delivery_receipt.json";
        /// A recipient read a message.
        MessageReadReceipt = "message_read_receipt", Message, false, "message_read_receipt.json";
        /// Every group member received a message.
        MessageDeliveredToAll = "message_delivered_to_all", Message, false, "message_delivered_to_all.json";
        /// Every group member read a message.
        MessageReadByAll = "message_read_by_all", Message, false, "message_read_by_all.json";
        /// A reaction was added.
        MessageReactionAdded = "message_reaction_added", Message, false, "message_reaction_added.json";
        /// A reaction was removed.
        MessageReactionRemoved = "message_reaction_removed", Message, false, "message_reaction_removed.json";
        /// A message mentions users.
        UserMentioned = "user_mentioned", Message, false, "user_mentioned.json";
        /// A message was pinned.
        MessagePinned = "message_pinned", Message, false, "inferred/message_pinned.json";
        /// A message was unpinned.
        MessageUnpinned = "message_unpinned", Message, false, "inferred/message_unpinned.json";
        /// A conversation was pinned.
        ConversationPinned = "conversation_pinned", Message, false, "inferred/conversation_pinned.json";
        /// A conversation was unpinned.
        ConversationUnpinned = "conversation_unpinned", Message, false, "inferred/conversation_unpinned.json";
        /// Users were blocked.
        UserBlocked = "user_blocked", User, false, "user_blocked.json";
        /// Users were unblocked.
        UserUnblocked = "user_unblocked", User, false, "user_unblocked.json";
        /// A user connected or disconnected.
        UserConnectionStatusChanged = "user_connection_status_changed", User, false, "user_connection_status_changed.json";
        /// A group was created.
        GroupCreated = "group_created", Group, false, "group_created.json";
        /// A group was updated.
        GroupUpdated = "group_updated", Group, false, "group_updated.json";
        /// A group was deleted.
        GroupDeleted = "group_deleted", Group, false, "group_deleted.json";
        /// Members joined a group.
        GroupMemberJoined = "group_member_joined", Group, false, "group_member_joined.json";
        /// Members left a group.
        GroupMemberLeft = "group_member_left", Group, false, "group_member_left.json";
        /// Members were added to a group.
        GroupMemberAdded = "group_member_added", Group, false, "group_member_added.json";
        /// Members were kicked from a group.
        GroupMemberKicked = "group_member_kicked", Group, false, "group_member_kicked.json";
        /// Members were banned from a group.
        GroupMemberBanned = "group_member_banned", Group, false, "group_member_banned.json";
        /// Members were unbanned.
        GroupMemberUnbanned = "group_member_unbanned", Group, false, "group_member_unbanned.json";
        /// Members' scope changed.
        GroupMemberScopeChanged = "group_member_scope_changed", Group, false, "group_member_scope_changed.json";
        /// Members were removed from a group.
        GroupMemberRemoved = "group_member_removed", Group, false, "inferred/group_member_removed.json";
        /// A group's ownership moved.
        GroupOwnerTransferred = "group_owner_transferred", Group, false, "group_owner_transferred.json";
        /// A call started ringing.
        CallInitiated = "call_initiated", Call, false, "call_initiated.json";
        /// The callee was busy.
        CallBusy = "call_busy", Call, false, "call_busy.json";
        /// The caller cancelled.
        CallCancelled = "call_cancelled", Call, false, "call_cancelled.json";
        /// The callee declined.
        CallRejected = "call_rejected", Call, false, "call_rejected.json";
        /// Nobody answered.
        CallUnanswered = "call_unanswered", Call, false, "call_unanswered.json";
        /// A call's media session began.
        CallStarted = "call_started", Call, false, "call_started.json";
        /// Someone joined a call.
        CallParticipantJoined = "call_participant_joined", Call, false, "call_participant_joined.json";
        /// Someone left a call.
        CallParticipantLeft = "call_participant_left", Call, false, "call_participant_left.json";
        /// A call's media session ended.
        CallEnded = "call_ended", Call, false, "call_ended.json";
        /// A meeting began.
        MeetingStarted = "meeting_started", Meeting, false, "meeting_started.json";
        /// Someone joined a meeting.
        MeetingParticipantJoined = "meeting_participant_joined", Meeting, false, "meeting_participant_joined.json";
        /// Someone left a meeting.
        MeetingParticipantLeft = "meeting_participant_left", Meeting, false, "meeting_participant_left.json";
        /// A meeting ended.
        MeetingEnded = "meeting_ended", Meeting, false, "meeting_ended.json";
        /// A recording is ready.
        RecordingGenerated = "recording_generated", Recording, false, "recording_generated.json";
        /// A transcript is ready.
        TranscriptionGenerated = "transcription_generated", Recording, false, "transcription_generated.json";
        /// The moderation engine approved a message.
        ModerationEngineApproved = "moderation_engine_approved", Moderation, false, "moderation_engine_approved.json";
        /// The moderation engine blocked a message.
        ModerationEngineBlocked = "moderation_engine_blocked", Moderation, false, "moderation_engine_blocked.json";
        /// A moderator approved a blocked message.
        ModerationManualApproved = "moderation_manual_approved", Moderation, false, "moderation_manual_approved.json";
        /// The moderation engine could not decide.
        ModerationEngineFailed = "moderation_engine_failed", Moderation, false, "moderation_engine_failed.json";
        /// A campaign completed.
        AfterCampaignCompleted = "after_campaign_completed", Campaign, false, "after_campaign_completed.json";
        /// A campaign failed.
        AfterCampaignFailed = "after_campaign_failed", Campaign, false, "after_campaign_failed.json";
        /// A notification was created.
        AfterNotificationCreated = "after_notification_created", Campaign, false, "after_notification_created.json";
        /// A feed item was sent.
        AfterFeedItemSent = "after_feed_item_sent", Campaign, false, "after_feed_item_sent.json";
        /// A feed item was delivered.
        AfterFeedItemDelivered = "after_feed_item_delivered", Campaign, false, "after_feed_item_delivered.json";
        /// A feed item was read.
        AfterFeedItemRead = "after_feed_item_read", Campaign, false, "after_feed_item_read.json";
        /// A feed item was interacted with.
        AfterFeedItemInteracted = "after_feed_item_interacted", Campaign, false, "after_feed_item_interacted.json";
        /// A campaign push was sent.
        AfterPushNotificationSent = "after_push_notification_sent", Campaign, false, "after_push_notification_sent.json";
        /// A campaign push was delivered.
        AfterPushNotificationDelivered = "after_push_notification_delivered", Campaign, false, "after_push_notification_delivered.json";
        /// A campaign push was clicked.
        AfterPushNotificationClicked = "after_push_notification_clicked", Campaign, false, "after_push_notification_clicked.json";
        /// A push is ready for a custom provider.
        PushNotificationPayloadGenerated = "push-notification-payload-generated", NotificationProvider, false, "push-notification-payload-generated.json";
        /// An email digest is ready for a custom provider.
        EmailNotificationPayloadGenerated = "email-notification-payload-generated", NotificationProvider, false, "email-notification-payload-generated.json";
        /// An SMS is ready for a custom provider.
        SmsNotificationPayloadGenerated = "sms-notification-payload-generated", NotificationProvider, false, "sms-notification-payload-generated.json";
        /// Legacy: a message is about to be sent (synchronous).
        BeforeMessage = "before_message", Message, true, "legacy/before_message.json";
        /// Legacy: a message was sent (also to bots).
        AfterMessage = "after_message", Message, true, "legacy/after_message.json";
        /// Legacy: a user connected or disconnected.
        AfterConnectionStatusChanged = "after_connection_status_changed", User, true, "legacy/after_connection_status_changed.json";
    }
    // Legacy receipts: same wire name as a current trigger, told apart by the
    // shape of `data`.
    shape_aliases {
        /// Legacy delivery receipt (`data.messageId`, no `data.body`).
        LegacyMessageDeliveryReceipt = "message_delivery_receipt" shared with MessageDeliveryReceipt, Message, "legacy/message_delivery_receipt.json";
        /// Legacy read receipt (`data.messageId`, no `data.body`).
        LegacyMessageReadReceipt = "message_read_receipt" shared with MessageReadReceipt, Message, "legacy/message_read_receipt.json";
    }
}
