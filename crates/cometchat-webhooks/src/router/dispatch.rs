//! Running one delivery's handler: panics caught, de-duplication applied,
//! and the result reduced to an [`Outcome`].

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::FutureExt;
use tokio::task::JoinHandle;
use tracing::{Instrument, Span};

use super::dedupe::{Admission, Dedupe};
use super::handler::{ErasedHandler, ReplyFuture, accepted_body};
use super::metrics;
use super::routes::Routes;
use crate::contract::{Rejection, WebhookResponse};
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
    /// The handler returned an error; its text, for a dead letter.
    Failed(#[cfg_attr(not(feature = "durable"), allow(dead_code))] String),
    /// The handler panicked.
    Panicked,
    /// The handler ran longer than the router's handler timeout and was
    /// stopped.
    TimedOut,
    /// Accepted into the background queue.
    Queued,
    /// The background queue had no room.
    QueueFull,
    /// The background queue no longer accepts deliveries.
    ShuttingDown,
    /// Durable mode: stored (or a duplicate of a stored event); a worker
    /// runs the handler.
    #[cfg_attr(not(feature = "durable"), allow(dead_code))]
    Stored,
    /// Durable mode, or de-duplication: the store did not confirm in time
    /// or is down.
    StoreUnavailable,
    /// As many inline handlers as allowed are already running.
    Busy,
}

impl Outcome {
    /// The value of the span's `outcome` field.
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Outcome::Handled(_) => "handled",
            Outcome::Unhandled => "unhandled",
            Outcome::Duplicate => "duplicate",
            Outcome::InFlight => "in_flight",
            Outcome::Failed(_) => "failed",
            Outcome::Panicked => "panicked",
            Outcome::TimedOut => "timed_out",
            Outcome::Queued => "queued",
            Outcome::QueueFull => "queue_full",
            Outcome::ShuttingDown => "shutting_down",
            Outcome::Stored => "stored",
            Outcome::StoreUnavailable => "store_unavailable",
            Outcome::Busy => "busy",
        }
    }
}

impl Outcome {
    /// The answer to CometChat: a success, or the [`Rejection`] that
    /// decides the status.
    pub(crate) fn into_response(self, retry_after: Duration) -> WebhookResponse {
        let rejection = match self {
            Outcome::Handled(body) => return WebhookResponse::accepted(body),
            Outcome::Unhandled | Outcome::Duplicate | Outcome::Queued | Outcome::Stored => {
                return WebhookResponse::accepted(accepted_body());
            }
            Outcome::Failed(_) | Outcome::Panicked | Outcome::TimedOut => Rejection::HandlerFailed,
            Outcome::QueueFull => Rejection::QueueFull { retry_after },
            Outcome::InFlight => Rejection::InFlight { retry_after },
            Outcome::ShuttingDown => Rejection::ShuttingDown { retry_after },
            Outcome::StoreUnavailable => Rejection::StoreUnavailable { retry_after },
            Outcome::Busy => Rejection::Busy { retry_after },
        };
        WebhookResponse::from(rejection)
    }
}

/// What every way of running a handler shares: the table, the
/// de-duplication and the handler timeout.
pub(crate) struct Dispatcher {
    routes: Routes,
    dedupe: Option<Dedupe>,
    handler_timeout: Duration,
}

impl Dispatcher {
    pub(crate) fn new(routes: Routes, dedupe: Option<Dedupe>, handler_timeout: Duration) -> Self {
        Self { routes, dedupe, handler_timeout }
    }

    pub(crate) fn handler_timeout(&self) -> Duration {
        self.handler_timeout
    }

    /// Awaits a handler's future for at most the handler timeout, turning
    /// its error, panic or overrun into an outcome: the one way every mode
    /// (inline, detached, queued, durable) runs a handler, and so the one
    /// place its duration is measured.
    pub(crate) async fn settle(&self, trigger: &'static str, reply: ReplyFuture) -> Outcome {
        let run = tokio::time::timeout(self.handler_timeout, settle(reply));
        match metrics::time_handler(trigger, run).await {
            Ok(outcome) => outcome,
            Err(_) => {
                tracing::error!(timeout = ?self.handler_timeout, "webhook handler timed out");
                Outcome::TimedOut
            }
        }
    }

    /// Runs the handler under the timeout; an error, a panic or an overrun
    /// becomes an outcome, never escapes.
    pub(crate) async fn run_caught(
        &self,
        handler: &ErasedHandler,
        event: Event,
        key: Option<IdempotencyKey>,
    ) -> Outcome {
        let trigger = metrics::trigger_label(&event);
        self.settle(trigger, handler.call(event, key)).await
    }

    pub(crate) fn routes(&self) -> &Routes {
        &self.routes
    }

    pub(crate) fn deduplicates(&self) -> bool {
        self.dedupe.is_some()
    }

    pub(crate) fn handler_for(&self, event: &Event) -> Option<ErasedHandler> {
        self.routes.route(event.payload()).cloned()
    }

    /// Runs a handler detached or queued, de-duplicated when a deduper is
    /// set (the router then always computed the key). `before_message`
    /// never comes here: it runs inline (see `WebhookRouter::run_mode`).
    pub(crate) async fn execute(
        &self,
        handler: ErasedHandler,
        event: Event,
        key: Option<IdempotencyKey>,
    ) -> Outcome {
        match (&self.dedupe, key) {
            (Some(dedupe), Some(key)) => self.run_deduplicated(dedupe, &handler, event, key).await,
            (_, key) => self.run_caught(&handler, event, key).await,
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
            Outcome::Failed("the delivery task was cancelled".to_owned())
        }
    }
}

/// `before_message` is the one trigger whose response CometChat uses.
pub(crate) fn is_synchronous(event: &Event) -> bool {
    event.known_trigger() == Some(Trigger::BeforeMessage)
}

/// Awaits a handler's future, turning its error or panic into an outcome.
async fn settle(reply: ReplyFuture) -> Outcome {
    match AssertUnwindSafe(reply).catch_unwind().await {
        Ok(Ok(body)) => Outcome::Handled(body),
        Ok(Err(error)) => {
            tracing::warn!(error = %error, "webhook handler failed");
            Outcome::Failed(error.to_string())
        }
        // The panic payload is not logged: it may quote message text.
        Err(_) => {
            tracing::error!("webhook handler panicked");
            Outcome::Panicked
        }
    }
}

impl Dispatcher {
    /// Claims the key, runs the handler, and records the key as done only when
    /// the handler succeeded; otherwise (an error, a panic, a timeout) releases
    /// it so a re-delivery runs again. The claim outlasts the handler
    /// timeout, so the handler is stopped before its claim ends.
    async fn run_deduplicated(
        &self,
        dedupe: &Dedupe,
        handler: &ErasedHandler,
        event: Event,
        key: IdempotencyKey,
    ) -> Outcome {
        match dedupe.admit(&key).await {
            Admission::Duplicate => {
                tracing::debug!("already handled; not running again");
                Outcome::Duplicate
            }
            Admission::InFlight => {
                tracing::debug!("another copy is still running");
                Outcome::InFlight
            }
            Admission::Unavailable => Outcome::StoreUnavailable,
            Admission::Run(token) => {
                let claim = dedupe.hold(&key, token);
                let outcome = self.run_caught(handler, event, Some(key)).await;
                claim.settle(matches!(outcome, Outcome::Handled(_))).await;
                outcome
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_answered_as_their_rejections() {
        let wait = Duration::from_secs(7);
        let failed = Outcome::Failed("down".to_owned()).into_response(wait);
        assert_eq!(failed, WebhookResponse::from(Rejection::HandlerFailed));
        let full = Outcome::QueueFull.into_response(wait);
        assert_eq!((full.status(), full.header("retry-after")), (503, Some("7")));
        let busy = Outcome::InFlight.into_response(wait);
        assert_eq!(busy.body(), r#"{"error":"this delivery is already being handled"}"#);
        let closing = Outcome::ShuttingDown.into_response(wait);
        assert_eq!(closing.body(), r#"{"error":"the webhook router is shutting down"}"#);
        assert_eq!(Outcome::Duplicate.into_response(wait).body(), "{}");
    }
}
