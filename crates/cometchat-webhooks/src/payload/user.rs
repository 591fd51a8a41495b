//! User triggers (reference §2.2).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::event_facts::{Facts, uid, user_recipient};
use super::shared_shape::shared_shape;
use crate::decode::key_view::{BodyHashOnly, KeyView, Leaf, Node, UidView};
use crate::decode::lenient;
use crate::idempotency::KeyParts;
use crate::model::{ConnectionAction, Millis, Recipient, Timestamp, User, UserStatus};

/// `data` of `user_blocked` / `user_unblocked`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BlockChange {
    /// The blocked or unblocked users, keyed by uid.
    #[serde(default, deserialize_with = "lenient::default_on_null")]
    pub users: BTreeMap<String, Box<User>>,
    /// Who blocked or unblocked them.
    pub by: Option<Box<User>>,
}

shared_shape! {
    /// `user_blocked`.
    UserBlocked(BlockChange);
    /// `user_unblocked`.
    UserUnblocked(BlockChange);
}

/// `user_connection_status_changed`: a user came online or went offline.
/// Its times are in milliseconds, unlike the rest of CometChat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserConnectionStatusChanged {
    /// When, milliseconds.
    pub timestamp: Option<Timestamp<Millis>>,
    /// The user.
    pub user: Box<User>,
    /// Online or offline.
    pub status: Option<UserStatus>,
    /// The connection that changed.
    pub current_connection: Option<Connection>,
    /// Whether the user's presence changed (not just one of several connections).
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub user_presence_changed: Option<bool>,
}

/// A client connection.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Connection {
    /// Connected or disconnected.
    pub action: Option<ConnectionAction>,
    /// Client details.
    pub app_info: Option<AppInfo>,
    /// Platform.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub platform: Option<String>,
    /// User agent.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub user_agent: Option<String>,
    /// Connected, milliseconds.
    pub connected_at: Option<Timestamp<Millis>>,
}

/// Client details of a connection.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    /// SDK version.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub version: Option<String>,
    /// API version.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub api_version: Option<String>,
    /// Origin.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub origin: Option<String>,
    /// Client time, milliseconds.
    pub uts: Option<Timestamp<Millis>>,
    /// Client IP address.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub client_ip: Option<String>,
}

// What each user event says, and its idempotency key ----------------------

macro_rules! block_facts {
    ($($payload:ty => $recipe:literal),+ $(,)?) => {$(
        impl Facts for $payload {
            const IDEMPOTENCY_RECIPE: &'static str = $recipe;
            type KeyView = BodyHashOnly;

            fn sender_uid(&self) -> Option<&str> {
                uid(self.by.as_deref())
            }

            fn recipient(&self) -> Option<Recipient<'_>> {
                let mut uids = self.users.keys();
                match (uids.next(), uids.next()) {
                    (Some(only), None) => user_recipient(Some(only)),
                    _ => None,
                }
            }

            fn key(&self, _: &mut KeyParts) -> Option<()> {
                None
            }
        }
    )+};
}

block_facts!(
    UserBlocked => "body hash (no time in the payload to tell a re-block from a retry)",
    UserUnblocked => "body hash (no time in the payload to tell a re-unblock from a retry)",
);

impl Facts for UserConnectionStatusChanged {
    const IDEMPOTENCY_RECIPE: &'static str = "user.uid, status, timestamp";
    type KeyView = ConnectionKeyView;

    fn sender_uid(&self) -> Option<&str> {
        Some(&self.user.uid)
    }

    fn recipient(&self) -> Option<Recipient<'_>> {
        None
    }

    fn occurred_at(&self) -> Option<Timestamp<Millis>> {
        self.timestamp
    }

    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        parts.part("user.uid", &self.user.uid);
        parts.part("status", self.status.as_ref()?);
        parts.part("timestamp", self.timestamp?);
        Some(())
    }
}

// The same keys read without typing the payload (see `decode::key_view`) --

/// The key fields of `user_connection_status_changed`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ConnectionKeyView {
    #[serde(default)]
    user: Node<UidView>,
    #[serde(default)]
    status: Leaf<UserStatus>,
    #[serde(default)]
    timestamp: Leaf<Timestamp<Millis>>,
}

impl KeyView for ConnectionKeyView {
    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        parts.part("user.uid", self.user.get()?.uid()?);
        parts.part("status", self.status.as_ref()?);
        parts.part("timestamp", self.timestamp.get()?);
        Some(())
    }
}
