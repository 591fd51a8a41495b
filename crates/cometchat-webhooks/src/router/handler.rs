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

/// A handler taking the typed payload of one trigger.
pub(crate) fn typed<T, F, Fut, E>(handler: F) -> ErasedHandler
where
    T: TypedPayload,
    F: Fn(T) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), E>> + Send + 'static,
    E: Into<BoxError>,
{
    ErasedHandler::new(false, move |event: Event, _key| {
        match T::from_payload(event.into_payload()) {
            Ok(payload) => call_now(|| handler(payload)),
            Err(_) => mismatch::<T>(),
        }
    })
}

/// A handler taking the typed payload and the delivery around it. The
/// payload is cloned out of the event, which the delivery keeps whole.
pub(crate) fn typed_with_delivery<T, F, Fut, E>(handler: F) -> ErasedHandler
where
    T: TypedPayload + Clone,
    F: Fn(T, Delivery) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), E>> + Send + 'static,
    E: Into<BoxError>,
{
    ErasedHandler::new(true, move |event: Event, key: Option<IdempotencyKey>| {
        let Some(payload) = event.typed::<T>().cloned() else { return mismatch::<T>() };
        // The router computes the key for every handler that wants it.
        let Some(key) = key else { return defect(RoutingDefect::NoKey(T::TRIGGER.as_str())) };
        call_now(|| handler(payload, Delivery::new(event, key)))
    })
}

/// The `before_message` handler: its outcome is the response body.
pub(crate) fn before_message<F, Fut, E>(handler: F) -> ErasedHandler
where
    F: Fn(BeforeMessage) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<BeforeMessageOutcome, E>> + Send + 'static,
    E: Into<BoxError>,
{
    ErasedHandler::new(false, move |event: Event, _key| {
        match BeforeMessage::from_payload(event.into_payload()) {
            Ok(message) => call_now(|| handler(message)),
            Err(_) => mismatch::<BeforeMessage>(),
        }
    })
}

/// A handler taking the whole event: category, unknown and fallback.
pub(crate) fn whole_event<F, Fut, E>(handler: F) -> ErasedHandler
where
    F: Fn(Event) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), E>> + Send + 'static,
    E: Into<BoxError>,
{
    ErasedHandler::new(false, move |event: Event, _key| call_now(|| handler(event)))
}

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

/// What a handler's own result means as an answer.
trait IntoReply {
    fn into_reply(self) -> Reply;
}

impl<E: Into<BoxError>> IntoReply for Result<(), E> {
    fn into_reply(self) -> Reply {
        self.map(|()| accepted_body()).map_err(Into::into)
    }
}

impl<E: Into<BoxError>> IntoReply for Result<BeforeMessageOutcome, E> {
    fn into_reply(self) -> Reply {
        self.map(|outcome| outcome.body()).map_err(Into::into)
    }
}

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
