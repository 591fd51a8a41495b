//! Moderation triggers (reference §2.7).

use serde::{Deserialize, Serialize};

use super::event_facts::{Facts, millis, recipient};
use super::shared_shape::shared_shape;
use crate::decode::key_view::{KeyView, Leaf, Node, Text};
use crate::decode::lenient;
use crate::idempotency::KeyParts;
use crate::model::{
    Message, Millis, ModeratedResource, ModerationFailure, ModerationMatch, Recipient, Timestamp,
};

/// `data` of the approved / blocked triggers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModerationVerdict {
    /// The moderated message (`data.moderation.status` holds the verdict).
    pub message: Box<Message>,
    /// The conditions and rules that matched.
    #[serde(default, deserialize_with = "lenient::default_on_null")]
    pub moderation: Vec<ModerationMatch>,
    /// Whether a person reviewed it (`moderation_manual_approved`).
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub reviewed: Option<bool>,
}

shared_shape! {
    /// `moderation_engine_approved`.
    ModerationEngineApproved(ModerationVerdict);
    /// `moderation_engine_blocked`.
    ModerationEngineBlocked(ModerationVerdict);
    /// `moderation_manual_approved`: a moderator let a blocked message through.
    ModerationManualApproved(ModerationVerdict);
}

/// `moderation_engine_failed`: an engine could not decide in time.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModerationEngineFailed {
    /// The message concerned.
    pub resource: Option<ModeratedResource>,
    /// `text`, `image`, …
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub content_type: Option<String>,
    /// What CometChat did anyway (`approved`, …).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub outcome: Option<String>,
    /// When, seconds.
    pub completed_at: Option<Timestamp>,
    /// What went wrong, per engine.
    #[serde(default, deserialize_with = "lenient::default_on_null")]
    pub failures: Vec<ModerationFailure>,
}

// What each moderation event says, and its idempotency key ----------------

macro_rules! verdict_facts {
    ($($payload:ty),+) => {$(
        impl Facts for $payload {
            const IDEMPOTENCY_RECIPE: &'static str = "message.id, message.updatedAt";
            type KeyView = VerdictKeyView;

            fn message(&self) -> Option<&Message> {
                Some(&self.message)
            }

            fn key(&self, parts: &mut KeyParts) -> Option<()> {
                parts.part("message.id", self.message.id.as_deref()?);
                parts.part("updatedAt", self.message.updated_at.or(self.message.sent_at)?);
                Some(())
            }
        }
    )+};
}

verdict_facts!(ModerationEngineApproved, ModerationEngineBlocked, ModerationManualApproved);

impl Facts for ModerationEngineFailed {
    const IDEMPOTENCY_RECIPE: &'static str = "resource.id, completedAt";
    type KeyView = EngineFailedKeyView;

    fn sender_uid(&self) -> Option<&str> {
        self.resource.as_ref()?.sender.as_deref()
    }

    fn recipient(&self) -> Option<Recipient<'_>> {
        let resource = self.resource.as_ref()?;
        recipient(resource.receiver.as_deref(), resource.receiver_type.as_ref())
    }

    fn conversation_id(&self) -> Option<&str> {
        self.resource.as_ref()?.conversation_id.as_deref()
    }

    fn message_id(&self) -> Option<&str> {
        self.resource.as_ref()?.id.as_deref()
    }

    fn occurred_at(&self) -> Option<Timestamp<Millis>> {
        millis(self.completed_at)
    }

    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        parts.part("resource.id", self.resource.as_ref()?.id.as_deref()?);
        parts.part("completedAt", self.completed_at?);
        Some(())
    }
}

// The same keys read without typing the payload (see `decode::key_view`) --

/// The key fields of a verdict.
#[derive(Debug, Default, Deserialize)]
#[serde(transparent)]
pub(crate) struct VerdictKeyView(crate::payload::message::MessageKeyView);

impl KeyView for VerdictKeyView {
    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        let message = self.0.message.get()?;
        parts.part("message.id", message.id.text()?);
        parts.part("updatedAt", message.updated_at.get().or(message.sent_at.get())?);
        Some(())
    }
}

/// The key fields of `moderation_engine_failed`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct EngineFailedKeyView {
    #[serde(default)]
    resource: Node<ResourceKeyFields>,
    #[serde(default)]
    completed_at: Leaf<Timestamp>,
}

#[derive(Debug, Default, Deserialize)]
struct ResourceKeyFields {
    #[serde(default)]
    id: Leaf<Text>,
}

impl KeyView for EngineFailedKeyView {
    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        parts.part("resource.id", self.resource.get()?.id.text()?);
        parts.part("completedAt", self.completed_at.get()?);
        Some(())
    }
}
