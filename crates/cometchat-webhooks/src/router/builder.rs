//! [`RouterBuilder`]: registering handlers and choosing how they run.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

use super::WebhookRouter;
use super::background::{BackgroundConfig, Queue};
use super::dedupe::{self, RouterConfigError};
use super::delivery::Delivery;
use super::dispatch::Dispatcher;
use super::handler::sealed::States;
use super::handler::{self, BeforeMessageOutput, Handler, HandlerOutput};
use super::routes::Routes;
use crate::delivery::DedupeStore;
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
    dedupe: Option<Arc<dyn DedupeStore>>,
    dedupe_lease: Option<Duration>,
    retry_after: Duration,
    handler_timeout: Duration,
    max_inline_handlers: usize,
}

impl RouterBuilder {
    /// The `Retry-After` sent with a 503 by default: CometChat's own first
    /// retry comes 10 s after a failure.
    pub const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(10);
    /// How long a handler may run by default before it counts as failed.
    pub const DEFAULT_HANDLER_TIMEOUT: Duration = Duration::from_secs(30);
    /// How many handlers may run at once while their requests wait, by
    /// default. Each holds its event (about twice the body) and an open
    /// connection: with 1 MiB bodies the bound means about 1 GiB at most,
    /// with CometChat's usual few-kilobyte bodies a few megabytes.
    pub const DEFAULT_MAX_INLINE_HANDLERS: usize = 512;
    /// How much longer than the handler timeout a de-duplication claim
    /// lasts by default (60 s with the default handler timeout).
    pub const DEFAULT_DEDUPE_LEASE_MARGIN: Duration = dedupe::DEFAULT_LEASE_MARGIN;

    pub(crate) fn new() -> Self {
        Self {
            routes: Routes::new(),
            states: States::default(),
            dedupe: None,
            dedupe_lease: None,
            retry_after: Self::DEFAULT_RETRY_AFTER,
            handler_timeout: Self::DEFAULT_HANDLER_TIMEOUT,
            max_inline_handlers: Self::DEFAULT_MAX_INLINE_HANDLERS,
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
    /// [`Event::idempotency_key`], over `store`: a
    /// [`MemoryDeduper`](crate::delivery::MemoryDeduper) within one process,
    /// or a store every instance shares (`RedisStore`, feature `redis`), so
    /// replicas behind a load balancer run each event's handler once. Pass
    /// an `Arc` to keep a handle on the store.
    ///
    /// Before the handler runs, the router claims the key for the
    /// [dedupe lease](Self::dedupe_lease); it completes the claim when the
    /// handler succeeded and releases it when the handler failed, panicked
    /// or timed out, so a re-delivery runs it again. A claim left by a
    /// process that died ends with its lease. The store being down is
    /// answered 503 with `Retry-After` (inline).
    pub fn deduplicate(mut self, store: impl DedupeStore) -> Self {
        self.dedupe = Some(Arc::new(store));
        self
    }

    /// Sets how long a de-duplication claim holds its key: how long a copy
    /// of a delivery whose first copy's process died waits before it can
    /// run. Default: the handler timeout plus
    /// [`DEFAULT_DEDUPE_LEASE_MARGIN`](Self::DEFAULT_DEDUPE_LEASE_MARGIN).
    ///
    /// It must be longer than the handler timeout (the durable mode's,
    /// with [`durable`](Self::durable)), or the build is refused with
    /// [`RouterConfigError::DedupeLeaseNotLongerThanHandlerTimeout`]: the
    /// claim is not renewed, and the handler timeout is what stops a
    /// handler before its claim ends. Leave room for the store's round
    /// trips.
    pub fn dedupe_lease(mut self, lease: Duration) -> Self {
        self.dedupe_lease = Some(lease);
        self
    }

    /// Sets the `Retry-After` sent with a 503.
    pub fn retry_after(mut self, retry_after: Duration) -> Self {
        self.retry_after = retry_after;
        self
    }

    /// Sets how long a handler may run (default 30 s). One that runs
    /// longer is stopped and counts as failed: 500 inline (its dedupe
    /// claim released, so a re-delivery runs it again), logged in
    /// background mode. Durable mode uses
    /// [`DurableConfig::handler_timeout`](super::DurableConfig) instead,
    /// which its lease is checked against.
    pub fn handler_timeout(mut self, timeout: Duration) -> Self {
        self.handler_timeout = timeout;
        self
    }

    /// Sets how many handlers may run at once while their requests wait
    /// (inline, and de-duplicated ones; at least one); one more is
    /// answered 503 with `Retry-After`. Default
    /// [`DEFAULT_MAX_INLINE_HANDLERS`](Self::DEFAULT_MAX_INLINE_HANDLERS).
    pub fn max_inline_handlers(mut self, max: usize) -> Self {
        self.max_inline_handlers = max.max(1);
        self
    }

    /// A router that runs each handler while CometChat waits for the answer.
    ///
    /// # Panics
    /// When [`try_build`](Self::try_build) refuses the configuration (a
    /// [dedupe lease](Self::dedupe_lease) not longer than the handler
    /// timeout), with its error's message.
    pub fn build(self) -> WebhookRouter {
        self.try_build().unwrap_or_else(|error| panic!("{error}"))
    }

    /// Like [`build`](Self::build), returning a configuration that cannot
    /// work as an error.
    ///
    /// # Errors
    /// [`RouterConfigError`] when a [dedupe lease](Self::dedupe_lease) is
    /// not longer than the handler timeout.
    pub fn try_build(self) -> Result<WebhookRouter, RouterConfigError> {
        let inline_slots = Arc::new(Semaphore::new(self.max_inline_handlers));
        let retry_after = self.retry_after;
        let handler_timeout = self.handler_timeout;
        let dispatcher = self.dispatcher(handler_timeout)?;
        Ok(WebhookRouter {
            dispatcher: Arc::new(dispatcher),
            queue: None,
            #[cfg(feature = "durable")]
            durable: None,
            inline_slots,
            retry_after,
        })
    }

    /// The table, the de-duplication and the timeout every mode shares.
    fn dispatcher(self, handler_timeout: Duration) -> Result<Dispatcher, RouterConfigError> {
        let lease = self.dedupe_lease;
        let dedupe =
            self.dedupe.map(|store| dedupe::resolve(store, lease, handler_timeout)).transpose()?;
        Ok(Dispatcher::new(self.routes, dedupe, handler_timeout))
    }

    /// A router that answers 200 once a delivery is queued and runs handlers
    /// on `config.workers()` worker tasks; a full queue is answered 503
    /// with `Retry-After`. A handler's failure can then no longer make
    /// CometChat re-deliver: it is logged. `before_message` still runs
    /// inline. Call [`WebhookRouter::shutdown`] to drain the queue before
    /// exiting: whatever is still queued when the process ends is lost.
    ///
    /// # Panics
    /// Outside a Tokio runtime, like `tokio::spawn`: the workers are spawned
    /// on the current runtime. When
    /// [`try_build_background`](Self::try_build_background) refuses the
    /// configuration, with its error's message.
    pub fn build_background(self, config: BackgroundConfig) -> WebhookRouter {
        self.try_build_background(config).unwrap_or_else(|error| panic!("{error}"))
    }

    /// Like [`build_background`](Self::build_background), returning a
    /// configuration that cannot work as an error.
    ///
    /// # Errors
    /// [`RouterConfigError`] when a [dedupe lease](Self::dedupe_lease) is
    /// not longer than the handler timeout.
    ///
    /// # Panics
    /// Outside a Tokio runtime, like `tokio::spawn`.
    pub fn try_build_background(
        self,
        config: BackgroundConfig,
    ) -> Result<WebhookRouter, RouterConfigError> {
        let inline_slots = Arc::new(Semaphore::new(self.max_inline_handlers));
        let retry_after = self.retry_after;
        let handler_timeout = self.handler_timeout;
        let dispatcher = Arc::new(self.dispatcher(handler_timeout)?);
        let queue = Queue::start(config, Arc::clone(&dispatcher));
        Ok(WebhookRouter {
            dispatcher,
            queue: Some(Arc::new(queue)),
            #[cfg(feature = "durable")]
            durable: None,
            inline_slots,
            retry_after,
        })
    }

    /// A durable router: a delivery is answered 200 only once `queue`
    /// stored it (or already holds it: a duplicate), and
    /// `config.workers()` workers claim stored events under a lease, run
    /// their handlers, and ack them, retry them with backoff, or leave
    /// them to the store's dead letters after its `max_attempts`.
    ///
    /// The store not confirming within `config.request_budget()`, being
    /// down, or its backlog being full is answered 503 with `Retry-After`,
    /// never 200. `before_message` still runs inline. A handler may run
    /// more than once for one event (at-least-once): make its side effects
    /// idempotent with the idempotency key ([`on_with_delivery`](Self::on_with_delivery)).
    /// Call [`WebhookRouter::shutdown`] before exiting; what is not
    /// finished stays stored.
    ///
    /// # Errors
    /// [`DurableConfigError`](super::DurableConfigError) when `config`
    /// cannot work, e.g. a lease not longer than the handler timeout, or a
    /// [dedupe lease](Self::dedupe_lease) not longer than `config`'s
    /// handler timeout.
    ///
    /// # Panics
    /// Outside a Tokio runtime, like `tokio::spawn`: the workers are spawned
    /// on the current runtime.
    #[cfg(feature = "durable")]
    pub fn durable(
        self,
        queue: Arc<dyn crate::delivery::EventQueue>,
        config: super::DurableConfig,
    ) -> Result<WebhookRouter, super::DurableConfigError> {
        config.validate()?;
        let inline_slots = Arc::new(Semaphore::new(self.max_inline_handlers));
        let retry_after = self.retry_after;
        let dispatcher = Arc::new(self.dispatcher(config.handler_timeout())?);
        let durable = super::durable::Durable::start(queue, config, Arc::clone(&dispatcher));
        Ok(WebhookRouter {
            dispatcher,
            queue: None,
            durable: Some(Arc::new(durable)),
            inline_slots,
            retry_after,
        })
    }
}

impl fmt::Debug for RouterBuilder {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("RouterBuilder")
            .field("routes", &self.routes)
            .field("deduplicates", &self.dedupe.is_some())
            .field("dedupe_lease", &self.dedupe_lease)
            .field("retry_after", &self.retry_after)
            .field("handler_timeout", &self.handler_timeout)
            .field("max_inline_handlers", &self.max_inline_handlers)
            .finish()
    }
}
