//! The media URLs an event carries, and the outcome of pre-signing each.

use crate::event::Event;
use crate::payload::{RecordingGenerated, TranscriptionGenerated};

use super::error::MediaError;
use super::presigned::PresignedUrl;

/// Every media URL in `event`, each once, in payload order: the message's
/// `data.url` and attachment URLs (for edits and deletes, those of the
/// edited or deleted message), `recording_url` and `transcript_url`.
///
/// A media message usually repeats its first attachment's URL as
/// `data.url`; it is listed once. Empty strings are skipped.
pub fn event_media_urls(event: &Event) -> Vec<&str> {
    let message = event.message().into_iter().flat_map(|message| message.media_urls());
    let recording = event.typed::<RecordingGenerated>().and_then(|r| r.recording_url.as_deref());
    let transcript =
        event.typed::<TranscriptionGenerated>().and_then(|t| t.transcript_url.as_deref());
    let mut urls: Vec<&str> = Vec::new();
    for url in message.chain(recording).chain(transcript) {
        if !url.is_empty() && !urls.contains(&url) {
            urls.push(url);
        }
    }
    urls
}

/// The outcome of pre-signing one URL of an event.
#[derive(Debug)]
#[non_exhaustive]
pub struct MediaOutcome {
    /// The URL as the event carries it.
    pub original_url: String,
    /// Its pre-signed form, or why there is none.
    pub result: Result<PresignedUrl, MediaError>,
}

/// Every media URL of an event with the outcome of pre-signing it, in the
/// order of [`event_media_urls`]. One URL failing does not stop the others.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct PresignedMedia {
    /// One outcome per URL.
    pub outcomes: Vec<MediaOutcome>,
}

impl PresignedMedia {
    /// Whether the event carried no media URL.
    pub fn is_empty(&self) -> bool {
        self.outcomes.is_empty()
    }

    /// Whether every URL was pre-signed (also true for an event without
    /// media).
    pub fn all_presigned(&self) -> bool {
        self.outcomes.iter().all(|outcome| outcome.result.is_ok())
    }

    /// The pre-signed form of `original_url`, when the event carried it.
    pub fn get(&self, original_url: &str) -> Option<&Result<PresignedUrl, MediaError>> {
        self.outcomes
            .iter()
            .find(|outcome| outcome.original_url == original_url)
            .map(|outcome| &outcome.result)
    }

    /// Original and pre-signed URL of every success.
    pub fn presigned(&self) -> impl Iterator<Item = (&str, &PresignedUrl)> {
        self.outcomes.iter().filter_map(|outcome| {
            outcome.result.as_ref().ok().map(|url| (outcome.original_url.as_str(), url))
        })
    }

    /// Original URL and error of every failure.
    pub fn failures(&self) -> impl Iterator<Item = (&str, &MediaError)> {
        self.outcomes.iter().filter_map(|outcome| {
            outcome.result.as_ref().err().map(|error| (outcome.original_url.as_str(), error))
        })
    }
}
