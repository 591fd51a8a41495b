//! Running one delivery's handler: panics caught, de-duplication applied,
//! and the result reduced to an [`Outcome`].

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::FutureExt;
use tokio::task::JoinHandle;
use tracing::{Instrument, Span};

use super::dedupe::{Claim, Deduper};
use super::handler::{ErasedHandler, ReplyFuture};
use super::routes::Routes;
use crate::event::Event;
use crate::idempotency::IdempotencyKey;
use crate::trigger::Trigger;

/// How a delivery ended, before it becomes a response.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// The handler succeeded; the body to answer with.
    Handled(Bytes),
    /// No handler matched.
    Unhandled,
    /// A handler already succeeded for this idempotency key.
    Duplicate,
    /// Another copy of this delivery is still running.
    InFlight,
    /// The handler returned an error.
    Failed,
    /// The handler panicked.
    Panicked,
    /// Accepted into the background queue.
    Queued,
    /// The background queue had no room.
    QueueFull,
    /// The background queue no longer accepts deliveries.
    ShuttingDown,
}

impl Outcome {
    /// The value of the span's `outcome` field.
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Outcome::Handled(_) => "handled",
            Outcome::Unhandled => "unhandled",
            Outcome::Duplicate => "duplicate",
            Outcome::InFlight => "in_flight",
            Outcome::Failed => "failed",
            Outcome::Panicked => "panicked",
            Outcome::Queued => "queued",
            Outcome::QueueFull => "queue_full",
            Outcome::ShuttingDown => "shutting_down",
        }
    }
}

/// What every way of running a handler shares: the table and the deduper.
pub(crate) struct Dispatcher {
    routes: Routes,
    deduper: Option<Arc<dyn Deduper>>,
}

impl Dispatcher {
    pub(crate) fn new(routes: Routes, deduper: Option<Arc<dyn Deduper>>) -> Self {
        Self { routes, deduper }
    }

    pub(crate) fn routes(&self) -> &Routes {
        &self.routes
    }

    pub(crate) fn deduplicates(&self) -> bool {
        self.deduper.is_some()
    }

    pub(crate) fn handler_for(&self, event: &Event) -> Option<ErasedHandler> {
        self.routes.route(event.payload()).cloned()
    }

    /// Runs a handler, de-duplicated when a deduper is set. `before_message`
    /// is never de-duplicated: its answer is the handler's outcome, which a
    /// skipped run could not give.
    pub(crate) async fn execute(
        &self,
        handler: ErasedHandler,
        event: Event,
        key: Option<IdempotencyKey>,
    ) -> Outcome {
        match &self.deduper {
            Some(deduper) if !is_synchronous(&event) => {
                run_deduplicated(deduper.as_ref(), &handler, event, key).await
            }
            _ => run_caught(&handler, event, key).await,
        }
    }

    /// Runs [`execute`](Self::execute) as its own task, so a request
    /// dropped mid-way (the client hung up) cannot leave a claim unsettled:
    /// the handler finishes and the claim is recorded either way.
    pub(crate) fn spawn(
        dispatcher: &Arc<Dispatcher>,
        handler: ErasedHandler,
        event: Event,
        key: Option<IdempotencyKey>,
        span: &Span,
    ) -> JoinHandle<Outcome> {
        let dispatcher = Arc::clone(dispatcher);
        let task = async move { dispatcher.execute(handler, event, key).await };
        tokio::spawn(task.instrument(span.clone()))
    }
}

/// Waits for a [`Dispatcher::spawn`]ed delivery.
pub(crate) async fn join(task: JoinHandle<Outcome>) -> Outcome {
    match task.await {
        Ok(outcome) => outcome,
        // A panic outside the handler (in a deduper) ends the task.
        Err(error) if error.is_panic() => {
            tracing::error!("delivery task panicked");
            Outcome::Panicked
        }
        Err(_) => {
            tracing::error!("delivery task was cancelled by the runtime");
            Outcome::Failed
        }
    }
}

/// `before_message` is the one trigger whose response CometChat uses.
pub(crate) fn is_synchronous(event: &Event) -> bool {
    event.known_trigger() == Some(Trigger::BeforeMessage)
}

/// Runs the handler; an error or a panic becomes an outcome, never escapes.
pub(crate) async fn run_caught(
    handler: &ErasedHandler,
    event: Event,
    key: Option<IdempotencyKey>,
) -> Outcome {
    settle(handler(event, key)).await
}

/// Awaits a handler's future, turning its error or panic into an outcome.
pub(crate) async fn settle(reply: ReplyFuture) -> Outcome {
    match AssertUnwindSafe(reply).catch_unwind().await {
        Ok(Ok(body)) => Outcome::Handled(body),
        Ok(Err(error)) => {
            tracing::warn!(error = %error, "webhook handler failed");
            Outcome::Failed
        }
        // The panic payload is not logged: it may quote message text.
        Err(_) => {
            tracing::error!("webhook handler panicked");
            Outcome::Panicked
        }
    }
}

/// Claims the key, runs the handler, and records the key as done only when
/// the handler succeeded; otherwise releases it so a re-delivery runs again.
async fn run_deduplicated(
    deduper: &dyn Deduper,
    handler: &ErasedHandler,
    event: Event,
    key: Option<IdempotencyKey>,
) -> Outcome {
    let key = key.unwrap_or_else(|| event.idempotency_key());
    match deduper.claim(&key).await {
        Claim::Done => {
            tracing::debug!("already handled; not running again");
            Outcome::Duplicate
        }
        Claim::InFlight => {
            tracing::debug!("another copy is still running");
            Outcome::InFlight
        }
        Claim::Acquired => {
            let outcome = run_caught(handler, event, Some(key.clone())).await;
            if matches!(outcome, Outcome::Handled(_)) {
                deduper.complete(&key).await;
            } else {
                deduper.release(&key).await;
            }
            outcome
        }
    }
}
