//! What a worker does with one stored event: forward it (`--forward-to`),
//! save it (`--save`), and print its line. Any failure is the attempt's
//! failure, so the event is retried and, in the end, dead-lettered.

use cometchat_webhooks::Event;
use cometchat_webhooks::delivery::StoredEvent;

use super::forwarder::Forwarder;
use crate::receiver::{Report, Reporter};
use crate::saved_bodies::BodySaver;
use crate::summary::EventSummary;

/// The worker's side effects, shared by every worker.
pub(crate) struct Handling {
    pub(crate) forwarder: Option<Forwarder>,
    pub(crate) saver: Option<BodySaver>,
    pub(crate) reporter: Reporter,
}

impl Handling {
    /// One attempt at one event; the error is one line for the dead letter.
    pub(crate) async fn handle(&self, event: &StoredEvent, attempt: u32) -> Result<(), String> {
        // Only decoded webhooks are stored, so this fails only for a body
        // changed behind the store's back: a dead letter shows it.
        let decoded = Event::from_bytes(event.body.clone())
            .map_err(|error| format!("the stored body is not a webhook: {error}"))?;
        if let Some(forwarder) = &self.forwarder {
            forwarder.forward(event, attempt).await?;
        }
        let summary = EventSummary::of(&decoded);
        let saved_to = match &self.saver {
            Some(saver) => match saver.save(&decoded, &summary).await {
                Ok(path) => Some(path),
                Err((path, error)) => {
                    return Err(format!("could not save {}: {error}", path.display()));
                }
            },
            None => None,
        };
        (self.reporter)(Report::Delivery { summary: Box::new(summary), saved_to });
        Ok(())
    }
}
