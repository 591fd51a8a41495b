//! `data.entities` of a message: `{ "entity": {…}, "entityType": "user" }`
//! pairs. CometChat sends the object before its kind, so the kind is first
//! judged from the object's first key (`uid`, `guid`, `sessionid`, `id`),
//! which lets the object be typed in the same pass; `entityType` then
//! confirms it. An object whose first key says nothing is buffered until its
//! kind is known. An unknown kind, or an object that contradicts its kind, is
//! kept as JSON instead of failing the event.

use std::fmt;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::Value;

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

/// One entity, typed by its `entityType`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Entity {
    /// `entityType: "user"`.
    User(Box<User>),
    /// `entityType: "group"`.
    Group(Box<Group>),
    /// `entityType: "message"`.
    Message(Box<Message>),
    /// `entityType: "call"`.
    Call(Box<Call>),
    /// A kind this version does not know, a missing kind, or an object that
    /// does not fit its kind: kept as sent.
    Other {
        /// `entityType` as sent.
        entity_type: Option<String>,
        /// `entity` as sent.
        entity: Option<RawJson>,
    },
}

impl Entity {
    /// The user, when this entity is one.
    pub fn as_user(&self) -> Option<&User> {
        match self {
            Self::User(user) => Some(user),
            _ => None,
        }
    }

    /// The group, when this entity is one.
    pub fn as_group(&self) -> Option<&Group> {
        match self {
            Self::Group(group) => Some(group),
            _ => None,
        }
    }

    /// The message, when this entity is one.
    pub fn as_message(&self) -> Option<&Message> {
        match self {
            Self::Message(message) => Some(message),
            _ => None,
        }
    }

    /// The call, when this entity is one.
    pub fn as_call(&self) -> Option<&Call> {
        match self {
            Self::Call(call) => Some(call),
            _ => None,
        }
    }

    /// The entity kind as sent.
    pub fn entity_type(&self) -> Option<EntityType> {
        match self {
            Self::User(_) => Some(EntityType::User),
            Self::Group(_) => Some(EntityType::Group),
            Self::Message(_) => Some(EntityType::Message),
            Self::Call(_) => Some(EntityType::Call),
            Self::Other { entity_type, .. } => entity_type.as_deref().map(EntityType::from),
        }
    }

    /// Reconciles the object read with the `entityType` sent.
    fn reconcile(entity_type: Option<String>, entity: Option<ReadEntity>) -> Self {
        let kind = entity_type.as_deref().map(EntityType::from);
        let entity = match (kind, entity) {
            (_, None) => return Self::Other { entity_type, entity: None },
            (None | Some(EntityType::User), Some(ReadEntity::User(user))) => {
                return Self::User(user);
            }
            (None | Some(EntityType::Group), Some(ReadEntity::Group(group))) => {
                return Self::Group(group);
            }
            (None | Some(EntityType::Message), Some(ReadEntity::Message(message))) => {
                return Self::Message(message);
            }
            (None | Some(EntityType::Call), Some(ReadEntity::Call(call))) => {
                return Self::Call(call);
            }
            (Some(kind), Some(ReadEntity::Buffered(value))) => match typed(&kind, &value) {
                Some(entity) => return entity,
                None => value,
            },
            // The first key and `entityType` disagree: keep what was read.
            (_, Some(read)) => read.into_value(),
        };
        let entity = serde_json::value::to_raw_value(&entity).ok().map(RawJson::from);
        Self::Other { entity_type, entity }
    }
}

/// Types a buffered object by its kind.
fn typed(kind: &EntityType, value: &Value) -> Option<Entity> {
    use serde_json::from_value;
    match kind {
        EntityType::User => from_value(value.clone()).ok().map(Entity::User),
        EntityType::Group => from_value(value.clone()).ok().map(Entity::Group),
        EntityType::Message => from_value(value.clone()).ok().map(Entity::Message),
        EntityType::Call => from_value(value.clone()).ok().map(Entity::Call),
        EntityType::Other(_) => None,
    }
}

/// An entity object as read, before `entityType` is known.
enum ReadEntity {
    User(Box<User>),
    Group(Box<Group>),
    Message(Box<Message>),
    Call(Box<Call>),
    Buffered(Value),
}

impl ReadEntity {
    fn into_value(self) -> Value {
        let value = match self {
            ReadEntity::User(user) => serde_json::to_value(user),
            ReadEntity::Group(group) => serde_json::to_value(group),
            ReadEntity::Message(message) => serde_json::to_value(message),
            ReadEntity::Call(call) => serde_json::to_value(call),
            ReadEntity::Buffered(value) => return value,
        };
        value.unwrap_or(Value::Null)
    }
}

/// Reads an entity object, typed by its kind when the kind is already known
/// and by its first key otherwise.
struct EntitySeed<'a>(Option<&'a EntityType>);

impl<'de> DeserializeSeed<'de> for EntitySeed<'_> {
    type Value = ReadEntity;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<ReadEntity, D::Error> {
        match self.0 {
            Some(kind) => read_as(kind, deserializer),
            None => deserializer.deserialize_map(FirstKeyVisitor),
        }
    }
}

/// Reads an object of a known kind. Kept apart from the first-key guess so
/// that replaying a key never nests inside another replay.
fn read_as<'de, D: Deserializer<'de>>(
    kind: &EntityType,
    deserializer: D,
) -> Result<ReadEntity, D::Error> {
    match kind {
        EntityType::User => Box::<User>::deserialize(deserializer).map(ReadEntity::User),
        EntityType::Group => Box::<Group>::deserialize(deserializer).map(ReadEntity::Group),
        EntityType::Message => Box::<Message>::deserialize(deserializer).map(ReadEntity::Message),
        EntityType::Call => Box::<Call>::deserialize(deserializer).map(ReadEntity::Call),
        EntityType::Other(_) => Value::deserialize(deserializer).map(ReadEntity::Buffered),
    }
}

struct FirstKeyVisitor;

impl<'de> Visitor<'de> for FirstKeyVisitor {
    type Value = ReadEntity;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("an entity object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ReadEntity, A::Error> {
        let Some(first) = map.next_key::<String>()? else {
            return Ok(ReadEntity::Buffered(Value::Object(serde_json::Map::new())));
        };
        let kind = match first.as_str() {
            "uid" => Some(EntityType::User),
            "guid" => Some(EntityType::Group),
            "sessionid" | "sessionId" => Some(EntityType::Call),
            "id" | "muid" => Some(EntityType::Message),
            _ => None,
        };
        let rest = MapAccessDeserializer::new(ReplayFirstKey { first: Some(first), rest: map });
        match kind {
            Some(kind) => read_as(&kind, rest),
            None => Value::deserialize(rest).map(ReadEntity::Buffered),
        }
    }
}

/// A map whose first key was already read: hands that key out again, then
/// the rest of the map.
struct ReplayFirstKey<A> {
    first: Option<String>,
    rest: A,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for ReplayFirstKey<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        match self.first.take() {
            Some(key) => {
                seed.deserialize(IntoDeserializer::<A::Error>::into_deserializer(key)).map(Some)
            }
            None => self.rest.next_key_seed(seed),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.rest.next_value_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        self.rest.size_hint().map(|rest| rest + usize::from(self.first.is_some()))
    }
}

impl Serialize for Entity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        match self {
            Self::User(user) => map.serialize_entry("entity", user)?,
            Self::Group(group) => map.serialize_entry("entity", group)?,
            Self::Message(message) => map.serialize_entry("entity", message)?,
            Self::Call(call) => map.serialize_entry("entity", call)?,
            Self::Other { entity, .. } => map.serialize_entry("entity", entity)?,
        }
        map.serialize_entry("entityType", &self.entity_type().as_ref().map(EntityType::as_str))?;
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
        let mut entity_type: Option<String> = None;
        let mut entity: Option<ReadEntity> = None;
        while let Some(key) = map.next_key::<EntityKey>()? {
            match key {
                EntityKey::Entity => {
                    let kind = entity_type.as_deref().map(EntityType::from);
                    entity = Some(map.next_value_seed(EntitySeed(kind.as_ref()))?);
                }
                EntityKey::EntityType => {
                    entity_type = map.next_value::<Option<String>>()?;
                }
                EntityKey::Other => {
                    map.next_value::<de::IgnoredAny>()?;
                }
            }
        }
        Ok(Entity::reconcile(entity_type, entity))
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

    #[test]
    fn kind_may_come_before_or_after_the_object() {
        for json in [
            r#"{"entity": {"uid": "u1"}, "entityType": "user"}"#,
            r#"{"entityType": "user", "entity": {"uid": "u1"}}"#,
        ] {
            let entity: Entity = serde_json::from_str(json).unwrap();
            assert_eq!(entity.as_user().map(|u| u.uid.as_str()), Some("u1"), "{json}");
        }
    }

    #[test]
    fn unknown_kind_or_misfit_object_is_kept_raw() {
        let unknown: Entity =
            serde_json::from_str(r#"{"entity": {"x": 1}, "entityType": "poll"}"#).unwrap();
        assert!(matches!(&unknown, Entity::Other { entity_type: Some(t), entity: Some(raw) }
            if t == "poll" && raw.get() == r#"{"x":1}"#));

        let misfit: Entity =
            serde_json::from_str(r#"{"entity": {"name": "no uid"}, "entityType": "user"}"#)
                .unwrap();
        assert_eq!(misfit.entity_type(), Some(EntityType::User));
        assert!(misfit.as_user().is_none());
    }

    #[test]
    fn the_first_key_types_the_object_in_one_pass_and_the_kind_confirms_it() {
        let message: Entity = serde_json::from_str(
            r#"{"entity": {"id": "7", "data": {"text": "hi"}}, "entityType": "message"}"#,
        )
        .unwrap();
        assert_eq!(message.as_message().and_then(Message::text), Some("hi"));

        let call: Entity = serde_json::from_str(
            r#"{"entity": {"sessionid": "s1", "status": "ongoing"}, "entityType": "call"}"#,
        )
        .unwrap();
        assert_eq!(call.as_call().and_then(|c| c.session_id.as_deref()), Some("s1"));

        // First key says nothing: buffered, then typed by the kind.
        let group: Entity = serde_json::from_str(
            r#"{"entity": {"name": "G", "guid": "g1"}, "entityType": "group"}"#,
        )
        .unwrap();
        assert_eq!(group.as_group().map(|g| g.guid.as_str()), Some("g1"));

        // First key and kind disagree: kept as JSON, not mistyped.
        let odd: Entity =
            serde_json::from_str(r#"{"entity": {"uid": "u1"}, "entityType": "group"}"#).unwrap();
        assert!(odd.as_user().is_none() && odd.as_group().is_none());
        assert_eq!(odd.entity_type(), Some(EntityType::Group));

        // No kind at all: the first key decides.
        let guessed: Entity = serde_json::from_str(r#"{"entity": {"uid": "u1"}}"#).unwrap();
        assert_eq!(guessed.as_user().map(|u| u.uid.as_str()), Some("u1"));
    }

    #[test]
    fn serialises_back_to_the_wire_shape() {
        let entity: Entity =
            serde_json::from_str(r#"{"entity": {"guid": "g1"}, "entityType": "group"}"#).unwrap();
        let again: Entity = serde_json::from_str(&serde_json::to_string(&entity).unwrap()).unwrap();
        assert_eq!(entity, again);
    }
}
