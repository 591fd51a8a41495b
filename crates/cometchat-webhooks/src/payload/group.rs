//! Group triggers (reference §2.3): twelve triggers, one shape.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::shared_shape::shared_shape;
use crate::decode::lenient;
use crate::model::{Group, User};

/// `data` of every group trigger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupChange {
    /// The group.
    pub group: Group,
    /// The members concerned, keyed by uid (with `scope` / `oldScope`).
    #[serde(default, deserialize_with = "lenient::default_on_null")]
    pub members: BTreeMap<String, User>,
    /// Who made the change (absent for joins, leaves and creation).
    pub by: Option<User>,
}

shared_shape! {
    /// `group_created`.
    GroupCreated(GroupChange);
    /// `group_updated`.
    GroupUpdated(GroupChange);
    /// `group_deleted`.
    GroupDeleted(GroupChange);
    /// `group_member_joined`.
    GroupMemberJoined(GroupChange);
    /// `group_member_left`.
    GroupMemberLeft(GroupChange);
    /// `group_member_added`.
    GroupMemberAdded(GroupChange);
    /// `group_member_kicked`.
    GroupMemberKicked(GroupChange);
    /// `group_member_banned`.
    GroupMemberBanned(GroupChange);
    /// `group_member_unbanned`.
    GroupMemberUnbanned(GroupChange);
    /// `group_member_scope_changed`: each member carries `scope` and `oldScope`.
    GroupMemberScopeChanged(GroupChange);
    /// `group_member_removed` (listed in CometChat's trigger table, no sample).
    GroupMemberRemoved(GroupChange);
    /// `group_owner_transferred`: `group.owner` is the new owner, `group.oldOwner` the old.
    GroupOwnerTransferred(GroupChange);
}
