//! Typed routing: one async handler per trigger, picked by its argument type.
//!
#![doc = include_str!("../../ROUTER.md")]

mod background;
mod before_message;
mod builder;
mod dedupe;
mod delivery;
mod dispatch;
mod handler;
mod routes;
mod trace;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinHandle;
use tracing::{Instrument, Span};

pub use background::BackgroundConfig;
pub use before_message::BeforeMessageOutcome;
pub use builder::RouterBuilder;
pub use dedupe::{Claim, DedupeFuture, Deduper, MemoryDeduper};
pub use delivery::Delivery;
pub use handler::{BeforeMessageOutput, Handler, HandlerOutput, State};

use crate::contract::WebhookResponse;
use crate::event::Event;
use crate::idempotency::IdempotencyKey;
use background::{Job, Queue};
use dispatch::{Dispatcher, Outcome};
use handler::{ErasedHandler, ReplyFuture};

/// Routes decoded webhook events to typed async handlers.
///
/// Cheap to clone (one shared table), `Send + Sync`: build it once and share
/// it between a framework's workers. Build it with
/// [`WebhookRouter::builder`].
#[derive(Clone)]
pub struct WebhookRouter {
    dispatcher: Arc<Dispatcher>,
    queue: Option<Arc<Queue>>,
    retry_after: Duration,
}

impl WebhookRouter {
    /// Starts a router with no handlers.
    pub fn builder() -> RouterBuilder {
        RouterBuilder::new()
    }

    /// Runs the event's handler and says how to answer CometChat.
    ///
    /// - handler `Ok` → 200 (`before_message`: the outcome is the body);
    /// - handler `Err`, or a panic → 500, so CometChat re-delivers when
    ///   `retryOnFailure` is on; the router keeps serving after a panic;
    /// - no handler → 200;
    /// - background mode: 200 once queued, 503 with `Retry-After` when the
    ///   queue is full or shutting down;
    /// - de-duplication: 200 without running for a delivery already handled,
    ///   503 with `Retry-After` while another copy is still running.
    ///
    /// Every status comes from [`Rejection`](crate::contract::Rejection).
    /// Needs a Tokio runtime when de-duplication is on: the handler then runs
    /// as its own task, so a dropped request cannot leave its claim unsettled.
    pub async fn handle(&self, event: Event) -> WebhookResponse {
        let span = trace::delivery_span(&event);
        // The handler's synchronous part runs in `start`, inside the span.
        let outcome = match span.in_scope(|| self.start(event, &span)) {
            Started::Finished(outcome) => outcome,
            Started::Running(reply) => dispatch::settle(reply).instrument(span.clone()).await,
            Started::Detached(task) => dispatch::join(task).instrument(span.clone()).await,
        };
        trace::record_outcome(&span, &outcome);
        outcome.into_response(self.retry_after)
    }

    /// Background mode: stops queueing deliveries (they are answered 503;
    /// `before_message` is still answered inline), runs every queued one,
    /// and returns when the workers have finished.
    /// Without background mode there is nothing to drain and it returns at
    /// once.
    pub async fn shutdown(&self) {
        if let Some(queue) = &self.queue {
            queue.shutdown().await;
        }
    }

    /// Whether handlers run on background workers.
    pub fn is_background(&self) -> bool {
        self.queue.is_some()
    }

    /// Picks the handler, computes the key once if anything uses it, and
    /// starts the delivery the way [`run_mode`](Self::run_mode) says,
    /// without awaiting: the event moves straight into the handler's boxed
    /// future, which keeps the future `handle` returns small.
    fn start(&self, event: Event, span: &Span) -> Started {
        let handler = self.dispatcher.handler_for(&event);
        let key = self.key_if_needed(&event, handler.as_ref(), span);
        let Some(handler) = handler else {
            tracing::debug!(parent: span, "no handler for this trigger");
            return Started::Finished(Outcome::Unhandled);
        };
        match self.run_mode(&event) {
            RunMode::Inline => Started::Running(handler.call(event, key)),
            RunMode::Detached => {
                Started::Detached(Dispatcher::spawn(&self.dispatcher, handler, event, key, span))
            }
            RunMode::Queued(queue) => {
                Started::Finished(queue.push(Job { handler, event, key, span: span.clone() }))
            }
        }
    }

    /// How a delivery runs: the one place this is decided.
    fn run_mode(&self, event: &Event) -> RunMode<'_> {
        // before_message is answered inline and never skipped as a
        // duplicate: CometChat waits for its body, the handler's outcome.
        if dispatch::is_synchronous(event) {
            return RunMode::Inline;
        }
        match &self.queue {
            Some(queue) => RunMode::Queued(queue),
            // The claim must be settled even if the request is dropped.
            None if self.dispatcher.deduplicates() => RunMode::Detached,
            None => RunMode::Inline,
        }
    }

    /// The idempotency key, computed once and only when something uses it:
    /// the deduper, a handler that takes it, or a subscriber that records
    /// the span.
    fn key_if_needed(
        &self,
        event: &Event,
        handler: Option<&ErasedHandler>,
        span: &Span,
    ) -> Option<IdempotencyKey> {
        let wanted = self.dispatcher.deduplicates()
            || handler.is_some_and(ErasedHandler::wants_key)
            || !span.is_disabled();
        let key = wanted.then(|| event.idempotency_key())?;
        span.record("idempotency_key", key.as_str());
        Some(key)
    }
}

/// Where a delivery's handler runs.
enum RunMode<'a> {
    /// In the request, while CometChat waits.
    Inline,
    /// As its own task the request awaits, so it finishes even if the
    /// request is dropped.
    Detached,
    /// On a background worker, after the request is answered.
    Queued(&'a Queue),
}

/// What [`WebhookRouter::handle`] still has to wait for.
enum Started {
    /// Nothing: the outcome is known.
    Finished(Outcome),
    /// The handler's future, run in place.
    Running(ReplyFuture),
    /// The handler's task, when de-duplication needs it to run to the end.
    Detached(JoinHandle<Outcome>),
}

impl fmt::Debug for WebhookRouter {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("WebhookRouter")
            .field("routes", &self.dispatcher.routes())
            .field("deduplicates", &self.dispatcher.deduplicates())
            .field("background", &self.is_background())
            .field("retry_after", &self.retry_after)
            .finish()
    }
}
