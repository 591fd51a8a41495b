//! Call and meeting triggers (reference §2.4, §2.5): ringing signals, media
//! sessions, recordings and transcripts.

use serde::{Deserialize, Serialize};

use super::shared_shape::shared_shape;
use crate::decode::lenient;
use crate::model::{Action, Call, InitialConfig, Message, Occupant, Timestamp};

/// `data` of a ringing signal: `{ "call": <call message> }`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CallSignal {
    /// The call message (`category: "call"`). Its `sender`/`receiver` are
    /// who performed this action; the original caller and callee are on
    /// [`CallSignal::call_entity`].
    pub call: Message,
}

impl CallSignal {
    /// What happened (`call.data.action`).
    pub fn action(&self) -> Option<&Action> {
        self.call.data.action.as_ref()
    }

    /// The call object (`call.data.entities.on.entity`), present in full
    /// signals and missing from trimmed ones.
    pub fn call_entity(&self) -> Option<&Call> {
        self.call.data.entities.as_ref()?.on.as_ref()?.as_call()
    }

    /// The media session id that correlates this signal with session events.
    pub fn session_id(&self) -> Option<&str> {
        self.call_entity()?.session_id.as_deref()
    }
}

shared_shape! {
    /// `call_initiated`: a call started ringing.
    CallInitiated(CallSignal);
    /// `call_busy`: the callee was busy (1:1 only).
    CallBusy(CallSignal);
    /// `call_cancelled`: the caller gave up before an answer.
    CallCancelled(CallSignal);
    /// `call_rejected`: the callee declined (1:1 only).
    CallRejected(CallSignal);
    /// `call_unanswered`: nobody answered.
    CallUnanswered(CallSignal);
}

/// `data` of `call_started` / `meeting_started`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionStart {
    /// The media session.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub session_id: Option<String>,
    /// Created, seconds.
    #[serde(rename = "created_at")]
    pub created_at: Option<Timestamp>,
}

/// `data` of the participant joined / left triggers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ParticipantChange {
    /// The media session.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub session_id: Option<String>,
    /// Who joined or left.
    #[serde(default, deserialize_with = "lenient::default_on_null")]
    pub occupant: Occupant,
    /// The participant's starting settings (joins only).
    #[serde(rename = "initial_config")]
    pub initial_config: Option<InitialConfig>,
}

/// `data` of `call_ended` / `meeting_ended`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionEnd {
    /// The media session.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub session_id: Option<String>,
    /// Everyone who took part.
    #[serde(rename = "all_occupants", default, deserialize_with = "lenient::default_on_null")]
    pub all_occupants: Vec<Occupant>,
    /// Created, seconds.
    #[serde(rename = "created_at")]
    pub created_at: Option<Timestamp>,
    /// Ended, seconds.
    #[serde(rename = "destroyed_at")]
    pub destroyed_at: Option<Timestamp>,
}

shared_shape! {
    /// `call_started`: a call's media session began (top-level `type: "call"`).
    CallStarted(SessionStart);
    /// `call_participant_joined`.
    CallParticipantJoined(ParticipantChange);
    /// `call_participant_left`.
    CallParticipantLeft(ParticipantChange);
    /// `call_ended`: the last participant left.
    CallEnded(SessionEnd);
    /// `meeting_started` (top-level `type: "meet"`).
    MeetingStarted(SessionStart);
    /// `meeting_participant_joined`.
    MeetingParticipantJoined(ParticipantChange);
    /// `meeting_participant_left`.
    MeetingParticipantLeft(ParticipantChange);
    /// `meeting_ended`.
    MeetingEnded(SessionEnd);
}

/// `recording_generated`: a call or meeting recording is ready.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordingGenerated {
    /// The media session.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub session_id: Option<String>,
    /// Where to download it (may need pre-signing).
    #[serde(rename = "recording_url")]
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub recording_url: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub recording_date: Option<String>,
    /// Length in seconds (sent as a decimal string).
    #[serde(default, deserialize_with = "lenient::opt_f64")]
    pub duration: Option<f64>,
    /// Recording start, seconds (sent as a string).
    pub start_time: Option<Timestamp>,
}

/// `transcription_generated`: a transcript is ready.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TranscriptionGenerated {
    /// The media session.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub session_id: Option<String>,
    /// Transcript id.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub tid: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub transcript_date: Option<String>,
    /// Where to download it (may need pre-signing).
    #[serde(rename = "transcript_url")]
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub transcript_url: Option<String>,
    /// Start, seconds.
    pub start_time: Option<Timestamp>,
    /// End, seconds.
    pub end_time: Option<Timestamp>,
}
