//! Group triggers (reference §2.3): twelve triggers, one shape.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::event_facts::{Facts, millis, recipient, uid};
use super::shared_shape::shared_shape;
use crate::decode::lenient;
use crate::idempotency::KeyParts;
use crate::model::{Group, Millis, ReceiverType, Recipient, Timestamp, User};

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

// What each group event says, and its idempotency key ---------------------

/// Which fields identify one kind of group change.
enum GroupKey {
    Created,
    Updated,
    Members,
    Owner,
}

fn group_key(change: &GroupChange, kind: GroupKey, parts: &mut KeyParts) -> Option<()> {
    let group = &change.group;
    parts.part("group.guid", &group.guid);
    match kind {
        GroupKey::Created => {
            parts.part("createdAt", group.created_at?);
        }
        GroupKey::Updated => {
            parts.part("updatedAt", group.updated_at?);
        }
        GroupKey::Members => {
            parts.part("members", MemberList(&change.members));
            if let Some(by) = uid(change.by.as_ref()) {
                parts.part("by", by);
            }
            parts.part("updatedAt", group.updated_at?);
        }
        GroupKey::Owner => {
            parts.part("owner", group.owner.as_deref()?);
            parts.part("updatedAt", group.updated_at?);
        }
    }
    Some(())
}

/// Member uids in order, each with its scope when it has one.
struct MemberList<'a>(&'a BTreeMap<String, User>);

impl std::fmt::Display for MemberList<'_> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (index, (member, user)) in self.0.iter().enumerate() {
            let separator = if index == 0 { "" } else { "," };
            write!(formatter, "{separator}{}", member.replace(',', "%2C"))?;
            if let Some(scope) = &user.scope {
                write!(formatter, ":{scope}")?;
            }
        }
        Ok(())
    }
}

/// Every group change has one shape and one of four [`GroupKey`]s; the recipe
/// texts of member changes differ only in what CometChat sends (joins and
/// leaves carry no `by`).
macro_rules! group_facts {
    ($($payload:ty => $key:ident, $recipe:literal;)+) => {$(
        impl Facts for $payload {
            const IDEMPOTENCY_RECIPE: &'static str = $recipe;

            fn sender_uid(&self) -> Option<&str> {
                let mut members = self.members.keys();
                let only_member = match (members.next(), members.next()) {
                    (Some(only), None) => Some(only.as_str()),
                    _ => None,
                };
                uid(self.by.as_ref()).or(only_member)
            }

            fn recipient(&self) -> Option<Recipient<'_>> {
                recipient(Some(&self.group.guid), Some(&ReceiverType::Group))
            }

            fn conversation_id(&self) -> Option<&str> {
                self.group.conversation_id.as_deref()
            }

            fn occurred_at(&self) -> Option<Timestamp<Millis>> {
                millis(self.group.updated_at.or(self.group.created_at))
            }

            fn key(&self, parts: &mut KeyParts) -> Option<()> {
                group_key(self, GroupKey::$key, parts)
            }
        }
    )+};
}

group_facts! {
    GroupCreated => Created, "group.guid, group.createdAt";
    GroupUpdated => Updated, "group.guid, group.updatedAt";
    GroupDeleted => Updated, "group.guid, group.updatedAt";
    GroupMemberJoined => Members,
        "group.guid, member uids, group.updatedAt (body hash when absent)";
    GroupMemberLeft => Members,
        "group.guid, member uids, group.updatedAt (body hash when absent)";
    GroupMemberAdded => Members,
        "group.guid, member uids, by.uid (when sent), group.updatedAt (body hash when absent)";
    GroupMemberKicked => Members,
        "group.guid, member uids, by.uid (when sent), group.updatedAt (body hash when absent)";
    GroupMemberBanned => Members,
        "group.guid, member uids, by.uid (when sent), group.updatedAt (body hash when absent)";
    GroupMemberUnbanned => Members,
        "group.guid, member uids, by.uid (when sent), group.updatedAt (body hash when absent)";
    GroupMemberScopeChanged => Members,
        "group.guid, member uids with scope, by.uid (when sent), group.updatedAt (body hash when absent)";
    GroupMemberRemoved => Members,
        "group.guid, member uids, by.uid (when sent), group.updatedAt (body hash when absent)";
    GroupOwnerTransferred => Owner, "group.guid, group.owner, group.updatedAt";
}
