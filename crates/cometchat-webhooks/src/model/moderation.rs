//! Moderation objects (reference §2.7): the rule and condition that matched,
//! and the failures of `moderation_engine_failed`.

use serde::{Deserialize, Serialize};

use super::timestamp::Timestamp;
use crate::decode::lenient;
use crate::decode::raw_json::{self, RawJson};

/// A moderation rule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModerationRule {
    /// Rule id.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub id: Option<String>,
    /// Rule name.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
    /// Revision of the rule that applied.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub revision_id: Option<String>,
    /// Actions taken (`block`, …).
    pub action: Option<Vec<String>>,
    /// When the message was blocked, seconds.
    pub blocked_at: Option<Timestamp>,
}

/// A condition of a rule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModerationCondition {
    /// Condition id.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub id: Option<String>,
    /// What was inspected (`message`, …).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub entity: Option<String>,
    /// Which part (`text`, …).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub operand: Option<String>,
    /// Category (`profanity`, …).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub category: Option<String>,
    /// Comparison (`contains`, …).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub operator: Option<String>,
    /// Values compared against (strings, numbers or objects per engine).
    #[serde(default, deserialize_with = "raw_json::opt_open_ended")]
    pub value: Option<RawJson>,
    /// Message shown to the sender.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub message: Option<String>,
    /// The condition's database id (`_id`), next to its numeric `id`.
    #[serde(rename = "_id", default, deserialize_with = "lenient::opt_string")]
    pub object_id: Option<String>,
    /// Weight of the condition in the rule.
    #[serde(default, deserialize_with = "lenient::opt_f64")]
    pub weight: Option<f64>,
    /// Similarity threshold, percent (sentence-similarity conditions).
    #[serde(default, deserialize_with = "lenient::opt_f64")]
    pub similarity_value: Option<f64>,
    /// Sentences compared against (sentence-similarity conditions).
    pub disallowed_sentences: Option<Vec<String>>,
    /// Whether the condition refers to a keyword list.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub is_keywords_reference_present: Option<bool>,
    /// Whether the condition inspects media.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub is_media_present: Option<bool>,
    /// Whether the engine is called with basic authentication.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub basic_auth_enabled: Option<bool>,
    /// Prompts of AI conditions, as sent.
    #[serde(default, deserialize_with = "raw_json::opt_open_ended")]
    pub prompts: Option<RawJson>,
}

/// One entry of a moderation event's `moderation` array.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModerationMatch {
    /// The condition that matched.
    pub condition: Option<ModerationCondition>,
    /// The rule it belongs to.
    pub rule: Option<ModerationRule>,
    /// The filter that failed (filter-failure variant).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub filter: Option<String>,
}

/// The message a `moderation_engine_failed` event is about (a trimmed message).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModeratedResource {
    /// Message id.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub id: Option<String>,
    /// Conversation id.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub conversation_id: Option<String>,
    /// Sender's uid.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub sender: Option<String>,
    /// Whether the receiver is a user or a group.
    pub receiver_type: Option<super::kinds::ReceiverType>,
    /// Receiver's uid or guid.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub receiver: Option<String>,
    /// Message category.
    pub category: Option<super::kinds::MessageCategory>,
    /// Message type.
    #[serde(rename = "type")]
    pub message_type: Option<super::kinds::MessageType>,
    /// Sent, seconds.
    pub sent_at: Option<Timestamp>,
}

/// Why a moderation engine gave no decision.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModerationFailure {
    /// The engine's time budget, milliseconds.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub timeout_ms: Option<u64>,
    /// When it failed, seconds.
    pub failed_at: Option<Timestamp>,
    /// Failure kind (`timeout`, `http_error`, …).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub category: Option<String>,
    /// The engine's HTTP status.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub http_status: Option<u64>,
    /// Error text.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub error_message: Option<String>,
    /// The engine's response body (JSON sent as a string).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub response_body: Option<String>,
    /// Whether `response_body` was cut.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub response_body_truncated: Option<bool>,
    /// Engine, setting, rule, condition and request details.
    #[serde(default, deserialize_with = "raw_json::opt_open_ended")]
    pub context: Option<RawJson>,
}
