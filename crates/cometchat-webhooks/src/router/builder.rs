//! [`RouterBuilder`]: registering handlers and choosing how they run.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use super::WebhookRouter;
use super::background::{BackgroundConfig, Queue};
use super::dedupe::Deduper;
use super::delivery::Delivery;
use super::dispatch::Dispatcher;
use super::handler::sealed::States;
use super::handler::{self, BeforeMessageOutput, Handler, HandlerOutput};
use super::routes::Routes;
use crate::event::Event;
use crate::payload::BeforeMessage;
use crate::trigger::{Category, Trigger, TypedPayload};

/// Collects handlers; [`build`](Self::build) turns it into a [`WebhookRouter`].
///
/// Handlers are async closures returning `()`, or `Result<(), E>` for any
/// error type that converts into `Box<dyn Error + Send + Sync>` (see
/// [`HandlerOutput`]). They reach application state as a second argument,
/// `State(app): State<Arc<App>>`, registered once with
/// [`with_state`](Self::with_state), or through what they capture.
/// Registering a second handler for the same trigger, category, unknown or
/// fallback slot replaces the first.
#[must_use = "a router builder does nothing until it is built"]
pub struct RouterBuilder {
    routes: Routes,
    states: States,
    deduper: Option<Arc<dyn Deduper>>,
    retry_after: Duration,
}

impl RouterBuilder {
    /// The `Retry-After` sent with a 503 by default: CometChat's own first
    /// retry comes 10 s after a failure.
    pub const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(10);

    pub(crate) fn new() -> Self {
        Self {
            routes: Routes::new(),
            states: States::default(),
            deduper: None,
            retry_after: Self::DEFAULT_RETRY_AFTER,
        }
    }

    /// Registers `state` for the handlers registered after this call that
    /// take a [`State<S>`](super::State) argument of its type; each call
    /// gets a clone. One state per type: registering another of the same
    /// type replaces it for the handlers registered afterwards.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicU64, Ordering};
    ///
    /// use cometchat_webhooks::payload::MessageSent;
    /// use cometchat_webhooks::router::{State, WebhookRouter};
    ///
    /// struct App {
    ///     messages: AtomicU64,
    /// }
    ///
    /// let app = Arc::new(App { messages: AtomicU64::new(0) });
    /// let router = WebhookRouter::builder()
    ///     .with_state(Arc::clone(&app))
    ///     .on(|_sent: MessageSent, State(app): State<Arc<App>>| async move {
    ///         app.messages.fetch_add(1, Ordering::Relaxed);
    ///     })
    ///     .build();
    /// # let _ = router;
    /// ```
    pub fn with_state<S: Clone + Send + Sync + 'static>(mut self, state: S) -> Self {
        self.states.insert(state);
        self
    }

    /// Runs `handler` for every event of the trigger its argument type
    /// belongs to, e.g. `|sent: MessageSent| async move { … }`.
    ///
    /// For `BeforeMessage` this delivers the message unchanged after the
    /// handler succeeds; use [`on_before_message`](Self::on_before_message)
    /// to decide its fate.
    ///
    /// # Panics
    /// When the handler takes a [`State<S>`](super::State) and no `S` was
    /// registered with [`with_state`](Self::with_state) before it.
    pub fn on<T, H, M>(mut self, handler: H) -> Self
    where
        T: TypedPayload,
        H: Handler<T, M, Output: HandlerOutput>,
    {
        self.routes.set_trigger(T::TRIGGER, handler::typed(handler, &self.states));
        self
    }

    /// Like [`on`](Self::on), also passing the [`Delivery`]: app id,
    /// webhook id, idempotency key, raw bytes and the whole event. The
    /// payload is a clone of the one in the event.
    pub fn on_with_delivery<T, F, Fut>(mut self, handler: F) -> Self
    where
        T: TypedPayload + Clone,
        F: Fn(T, Delivery) -> Fut + Send + Sync + 'static,
        Fut: Future<Output: HandlerOutput> + Send + 'static,
    {
        self.routes.set_trigger(T::TRIGGER, handler::typed_with_delivery(handler));
        self
    }

    /// Decides the fate of a message announced by the legacy, synchronous
    /// `before_message` webhook: its [`BeforeMessageOutcome`](super::BeforeMessageOutcome) is the
    /// response body. Always run inline, never queued or de-duplicated,
    /// because CometChat waits for this answer. The handler returns a
    /// [`BeforeMessageOutcome`](super::BeforeMessageOutcome) or a `Result` of one (see
    /// [`BeforeMessageOutput`]); it may take a [`State<S>`](super::State)
    /// as [`on`](Self::on) handlers do.
    pub fn on_before_message<H, M>(mut self, handler: H) -> Self
    where
        H: Handler<BeforeMessage, M, Output: BeforeMessageOutput>,
    {
        let handler = handler::before_message(handler, &self.states);
        self.routes.set_trigger(Trigger::BeforeMessage, handler);
        self
    }

    /// Runs `handler` for events of `category` that have no handler of their
    /// own, including events whose `data` did not fit its type.
    pub fn on_category<H, M>(mut self, category: Category, handler: H) -> Self
    where
        H: Handler<Event, M, Output: HandlerOutput>,
    {
        self.routes.set_category(category, handler::whole_event(handler, &self.states));
        self
    }

    /// Runs `handler` for triggers this version does not know; their `data`
    /// is kept raw ([`Event::raw_data`]).
    pub fn on_unknown<H, M>(mut self, handler: H) -> Self
    where
        H: Handler<Event, M, Output: HandlerOutput>,
    {
        self.routes.set_unknown(handler::whole_event(handler, &self.states));
        self
    }

    /// Runs `handler` for every event no other handler takes.
    pub fn fallback<H, M>(mut self, handler: H) -> Self
    where
        H: Handler<Event, M, Output: HandlerOutput>,
    {
        self.routes.set_fallback(handler::whole_event(handler, &self.states));
        self
    }

    /// Runs each event's handler until it succeeds once, keyed by
    /// [`Event::idempotency_key`]; see [`Deduper`]. Pass an `Arc` to keep a
    /// handle on the deduper.
    pub fn deduplicate(mut self, deduper: impl Deduper) -> Self {
        self.deduper = Some(Arc::new(deduper));
        self
    }

    /// Sets the `Retry-After` sent with a 503.
    pub fn retry_after(mut self, retry_after: Duration) -> Self {
        self.retry_after = retry_after;
        self
    }

    /// A router that runs each handler while CometChat waits for the answer.
    pub fn build(self) -> WebhookRouter {
        WebhookRouter {
            dispatcher: Arc::new(Dispatcher::new(self.routes, self.deduper)),
            queue: None,
            retry_after: self.retry_after,
        }
    }

    /// A router that answers 200 once a delivery is queued and runs handlers
    /// on `config.workers()` worker tasks; a full queue is answered 503
    /// with `Retry-After`. A handler's failure can then no longer make
    /// CometChat re-deliver: it is logged. `before_message` still runs
    /// inline. Call [`WebhookRouter::shutdown`] to drain the queue before exiting.
    ///
    /// # Panics
    /// Outside a Tokio runtime, like `tokio::spawn`: the workers are spawned
    /// on the current runtime.
    pub fn build_background(self, config: BackgroundConfig) -> WebhookRouter {
        let dispatcher = Arc::new(Dispatcher::new(self.routes, self.deduper));
        let queue = Queue::start(config, Arc::clone(&dispatcher));
        WebhookRouter { dispatcher, queue: Some(Arc::new(queue)), retry_after: self.retry_after }
    }
}

impl fmt::Debug for RouterBuilder {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("RouterBuilder")
            .field("routes", &self.routes)
            .field("deduplicates", &self.deduper.is_some())
            .field("retry_after", &self.retry_after)
            .finish()
    }
}
