//! Key views: the few fields of `data` an idempotency key is built from, read
//! without typing the rest (everything else is skipped as `IgnoredAny`).
//!
//! Each payload family declares its view next to its recipe
//! (`Facts::KeyView`). A view must give the key the typed payload gives for
//! every body that types, so it reads its fields the way typing does once a
//! misfit is set aside:
//!
//! - [`Leaf`]: a scalar field read with the typed field's own decoder; a
//!   value that does not fit reads as absent, as a set-aside value does;
//! - [`Node`]: an object the view looks into; anything but an object reads
//!   as absent, as a set-aside object does.
//!
//! A body whose `data` does not type at all ([`Payload::Undecodable`]) has
//! no typed key; its key is the view's (see `Event::idempotency_key`), so
//! both readings agree on every body.
//!
//! [`Payload::Undecodable`]: crate::Payload::Undecodable

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::value::U64Deserializer;
use serde::de::value::{
    BoolDeserializer, Error, F64Deserializer, I64Deserializer, StrDeserializer,
};
use serde::de::{self, DeserializeOwned, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::decode::lenient;
use crate::idempotency::KeyParts;

/// The fields of one payload family's `data` that its idempotency key is
/// built from.
pub(crate) trait KeyView: DeserializeOwned {
    /// Adds the trigger's key components, as the typed payload's
    /// `Facts::key` does; `None` falls back to the body hash.
    fn key(&self, parts: &mut KeyParts) -> Option<()>;
}

/// Something done with a trigger's key view type, picked by
/// `Trigger::with_key_view`.
pub(crate) trait KeyViewStep {
    /// What the step gives.
    type Output;

    /// Runs with key view type `V`.
    fn run<V: KeyView>(self) -> Self::Output;
}

/// A view for recipes that are the body hash: reads nothing.
#[derive(Debug, Default)]
pub(crate) struct BodyHashOnly;

impl<'de> Deserialize<'de> for BodyHashOnly {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        IgnoredAny::deserialize(deserializer).map(|_| BodyHashOnly)
    }
}

impl KeyView for BodyHashOnly {
    fn key(&self, _: &mut KeyParts) -> Option<()> {
        None
    }
}

/// A scalar field: `Some` when it fits `T`, absent otherwise.
#[derive(Debug)]
pub(crate) struct Leaf<T> {
    value: Option<T>,
    /// Whether a value other than `null` was sent, fitting or not.
    sent: bool,
}

impl<T> Default for Leaf<T> {
    fn default() -> Self {
        Self { value: None, sent: false }
    }
}

impl<T: Copy> Leaf<T> {
    /// The value, when present and fitting.
    pub(crate) fn get(&self) -> Option<T> {
        self.value
    }
}

impl Leaf<Text> {
    /// The text, when present and fitting.
    pub(crate) fn text(&self) -> Option<&str> {
        self.value.as_ref().map(|text| text.0.as_str())
    }
}

impl<T> Leaf<T> {
    /// The value by reference, when present and fitting.
    pub(crate) fn as_ref(&self) -> Option<&T> {
        self.value.as_ref()
    }

    /// Whether a value other than `null` was sent, fitting or not.
    pub(crate) fn was_sent(&self) -> bool {
        self.sent
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Leaf<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LeafVisitor(PhantomData))
    }
}

struct LeafVisitor<T>(PhantomData<T>);

impl<T: DeserializeOwned> LeafVisitor<T> {
    fn fit<E>(result: Result<T, Error>) -> Result<Leaf<T>, E> {
        Ok(Leaf { value: result.ok(), sent: true })
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for LeafVisitor<T> {
    type Value = Leaf<T>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Leaf<T>, E> {
        Self::fit(T::deserialize(BoolDeserializer::<Error>::new(value)))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Leaf<T>, E> {
        Self::fit(T::deserialize(I64Deserializer::<Error>::new(value)))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Leaf<T>, E> {
        Self::fit(T::deserialize(U64Deserializer::<Error>::new(value)))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Leaf<T>, E> {
        Self::fit(T::deserialize(F64Deserializer::<Error>::new(value)))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Leaf<T>, E> {
        Self::fit(T::deserialize(StrDeserializer::<Error>::new(value)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Leaf<T>, E> {
        Ok(Leaf::default())
    }

    fn visit_none<E: de::Error>(self) -> Result<Leaf<T>, E> {
        Ok(Leaf::default())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Leaf<T>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Leaf { value: None, sent: true })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Leaf<T>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Leaf { value: None, sent: true })
    }
}

/// An object the view looks into: `Some` for an object, absent for anything
/// else (`null`, a scalar, an array).
#[derive(Debug)]
pub(crate) struct Node<T> {
    view: Option<T>,
    /// Whether a value other than `null` was sent, object or not.
    sent: bool,
}

impl<T> Default for Node<T> {
    fn default() -> Self {
        Self { view: None, sent: false }
    }
}

impl<T> Node<T> {
    /// The object's view, when it is an object.
    pub(crate) fn get(&self) -> Option<&T> {
        self.view.as_ref()
    }

    /// Whether a value other than `null` was sent, object or not.
    pub(crate) fn was_sent(&self) -> bool {
        self.sent
    }
}

impl<T> Node<T> {
    const SENT_NOT_OBJECT: Self = Self { view: None, sent: true };
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Node<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor(PhantomData))
    }
}

struct NodeVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for NodeVisitor<T> {
    type Value = Node<T>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Node<T>, A::Error> {
        let view = T::deserialize(de::value::MapAccessDeserializer::new(map))?;
        Ok(Node { view: Some(view), sent: true })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node<T>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Node::SENT_NOT_OBJECT)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Node<T>, E> {
        Ok(Node::SENT_NOT_OBJECT)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Node<T>, E> {
        Ok(Node::SENT_NOT_OBJECT)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Node<T>, E> {
        Ok(Node::SENT_NOT_OBJECT)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Node<T>, E> {
        Ok(Node::SENT_NOT_OBJECT)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Node<T>, E> {
        Ok(Node::SENT_NOT_OBJECT)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Node<T>, E> {
        Ok(Node::default())
    }

    fn visit_none<E: de::Error>(self) -> Result<Node<T>, E> {
        Ok(Node::default())
    }
}

/// An id or text field read like the typed ones (`lenient::string`: a
/// string, or a number written as text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Text(pub(crate) String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        lenient::string(deserializer).map(Text)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

/// A user object as a key reads it: only its `uid` (a user without one
/// does not type, so the view treats it as absent).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct UidView {
    #[serde(default)]
    uid: Leaf<Text>,
}

impl UidView {
    /// The uid, when sent and fitting.
    pub(crate) fn uid(&self) -> Option<&str> {
        self.uid.text()
    }
}

/// The uid of an optional user node.
pub(crate) fn node_uid(user: &Node<UidView>) -> Option<&str> {
    user.get()?.uid()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Timestamp;

    #[derive(Deserialize)]
    struct Probe {
        #[serde(default)]
        at: Leaf<Timestamp>,
        #[serde(default)]
        id: Leaf<Text>,
        #[serde(default)]
        inner: Node<UidView>,
    }

    fn probe(json: &str) -> Probe {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn a_leaf_that_does_not_fit_reads_as_absent_and_the_rest_still_reads() {
        let read = probe(r#"{"at": {"x": [1]}, "id": 57, "inner": {"uid": "u"}}"#);
        assert!(read.at.get().is_none());
        assert_eq!(read.id.text(), Some("57"));
        assert_eq!(node_uid(&read.inner), Some("u"));
        let read = probe(r#"{"at": "1700000000", "id": [1], "inner": 5}"#);
        assert_eq!(read.at.get().map(Timestamp::value), Some(1_700_000_000));
        assert!(read.id.text().is_none());
        assert!(read.inner.get().is_none());
    }
}
