//! The objects inside payloads: users, groups, messages, calls, moderation,
//! timestamps, and the [`Recipient`] an event is addressed to.

mod call;
mod entity;
mod group;
mod kinds;
mod message;
mod moderation;
mod recipient;
mod string_enum;
mod timestamp;
mod timestamp_conversions;
mod user;

pub use call::{Call, InitialConfig, Occupant};
pub use entity::{Entities, Entity};
pub use group::Group;
pub use kinds::{
    Action, CallStatus, CallType, ConnectionAction, EntityType, GroupScope, GroupType,
    MessageCategory, MessageType, ModerationStatus, ReceiptAction, ReceiverType, UserStatus,
};
pub use message::{Attachment, Message, MessageData, MessageModeration, ReactionCount};
pub use moderation::{
    ModeratedResource, ModerationCondition, ModerationFailure, ModerationMatch, ModerationRule,
};
pub use recipient::Recipient;
pub use timestamp::{Millis, Seconds, TimeUnit, Timestamp};
pub use timestamp_conversions::TimestampOutOfRange;
pub use user::User;
