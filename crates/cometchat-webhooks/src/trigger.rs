//! Every trigger this crate knows, in one table: its wire name, payload type,
//! category, whether it is legacy, and its idempotency-key recipe. The
//! `Trigger` and `Payload` enums and the decode dispatch are generated from it,
//! so adding a trigger is one line here plus its payload type.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::payload::*;

/// The family a trigger belongs to, for per-category handling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Category {
    /// Messages: sent, edited, deleted, receipts, reactions, mentions, pins.
    Message,
    /// Users: blocks and connection status.
    User,
    /// Groups: lifecycle and membership.
    Group,
    /// Ringing calls and call media sessions.
    Call,
    /// Meeting (call-session) media sessions.
    Meeting,
    /// Recordings and transcripts of calls and meetings.
    Recording,
    /// Moderation decisions.
    Moderation,
    /// Campaigns, in-app feed items and campaign push notifications.
    Campaign,
    /// Custom push, email and SMS notification providers.
    NotificationProvider,
}

impl Category {
    /// Every category.
    pub const ALL: &'static [Category] = &[
        Category::Message,
        Category::User,
        Category::Group,
        Category::Call,
        Category::Meeting,
        Category::Recording,
        Category::Moderation,
        Category::Campaign,
        Category::NotificationProvider,
    ];

    /// A short lower-case name (`message`, `notification_provider`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Message => "message",
            Category::User => "user",
            Category::Group => "group",
            Category::Call => "call",
            Category::Meeting => "meeting",
            Category::Recording => "recording",
            Category::Moderation => "moderation",
            Category::Campaign => "campaign",
            Category::NotificationProvider => "notification_provider",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// A payload type that belongs to exactly one trigger. The router uses it to
/// pick a handler by its argument type.
pub trait TypedPayload: Sized + Send + Sync + 'static {
    /// The trigger this payload is sent with.
    const TRIGGER: Trigger;

    /// Takes the payload out of a decoded [`Payload`], or gives it back.
    // The "error" is the caller's own payload handed back unchanged, not a
    // failure to be propagated, so its size is no concern.
    #[allow(clippy::result_large_err)]
    fn from_payload(payload: Payload) -> Result<Self, Payload>;

    /// Borrows the payload from a decoded [`Payload`].
    fn from_payload_ref(payload: &Payload) -> Option<&Self>;
}

macro_rules! triggers {
    (
        current {
            $( $(#[$doc:meta])* $variant:ident = $wire:literal, $category:ident, $legacy:literal, $recipe:literal; )+
        }
        shape_aliases {
            $( $(#[$alias_doc:meta])* $alias:ident = $alias_wire:literal, $alias_category:ident, $alias_recipe:literal; )+
        }
    ) => {
        /// A trigger this crate knows. Its wire name is [`Trigger::as_str`].
        ///
        /// Two legacy receipts share their wire names with the current
        /// receipts; [`FromStr`] returns the current one, and decoding tells
        /// them apart by the shape of `data`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Trigger {
            $( $(#[$doc])* $variant, )+
            $( $(#[$alias_doc])* $alias, )+
        }

        impl Trigger {
            /// Every trigger, current first, then legacy.
            pub const ALL: &'static [Trigger] = &[ $( Trigger::$variant, )+ $( Trigger::$alias, )+ ];

            /// The trigger's name on the wire.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( Trigger::$variant => $wire, )+
                    $( Trigger::$alias => $alias_wire, )+
                }
            }

            /// The family it belongs to.
            pub const fn category(self) -> Category {
                match self {
                    $( Trigger::$variant => Category::$category, )+
                    $( Trigger::$alias => Category::$alias_category, )+
                }
            }

            /// Whether it comes from CometChat's legacy (extension) webhooks.
            pub const fn is_legacy(self) -> bool {
                match self {
                    $( Trigger::$variant => $legacy, )+
                    $( Trigger::$alias => true, )+
                }
            }

            /// How [`Event::idempotency_key`](crate::Event::idempotency_key)
            /// is built for this trigger.
            pub const fn idempotency_recipe(self) -> &'static str {
                match self {
                    $( Trigger::$variant => $recipe, )+
                    $( Trigger::$alias => $alias_recipe, )+
                }
            }

            /// The trigger with this wire name (the current receipt for the
            /// names legacy receipts share).
            pub fn from_wire(wire: &str) -> Option<Trigger> {
                match wire {
                    $( $wire => Some(Trigger::$variant), )+
                    _ => None,
                }
            }

            /// A name no other trigger has: the wire name, or for a legacy
            /// receipt `legacy_` and its wire name. Used by `Serialize`.
            pub const fn unique_name(self) -> &'static str {
                match self {
                    $( Trigger::$variant => $wire, )+
                    $( Trigger::$alias => concat!("legacy_", $alias_wire), )+
                }
            }

            /// The trigger with this [`unique_name`](Self::unique_name) or wire name.
            pub fn from_name(name: &str) -> Option<Trigger> {
                match name {
                    $( concat!("legacy_", $alias_wire) => Some(Trigger::$alias), )+
                    wire => Trigger::from_wire(wire),
                }
            }
        }

        /// The typed `data` of an event, one variant per trigger, plus the two
        /// ways an event is kept when it cannot be typed. Serialises
        /// externally tagged by variant name (`{"MessageSent": {…}}`).
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[non_exhaustive]
        pub enum Payload {
            $( $(#[$doc])* $variant(Box<$variant>), )+
            $( $(#[$alias_doc])* $alias(Box<$alias>), )+
            /// A trigger this version does not know; `data` kept as sent.
            Unknown(UnknownPayload),
            /// A known trigger whose `data` did not fit its type; `data` kept
            /// as sent, with the reason.
            Undecodable(UndecodablePayload),
        }

        impl Payload {
            /// The trigger, when known and decoded.
            pub fn trigger(&self) -> Option<Trigger> {
                match self {
                    $( Payload::$variant(_) => Some(Trigger::$variant), )+
                    $( Payload::$alias(_) => Some(Trigger::$alias), )+
                    Payload::Unknown(_) => None,
                    Payload::Undecodable(undecodable) => Some(undecodable.trigger),
                }
            }

            /// Deserializes `data` straight into `trigger`'s payload, for the
            /// single-pass decode; a misfit is an error here.
            pub(crate) fn deserialize_data<'de, D: serde::Deserializer<'de>>(
                trigger: Trigger,
                data: D,
            ) -> Result<Payload, D::Error> {
                match trigger {
                    $( Trigger::$variant => Box::<$variant>::deserialize(data).map(Payload::$variant), )+
                    $( Trigger::$alias => Box::<$alias>::deserialize(data).map(Payload::$alias), )+
                }
            }

            /// Decodes `data` for a known trigger; a misfit is `Undecodable`.
            pub(crate) fn decode(trigger: Trigger, data: &str) -> Payload {
                match trigger {
                    $( Trigger::$variant => decode_as::<$variant>(trigger, data, Payload::$variant), )+
                    $( Trigger::$alias => decode_as::<$alias>(trigger, data, Payload::$alias), )+
                }
            }

            /// The facts every event answers, when the payload is typed.
            pub(crate) fn facts(&self) -> Option<&dyn crate::facts::Facts> {
                match self {
                    $( Payload::$variant(payload) => Some(&**payload), )+
                    $( Payload::$alias(payload) => Some(&**payload), )+
                    Payload::Unknown(_) | Payload::Undecodable(_) => None,
                }
            }
        }

        $(
            impl TypedPayload for $variant {
                const TRIGGER: Trigger = Trigger::$variant;

                #[allow(clippy::result_large_err)]
                fn from_payload(payload: Payload) -> Result<Self, Payload> {
                    match payload {
                        Payload::$variant(typed) => Ok(*typed),
                        other => Err(other),
                    }
                }

                fn from_payload_ref(payload: &Payload) -> Option<&Self> {
                    match payload {
                        Payload::$variant(typed) => Some(typed),
                        _ => None,
                    }
                }
            }
        )+
        $(
            impl TypedPayload for $alias {
                const TRIGGER: Trigger = Trigger::$alias;

                #[allow(clippy::result_large_err)]
                fn from_payload(payload: Payload) -> Result<Self, Payload> {
                    match payload {
                        Payload::$alias(typed) => Ok(*typed),
                        other => Err(other),
                    }
                }

                fn from_payload_ref(payload: &Payload) -> Option<&Self> {
                    match payload {
                        Payload::$alias(typed) => Some(typed),
                        _ => None,
                    }
                }
            }
        )+
    };
}

triggers! {
    current {
        /// A message was sent.
        MessageSent = "message_sent", Message, false, "message.id";
        /// A message was edited.
        MessageEdited = "message_edited", Message, false, "edited message id, its editedAt (or updatedAt)";
        /// A message was deleted.
        MessageDeleted = "message_deleted", Message, false, "deleted message id, its deletedAt (or updatedAt)";
        /// A recipient received a message.
        MessageDeliveryReceipt = "message_delivery_receipt", Message, false, "body.messageId, body.user.uid (or sender), body.action";
        /// A recipient read a message.
        MessageReadReceipt = "message_read_receipt", Message, false, "body.messageId, body.user.uid (or sender), body.action";
        /// Every group member received a message.
        MessageDeliveredToAll = "message_delivered_to_all", Message, false, "body.messageId, body.action";
        /// Every group member read a message.
        MessageReadByAll = "message_read_by_all", Message, false, "body.messageId, body.action";
        /// A reaction was added.
        MessageReactionAdded = "message_reaction_added", Message, false, "reaction.id, reaction.messageId, reaction.uid, reaction.reaction, reaction.reactedAt";
        /// A reaction was removed.
        MessageReactionRemoved = "message_reaction_removed", Message, false, "reaction.id, reaction.messageId, reaction.uid, reaction.reaction, reaction.reactedAt";
        /// A message mentions users.
        UserMentioned = "user_mentioned", Message, false, "message.id";
        /// A message was pinned.
        MessagePinned = "message_pinned", Message, false, "message.id, message.updatedAt, by.uid (body hash when absent)";
        /// A message was unpinned.
        MessageUnpinned = "message_unpinned", Message, false, "message.id, message.updatedAt, by.uid (body hash when absent)";
        /// A conversation was pinned.
        ConversationPinned = "conversation_pinned", Message, false, "body hash (no documented identity)";
        /// A conversation was unpinned.
        ConversationUnpinned = "conversation_unpinned", Message, false, "body hash (no documented identity)";
        /// Users were blocked.
        UserBlocked = "user_blocked", User, false, "body hash (no time in the payload to tell a re-block from a retry)";
        /// Users were unblocked.
        UserUnblocked = "user_unblocked", User, false, "body hash (no time in the payload to tell a re-unblock from a retry)";
        /// A user connected or disconnected.
        UserConnectionStatusChanged = "user_connection_status_changed", User, false, "user.uid, status, timestamp";
        /// A group was created.
        GroupCreated = "group_created", Group, false, "group.guid, group.createdAt";
        /// A group was updated.
        GroupUpdated = "group_updated", Group, false, "group.guid, group.updatedAt";
        /// A group was deleted.
        GroupDeleted = "group_deleted", Group, false, "group.guid, group.updatedAt";
        /// Members joined a group.
        GroupMemberJoined = "group_member_joined", Group, false, "group.guid, member uids, group.updatedAt (body hash when absent)";
        /// Members left a group.
        GroupMemberLeft = "group_member_left", Group, false, "group.guid, member uids, group.updatedAt (body hash when absent)";
        /// Members were added to a group.
        GroupMemberAdded = "group_member_added", Group, false, "group.guid, member uids, by.uid (when sent), group.updatedAt (body hash when absent)";
        /// Members were kicked from a group.
        GroupMemberKicked = "group_member_kicked", Group, false, "group.guid, member uids, by.uid (when sent), group.updatedAt (body hash when absent)";
        /// Members were banned from a group.
        GroupMemberBanned = "group_member_banned", Group, false, "group.guid, member uids, by.uid (when sent), group.updatedAt (body hash when absent)";
        /// Members were unbanned.
        GroupMemberUnbanned = "group_member_unbanned", Group, false, "group.guid, member uids, by.uid (when sent), group.updatedAt (body hash when absent)";
        /// Members' scope changed.
        GroupMemberScopeChanged = "group_member_scope_changed", Group, false, "group.guid, member uids with scope, by.uid (when sent), group.updatedAt (body hash when absent)";
        /// Members were removed from a group.
        GroupMemberRemoved = "group_member_removed", Group, false, "group.guid, member uids, by.uid (when sent), group.updatedAt (body hash when absent)";
        /// A group's ownership moved.
        GroupOwnerTransferred = "group_owner_transferred", Group, false, "group.guid, group.owner, group.updatedAt";
        /// A call started ringing.
        CallInitiated = "call_initiated", Call, false, "call.id, call.sentAt";
        /// The callee was busy.
        CallBusy = "call_busy", Call, false, "call.id, call.sentAt";
        /// The caller cancelled.
        CallCancelled = "call_cancelled", Call, false, "call.id, call.sentAt";
        /// The callee declined.
        CallRejected = "call_rejected", Call, false, "call.id, call.sentAt";
        /// Nobody answered.
        CallUnanswered = "call_unanswered", Call, false, "call.id, call.sentAt";
        /// A call's media session began.
        CallStarted = "call_started", Call, false, "sessionId, created_at";
        /// Someone joined a call.
        CallParticipantJoined = "call_participant_joined", Call, false, "sessionId, occupant.uid (or name), occupant.joined_at";
        /// Someone left a call.
        CallParticipantLeft = "call_participant_left", Call, false, "sessionId, occupant.uid (or name), occupant.left_at";
        /// A call's media session ended.
        CallEnded = "call_ended", Call, false, "sessionId, destroyed_at";
        /// A meeting began.
        MeetingStarted = "meeting_started", Meeting, false, "sessionId, created_at";
        /// Someone joined a meeting.
        MeetingParticipantJoined = "meeting_participant_joined", Meeting, false, "sessionId, occupant.uid (or name), occupant.joined_at";
        /// Someone left a meeting.
        MeetingParticipantLeft = "meeting_participant_left", Meeting, false, "sessionId, occupant.uid (or name), occupant.left_at";
        /// A meeting ended.
        MeetingEnded = "meeting_ended", Meeting, false, "sessionId, destroyed_at";
        /// A recording is ready.
        RecordingGenerated = "recording_generated", Recording, false, "sessionId, startTime";
        /// A transcript is ready.
        TranscriptionGenerated = "transcription_generated", Recording, false, "sessionId, tid";
        /// The moderation engine approved a message.
        ModerationEngineApproved = "moderation_engine_approved", Moderation, false, "message.id, message.updatedAt";
        /// The moderation engine blocked a message.
        ModerationEngineBlocked = "moderation_engine_blocked", Moderation, false, "message.id, message.updatedAt";
        /// A moderator approved a blocked message.
        ModerationManualApproved = "moderation_manual_approved", Moderation, false, "message.id, message.updatedAt";
        /// The moderation engine could not decide.
        ModerationEngineFailed = "moderation_engine_failed", Moderation, false, "resource.id, completedAt";
        /// A campaign completed.
        AfterCampaignCompleted = "after_campaign_completed", Campaign, false, "campaignId, completedAt (or updatedAt)";
        /// A campaign failed.
        AfterCampaignFailed = "after_campaign_failed", Campaign, false, "campaignId, completedAt (or updatedAt)";
        /// A notification was created.
        AfterNotificationCreated = "after_notification_created", Campaign, false, "notificationId";
        /// A feed item was sent.
        AfterFeedItemSent = "after_feed_item_sent", Campaign, false, "id, sentAt";
        /// A feed item was delivered.
        AfterFeedItemDelivered = "after_feed_item_delivered", Campaign, false, "id, deliveredAt";
        /// A feed item was read.
        AfterFeedItemRead = "after_feed_item_read", Campaign, false, "id, readAt";
        /// A feed item was interacted with.
        AfterFeedItemInteracted = "after_feed_item_interacted", Campaign, false, "id, interactedAt";
        /// A campaign push was sent.
        AfterPushNotificationSent = "after_push_notification_sent", Campaign, false, "pushNotificationId, sentAt";
        /// A campaign push was delivered.
        AfterPushNotificationDelivered = "after_push_notification_delivered", Campaign, false, "pushNotificationId, deliveredAt";
        /// A campaign push was clicked.
        AfterPushNotificationClicked = "after_push_notification_clicked", Campaign, false, "pushNotificationId, clickedAt";
        /// A push is ready for a custom provider.
        PushNotificationPayloadGenerated = "push-notification-payload-generated", NotificationProvider, false, "to.uid, notificationDetails.tag, notificationDetails.sentAt (body hash when absent)";
        /// An email digest is ready for a custom provider.
        EmailNotificationPayloadGenerated = "email-notification-payload-generated", NotificationProvider, false, "body hash (a digest has no id)";
        /// An SMS is ready for a custom provider.
        SmsNotificationPayloadGenerated = "sms-notification-payload-generated", NotificationProvider, false, "body hash (a digest has no id)";
        /// Legacy: a message is about to be sent (synchronous).
        BeforeMessage = "before_message", Message, true, "muid, sender, sentAt (body hash when absent)";
        /// Legacy: a message was sent (also to bots).
        AfterMessage = "after_message", Message, true, "id, updatedAt (or sentAt)";
        /// Legacy: a user connected or disconnected.
        AfterConnectionStatusChanged = "after_connection_status_changed", User, true, "user.uid, event.type, event.at";
    }
    shape_aliases {
        /// Legacy delivery receipt (`data.messageId`, no `data.body`).
        LegacyMessageDeliveryReceipt = "message_delivery_receipt", Message, "messageId, receiptSender, receiptType";
        /// Legacy read receipt (`data.messageId`, no `data.body`).
        LegacyMessageReadReceipt = "message_read_receipt", Message, "messageId, receiptSender, receiptType";
    }
}

impl Trigger {
    /// The legacy twin that shares this trigger's wire name, if any.
    pub(crate) fn legacy_shape(self) -> Option<Trigger> {
        match self {
            Trigger::MessageDeliveryReceipt => Some(Trigger::LegacyMessageDeliveryReceipt),
            Trigger::MessageReadReceipt => Some(Trigger::LegacyMessageReadReceipt),
            _ => None,
        }
    }
}

impl fmt::Display for Trigger {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// A name that is not a trigger this crate knows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown trigger `{0}`")]
pub struct UnknownTrigger(pub String);

/// Parses a wire name or a [`Trigger::unique_name`].
impl FromStr for Trigger {
    type Err = UnknownTrigger;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Trigger::from_name(name).ok_or_else(|| UnknownTrigger(name.to_owned()))
    }
}

impl Serialize for Trigger {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.unique_name())
    }
}

impl<'de> Deserialize<'de> for Trigger {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

fn decode_as<T: serde::de::DeserializeOwned>(
    trigger: Trigger,
    data: &str,
    wrap: fn(Box<T>) -> Payload,
) -> Payload {
    match serde_json::from_str::<Box<T>>(data) {
        Ok(typed) => wrap(typed),
        Err(_) => Payload::Undecodable(UndecodablePayload::explain::<T>(trigger, data)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip_and_are_unique_but_for_legacy_receipts() {
        let mut seen = std::collections::HashSet::new();
        for &trigger in Trigger::ALL {
            assert_eq!(trigger.unique_name().parse::<Trigger>().unwrap(), trigger);
            let json = serde_json::to_string(&trigger).unwrap();
            assert_eq!(serde_json::from_str::<Trigger>(&json).unwrap(), trigger);
            let parsed: Trigger = trigger.as_str().parse().unwrap();
            if trigger.legacy_shape().is_none() && parsed != trigger {
                assert_eq!(parsed.legacy_shape(), Some(trigger));
            } else {
                assert_eq!(parsed, trigger);
                assert!(seen.insert(trigger.as_str()), "duplicate {trigger}");
            }
        }
        assert_eq!(Trigger::ALL.len(), 66);
        assert!(Trigger::LegacyMessageReadReceipt.is_legacy());
        assert!(!Trigger::MessageReadReceipt.is_legacy());
        assert!("no_such_trigger".parse::<Trigger>().is_err());
    }

    #[test]
    fn every_category_has_a_trigger() {
        for category in Category::ALL {
            assert!(Trigger::ALL.iter().any(|t| t.category() == *category), "{category}");
        }
    }
}
