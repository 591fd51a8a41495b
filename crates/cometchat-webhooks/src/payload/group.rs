//! Group triggers (reference §2.3): twelve triggers, one shape.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::event_facts::{Facts, millis, recipient, uid};
use super::shared_shape::shared_shape;
use crate::decode::key_view::{KeyView, Leaf, Node, Text, UidView, node_uid};
use crate::decode::lenient;
use crate::idempotency::{KeyParts, KeyValue};
use crate::model::{Group, GroupScope, Millis, ReceiverType, Recipient, Timestamp, User};

/// `data` of every group trigger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupChange {
    /// The group.
    pub group: Group,
    /// The members concerned, keyed by uid (with `scope` / `oldScope`).
    #[serde(default, deserialize_with = "lenient::default_on_null")]
    pub members: BTreeMap<String, Box<User>>,
    /// Who made the change (absent for joins, leaves and creation).
    pub by: Option<Box<User>>,
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
#[derive(Clone, Copy)]
enum GroupKey {
    Created,
    Updated,
    Members,
    Owner,
}

fn group_key(change: &GroupChange, kind: GroupKey, parts: &mut KeyParts) -> Option<()> {
    let group = &change.group;
    let members = change.members.iter().map(|(uid, user)| (uid.as_str(), user.scope.as_ref()));
    let fields = GroupKeyFields {
        guid: &group.guid,
        created_at: group.created_at,
        updated_at: group.updated_at,
        owner: group.owner.as_deref(),
        members: MemberList(members),
        by: uid(change.by.as_deref()),
    };
    fields.key(kind, parts)
}

/// What a group key is built from, however it was read.
struct GroupKeyFields<'a, Members> {
    guid: &'a str,
    created_at: Option<Timestamp>,
    updated_at: Option<Timestamp>,
    owner: Option<&'a str>,
    members: MemberList<Members>,
    by: Option<&'a str>,
}

impl<'a, Members> GroupKeyFields<'a, Members>
where
    Members: Iterator<Item = (&'a str, Option<&'a GroupScope>)> + Clone,
{
    fn key(self, kind: GroupKey, parts: &mut KeyParts) -> Option<()> {
        parts.part("group.guid", self.guid);
        match kind {
            GroupKey::Created => {
                parts.part("createdAt", self.created_at?);
            }
            GroupKey::Updated => {
                parts.part("updatedAt", self.updated_at?);
            }
            GroupKey::Members => {
                parts.part("members", self.members);
                if let Some(by) = self.by {
                    parts.part("by", by);
                }
                parts.part("updatedAt", self.updated_at?);
            }
            GroupKey::Owner => {
                parts.part("owner", self.owner?);
                parts.part("updatedAt", self.updated_at?);
            }
        }
        Some(())
    }
}

/// Member uids in order, each with its scope when it has one.
struct MemberList<Members>(Members);

impl<'a, Members> KeyValue for MemberList<Members>
where
    Members: Iterator<Item = (&'a str, Option<&'a GroupScope>)> + Clone,
{
    fn write_to(&self, out: &mut String) {
        for (index, (member, scope)) in self.0.clone().enumerate() {
            if index > 0 {
                out.push(',');
            }
            for (chunk_index, chunk) in member.split(',').enumerate() {
                if chunk_index > 0 {
                    out.push_str("%2C");
                }
                out.push_str(chunk);
            }
            if let Some(scope) = scope {
                out.push(':');
                scope.write_to(out);
            }
        }
    }
}

/// Every group change has one shape and one of four [`GroupKey`]s; the recipe
/// texts of member changes differ only in what CometChat sends (joins and
/// leaves carry no `by`).
macro_rules! group_facts {
    ($($payload:ty => $key:ident, $recipe:literal;)+) => {$(
        impl Facts for $payload {
            const IDEMPOTENCY_RECIPE: &'static str = $recipe;
            type KeyView = GroupKeyView<{ GroupKey::$key as u8 }>;

            fn sender_uid(&self) -> Option<&str> {
                let mut members = self.members.keys();
                let only_member = match (members.next(), members.next()) {
                    (Some(only), None) => Some(only.as_str()),
                    _ => None,
                };
                uid(self.by.as_deref()).or(only_member)
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

// The same keys read without typing the payload (see `decode::key_view`) --

/// The key fields of a group change; `KIND` is a [`GroupKey`] as `u8`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct GroupKeyView<const KIND: u8> {
    #[serde(default)]
    group: Node<GroupKeyLeaves>,
    #[serde(default)]
    members: Node<BTreeMap<String, Node<MemberKeyFields>>>,
    #[serde(default)]
    by: Node<UidView>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GroupKeyLeaves {
    #[serde(default)]
    guid: Leaf<Text>,
    #[serde(default)]
    created_at: Leaf<Timestamp>,
    #[serde(default)]
    updated_at: Leaf<Timestamp>,
    #[serde(default)]
    owner: Leaf<Text>,
}

#[derive(Debug, Default, Deserialize)]
struct MemberKeyFields {
    #[serde(default)]
    scope: Leaf<GroupScope>,
}

impl<const KIND: u8> KeyView for GroupKeyView<KIND> {
    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        let kind = [GroupKey::Created, GroupKey::Updated, GroupKey::Members, GroupKey::Owner]
            .into_iter()
            .find(|kind| *kind as u8 == KIND)?;
        let group = self.group.get()?;
        // A member that is not an object does not type and is set aside.
        let members = self
            .members
            .get()
            .into_iter()
            .flatten()
            .filter_map(|(uid, member)| Some((uid.as_str(), member.get()?.scope.as_ref())));
        let fields = GroupKeyFields {
            guid: group.guid.text()?,
            created_at: group.created_at.get(),
            updated_at: group.updated_at.get(),
            owner: group.owner.text(),
            members: MemberList(members),
            by: node_uid(&self.by),
        };
        fields.key(kind, parts)
    }
}
