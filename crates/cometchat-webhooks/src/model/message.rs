//! The message object (reference §3.1): user messages, action messages
//! (edits, deletes, group actions) and call messages share this shape.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::entity::Entities;
use super::kinds::{Action, MessageCategory, MessageType, ModerationStatus, ReceiverType};
use super::moderation::ModerationRule;
use super::timestamp::Timestamp;
use super::user::User;
use crate::decode::lenient;
use crate::decode::raw_json::{self, RawJson};

/// A CometChat message. Every field is optional: a `before_message` body has
/// no `id` yet, and call and action messages omit media fields.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    /// Message id (sent as a string, sometimes as a number).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub id: Option<String>,
    /// Client-generated id.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub muid: Option<String>,
    /// `<uidA>_user_<uidB>` or `group_<guid>`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub conversation_id: Option<String>,
    /// Sender's uid.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub sender: Option<String>,
    /// Whether `receiver` is a user or a group.
    pub receiver_type: Option<ReceiverType>,
    /// Receiver's uid or guid.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub receiver: Option<String>,
    /// Message, action, call or custom.
    pub category: Option<MessageCategory>,
    /// Text, image, … (or the action or call kind).
    #[serde(rename = "type")]
    pub message_type: Option<MessageType>,
    /// Content.
    #[serde(default, deserialize_with = "lenient::object_or_default")]
    pub data: MessageData,
    /// Sent, seconds.
    pub sent_at: Option<Timestamp>,
    /// Last updated, seconds.
    pub updated_at: Option<Timestamp>,
    /// Delivered, seconds.
    pub delivered_at: Option<Timestamp>,
    /// Read, seconds.
    pub read_at: Option<Timestamp>,
    /// Edited, seconds.
    pub edited_at: Option<Timestamp>,
    /// Who edited it.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub edited_by: Option<String>,
    /// Deleted, seconds.
    pub deleted_at: Option<Timestamp>,
    /// Who deleted it.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub deleted_by: Option<String>,
    /// Thread parent's id (`parentMessageId` accepted).
    #[serde(alias = "parentMessageId", default, deserialize_with = "lenient::opt_string")]
    pub parent_id: Option<String>,
    /// Number of replies in its thread.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub reply_count: Option<u64>,
    /// Replies in its thread the viewer has not read.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub unread_replies_count: Option<u64>,
    /// Tags.
    pub tags: Option<Vec<String>>,
    /// Users mentioned in the text.
    pub mentioned_users: Option<Vec<User>>,
    /// Whether the viewer is among the mentioned users.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub has_mentioned_me: Option<bool>,
    /// Id of the message this one quotes.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub quoted_message_id: Option<String>,
    /// The message this one quotes.
    pub quoted_message: Option<Box<Message>>,
}

impl Message {
    /// The message text, if it has one.
    pub fn text(&self) -> Option<&str> {
        self.data.text.as_deref()
    }

    /// For an action message (`category: "action"`), the message it acts on
    /// (`data.entities.on.entity`).
    pub fn action_target(&self) -> Option<&Message> {
        self.data.entities.as_ref()?.on.as_ref()?.as_message()
    }

    /// Every media URL in the message: `data.url` and each attachment's `url`.
    pub fn media_urls(&self) -> impl Iterator<Item = &str> {
        let attachments = self.data.attachments.iter().flatten();
        self.data.url.as_deref().into_iter().chain(attachments.filter_map(|a| a.url.as_deref()))
    }
}

/// A message's `data`: content plus the entities it refers to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageData {
    /// Text content.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub text: Option<String>,
    /// For action and call messages: what happened.
    pub action: Option<Action>,
    /// Media URL of a single-attachment message.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub url: Option<String>,
    /// Attachments.
    pub attachments: Option<Vec<Attachment>>,
    /// Sender, receiver, and for actions `by` / `for` / `on` (boxed: most of
    /// a message's size, moved only as a pointer while decoding).
    pub entities: Option<Box<Entities>>,
    /// Sending client (`WEB-4_0_10-<uuid>-<ms>`).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub resource: Option<String>,
    /// Free-form metadata, including `@injected` extension results.
    #[serde(default, deserialize_with = "raw_json::opt_open_ended")]
    pub metadata: Option<RawJson>,
    /// Custom message payload.
    #[serde(alias = "custom_data")]
    #[serde(default, deserialize_with = "raw_json::opt_open_ended")]
    pub custom_data: Option<RawJson>,
    /// Mentioned users, keyed by uid (boxed, as users in payloads are).
    pub mentions: Option<BTreeMap<String, Box<User>>>,
    /// Moderation verdict.
    pub moderation: Option<MessageModeration>,
    /// Reaction counts (`[{reaction, count, reactedByMe}]`).
    pub reactions: Option<Vec<ReactionCount>>,
}

/// How many times one reaction was given to a message.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReactionCount {
    /// The reaction (an emoji).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub reaction: Option<String>,
    /// How many users gave it.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub count: Option<u64>,
    /// Whether the viewer gave it.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub reacted_by_me: Option<bool>,
}

/// A file attached to a message.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attachment {
    /// Download URL (may need pre-signing, see the `media` feature).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub url: Option<String>,
    /// File name.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
    /// MIME type.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub mime_type: Option<String>,
    /// Extension.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub extension: Option<String>,
    /// Size in bytes (a string in some payloads).
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub size: Option<u64>,
}

/// `data.moderation` of a moderated message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageModeration {
    /// Approved or disapproved.
    pub status: Option<ModerationStatus>,
    /// The rule that decided, when one did.
    pub rule: Option<ModerationRule>,
}
