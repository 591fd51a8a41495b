//! Typed routing: one async handler per trigger, picked by its argument type.
//!
// The guide's examples use an adapter's paths (what apps depend on); they
// run as the axum adapter's doctests.
#![cfg_attr(not(doctest), doc = include_str!("../../ROUTER.md"))]

mod background;
mod before_message;
mod builder;
mod dedupe;
mod delivery;
mod dispatch;
#[cfg(feature = "durable")]
mod durable;
mod handler;
mod metrics;
mod routes;
mod shutdown;
mod trace;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinHandle;
use tracing::{Instrument, Span};

/// The in-process dedupe store, also named here for
/// [`RouterBuilder::deduplicate`]; its home is [`delivery`](crate::delivery).
pub use crate::delivery::MemoryDeduper;
pub use background::BackgroundConfig;
pub use before_message::BeforeMessageOutcome;
pub use builder::RouterBuilder;
pub use dedupe::RouterConfigError;
pub use delivery::Delivery;
#[cfg(feature = "durable")]
pub use durable::{DurableConfig, DurableConfigError};
pub use handler::{BeforeMessageOutput, Handler, HandlerOutput, State};
pub use shutdown::{ShutdownReport, UnfinishedDelivery};

use crate::contract::{WebhookResponse, not_a_webhook};
use crate::decode::KeyedEnvelope;
use crate::event::Event;
use crate::idempotency::IdempotencyKey;
use crate::trigger::Trigger;
use background::{Job, Queue, Work};
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
    #[cfg(feature = "durable")]
    durable: Option<Arc<durable::Durable>>,
    /// Permits for handlers that run while the request waits.
    inline_slots: Arc<Semaphore>,
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
    /// - handler `Err`, a panic, or running past the handler timeout → 500,
    ///   so CometChat re-delivers when `retryOnFailure` is on; the router
    ///   keeps serving after a panic;
    /// - no handler → 200;
    /// - as many inline handlers running as allowed → 503 with `Retry-After`;
    /// - background mode: 200 once queued, 503 with `Retry-After` when the
    ///   queue is full or shutting down;
    /// - durable mode: 200 once stored (or a duplicate of a stored event),
    ///   503 with `Retry-After` when the backlog is full, the store is down
    ///   or does not confirm within the request budget;
    /// - de-duplication: 200 without running for a delivery already handled,
    ///   503 with `Retry-After` while another copy is still running.
    ///
    /// Every status comes from [`Rejection`](crate::contract::Rejection).
    /// Needs a Tokio runtime when de-duplication is on: the handler then runs
    /// as its own task, so a dropped request cannot leave its claim unsettled.
    pub async fn handle(&self, event: Event) -> WebhookResponse {
        let span = trace::delivery_span(&event);
        let trigger = metrics::trigger_label(&event);
        // The handler's synchronous part runs in `start`, inside the span.
        let outcome = match span.in_scope(|| self.start(event, &span)) {
            Started::Finished(outcome) => outcome,
            Started::Running(reply, _slot) => {
                self.dispatcher.settle(trigger, reply).instrument(span.clone()).await
            }
            Started::Detached(task, _slot) => dispatch::join(task).instrument(span.clone()).await,
            #[cfg(feature = "durable")]
            Started::Storing(store) => store.instrument(span.clone()).await,
        };
        trace::record_outcome(&span, &outcome);
        metrics::delivery(trigger, &outcome);
        outcome.into_response(self.retry_after)
    }

    /// Answers a webhook body, as received by
    /// [`contract::receive_body`](crate::contract::receive_body): the
    /// adapters' `mount` path.
    ///
    /// When the handler runs after the answer (background and durable
    /// mode), the request path does only what the answer needs: it reads
    /// the envelope and the idempotency key's fields
    /// ([`KeyedEnvelope::read`]), skipping the rest of `data`, and queues
    /// or stores the exact bytes; the worker decodes the typed payload,
    /// once. Otherwise (inline mode, and `before_message`, whose answer is
    /// the handler's outcome) the body is decoded here and
    /// [`handle`](Self::handle)d. Either way a body that is not a webhook
    /// is refused 400, as [`contract::receive`](crate::contract::receive)
    /// refuses it, and every other answer is [`handle`](Self::handle)'s.
    pub async fn handle_body(&self, body: Bytes) -> WebhookResponse {
        let Some(after_answer) = self.after_answer() else {
            return self.decode_and_handle(body).await;
        };
        let read = match KeyedEnvelope::read(&body) {
            Ok(read) => read,
            Err(error) => return WebhookResponse::from(not_a_webhook(error)),
        };
        if read.known_trigger() == Some(Trigger::BeforeMessage) {
            // CometChat waits for the handler's outcome: decoded and
            // answered inline, as in every mode.
            return self.decode_and_handle(body).await;
        }
        self.acknowledge_first(after_answer, read, body).await
    }

    /// Decodes the whole body and [`handle`](Self::handle)s it; 400 for a
    /// body that is not a webhook.
    async fn decode_and_handle(&self, body: Bytes) -> WebhookResponse {
        match Event::from_bytes(body) {
            Ok(event) => self.handle(event).await,
            Err(error) => WebhookResponse::from(not_a_webhook(error)),
        }
    }

    /// Where deliveries wait when handlers run after the answer (so the
    /// request path can acknowledge without decoding the payload); `None`
    /// when they run while the request waits.
    fn after_answer(&self) -> Option<AfterAnswer<'_>> {
        match self.run_mode(false) {
            RunMode::Queued(queue) => Some(AfterAnswer::Queued(queue)),
            #[cfg(feature = "durable")]
            RunMode::Durable(durable) => Some(AfterAnswer::Durable(durable)),
            RunMode::Inline | RunMode::Detached => None,
        }
    }

    /// Queues or stores a body read by [`KeyedEnvelope::read`] alone.
    async fn acknowledge_first(
        &self,
        after_answer: AfterAnswer<'_>,
        read: KeyedEnvelope,
        body: Bytes,
    ) -> WebhookResponse {
        let (envelope, key) = read.into_parts();
        let span = trace::envelope_span(&envelope);
        span.record("idempotency_key", key.as_str());
        let trigger = Trigger::from_wire(&envelope.trigger);
        let label = trigger.map_or("other", Trigger::as_str);
        let outcome = if !self.dispatcher.routes().may_route(trigger) {
            tracing::debug!(parent: &span, "no handler for this trigger");
            Outcome::Unhandled
        } else {
            match after_answer {
                #[cfg(feature = "durable")]
                AfterAnswer::Durable(durable) => {
                    durable.store(&envelope.trigger, &body, &key).instrument(span.clone()).await
                }
                AfterAnswer::Queued(queue) => {
                    let job =
                        Job { work: Work::Received(body), key: Some(key), span: span.clone() };
                    queue.push(job)
                }
            }
        };
        trace::record_outcome(&span, &outcome);
        metrics::delivery(label, &outcome);
        outcome.into_response(self.retry_after)
    }

    /// Stops background work and returns by the deadline, whatever
    /// handlers do.
    ///
    /// - Background mode: stops queueing deliveries (they are answered
    ///   503; `before_message` is still answered inline), runs queued ones
    ///   for up to `grace`, then stops the workers; the report lists the
    ///   acknowledged deliveries that were not handled.
    /// - Durable mode: stops claiming, gives running handlers `grace`,
    ///   then stops them; their events and everything else stay stored
    ///   (requests are still stored meanwhile), and the report lists the
    ///   interrupted handlers.
    /// - Otherwise there is nothing to stop: it returns at once.
    pub async fn shutdown(&self, grace: Duration) -> ShutdownReport {
        #[cfg(feature = "durable")]
        if let Some(durable) = &self.durable {
            return durable.shutdown(grace).await;
        }
        match &self.queue {
            Some(queue) => queue.shutdown(grace).await,
            None => ShutdownReport::default(),
        }
    }

    /// Whether handlers run on in-memory background workers.
    pub fn is_background(&self) -> bool {
        self.queue.is_some()
    }

    /// Whether deliveries are stored before they are answered 200.
    pub fn is_durable(&self) -> bool {
        #[cfg(feature = "durable")]
        return self.durable.is_some();
        #[cfg(not(feature = "durable"))]
        false
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
        match self.run_mode(dispatch::is_synchronous(&event)) {
            RunMode::Inline => match self.inline_slot() {
                Some(slot) => Started::Running(handler.call(event, key), slot),
                None => Started::Finished(Outcome::Busy),
            },
            RunMode::Detached => match self.inline_slot() {
                Some(slot) => Started::Detached(
                    Dispatcher::spawn(&self.dispatcher, handler, event, key, span),
                    slot,
                ),
                None => Started::Finished(Outcome::Busy),
            },
            RunMode::Queued(queue) => Started::Finished(queue.push(Job {
                work: Work::Decoded(Box::new(event)),
                key,
                span: span.clone(),
            })),
            #[cfg(feature = "durable")]
            RunMode::Durable(durable) => match key {
                Some(key) => {
                    Started::Storing(durable.store(event.trigger(), event.raw_bytes(), &key))
                }
                // `key_if_needed` computes the key whenever the router is durable.
                None => Started::Finished(Outcome::StoreUnavailable),
            },
        }
    }

    /// A permit to run a handler while the request waits, or `None` when
    /// as many are running as allowed.
    fn inline_slot(&self) -> Option<OwnedSemaphorePermit> {
        let slot = Arc::clone(&self.inline_slots).try_acquire_owned().ok();
        if slot.is_none() {
            tracing::warn!("as many inline handlers are running as allowed; answering 503");
        }
        slot
    }

    /// How a delivery runs: the one place this is decided.
    /// `synchronous`: the delivery is a `before_message`.
    fn run_mode(&self, synchronous: bool) -> RunMode<'_> {
        // before_message is answered inline and never skipped as a
        // duplicate: CometChat waits for its body, the handler's outcome.
        if synchronous {
            return RunMode::Inline;
        }
        #[cfg(feature = "durable")]
        if let Some(durable) = &self.durable {
            return RunMode::Durable(durable);
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
            || self.is_durable()
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
    /// Stored in the request; run by a durable worker.
    #[cfg(feature = "durable")]
    Durable(&'a durable::Durable),
}

/// Where a delivery waits when its handler runs after the answer.
enum AfterAnswer<'a> {
    /// The in-memory background queue.
    Queued(&'a Queue),
    /// The durable store.
    #[cfg(feature = "durable")]
    Durable(&'a durable::Durable),
}

/// What [`WebhookRouter::handle`] still has to wait for.
enum Started {
    /// Nothing: the outcome is known.
    Finished(Outcome),
    /// The handler's future, run in place, and its inline slot.
    Running(ReplyFuture, OwnedSemaphorePermit),
    /// The handler's task, when de-duplication needs it to run to the end,
    /// and its inline slot.
    Detached(JoinHandle<Outcome>, OwnedSemaphorePermit),
    /// The store's confirmation, in durable mode.
    #[cfg(feature = "durable")]
    Storing(durable::StoreOutcome),
}

impl fmt::Debug for WebhookRouter {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("WebhookRouter")
            .field("routes", &self.dispatcher.routes())
            .field("deduplicates", &self.dispatcher.deduplicates())
            .field("background", &self.is_background())
            .field("durable", &self.is_durable())
            .field("handler_timeout", &self.dispatcher.handler_timeout())
            .field("retry_after", &self.retry_after)
            .finish()
    }
}
