//! Call and meeting triggers (reference §2.4, §2.5): ringing signals, media
//! sessions, recordings and transcripts.

use serde::{Deserialize, Serialize};

use super::event_facts::{Facts, millis, occupant_identity};
use super::shared_shape::shared_shape;
use crate::decode::key_view::{KeyView, Leaf, Node, Text};
use crate::decode::lenient;
use crate::idempotency::KeyParts;
use crate::model::{Action, Call, InitialConfig, Message, Millis, Occupant, Timestamp};

/// `data` of a ringing signal: `{ "call": <call message> }`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CallSignal {
    /// The call message (`category: "call"`). Its `sender`/`receiver` are
    /// who performed this action; the original caller and callee are on
    /// [`CallSignal::call_entity`].
    pub call: Box<Message>,
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
    #[serde(default, deserialize_with = "lenient::object_or_default")]
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

// What each call, meeting and recording event says, and its idempotency key

macro_rules! call_signal_facts {
    ($($payload:ty),+) => {$(
        impl Facts for $payload {
            const IDEMPOTENCY_RECIPE: &'static str = "call.id, call.sentAt";
            type KeyView = CallSignalKeyView;

            fn message(&self) -> Option<&Message> {
                Some(&self.call)
            }

            fn key(&self, parts: &mut KeyParts) -> Option<()> {
                parts.part("call.id", self.call.id.as_deref()?);
                parts.part("sentAt", self.call.sent_at?);
                Some(())
            }
        }
    )+};
}

call_signal_facts!(CallInitiated, CallBusy, CallCancelled, CallRejected, CallUnanswered);

/// Media-session starts and ends: the session and the one time they carry.
macro_rules! session_time_facts {
    ($time:ident, $name:literal, $ended:literal: $($payload:ty),+) => {$(
        impl Facts for $payload {
            const IDEMPOTENCY_RECIPE: &'static str = concat!("sessionId, ", $name);
            type KeyView = SessionTimeKeyView<$ended>;

            fn occurred_at(&self) -> Option<Timestamp<Millis>> {
                millis(self.$time)
            }

            fn key(&self, parts: &mut KeyParts) -> Option<()> {
                parts.part("sessionId", self.session_id.as_deref()?);
                parts.part($name, self.$time?);
                Some(())
            }
        }
    )+};
}

session_time_facts!(created_at, "created_at", false: CallStarted, MeetingStarted);
session_time_facts!(destroyed_at, "destroyed_at", true: CallEnded, MeetingEnded);

/// Participant joins and leaves add the occupant to CometChat's documented
/// `sessionId + joined_at` recipe, so two participants joining in the same
/// second do not collide.
macro_rules! participant_facts {
    ($time:ident, $name:literal, $left:literal: $($payload:ty),+) => {$(
        impl Facts for $payload {
            const IDEMPOTENCY_RECIPE: &'static str =
                concat!("sessionId, occupant.uid (or name), occupant.", $name);
            type KeyView = ParticipantKeyView<$left>;

            fn sender_uid(&self) -> Option<&str> {
                self.occupant.uid.as_deref()
            }

            fn occurred_at(&self) -> Option<Timestamp<Millis>> {
                millis(self.occupant.$time)
            }

            fn key(&self, parts: &mut KeyParts) -> Option<()> {
                parts.part("sessionId", self.session_id.as_deref()?);
                parts.part("occupant", occupant_identity(&self.occupant)?);
                parts.part($name, self.occupant.$time?);
                Some(())
            }
        }
    )+};
}

participant_facts!(joined_at, "joined_at", false: CallParticipantJoined, MeetingParticipantJoined);
participant_facts!(left_at, "left_at", true: CallParticipantLeft, MeetingParticipantLeft);

impl Facts for RecordingGenerated {
    const IDEMPOTENCY_RECIPE: &'static str = "sessionId, startTime";
    type KeyView = RecordingKeyView;

    fn occurred_at(&self) -> Option<Timestamp<Millis>> {
        millis(self.start_time)
    }

    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        parts.part("sessionId", self.session_id.as_deref()?);
        parts.part("startTime", self.start_time?);
        Some(())
    }
}

impl Facts for TranscriptionGenerated {
    const IDEMPOTENCY_RECIPE: &'static str = "sessionId, tid";
    type KeyView = TranscriptionKeyView;

    fn occurred_at(&self) -> Option<Timestamp<Millis>> {
        millis(self.end_time.or(self.start_time))
    }

    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        parts.part("sessionId", self.session_id.as_deref()?);
        parts.part("tid", self.tid.as_deref()?);
        Some(())
    }
}

// The same keys read without typing the payload (see `decode::key_view`) --

/// The key fields of a ringing signal.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct CallSignalKeyView {
    #[serde(default)]
    call: Node<crate::payload::message::MessageKeyFields>,
}

impl KeyView for CallSignalKeyView {
    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        let call = self.call.get()?;
        parts.part("call.id", call.id.text()?);
        parts.part("sentAt", call.sent_at.get()?);
        Some(())
    }
}

/// The key fields of session starts (`ENDED` false: `created_at`) and
/// ends (`ENDED` true: `destroyed_at`).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct SessionTimeKeyView<const ENDED: bool> {
    #[serde(rename = "sessionId", default)]
    session_id: Leaf<Text>,
    #[serde(default)]
    created_at: Leaf<Timestamp>,
    #[serde(default)]
    destroyed_at: Leaf<Timestamp>,
}

impl<const ENDED: bool> KeyView for SessionTimeKeyView<ENDED> {
    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        parts.part("sessionId", self.session_id.text()?);
        if ENDED {
            parts.part("destroyed_at", self.destroyed_at.get()?);
        } else {
            parts.part("created_at", self.created_at.get()?);
        }
        Some(())
    }
}

/// The key fields of participant joins (`LEFT` false: `joined_at`) and
/// leaves (`LEFT` true: `left_at`).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ParticipantKeyView<const LEFT: bool> {
    #[serde(rename = "sessionId", default)]
    session_id: Leaf<Text>,
    #[serde(default)]
    occupant: Node<OccupantKeyFields>,
}

#[derive(Debug, Default, Deserialize)]
struct OccupantKeyFields {
    #[serde(default)]
    uid: Leaf<Text>,
    #[serde(default)]
    name: Leaf<Text>,
    #[serde(default)]
    joined_at: Leaf<Timestamp>,
    #[serde(default)]
    left_at: Leaf<Timestamp>,
}

impl<const LEFT: bool> KeyView for ParticipantKeyView<LEFT> {
    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        parts.part("sessionId", self.session_id.text()?);
        let occupant = self.occupant.get()?;
        parts.part("occupant", occupant.uid.text().or(occupant.name.text())?);
        if LEFT {
            parts.part("left_at", occupant.left_at.get()?);
        } else {
            parts.part("joined_at", occupant.joined_at.get()?);
        }
        Some(())
    }
}

/// The key fields of `recording_generated`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RecordingKeyView {
    #[serde(default)]
    session_id: Leaf<Text>,
    #[serde(default)]
    start_time: Leaf<Timestamp>,
}

impl KeyView for RecordingKeyView {
    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        parts.part("sessionId", self.session_id.text()?);
        parts.part("startTime", self.start_time.get()?);
        Some(())
    }
}

/// The key fields of `transcription_generated`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TranscriptionKeyView {
    #[serde(default)]
    session_id: Leaf<Text>,
    #[serde(default)]
    tid: Leaf<Text>,
}

impl KeyView for TranscriptionKeyView {
    fn key(&self, parts: &mut KeyParts) -> Option<()> {
        parts.part("sessionId", self.session_id.text()?);
        parts.part("tid", self.tid.text()?);
        Some(())
    }
}
