//! The durable listener's handler, run by the router's workers: forward
//! the event (`--forward-to`), save it (`--save`), and print its line. Any
//! failure fails the attempt, so the router retries the event and, after
//! its last attempt, leaves it as a dead letter.

use cometchat_webhooks::Event;

use super::forwarder::Forwarder;
use crate::output::print_warning;
use crate::receiver::{Report, Reporter};
use crate::saved_bodies::BodySaver;
use crate::summary::EventSummary;
use crate::terminal_text::one_line;

/// The handler's side effects, shared by every worker.
pub(crate) struct Handling {
    pub(crate) forwarder: Option<Forwarder>,
    pub(crate) saver: Option<BodySaver>,
    pub(crate) reporter: Reporter,
    /// How many attempts an event gets, for the failure message.
    pub(crate) max_attempts: u32,
}

impl Handling {
    /// One attempt at one event; the error is one line for the dead letter.
    pub(crate) async fn handle(&self, event: &Event) -> Result<(), String> {
        let result = self.attempt(event).await;
        if let Err(reason) = &result {
            print_warning(format_args!(
                "{}: {reason}; it is tried again later, and kept as a dead letter after {} \
                 attempts (`cometchat-webhooks queue … dead` lists them)",
                one_line(event.idempotency_key().as_str().as_bytes()),
                self.max_attempts
            ));
        }
        result
    }

    async fn attempt(&self, event: &Event) -> Result<(), String> {
        if let Some(forwarder) = &self.forwarder {
            forwarder.forward(event).await?;
        }
        let summary = EventSummary::of(event);
        let saved_to = match &self.saver {
            Some(saver) => match saver.save(event, &summary).await {
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
