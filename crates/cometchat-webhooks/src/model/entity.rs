//! `data.entities` of a message: `{ "entity": {…}, "entityType": "user" }`
//! pairs. The kind comes after the object on the wire, so the object is held
//! as raw JSON until its kind is known; an unknown kind, or an object that
//! does not fit its kind, is kept raw instead of failing the event.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

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
    User(User),
    /// `entityType: "group"`.
    Group(Group),
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

    fn from_parts(entity_type: Option<String>, entity: Option<Box<RawValue>>) -> Self {
        let typed = match (entity_type.as_deref().map(EntityType::from), entity.as_deref()) {
            (Some(EntityType::User), Some(raw)) => decode(raw).map(Self::User),
            (Some(EntityType::Group), Some(raw)) => decode(raw).map(Self::Group),
            (Some(EntityType::Message), Some(raw)) => decode(raw).map(Self::Message),
            (Some(EntityType::Call), Some(raw)) => decode(raw).map(Self::Call),
            _ => None,
        };
        typed.unwrap_or_else(|| Self::Other { entity_type, entity: entity.map(RawJson::from) })
    }
}

fn decode<'a, T: Deserialize<'a>>(raw: &'a RawValue) -> Option<T> {
    serde_json::from_str(raw.get()).ok()
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
        let mut entity: Option<Box<RawValue>> = None;
        while let Some(key) = map.next_key::<EntityKey>()? {
            match key {
                EntityKey::Entity => entity = map.next_value()?,
                EntityKey::EntityType => {
                    entity_type = map.next_value::<Option<String>>()?;
                }
                EntityKey::Other => {
                    map.next_value::<de::IgnoredAny>()?;
                }
            }
        }
        Ok(Entity::from_parts(entity_type, entity))
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
            if t == "poll" && raw.get() == r#"{"x": 1}"#));

        let misfit: Entity =
            serde_json::from_str(r#"{"entity": {"name": "no uid"}, "entityType": "user"}"#)
                .unwrap();
        assert_eq!(misfit.entity_type(), Some(EntityType::User));
        assert!(misfit.as_user().is_none());
    }

    #[test]
    fn serialises_back_to_the_wire_shape() {
        let entity: Entity =
            serde_json::from_str(r#"{"entity": {"guid": "g1"}, "entityType": "group"}"#).unwrap();
        let again: Entity = serde_json::from_str(&serde_json::to_string(&entity).unwrap()).unwrap();
        assert_eq!(entity, again);
    }
}
