//! What every event answers (sender, receiver, conversation, message, time,
//! idempotency key), per trigger. Each payload type says where its answers
//! are; a question that does not apply keeps the default `None`.

use crate::event::Receiver;
use crate::idempotency::KeyParts;
use crate::model::{Message, Millis, Occupant, ReceiverType, TimeUnit, Timestamp, User};
use crate::payload::*;

pub(crate) trait Facts {
    fn message(&self) -> Option<&Message> {
        None
    }

    fn sender_uid(&self) -> Option<&str> {
        self.message()?.sender.as_deref()
    }

    fn receiver(&self) -> Option<Receiver<'_>> {
        let message = self.message()?;
        receiver(message.receiver.as_deref(), message.receiver_type.as_ref())
    }

    fn conversation_id(&self) -> Option<&str> {
        self.message()?.conversation_id.as_deref()
    }

    fn message_id(&self) -> Option<&str> {
        self.message()?.id.as_deref()
    }

    fn occurred_at(&self) -> Option<Timestamp<Millis>> {
        millis(self.message()?.sent_at)
    }

    /// Adds the trigger's key components; `None` falls back to the body hash.
    fn key(&self, parts: &mut KeyParts) -> Option<()>;
}

fn millis<U: TimeUnit>(timestamp: Option<Timestamp<U>>) -> Option<Timestamp<Millis>> {
    timestamp.map(Timestamp::to_unit)
}

fn receiver<'a>(id: Option<&'a str>, kind: Option<&ReceiverType>) -> Option<Receiver<'a>> {
    Some(Receiver { id: id?, receiver_type: kind.cloned().unwrap_or(ReceiverType::User) })
}

fn user_receiver(id: Option<&str>) -> Option<Receiver<'_>> {
    receiver(id, Some(&ReceiverType::User))
}

fn uid(user: Option<&User>) -> Option<&str> {
    user.map(|user| user.uid.as_str())
}

/// `uid` when sent, else `name`: documented samples carry only names.
fn occupant_identity(occupant: &Occupant) -> Option<&str> {
    occupant.uid.as_deref().or(occupant.name.as_deref())
}

// Messages ------------------------------------------------------------------

macro_rules! message_facts {
    ($($payload:ty),+) => {$(
        impl Facts for $payload {
            fn message(&self) -> Option<&Message> {
                Some(&self.message)
            }

            fn key(&self, parts: &mut KeyParts) -> Option<()> {
                parts.part("message.id", self.message.id.as_deref()?);
                Some(())
            }
        }
    )+};
}

message_facts!(MessageSent, UserMentioned);

impl Facts for MessageEdited {
    fn message(&self) -> Option<&Message> {
        Some(self.edited_message())
    }

    fn occurred_at(&self) -> Option<Timestamp<Millis>> {
        let edited = self.edited_message();
        millis(edited.edited_at.or(edited.updated_at))
    }

    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        let edited = self.edited_message();
        parts.part("message.id", edited.id.as_deref()?);
        parts.part("editedAt", edited.edited_at.or(edited.updated_at)?);
        Some(())
    }
}

impl Facts for MessageDeleted {
    fn message(&self) -> Option<&Message> {
        Some(self.deleted_message())
    }

    fn occurred_at(&self) -> Option<Timestamp<Millis>> {
        let deleted = self.deleted_message();
        millis(deleted.deleted_at.or(deleted.updated_at))
    }

    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        let deleted = self.deleted_message();
        parts.part("message.id", deleted.id.as_deref()?);
        parts.part("deletedAt", deleted.deleted_at.or(deleted.updated_at)?);
        Some(())
    }
}

macro_rules! pin_facts {
    ($($payload:ty),+) => {$(
        impl Facts for $payload {
            fn message(&self) -> Option<&Message> {
                self.0.message.as_ref()
            }

            fn sender_uid(&self) -> Option<&str> {
                uid(self.by.as_ref()).or_else(|| self.message()?.sender.as_deref())
            }

            fn occurred_at(&self) -> Option<Timestamp<Millis>> {
                let message = self.message()?;
                millis(message.updated_at.or(message.sent_at))
            }

            fn key(&self, parts: &mut KeyParts) -> Option<()> {
                let message = self.message()?;
                parts.part("message.id", message.id.as_deref()?);
                parts.part("updatedAt", message.updated_at?);
                parts.part("by", uid(self.by.as_ref())?);
                Some(())
            }
        }
    )+};
}

pin_facts!(MessagePinned, MessageUnpinned);

macro_rules! conversation_pin_facts {
    ($($payload:ty),+) => {$(
        impl Facts for $payload {
            fn sender_uid(&self) -> Option<&str> {
                uid(self.by.as_ref())
            }

            fn receiver(&self) -> Option<Receiver<'_>> {
                None
            }

            fn conversation_id(&self) -> Option<&str> {
                self.conversation_id.as_deref()
            }

            fn key(&self, _: &mut KeyParts) -> Option<()> {
                None
            }
        }
    )+};
}

conversation_pin_facts!(ConversationPinned, ConversationUnpinned);

macro_rules! receipt_facts {
    ($per_user:literal: $($payload:ty),+) => {$(
        impl Facts for $payload {
            fn sender_uid(&self) -> Option<&str> {
                self.sender.as_deref().or(uid(self.body.user.as_ref()))
            }

            fn receiver(&self) -> Option<Receiver<'_>> {
                receiver(self.receiver.as_deref(), self.receiver_type.as_ref())
            }

            fn message_id(&self) -> Option<&str> {
                self.body.message_id.as_deref()
            }

            fn occurred_at(&self) -> Option<Timestamp<Millis>> {
                millis(self.body.timestamp)
            }

            fn key(&self, parts: &mut KeyParts) -> Option<()> {
                parts.part("messageId", self.body.message_id.as_deref()?);
                if $per_user {
                    parts.part("user", uid(self.body.user.as_ref()).or(self.sender.as_deref())?);
                }
                parts.part("action", self.body.action.as_ref()?);
                Some(())
            }
        }
    )+};
}

receipt_facts!(true: MessageDeliveryReceipt, MessageReadReceipt);
receipt_facts!(false: MessageDeliveredToAll, MessageReadByAll);

macro_rules! reaction_facts {
    ($($payload:ty),+) => {$(
        impl Facts for $payload {
            fn sender_uid(&self) -> Option<&str> {
                self.reaction.uid.as_deref().or(uid(self.reaction.reacted_by.as_ref()))
            }

            fn receiver(&self) -> Option<Receiver<'_>> {
                None
            }

            fn message_id(&self) -> Option<&str> {
                self.reaction.message_id.as_deref()
            }

            fn occurred_at(&self) -> Option<Timestamp<Millis>> {
                millis(self.reaction.reacted_at)
            }

            fn key(&self, parts: &mut KeyParts) -> Option<()> {
                let reaction = &self.reaction;
                parts.part("reaction.id", reaction.id.as_deref()?);
                parts.part("messageId", reaction.message_id.as_deref()?);
                parts.part("uid", self.sender_uid()?);
                parts.part("reaction", reaction.reaction.as_deref()?);
                parts.part("reactedAt", reaction.reacted_at?);
                Some(())
            }
        }
    )+};
}

reaction_facts!(MessageReactionAdded, MessageReactionRemoved);

// Users ---------------------------------------------------------------------

macro_rules! block_facts {
    ($($payload:ty),+) => {$(
        impl Facts for $payload {
            fn sender_uid(&self) -> Option<&str> {
                uid(self.by.as_ref())
            }

            fn receiver(&self) -> Option<Receiver<'_>> {
                let mut uids = self.users.keys();
                match (uids.next(), uids.next()) {
                    (Some(only), None) => user_receiver(Some(only)),
                    _ => None,
                }
            }

            fn key(&self, _: &mut KeyParts) -> Option<()> {
                None
            }
        }
    )+};
}

block_facts!(UserBlocked, UserUnblocked);

impl Facts for UserConnectionStatusChanged {
    fn sender_uid(&self) -> Option<&str> {
        Some(&self.user.uid)
    }

    fn receiver(&self) -> Option<Receiver<'_>> {
        None
    }

    fn occurred_at(&self) -> Option<Timestamp<Millis>> {
        self.timestamp
    }

    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        parts.part("user.uid", &self.user.uid);
        parts.part("status", self.status.as_ref()?);
        parts.part("timestamp", self.timestamp?);
        Some(())
    }
}

// Groups --------------------------------------------------------------------

/// Which fields identify one kind of group change.
enum GroupRecipe {
    Created,
    Updated,
    Members,
    Owner,
}

fn group_key(change: &GroupChange, recipe: GroupRecipe, parts: &mut KeyParts) -> Option<()> {
    let group = &change.group;
    parts.part("group.guid", &group.guid);
    match recipe {
        GroupRecipe::Created => {
            parts.part("createdAt", group.created_at?);
        }
        GroupRecipe::Updated => {
            parts.part("updatedAt", group.updated_at?);
        }
        GroupRecipe::Members => {
            parts.part("members", MemberList(&change.members));
            if let Some(by) = uid(change.by.as_ref()) {
                parts.part("by", by);
            }
            parts.part("updatedAt", group.updated_at?);
        }
        GroupRecipe::Owner => {
            parts.part("owner", group.owner.as_deref()?);
            parts.part("updatedAt", group.updated_at?);
        }
    }
    Some(())
}

/// Member uids in order, each with its scope when it has one.
struct MemberList<'a>(&'a std::collections::BTreeMap<String, User>);

impl std::fmt::Display for MemberList<'_> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (index, (member, user)) in self.0.iter().enumerate() {
            let separator = if index == 0 { "" } else { "," };
            write!(formatter, "{separator}{}", member.replace(',', "%2C"))?;
            if let Some(scope) = &user.scope {
                write!(formatter, ":{scope}")?;
            }
        }
        Ok(())
    }
}

macro_rules! group_facts {
    ($($payload:ty => $recipe:ident),+ $(,)?) => {$(
        impl Facts for $payload {
            fn sender_uid(&self) -> Option<&str> {
                let mut members = self.members.keys();
                let only_member = match (members.next(), members.next()) {
                    (Some(only), None) => Some(only.as_str()),
                    _ => None,
                };
                uid(self.by.as_ref()).or(only_member)
            }

            fn receiver(&self) -> Option<Receiver<'_>> {
                receiver(Some(&self.group.guid), Some(&ReceiverType::Group))
            }

            fn conversation_id(&self) -> Option<&str> {
                self.group.conversation_id.as_deref()
            }

            fn occurred_at(&self) -> Option<Timestamp<Millis>> {
                millis(self.group.updated_at.or(self.group.created_at))
            }

            fn key(&self, parts: &mut KeyParts) -> Option<()> {
                group_key(self, GroupRecipe::$recipe, parts)
            }
        }
    )+};
}

group_facts!(
    GroupCreated => Created,
    GroupUpdated => Updated,
    GroupDeleted => Updated,
    GroupMemberJoined => Members,
    GroupMemberLeft => Members,
    GroupMemberAdded => Members,
    GroupMemberKicked => Members,
    GroupMemberBanned => Members,
    GroupMemberUnbanned => Members,
    GroupMemberScopeChanged => Members,
    GroupMemberRemoved => Members,
    GroupOwnerTransferred => Owner,
);

// Calls and meetings --------------------------------------------------------

macro_rules! call_signal_facts {
    ($($payload:ty),+) => {$(
        impl Facts for $payload {
            fn message(&self) -> Option<&Message> {
                Some(&self.call)
            }

            fn key(&self, parts: &mut KeyParts) -> Option<()> {
                parts.part("call.id", self.call.id.as_deref()?);
                parts.part("sentAt", self.call.sent_at?);
                Some(())
            }
        }
    )+};
}

call_signal_facts!(CallInitiated, CallBusy, CallCancelled, CallRejected, CallUnanswered);

/// Media-session starts and ends: the session and the one time they carry.
macro_rules! session_time_facts {
    ($time:ident, $name:literal: $($payload:ty),+) => {$(
        impl Facts for $payload {
            fn occurred_at(&self) -> Option<Timestamp<Millis>> {
                millis(self.$time)
            }

            fn key(&self, parts: &mut KeyParts) -> Option<()> {
                parts.part("sessionId", self.session_id.as_deref()?);
                parts.part($name, self.$time?);
                Some(())
            }
        }
    )+};
}

session_time_facts!(created_at, "created_at": CallStarted, MeetingStarted);
session_time_facts!(destroyed_at, "destroyed_at": CallEnded, MeetingEnded);

macro_rules! participant_facts {
    ($time:ident, $name:literal: $($payload:ty),+) => {$(
        impl Facts for $payload {
            fn sender_uid(&self) -> Option<&str> {
                self.occupant.uid.as_deref()
            }

            fn occurred_at(&self) -> Option<Timestamp<Millis>> {
                millis(self.occupant.$time)
            }

            fn key(&self, parts: &mut KeyParts) -> Option<()> {
                parts.part("sessionId", self.session_id.as_deref()?);
                parts.part("occupant", occupant_identity(&self.occupant)?);
                parts.part($name, self.occupant.$time?);
                Some(())
            }
        }
    )+};
}

participant_facts!(joined_at, "joined_at": CallParticipantJoined, MeetingParticipantJoined);
participant_facts!(left_at, "left_at": CallParticipantLeft, MeetingParticipantLeft);

impl Facts for RecordingGenerated {
    fn occurred_at(&self) -> Option<Timestamp<Millis>> {
        millis(self.start_time)
    }

    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        parts.part("sessionId", self.session_id.as_deref()?);
        parts.part("startTime", self.start_time?);
        Some(())
    }
}

impl Facts for TranscriptionGenerated {
    fn occurred_at(&self) -> Option<Timestamp<Millis>> {
        millis(self.end_time.or(self.start_time))
    }

    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        parts.part("sessionId", self.session_id.as_deref()?);
        parts.part("tid", self.tid.as_deref()?);
        Some(())
    }
}

// Moderation ----------------------------------------------------------------

macro_rules! verdict_facts {
    ($($payload:ty),+) => {$(
        impl Facts for $payload {
            fn message(&self) -> Option<&Message> {
                Some(&self.message)
            }

            fn key(&self, parts: &mut KeyParts) -> Option<()> {
                parts.part("message.id", self.message.id.as_deref()?);
                parts.part("updatedAt", self.message.updated_at.or(self.message.sent_at)?);
                Some(())
            }
        }
    )+};
}

verdict_facts!(ModerationEngineApproved, ModerationEngineBlocked, ModerationManualApproved);

impl Facts for ModerationEngineFailed {
    fn sender_uid(&self) -> Option<&str> {
        self.resource.as_ref()?.sender.as_deref()
    }

    fn receiver(&self) -> Option<Receiver<'_>> {
        let resource = self.resource.as_ref()?;
        receiver(resource.receiver.as_deref(), resource.receiver_type.as_ref())
    }

    fn conversation_id(&self) -> Option<&str> {
        self.resource.as_ref()?.conversation_id.as_deref()
    }

    fn message_id(&self) -> Option<&str> {
        self.resource.as_ref()?.id.as_deref()
    }

    fn occurred_at(&self) -> Option<Timestamp<Millis>> {
        millis(self.completed_at)
    }

    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        parts.part("resource.id", self.resource.as_ref()?.id.as_deref()?);
        parts.part("completedAt", self.completed_at?);
        Some(())
    }
}

// Campaigns -----------------------------------------------------------------

macro_rules! campaign_facts {
    ($($payload:ty),+) => {$(
        impl Facts for $payload {
            fn occurred_at(&self) -> Option<Timestamp<Millis>> {
                millis(self.completed_at.or(self.updated_at))
            }

            fn key(&self, parts: &mut KeyParts) -> Option<()> {
                parts.part("campaignId", self.campaign_id.as_deref()?);
                parts.part("completedAt", self.completed_at.or(self.updated_at)?);
                Some(())
            }
        }
    )+};
}

campaign_facts!(AfterCampaignCompleted, AfterCampaignFailed);

impl Facts for AfterNotificationCreated {
    fn occurred_at(&self) -> Option<Timestamp<Millis>> {
        millis(self.created_at)
    }

    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        parts.part("notificationId", self.notification_id.as_deref()?);
        Some(())
    }
}

macro_rules! delivery_step_facts {
    ($id:ident, $id_name:literal: $($payload:ty => $time:ident, $time_name:literal),+ $(,)?) => {$(
        impl Facts for $payload {
            fn receiver(&self) -> Option<Receiver<'_>> {
                user_receiver(self.receiver.as_deref())
            }

            fn occurred_at(&self) -> Option<Timestamp<Millis>> {
                millis(self.$time)
            }

            fn key(&self, parts: &mut KeyParts) -> Option<()> {
                parts.part($id_name, self.$id.as_deref()?);
                parts.part($time_name, self.$time?);
                Some(())
            }
        }
    )+};
}

delivery_step_facts!(id, "id":
    AfterFeedItemSent => sent_at, "sentAt",
    AfterFeedItemDelivered => delivered_at, "deliveredAt",
    AfterFeedItemRead => read_at, "readAt",
    AfterFeedItemInteracted => interacted_at, "interactedAt",
);

delivery_step_facts!(push_notification_id, "pushNotificationId":
    AfterPushNotificationSent => sent_at, "sentAt",
    AfterPushNotificationDelivered => delivered_at, "deliveredAt",
    AfterPushNotificationClicked => clicked_at, "clickedAt",
);

// Notification providers ----------------------------------------------------

impl Facts for PushNotificationPayloadGenerated {
    fn sender_uid(&self) -> Option<&str> {
        self.notification_details.sender.as_deref()
    }

    fn receiver(&self) -> Option<Receiver<'_>> {
        user_receiver(self.to.uid.as_deref())
    }

    fn conversation_id(&self) -> Option<&str> {
        self.notification_details.conversation_id.as_deref()
    }

    fn occurred_at(&self) -> Option<Timestamp<Millis>> {
        self.notification_details.sent_at
    }

    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        let details = &self.notification_details;
        parts.part("to", self.to.uid.as_deref()?);
        parts.part("tag", details.tag.as_deref()?);
        parts.part("sentAt", details.sent_at?);
        Some(())
    }
}

macro_rules! digest_facts {
    ($($payload:ty),+) => {$(
        impl Facts for $payload {
            fn sender_uid(&self) -> Option<&str> {
                self.sender_details.as_ref()?.uid.as_deref()
            }

            fn receiver(&self) -> Option<Receiver<'_>> {
                user_receiver(self.to.uid.as_deref())
            }

            fn key(&self, _: &mut KeyParts) -> Option<()> {
                None
            }
        }
    )+};
}

digest_facts!(EmailNotificationPayloadGenerated, SmsNotificationPayloadGenerated);

// Legacy --------------------------------------------------------------------

impl Facts for BeforeMessage {
    fn message(&self) -> Option<&Message> {
        Some(&self.0)
    }

    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        parts.part("muid", self.muid.as_deref()?);
        parts.part("sender", self.sender.as_deref()?);
        parts.part("sentAt", self.sent_at?);
        Some(())
    }
}

impl Facts for AfterMessage {
    fn message(&self) -> Option<&Message> {
        Some(&self.0)
    }

    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        parts.part("id", self.id.as_deref()?);
        parts.part("updatedAt", self.updated_at.or(self.sent_at)?);
        Some(())
    }
}

macro_rules! legacy_receipt_facts {
    ($($payload:ty => $time:ident),+) => {$(
        impl Facts for $payload {
            fn sender_uid(&self) -> Option<&str> {
                self.receipt_sender.as_deref()
            }

            fn receiver(&self) -> Option<Receiver<'_>> {
                receiver(self.receipt_receiver.as_deref(), self.receiver_type.as_ref())
            }

            fn message_id(&self) -> Option<&str> {
                self.message_id.as_deref()
            }

            fn occurred_at(&self) -> Option<Timestamp<Millis>> {
                millis(self.$time)
            }

            fn key(&self, parts: &mut KeyParts) -> Option<()> {
                parts.part("messageId", self.message_id.as_deref()?);
                parts.part("receiptSender", self.receipt_sender.as_deref()?);
                parts.part("receiptType", self.receipt_type.as_deref()?);
                Some(())
            }
        }
    )+};
}

legacy_receipt_facts!(LegacyMessageDeliveryReceipt => delivered_at, LegacyMessageReadReceipt => read_at);

impl Facts for AfterConnectionStatusChanged {
    fn sender_uid(&self) -> Option<&str> {
        self.user.uid.as_deref()
    }

    fn occurred_at(&self) -> Option<Timestamp<Millis>> {
        self.event.as_ref()?.at
    }

    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        let event = self.event.as_ref()?;
        parts.part("user.uid", self.user.uid.as_deref()?);
        parts.part("event.type", event.event_type.as_ref()?);
        parts.part("event.at", event.at?);
        Some(())
    }
}
