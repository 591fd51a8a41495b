//! The group object (reference §3.3).

use serde::{Deserialize, Serialize};

use super::kinds::{GroupScope, GroupType};
use super::timestamp::Timestamp;
use crate::decode::lenient;
use crate::decode::raw_json::{self, RawJson};

/// A CometChat group. Only `guid` is required.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    /// The group id.
    #[serde(deserialize_with = "lenient::string")]
    pub guid: String,
    /// Display name.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
    /// Public, private or password-protected.
    #[serde(rename = "type")]
    pub group_type: Option<GroupType>,
    /// Description.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub description: Option<String>,
    /// Icon URL.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub icon: Option<String>,
    /// Free-form metadata.
    #[serde(default, deserialize_with = "raw_json::opt_open_ended")]
    pub metadata: Option<RawJson>,
    /// Tags.
    pub tags: Option<Vec<String>>,
    /// Owner's uid (the new owner in `group_owner_transferred`).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub owner: Option<String>,
    /// Previous owner's uid (`group_owner_transferred`).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub old_owner: Option<String>,
    /// Member count.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub members_count: Option<u64>,
    /// Members online now.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub online_members_count: Option<u64>,
    /// `group_<guid>`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub conversation_id: Option<String>,
    /// Creation time, seconds.
    pub created_at: Option<Timestamp>,
    /// Last update, seconds.
    pub updated_at: Option<Timestamp>,
    /// Who made the last update.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub updated_by: Option<String>,
    /// When the viewer joined, seconds (member's-eye view only).
    pub joined_at: Option<Timestamp>,
    /// The viewer's scope (member's-eye view only).
    pub scope: Option<GroupScope>,
    /// Whether the viewer is a member (member's-eye view only).
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub has_joined: Option<bool>,
}
