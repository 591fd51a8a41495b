//! Call objects: the call entity inside a call signal (reference §3.4) and the
//! occupants of a media session.

use serde::{Deserialize, Serialize};

use super::kinds::{CallStatus, CallType, ReceiverType};
use super::message::MessageData;
use super::timestamp::Timestamp;
use crate::decode::lenient;

/// The call a signal is about (`data.call.data.entities.on.entity`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Call {
    /// Session id (wire key `sessionid`, lower-case `i`; `sessionId` accepted).
    #[serde(rename = "sessionid", alias = "sessionId")]
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub session_id: Option<String>,
    /// The conversation the call belongs to.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub conversation_id: Option<String>,
    /// The original caller's uid.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub sender: Option<String>,
    /// Whether the callee is a user or a group.
    pub receiver_type: Option<ReceiverType>,
    /// The original callee's uid or guid.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub receiver: Option<String>,
    /// State of the call.
    pub status: Option<CallStatus>,
    /// Audio or video.
    #[serde(rename = "type")]
    pub call_type: Option<CallType>,
    /// Caller and callee entities.
    pub data: Option<MessageData>,
    /// Started ringing, seconds.
    pub initiated_at: Option<Timestamp>,
    /// Joined, seconds.
    pub joined_at: Option<Timestamp>,
    /// Ended, seconds.
    pub ended_at: Option<Timestamp>,
}

/// A participant of a call or meeting media session.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Occupant {
    /// The participant's uid (sent live, missing from the documented samples).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub uid: Option<String>,
    /// Display name.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
    /// Joined, seconds.
    pub joined_at: Option<Timestamp>,
    /// Left, seconds.
    pub left_at: Option<Timestamp>,
    /// Whether the participant was audio-only (sent as `"true"`/`"false"`).
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub audio_call: Option<bool>,
}

/// A participant's starting settings (`initial_config`, string booleans).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InitialConfig {
    /// Camera off at join.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub is_video_muted: Option<bool>,
    /// Microphone off at join.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub is_audio_muted: Option<bool>,
    /// Audio-only session.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub is_audio_only: Option<bool>,
    /// Recording starts with the call.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub start_recording_on_call_start: Option<bool>,
    /// Calls SDK version.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub call_version: Option<String>,
    /// SDK flavour (`react`, …).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub sdk: Option<String>,
    /// Layout mode (`DEFAULT`, …).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub mode: Option<String>,
    /// Client platform (`web`, …).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub platform: Option<String>,
}
