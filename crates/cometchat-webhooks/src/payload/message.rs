//! Message triggers (reference §2.1): sent, edited, deleted, mentioned,
//! pinned, reactions.

use serde::{Deserialize, Serialize};

use super::event_facts::{Facts, millis, recipient, uid};
use super::shared_shape::shared_shape;
use crate::decode::key_view::{KeyView, Leaf, Node, Text, UidView, node_uid};
use crate::decode::lenient;
use crate::decode::raw_json::RawJson;
use crate::idempotency::KeyParts;
use crate::model::{Entity, Message, Millis, Recipient, Timestamp, User};

/// `data` of triggers that carry one message: `{ "message": {…} }`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MessagePayload {
    /// The message.
    pub message: Box<Message>,
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
        self.message.action_target().map(|_| &*self.message)
    }

    /// The acted-on message's sender, else the action message's.
    fn acted_on_sender(&self) -> Option<&str> {
        let from_wrapper = || self.action_wrapper()?.sender.as_deref();
        self.acted_on().sender.as_deref().or_else(from_wrapper)
    }

    /// The acted-on message's receiver, else the action message's.
    fn acted_on_recipient(&self) -> Option<Recipient<'_>> {
        fn of(message: &Message) -> Option<Recipient<'_>> {
            recipient(message.receiver.as_deref(), message.receiver_type.as_ref())
        }
        of(self.acted_on()).or_else(|| of(self.action_wrapper()?))
    }

    /// The acted-on message's conversation, else the action message's.
    fn acted_on_conversation(&self) -> Option<&str> {
        let from_wrapper = || self.action_wrapper()?.conversation_id.as_deref();
        self.acted_on().conversation_id.as_deref().or_else(from_wrapper)
    }

    /// Who acted: `recorded` on the acted-on message (`editedBy`,
    /// `deletedBy`), else the action's `by` entity, else the action
    /// message's sender.
    fn actor<'a>(&'a self, recorded: Option<&'a str>) -> Option<&'a str> {
        recorded
            .or_else(|| {
                let wrapper = self.action_wrapper()?;
                let by = wrapper.data.entities.as_ref()?.by.as_ref()?.as_user()?.uid.as_str();
                Some(by)
            })
            .or_else(|| self.action_wrapper()?.sender.as_deref())
    }

    /// When the action happened: `recorded` on the acted-on message, else
    /// its `updatedAt`, else the action message's `sentAt` (or `updatedAt`).
    fn acted_at(&self, recorded: Option<Timestamp>) -> Option<Timestamp> {
        let wrapper_time = || {
            let wrapper = self.action_wrapper()?;
            wrapper.sent_at.or(wrapper.updated_at)
        };
        recorded.or(self.acted_on().updated_at).or_else(wrapper_time)
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

    /// Who edited the message: its `editedBy`, else the action's `by`
    /// entity, else the action message's sender.
    pub fn edited_by(&self) -> Option<&str> {
        self.actor(self.edited_message().edited_by.as_deref())
    }

    /// When it was edited: its `editedAt`, else its `updatedAt`, else the
    /// action message's time.
    pub fn edited_at(&self) -> Option<Timestamp> {
        self.acted_at(self.edited_message().edited_at)
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

    /// Who deleted the message: its `deletedBy`, else the action's `by`
    /// entity, else the action message's sender.
    pub fn deleted_by(&self) -> Option<&str> {
        self.actor(self.deleted_message().deleted_by.as_deref())
    }

    /// When it was deleted: its `deletedAt`, else its `updatedAt`, else the
    /// action message's time.
    pub fn deleted_at(&self) -> Option<Timestamp> {
        self.acted_at(self.deleted_message().deleted_at)
    }
}

/// `data` of `message_pinned` / `message_unpinned`. CometChat documents no
/// sample for these triggers, so every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MessagePinChange {
    /// The pinned or unpinned message.
    pub message: Option<Box<Message>>,
    /// Who pinned or unpinned it.
    pub by: Option<Box<User>>,
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
    pub conversation: Option<RawJson>,
    /// Who pinned or unpinned it.
    pub by: Option<Box<User>>,
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
    pub reacted_by: Option<Box<User>>,
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

// What each message event says, and its idempotency key ------------------

macro_rules! message_facts {
    ($($payload:ty),+) => {$(
        impl Facts for $payload {
            const IDEMPOTENCY_RECIPE: &'static str = "message.id";
            type KeyView = MessageKeyView;

            fn message(&self) -> Option<&Message> {
                Some(&*self.message)
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
    const IDEMPOTENCY_RECIPE: &'static str = "edited message id, its editedAt (or updatedAt)";
    type KeyView = EditKeyView;

    fn message(&self) -> Option<&Message> {
        Some(self.edited_message())
    }

    fn sender_uid(&self) -> Option<&str> {
        self.acted_on_sender()
    }

    fn recipient(&self) -> Option<Recipient<'_>> {
        self.acted_on_recipient()
    }

    fn conversation_id(&self) -> Option<&str> {
        self.acted_on_conversation()
    }

    fn occurred_at(&self) -> Option<Timestamp<Millis>> {
        millis(self.edited_at())
    }

    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        parts.part("message.id", self.edited_message().id.as_deref()?);
        parts.part("editedAt", self.edited_at()?);
        Some(())
    }
}

impl Facts for MessageDeleted {
    const IDEMPOTENCY_RECIPE: &'static str = "deleted message id, its deletedAt (or updatedAt)";
    type KeyView = DeleteKeyView;

    fn message(&self) -> Option<&Message> {
        Some(self.deleted_message())
    }

    fn sender_uid(&self) -> Option<&str> {
        self.acted_on_sender()
    }

    fn recipient(&self) -> Option<Recipient<'_>> {
        self.acted_on_recipient()
    }

    fn conversation_id(&self) -> Option<&str> {
        self.acted_on_conversation()
    }

    fn occurred_at(&self) -> Option<Timestamp<Millis>> {
        millis(self.deleted_at())
    }

    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        parts.part("message.id", self.deleted_message().id.as_deref()?);
        parts.part("deletedAt", self.deleted_at()?);
        Some(())
    }
}

macro_rules! pin_facts {
    ($($payload:ty),+) => {$(
        impl Facts for $payload {
            const IDEMPOTENCY_RECIPE: &'static str =
                "message.id, message.updatedAt, by.uid (body hash when absent)";
            type KeyView = PinKeyView;

            fn message(&self) -> Option<&Message> {
                self.0.message.as_deref()
            }

            fn sender_uid(&self) -> Option<&str> {
                uid(self.by.as_deref()).or_else(|| Facts::message(self)?.sender.as_deref())
            }

            fn occurred_at(&self) -> Option<Timestamp<Millis>> {
                let message = Facts::message(self)?;
                millis(message.updated_at.or(message.sent_at))
            }

            fn key(&self, parts: &mut KeyParts) -> Option<()> {
                let message = Facts::message(self)?;
                parts.part("message.id", message.id.as_deref()?);
                parts.part("updatedAt", message.updated_at?);
                parts.part("by", uid(self.by.as_deref())?);
                Some(())
            }
        }
    )+};
}

pin_facts!(MessagePinned, MessageUnpinned);

macro_rules! conversation_pin_facts {
    ($($payload:ty),+) => {$(
        impl Facts for $payload {
            const IDEMPOTENCY_RECIPE: &'static str = "body hash (no documented identity)";
            type KeyView = crate::decode::key_view::BodyHashOnly;

            fn sender_uid(&self) -> Option<&str> {
                uid(self.by.as_deref())
            }

            fn recipient(&self) -> Option<Recipient<'_>> {
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

macro_rules! reaction_facts {
    ($($payload:ty),+) => {$(
        impl Facts for $payload {
            const IDEMPOTENCY_RECIPE: &'static str =
                "reaction.id, reaction.messageId, reaction.uid, reaction.reaction, reaction.reactedAt";
            type KeyView = ReactionKeyView;

            fn sender_uid(&self) -> Option<&str> {
                self.reaction.uid.as_deref().or(uid(self.reaction.reacted_by.as_deref()))
            }

            fn recipient(&self) -> Option<Recipient<'_>> {
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
                parts.part("uid", Facts::sender_uid(self)?);
                parts.part("reaction", reaction.reaction.as_deref()?);
                parts.part("reactedAt", reaction.reacted_at?);
                Some(())
            }
        }
    )+};
}

reaction_facts!(MessageReactionAdded, MessageReactionRemoved);

// The same keys read without typing the payload (see `decode::key_view`) --

/// The key fields of `{ "message": {…} }` payloads.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct MessageKeyView {
    #[serde(default)]
    pub(crate) message: Node<MessageKeyFields>,
}

/// The fields of a message that keys read: its id and times, and for the
/// action wrapper of edits and deletes, the message acted on.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct MessageKeyFields {
    #[serde(default)]
    pub(crate) id: Leaf<Text>,
    #[serde(default)]
    pub(crate) sent_at: Leaf<Timestamp>,
    #[serde(default)]
    pub(crate) updated_at: Leaf<Timestamp>,
    #[serde(default)]
    edited_at: Leaf<Timestamp>,
    #[serde(default)]
    deleted_at: Leaf<Timestamp>,
    #[serde(default)]
    data: Node<ActionDataKeyFields>,
}

#[derive(Debug, Default, Deserialize)]
struct ActionDataKeyFields {
    #[serde(default)]
    entities: Node<ActionEntitiesKeyFields>,
}

#[derive(Debug, Default, Deserialize)]
struct ActionEntitiesKeyFields {
    #[serde(default)]
    on: Node<OnEntityKeyFields>,
}

/// `data.entities.on` as [`Entity`] reads it, so the message acted on is
/// typed exactly when the typed payload's
/// [`Message::action_target`] is.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct OnEntityKeyFields {
    #[serde(default)]
    entity_type: Leaf<String>,
    #[serde(default)]
    entity: Option<RawJson>,
}

impl MessageKeyView {
    /// `message.id`.
    fn message_id(&self) -> Option<&str> {
        self.message.get()?.id.text()
    }

    /// The key of an edit or delete: the id of the message acted on and
    /// when, with `recorded` picking `editedAt` or `deletedAt`.
    fn acted_on_key(
        &self,
        parts: &mut KeyParts,
        time_name: &str,
        recorded: fn(&Message) -> Option<Timestamp>,
        recorded_here: fn(&MessageKeyFields) -> Option<Timestamp>,
    ) -> Option<()> {
        let wrapper = self.message.get()?;
        let on = wrapper.data.get().and_then(|data| data.entities.get()).and_then(|e| e.on.get());
        let entity = on.map(|on| Entity::new(on.entity_type.as_ref().cloned(), on.entity.clone()));
        match entity.as_ref().and_then(Entity::as_message) {
            // The documented action wrapper: the target is typed, as in
            // `MessagePayload::acted_on`.
            Some(target) => {
                parts.part("message.id", target.id.as_deref()?);
                let wrapper_time = wrapper.sent_at.get().or(wrapper.updated_at.get());
                parts.part(time_name, recorded(target).or(target.updated_at).or(wrapper_time)?);
            }
            // The live shape: `message` is the message acted on.
            None => {
                parts.part("message.id", wrapper.id.text()?);
                parts.part(time_name, recorded_here(wrapper).or(wrapper.updated_at.get())?);
            }
        }
        Some(())
    }
}

impl KeyView for MessageKeyView {
    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        parts.part("message.id", self.message_id()?);
        Some(())
    }
}

/// The key fields of `message_edited`.
#[derive(Debug, Default, Deserialize)]
#[serde(transparent)]
pub(crate) struct EditKeyView(MessageKeyView);

impl KeyView for EditKeyView {
    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        self.0.acted_on_key(parts, "editedAt", |m| m.edited_at, |m| m.edited_at.get())
    }
}

/// The key fields of `message_deleted`.
#[derive(Debug, Default, Deserialize)]
#[serde(transparent)]
pub(crate) struct DeleteKeyView(MessageKeyView);

impl KeyView for DeleteKeyView {
    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        self.0.acted_on_key(parts, "deletedAt", |m| m.deleted_at, |m| m.deleted_at.get())
    }
}

/// The key fields of `message_pinned` / `message_unpinned`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PinKeyView {
    #[serde(default)]
    message: Node<MessageKeyFields>,
    #[serde(default)]
    by: Node<UidView>,
}

impl KeyView for PinKeyView {
    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        let message = self.message.get()?;
        parts.part("message.id", message.id.text()?);
        parts.part("updatedAt", message.updated_at.get()?);
        parts.part("by", node_uid(&self.by)?);
        Some(())
    }
}

/// The key fields of the reaction triggers.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ReactionKeyView {
    #[serde(default)]
    reaction: Node<ReactionKeyFields>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReactionKeyFields {
    #[serde(default)]
    id: Leaf<Text>,
    #[serde(default)]
    message_id: Leaf<Text>,
    #[serde(default)]
    reaction: Leaf<Text>,
    #[serde(default)]
    uid: Leaf<Text>,
    #[serde(default)]
    reacted_at: Leaf<Timestamp>,
    #[serde(default)]
    reacted_by: Node<UidView>,
}

impl KeyView for ReactionKeyView {
    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        let reaction = self.reaction.get()?;
        parts.part("reaction.id", reaction.id.text()?);
        parts.part("messageId", reaction.message_id.text()?);
        parts.part("uid", reaction.uid.text().or(node_uid(&reaction.reacted_by))?);
        parts.part("reaction", reaction.reaction.text()?);
        parts.part("reactedAt", reaction.reacted_at.get()?);
        Some(())
    }
}
