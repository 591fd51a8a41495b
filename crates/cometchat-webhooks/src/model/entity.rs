//! `data.entities` of a message: `{ "entity": {…}, "entityType": "user" }`
//! pairs. The object is kept as received while the event is decoded, and
//! typed by its `entityType` the first time it is asked for (then cached).
//!
//! Why: CometChat sends the object before its kind, so typing it while
//! decoding would mean guessing or buffering, and entities are most of a
//! message's bytes while most handlers read only the message's own fields.
//! Keeping them raw costs one scan; typing them on demand costs nothing until
//! then. An unknown kind, or an object that does not fit its kind, stays
//! available as JSON instead of failing the event.

use std::borrow::Cow;
use std::fmt;
use std::sync::OnceLock;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use super::call::Call;
use super::group::Group;
use super::kinds::EntityType;
use super::message::Message;
use super::user::User;
use crate::decode::raw_json::RawJson;

/// The entities a message refers to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Entities {
    /// Who sent the message (user messages).
    pub sender: Option<Entity>,
    /// Who or what received it (user messages).
    pub receiver: Option<Entity>,
    /// Who performed the action (action and call messages).
    pub by: Option<Entity>,
    /// Whom the action is for (wire name `for`).
    #[serde(rename = "for")]
    pub for_: Option<Entity>,
    /// What the action is on: the edited or deleted message, the call.
    pub on: Option<Entity>,
}

/// One entity: a user, group, message or call object and its `entityType`.
///
/// The object is typed on first access through [`as_user`](Self::as_user),
/// [`as_group`](Self::as_group), [`as_message`](Self::as_message) or
/// [`as_call`](Self::as_call); [`raw`](Self::raw) gives it as received.
#[derive(Clone)]
pub struct Entity {
    /// `entityType` as sent; the known kinds are not allocated.
    entity_type: Option<Cow<'static, str>>,
    entity: Option<RawJson>,
    typed: OnceLock<Typed>,
}

/// The object, once typed.
#[derive(Debug, Clone)]
enum Typed {
    User(Box<User>),
    Group(Box<Group>),
    Message(Box<Message>),
    Call(Box<Call>),
    /// An unknown kind, no object, or an object that does not fit its kind.
    Untyped,
}

impl Entity {
    /// An entity from its kind and object as they would be sent.
    pub fn new(entity_type: Option<String>, entity: Option<RawJson>) -> Self {
        Self { entity_type: entity_type.map(Cow::Owned), entity, typed: OnceLock::new() }
    }

    /// The user, when this entity is one.
    pub fn as_user(&self) -> Option<&User> {
        match self.typed() {
            Typed::User(user) => Some(user),
            _ => None,
        }
    }

    /// The group, when this entity is one.
    pub fn as_group(&self) -> Option<&Group> {
        match self.typed() {
            Typed::Group(group) => Some(group),
            _ => None,
        }
    }

    /// The message, when this entity is one.
    pub fn as_message(&self) -> Option<&Message> {
        match self.typed() {
            Typed::Message(message) => Some(message),
            _ => None,
        }
    }

    /// The call, when this entity is one.
    pub fn as_call(&self) -> Option<&Call> {
        match self.typed() {
            Typed::Call(call) => Some(call),
            _ => None,
        }
    }

    /// The kind: `entityType` as sent, or when absent, the kind the object's
    /// identifying key implies (`uid`, `guid`, `sessionid`, `id`).
    pub fn entity_type(&self) -> Option<EntityType> {
        match &self.entity_type {
            Some(sent) => Some(EntityType::from(&**sent)),
            None => self.entity.as_ref().and_then(implied_kind),
        }
    }

    /// The object as received.
    pub fn raw(&self) -> Option<&RawJson> {
        self.entity.as_ref()
    }

    fn typed(&self) -> &Typed {
        self.typed.get_or_init(|| {
            let (Some(kind), Some(raw)) = (self.entity_type(), self.entity.as_ref()) else {
                return Typed::Untyped;
            };
            let typed = match kind {
                EntityType::User => raw.decode().map(Typed::User),
                EntityType::Group => raw.decode().map(Typed::Group),
                EntityType::Message => raw.decode().map(Typed::Message),
                EntityType::Call => raw.decode().map(Typed::Call),
                EntityType::Other(_) => return Typed::Untyped,
            };
            typed.unwrap_or(Typed::Untyped)
        })
    }
}

/// The kind an object's identifying key implies, for entities sent without
/// `entityType`.
fn implied_kind(raw: &RawJson) -> Option<EntityType> {
    #[derive(Deserialize)]
    struct IdentifyingKeys {
        uid: Option<IgnoredAny>,
        guid: Option<IgnoredAny>,
        #[serde(alias = "sessionId")]
        sessionid: Option<IgnoredAny>,
        id: Option<IgnoredAny>,
    }

    let keys: IdentifyingKeys = raw.decode().ok()?;
    [
        (keys.uid.is_some(), EntityType::User),
        (keys.guid.is_some(), EntityType::Group),
        (keys.sessionid.is_some(), EntityType::Call),
        (keys.id.is_some(), EntityType::Message),
    ]
    .into_iter()
    .find_map(|(present, kind)| present.then_some(kind))
}

impl PartialEq for Entity {
    fn eq(&self, other: &Self) -> bool {
        self.entity_type == other.entity_type && self.entity == other.entity
    }
}

impl fmt::Debug for Entity {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Entity")
            .field("entity_type", &self.entity_type)
            .field("entity", &self.entity)
            .finish()
    }
}

impl Serialize for Entity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("entity", &self.entity)?;
        map.serialize_entry("entityType", &self.entity_type)?;
        map.end()
    }
}

impl<'de> Deserialize<'de> for Entity {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(EntityVisitor)
    }
}

struct EntityVisitor;

impl<'de> Visitor<'de> for EntityVisitor {
    type Value = Entity;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("an object with `entity` and `entityType`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entity, A::Error> {
        let mut entity_type: Option<KindText> = None;
        let mut entity: Option<RawJson> = None;
        while let Some(key) = map.next_key::<EntityKey>()? {
            match key {
                EntityKey::Entity => entity = map.next_value()?,
                EntityKey::EntityType => entity_type = map.next_value()?,
                EntityKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Entity { entity_type: entity_type.map(|kind| kind.0), entity, typed: OnceLock::new() })
    }
}

/// `entityType`: the four known kinds borrow a static name, others are copied.
struct KindText(Cow<'static, str>);

impl<'de> Deserialize<'de> for KindText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KindVisitor;

        impl Visitor<'_> for KindVisitor {
            type Value = KindText;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a string")
            }

            fn visit_str<E: de::Error>(self, kind: &str) -> Result<KindText, E> {
                Ok(KindText(match kind {
                    "user" => Cow::Borrowed("user"),
                    "group" => Cow::Borrowed("group"),
                    "message" => Cow::Borrowed("message"),
                    "call" => Cow::Borrowed("call"),
                    other => Cow::Owned(other.to_owned()),
                }))
            }
        }

        deserializer.deserialize_str(KindVisitor)
    }
}

enum EntityKey {
    Entity,
    EntityType,
    Other,
}

impl<'de> Deserialize<'de> for EntityKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl Visitor<'_> for KeyVisitor {
            type Value = EntityKey;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a field name")
            }

            fn visit_str<E: de::Error>(self, key: &str) -> Result<EntityKey, E> {
                Ok(match key {
                    "entity" => EntityKey::Entity,
                    "entityType" => EntityKey::EntityType,
                    _ => EntityKey::Other,
                })
            }
        }

        deserializer.deserialize_identifier(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entity(json: &str) -> Entity {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn kind_may_come_before_or_after_the_object() {
        for json in [
            r#"{"entity": {"uid": "u1"}, "entityType": "user"}"#,
            r#"{"entityType": "user", "entity": {"uid": "u1"}}"#,
        ] {
            assert_eq!(entity(json).as_user().map(|u| u.uid.as_str()), Some("u1"), "{json}");
        }
    }

    #[test]
    fn every_kind_is_typed_on_first_access_whatever_its_key_order() {
        let message =
            entity(r#"{"entity": {"data": {"text": "hi"}, "id": "7"}, "entityType": "message"}"#);
        assert_eq!(message.as_message().and_then(Message::text), Some("hi"));
        assert!(message.as_user().is_none());

        let call =
            entity(r#"{"entity": {"status": "ongoing", "sessionid": "s1"}, "entityType": "call"}"#);
        assert_eq!(call.as_call().and_then(|c| c.session_id.as_deref()), Some("s1"));

        let group = entity(r#"{"entity": {"name": "G", "guid": "g1"}, "entityType": "group"}"#);
        assert_eq!(group.as_group().map(|g| g.guid.as_str()), Some("g1"));
    }

    #[test]
    fn unknown_kind_or_misfit_object_is_kept_raw() {
        let unknown = entity(r#"{"entity": {"x": 1}, "entityType": "poll"}"#);
        assert_eq!(unknown.entity_type(), Some(EntityType::Other("poll".into())));
        assert_eq!(unknown.raw().map(RawJson::get), Some(r#"{"x": 1}"#));
        assert!(unknown.as_user().is_none() && unknown.as_message().is_none());

        let misfit = entity(r#"{"entity": {"name": "no uid"}, "entityType": "user"}"#);
        assert_eq!(misfit.entity_type(), Some(EntityType::User));
        assert!(misfit.as_user().is_none());
        assert!(misfit.raw().is_some());
    }

    #[test]
    fn without_entity_type_the_identifying_key_implies_the_kind() {
        let user = entity(r#"{"entity": {"name": "A", "uid": "u1"}}"#);
        assert_eq!(user.entity_type(), Some(EntityType::User));
        assert_eq!(user.as_user().map(|u| u.uid.as_str()), Some("u1"));
        assert_eq!(
            entity(r#"{"entity": {"sessionId": "s"}}"#).entity_type(),
            Some(EntityType::Call)
        );
        assert_eq!(entity(r#"{"entity": {"x": 1}}"#).entity_type(), None);
        assert_eq!(entity(r#"{"entityType": "user"}"#).as_user(), None);
    }

    #[test]
    fn serialises_back_to_the_wire_shape() {
        let original = entity(r#"{"entity": {"guid": "g1"}, "entityType": "group"}"#);
        let again = entity(&serde_json::to_string(&original).unwrap());
        assert_eq!(original, again);
        assert_eq!(again.as_group().map(|g| g.guid.as_str()), Some("g1"));
    }
}
