//! Message triggers (reference §2.1): sent, edited, deleted, mentioned,
//! pinned, reactions.

use serde::{Deserialize, Serialize};

use super::shared_shape::shared_shape;
use crate::decode::lenient;
use crate::model::{Message, Timestamp, User};

/// `data` of triggers that carry one message: `{ "message": {…} }`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MessagePayload {
    /// The message.
    pub message: Message,
}

shared_shape! {
    /// `message_sent`: a message was sent.
    MessageSent(MessagePayload);
    /// `user_mentioned`: a message mentions users (`message.data.mentions`).
    UserMentioned(MessagePayload);
    /// `message_edited`: a message was edited. Two shapes arrive: the
    /// documented action wrapper and the live one where `message` is the
    /// edited message itself; [`MessageEdited::edited_message`] reads both.
    MessageEdited(MessagePayload);
    /// `message_deleted`: a message was deleted; both shapes as for edits,
    /// read with [`MessageDeleted::deleted_message`].
    MessageDeleted(MessagePayload);
}

impl MessagePayload {
    /// The message an edit or delete is about: `on.entity` of the documented
    /// action wrapper, or `message` itself in the live shape.
    pub(crate) fn acted_on(&self) -> &Message {
        self.message.action_target().unwrap_or(&self.message)
    }

    /// The action message, when the documented wrapper shape arrived.
    pub(crate) fn action_wrapper(&self) -> Option<&Message> {
        self.message.action_target().map(|_| &self.message)
    }
}

impl MessageEdited {
    /// The edited message, whichever shape arrived.
    pub fn edited_message(&self) -> &Message {
        self.acted_on()
    }

    /// The action message wrapping the edit (documented shape only).
    pub fn action(&self) -> Option<&Message> {
        self.action_wrapper()
    }
}

impl MessageDeleted {
    /// The deleted message, whichever shape arrived.
    pub fn deleted_message(&self) -> &Message {
        self.acted_on()
    }

    /// The action message wrapping the delete (documented shape only).
    pub fn action(&self) -> Option<&Message> {
        self.action_wrapper()
    }
}

/// `data` of `message_pinned` / `message_unpinned`. CometChat documents no
/// sample for these triggers, so every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MessagePinChange {
    /// The pinned or unpinned message.
    pub message: Option<Message>,
    /// Who pinned or unpinned it.
    pub by: Option<User>,
}

shared_shape! {
    /// `message_pinned`: a message was pinned.
    MessagePinned(MessagePinChange);
    /// `message_unpinned`: a message was unpinned.
    MessageUnpinned(MessagePinChange);
}

/// `data` of `conversation_pinned` / `conversation_unpinned`. CometChat
/// documents no sample for these triggers, so every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationPinChange {
    /// The conversation.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub conversation_id: Option<String>,
    /// The conversation object, as sent.
    pub conversation: Option<serde_json::Value>,
    /// Who pinned or unpinned it.
    pub by: Option<User>,
}

shared_shape! {
    /// `conversation_pinned`: a conversation was pinned.
    ConversationPinned(ConversationPinChange);
    /// `conversation_unpinned`: a conversation was unpinned.
    ConversationUnpinned(ConversationPinChange);
}

/// A reaction to a message.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reaction {
    /// Reaction id.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub id: Option<String>,
    /// The message reacted to.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub message_id: Option<String>,
    /// The emoji.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub reaction: Option<String>,
    /// Who reacted.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub uid: Option<String>,
    /// When, seconds.
    pub reacted_at: Option<Timestamp>,
    /// The reacting user.
    pub reacted_by: Option<User>,
}

/// `data` of the reaction triggers: `{ "reaction": {…} }`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReactionPayload {
    /// The reaction.
    pub reaction: Reaction,
}

shared_shape! {
    /// `message_reaction_added`.
    MessageReactionAdded(ReactionPayload);
    /// `message_reaction_removed`.
    MessageReactionRemoved(ReactionPayload);
}
