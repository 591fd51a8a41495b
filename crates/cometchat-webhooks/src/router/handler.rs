//! Turns the closures users register into the one erased shape the routing
//! table stores: a function from the event to a boxed future of the body to
//! answer with.

use std::error::Error;
use std::fmt;
use std::future::{Future, ready};
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::future::lazy;

use super::before_message::BeforeMessageOutcome;
use super::delivery::Delivery;
use crate::error_chain::ErrorChain;
use crate::event::Event;
use crate::idempotency::IdempotencyKey;
use crate::payload::BeforeMessage;
use crate::trigger::TypedPayload;

/// What a handler's error becomes once erased.
pub(crate) type BoxError = Box<dyn Error + Send + Sync>;

/// A handler's answer: the JSON body of a 200, or why it failed.
pub(crate) type Reply = Result<Bytes, BoxError>;

/// The future every erased handler returns.
pub(crate) type ReplyFuture = Pin<Box<dyn Future<Output = Reply> + Send>>;

/// The erased call: the event, and its idempotency key when the router
/// computed it.
type ErasedCall = dyn Fn(Event, Option<IdempotencyKey>) -> ReplyFuture + Send + Sync;

/// Every handler as stored: its call, and whether it takes the idempotency
/// key, so the router computes the key (once) only when something uses it.
#[derive(Clone)]
pub(crate) struct ErasedHandler {
    call: Arc<ErasedCall>,
    wants_key: bool,
}

impl ErasedHandler {
    fn new(
        wants_key: bool,
        call: impl Fn(Event, Option<IdempotencyKey>) -> ReplyFuture + Send + Sync + 'static,
    ) -> Self {
        Self { call: Arc::new(call), wants_key }
    }

    /// Whether the handler reads the idempotency key.
    pub(crate) fn wants_key(&self) -> bool {
        self.wants_key
    }

    /// Starts the handler; only its future is left to await.
    pub(crate) fn call(&self, event: Event, key: Option<IdempotencyKey>) -> ReplyFuture {
        (self.call)(event, key)
    }
}

/// The body of an ordinary 200 (and of a `before_message` left unchanged).
pub(crate) fn accepted_body() -> Bytes {
    Bytes::from_static(b"{}")
}

/// A handler taking the typed payload of one trigger, and the state it
/// asks for.
pub(crate) fn typed<T, H, M>(handler: H, states: &States) -> ErasedHandler
where
    T: TypedPayload,
    H: Handler<T, M, Output: HandlerOutput>,
{
    let handler = handler.bind(states);
    ErasedHandler::new(false, move |event: Event, _key| {
        match T::from_payload(event.into_payload()) {
            Ok(payload) => call_now(|| handler(payload)),
            Err(_) => mismatch::<T>(),
        }
    })
}

/// A handler taking the typed payload and the delivery around it. The
/// payload is cloned out of the event, which the delivery keeps whole.
pub(crate) fn typed_with_delivery<T, F, Fut>(handler: F) -> ErasedHandler
where
    T: TypedPayload + Clone,
    F: Fn(T, Delivery) -> Fut + Send + Sync + 'static,
    Fut: Future<Output: HandlerOutput> + Send + 'static,
{
    ErasedHandler::new(true, move |event: Event, key: Option<IdempotencyKey>| {
        let Some(payload) = event.typed::<T>().cloned() else { return mismatch::<T>() };
        // The router computes the key for every handler that wants it.
        let Some(key) = key else { return defect(RoutingDefect::NoKey(T::TRIGGER.as_str())) };
        call_now(|| handler(payload, Delivery::new(event, key)))
    })
}

/// The `before_message` handler: its outcome is the response body.
pub(crate) fn before_message<H, M>(handler: H, states: &States) -> ErasedHandler
where
    H: Handler<BeforeMessage, M, Output: BeforeMessageOutput>,
{
    let handler = handler.bind(states);
    ErasedHandler::new(false, move |event: Event, _key| {
        match BeforeMessage::from_payload(event.into_payload()) {
            Ok(message) => call_now(|| handler(message)),
            Err(_) => mismatch::<BeforeMessage>(),
        }
    })
}

/// A handler taking the whole event: category, unknown and fallback.
pub(crate) fn whole_event<H, M>(handler: H, states: &States) -> ErasedHandler
where
    H: Handler<Event, M, Output: HandlerOutput>,
{
    let handler = handler.bind(states);
    ErasedHandler::new(false, move |event: Event, _key| call_now(|| handler(event)))
}

/// Application state handed to a handler that asks for it, registered once
/// with [`RouterBuilder::with_state`](super::RouterBuilder::with_state):
/// `|sent: MessageSent, State(app): State<Arc<App>>| async move { … }`.
/// Each call gets its own clone, so share what is expensive behind an `Arc`.
#[derive(Debug, Clone, Copy, Default)]
pub struct State<S>(pub S);

/// An async function the builder accepts as a handler of `I` (a typed
/// payload, [`BeforeMessage`] or the whole [`Event`]): `|input| async { … }`,
/// or `|input, State(app): State<S>| async { … }` for state registered with
/// [`RouterBuilder::with_state`](super::RouterBuilder::with_state). `M` only
/// tells the two shapes apart and is always inferred.
pub trait Handler<I, M>: sealed::Bind<I, M> {}

impl<H: sealed::Bind<I, M>, I, M> Handler<I, M> for H {}

/// What an ordinary handler's future may resolve to: `()`, or
/// `Result<(), E>` for any error that converts into
/// `Box<dyn Error + Send + Sync>` (an `Err` answers 500 so CometChat
/// delivers the event again).
pub trait HandlerOutput: sealed::IntoReply {}

impl HandlerOutput for () {}
impl<E: Into<BoxError>> HandlerOutput for Result<(), E> {}

/// What a `before_message` handler's future may resolve to: a
/// [`BeforeMessageOutcome`], or `Result<BeforeMessageOutcome, E>`.
pub trait BeforeMessageOutput: sealed::IntoReply {}

impl BeforeMessageOutput for BeforeMessageOutcome {}
impl<E: Into<BoxError>> BeforeMessageOutput for Result<BeforeMessageOutcome, E> {}

/// Public in name only, so the public traits above can use them while no
/// one outside the crate implements or calls them.
pub(crate) mod sealed {
    use std::any::{Any, TypeId, type_name};
    use std::collections::HashMap;
    use std::future::Future;

    use std::marker::PhantomData;

    use super::{BeforeMessageOutcome, BoxError, Reply, State, accepted_body, with_sources};

    /// The handler is called with only its input.
    #[derive(Debug)]
    pub struct WithoutState;

    /// The handler is called with its input and the registered `S`.
    #[derive(Debug)]
    pub struct WithState<S>(PhantomData<S>);

    /// The states registered on a builder, one per type.
    #[derive(Default)]
    pub struct States(HashMap<TypeId, Box<dyn Any + Send + Sync>>);

    impl States {
        pub(crate) fn insert<S: Clone + Send + Sync + 'static>(&mut self, state: S) {
            self.0.insert(TypeId::of::<S>(), Box::new(state));
        }

        /// The registered state of type `S`.
        ///
        /// # Panics
        /// When none was registered: a handler asking for state nobody
        /// gave is a mistake in how the router is built, found as it is
        /// built, the way axum refuses a route whose state is missing.
        fn get<S: Clone + 'static>(&self) -> S {
            match self.0.get(&TypeId::of::<S>()).and_then(|state| state.downcast_ref::<S>()) {
                Some(state) => state.clone(),
                None => panic!(
                    "a router handler takes `State<{}>`, but no state of that type was registered; \
                     call `.with_state(…)` on the builder before registering the handler",
                    type_name::<S>()
                ),
            }
        }
    }

    impl std::fmt::Debug for States {
        fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            formatter.debug_struct("States").field("count", &self.0.len()).finish()
        }
    }

    /// A handler's output as the router's answer.
    pub trait IntoReply {
        fn into_reply(self) -> Reply;
    }

    impl IntoReply for () {
        fn into_reply(self) -> Reply {
            Ok(accepted_body())
        }
    }

    impl<E: Into<BoxError>> IntoReply for Result<(), E> {
        fn into_reply(self) -> Reply {
            self.map(|()| accepted_body()).map_err(with_sources)
        }
    }

    impl IntoReply for BeforeMessageOutcome {
        fn into_reply(self) -> Reply {
            Ok(self.body())
        }
    }

    impl<E: Into<BoxError>> IntoReply for Result<BeforeMessageOutcome, E> {
        fn into_reply(self) -> Reply {
            self.map(|outcome| outcome.body()).map_err(with_sources)
        }
    }

    /// A handler with its state looked up once, as a call of the input.
    pub trait Bind<I, M>: Send + Sync + 'static {
        type Output: IntoReply;
        type Future: Future<Output = Self::Output> + Send + 'static;

        fn bind(self, states: &States) -> impl Fn(I) -> Self::Future + Send + Sync + 'static;
    }

    impl<F, Fut, I> Bind<I, WithoutState> for F
    where
        F: Fn(I) -> Fut + Send + Sync + 'static,
        Fut: Future<Output: IntoReply> + Send + 'static,
    {
        type Output = Fut::Output;
        type Future = Fut;

        fn bind(self, _states: &States) -> impl Fn(I) -> Fut + Send + Sync + 'static {
            self
        }
    }

    impl<F, Fut, I, S> Bind<I, WithState<S>> for F
    where
        F: Fn(I, State<S>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output: IntoReply> + Send + 'static,
        S: Clone + Send + Sync + 'static,
    {
        type Output = Fut::Output;
        type Future = Fut;

        fn bind(self, states: &States) -> impl Fn(I) -> Fut + Send + Sync + 'static {
            let state: S = states.get();
            move |input| self(input, State(state.clone()))
        }
    }
}

use sealed::{IntoReply, States};

/// Calls the user's closure now, so only the future it returns is boxed.
/// A panic in the closure's synchronous part is carried into that future
/// and resumed when it is polled, where the router catches every panic.
fn call_now<Fut>(call: impl FnOnce() -> Fut) -> ReplyFuture
where
    Fut: Future + Send + 'static,
    Fut::Output: IntoReply,
{
    match catch_unwind(AssertUnwindSafe(call)) {
        Ok(future) => Box::pin(async move { future.await.into_reply() }),
        Err(panic) => Box::pin(lazy(move |_| -> Reply { resume_unwind(panic) })),
    }
}

/// A handler's error as the router logs it: the log line shows an error's
/// `Display`, which for most errors leaves out their causes.
fn with_sources(error: impl Into<BoxError>) -> BoxError {
    Box::new(HandlerFailure(error.into()))
}

/// Displays as `error: cause: cause …`. It reports no `source` of its own,
/// so a reporter that walks sources does not print the chain twice.
#[derive(Debug)]
struct HandlerFailure(BoxError);

impl fmt::Display for HandlerFailure {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        ErrorChain(&*self.0).fmt(formatter)
    }
}

impl Error for HandlerFailure {}

/// Routing hands a typed handler only its own trigger's decoded payload, so
/// this is a defect in the routing table, reported as a failed handler
/// rather than a panic.
fn mismatch<T: TypedPayload>() -> ReplyFuture {
    defect(RoutingDefect::Mismatch(T::TRIGGER.as_str()))
}

fn defect(defect: RoutingDefect) -> ReplyFuture {
    let error: BoxError = Box::new(defect);
    Box::pin(ready(Err(error)))
}

/// A handler called with what routing promised it but did not give.
#[derive(Debug)]
enum RoutingDefect {
    /// An event of another trigger.
    Mismatch(&'static str),
    /// No idempotency key for a handler that takes one.
    NoKey(&'static str),
}

impl fmt::Display for RoutingDefect {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RoutingDefect::Mismatch(trigger) => {
                write!(formatter, "the event was routed to the `{trigger}` handler but is not one")
            }
            RoutingDefect::NoKey(trigger) => {
                write!(formatter, "the `{trigger}` handler was called without the idempotency key")
            }
        }
    }
}

impl Error for RoutingDefect {}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("the order could not be saved")]
    struct SaveFailed(#[source] std::io::Error);

    #[test]
    fn a_handler_error_displays_its_whole_source_chain() {
        let error = with_sources(SaveFailed(std::io::Error::other("disk full")));
        assert_eq!(error.to_string(), "the order could not be saved: disk full");
        let plain = with_sources("the database is down");
        assert_eq!(plain.to_string(), "the database is down");
    }
}
