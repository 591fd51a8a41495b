//! The user object (reference §3.2), as it appears in entities, receipts,
//! group `members` maps, `by` fields and reactions.

use serde::{Deserialize, Serialize};

use super::kinds::{GroupScope, UserStatus};
use super::timestamp::Timestamp;
use crate::decode::lenient;
use crate::decode::raw_json::{self, RawJson};

/// A CometChat user. Only `uid` is required; everything else is optional
/// because CometChat trims user objects differently per trigger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// The user id.
    #[serde(deserialize_with = "lenient::string")]
    pub uid: String,
    /// Display name.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
    /// Avatar URL (may be empty).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub avatar: Option<String>,
    /// Profile link.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub link: Option<String>,
    /// Role (`default` unless set).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub role: Option<String>,
    /// Presence.
    pub status: Option<UserStatus>,
    /// Custom status text.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub status_message: Option<String>,
    /// Last activity, seconds.
    pub last_active_at: Option<Timestamp>,
    /// Creation time, seconds.
    pub created_at: Option<Timestamp>,
    /// Deactivation time, seconds (`0` when active).
    pub deactivated_at: Option<Timestamp>,
    /// Free-form metadata, including the `@private` convention.
    #[serde(default, deserialize_with = "raw_json::opt_open_ended")]
    pub metadata: Option<RawJson>,
    /// Tags.
    pub tags: Option<Vec<String>>,
    /// Whether this user has blocked the viewer.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub has_blocked_me: Option<bool>,
    /// Whether the viewer has blocked this user.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub blocked_by_me: Option<bool>,
    /// The one-to-one conversation with this user, when it is "the other side".
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub conversation_id: Option<String>,
    /// Scope in a group (group `members` maps).
    pub scope: Option<GroupScope>,
    /// Previous scope (`group_member_scope_changed`).
    pub old_scope: Option<GroupScope>,
    /// When the user joined the group, seconds (group `members` maps).
    pub joined_at: Option<Timestamp>,
}

impl User {
    /// A user with only a uid, for building events and tests.
    pub fn with_uid(uid: impl Into<String>) -> Self {
        Self {
            uid: uid.into(),
            name: None,
            avatar: None,
            link: None,
            role: None,
            status: None,
            status_message: None,
            last_active_at: None,
            created_at: None,
            deactivated_at: None,
            metadata: None,
            tags: None,
            has_blocked_me: None,
            blocked_by_me: None,
            conversation_id: None,
            scope: None,
            old_scope: None,
            joined_at: None,
        }
    }
}
