//! Moderation triggers (reference §2.7).

use serde::{Deserialize, Serialize};

use super::shared_shape::shared_shape;
use crate::decode::lenient;
use crate::model::{Message, ModeratedResource, ModerationFailure, ModerationMatch, Timestamp};

/// `data` of the approved / blocked triggers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModerationVerdict {
    /// The moderated message (`data.moderation.status` holds the verdict).
    pub message: Message,
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
