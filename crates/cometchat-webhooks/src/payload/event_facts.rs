//! The questions every typed payload answers (sender, recipient,
//! conversation, message, time, idempotency key). Each family file answers
//! them for its own types, next to the types; a question that does not apply
//! keeps the default `None`.

use crate::idempotency::KeyParts;
use crate::model::{Message, Millis, Occupant, ReceiverType, Recipient, TimeUnit, Timestamp, User};

/// What a payload type says about its event. Defaults read the payload's
/// [`message`](Facts::message), so message-carrying payloads only name it.
pub(crate) trait Facts {
    /// How [`key`](Facts::key) builds the key, in words: the text of
    /// [`Trigger::idempotency_recipe`](crate::Trigger::idempotency_recipe).
    const IDEMPOTENCY_RECIPE: &'static str;

    /// The fields [`key`](Facts::key) reads, read from `data` without
    /// typing the rest: the acknowledge-first request path builds the same
    /// key from it.
    type KeyView: crate::decode::key_view::KeyView;

    fn message(&self) -> Option<&Message> {
        None
    }

    fn sender_uid(&self) -> Option<&str> {
        self.message()?.sender.as_deref()
    }

    fn recipient(&self) -> Option<Recipient<'_>> {
        let message = self.message()?;
        recipient(message.receiver.as_deref(), message.receiver_type.as_ref())
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

/// [`Facts`] behind a pointer, for a [`Payload`](crate::Payload) of any
/// trigger (a trait with an associated constant cannot be a trait object).
pub(crate) trait AnyFacts {
    fn message(&self) -> Option<&Message>;
    fn sender_uid(&self) -> Option<&str>;
    fn recipient(&self) -> Option<Recipient<'_>>;
    fn conversation_id(&self) -> Option<&str>;
    fn message_id(&self) -> Option<&str>;
    fn occurred_at(&self) -> Option<Timestamp<Millis>>;
    fn key(&self, parts: &mut KeyParts) -> Option<()>;
}

impl<T: Facts> AnyFacts for T {
    fn message(&self) -> Option<&Message> {
        Facts::message(self)
    }

    fn sender_uid(&self) -> Option<&str> {
        Facts::sender_uid(self)
    }

    fn recipient(&self) -> Option<Recipient<'_>> {
        Facts::recipient(self)
    }

    fn conversation_id(&self) -> Option<&str> {
        Facts::conversation_id(self)
    }

    fn message_id(&self) -> Option<&str> {
        Facts::message_id(self)
    }

    fn occurred_at(&self) -> Option<Timestamp<Millis>> {
        Facts::occurred_at(self)
    }

    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        Facts::key(self, parts)
    }
}

pub(crate) fn millis<U: TimeUnit>(timestamp: Option<Timestamp<U>>) -> Option<Timestamp<Millis>> {
    timestamp.map(Timestamp::to_unit)
}

/// `kind` defaults to a user when not sent.
pub(crate) fn recipient<'a>(
    id: Option<&'a str>,
    kind: Option<&ReceiverType>,
) -> Option<Recipient<'a>> {
    Some(Recipient { id: id?, receiver_type: kind.cloned().unwrap_or(ReceiverType::User) })
}

pub(crate) fn user_recipient(id: Option<&str>) -> Option<Recipient<'_>> {
    recipient(id, Some(&ReceiverType::User))
}

pub(crate) fn uid(user: Option<&User>) -> Option<&str> {
    user.map(|user| user.uid.as_str())
}

/// `uid` when sent, else `name`: documented samples carry only names.
pub(crate) fn occupant_identity(occupant: &Occupant) -> Option<&str> {
    occupant.uid.as_deref().or(occupant.name.as_deref())
}
