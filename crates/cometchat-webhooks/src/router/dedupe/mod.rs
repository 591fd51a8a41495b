//! De-duplication of deliveries by [`IdempotencyKey`]. CometChat may deliver
//! an event more than once (network retries, and its own retries at +10 s and
//! +30 s after a failure); a [`Deduper`] makes a handler run once per event.

mod memory;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

pub use memory::MemoryDeduper;

use crate::idempotency::IdempotencyKey;

/// The boxed future a [`Deduper`] method returns, so the trait can be used as
/// `dyn Deduper` and implemented over an async store.
pub type DedupeFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The answer to [`Deduper::claim`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Claim {
    /// The caller now owns the key: it runs the handler, then calls
    /// [`complete`](Deduper::complete) on success or
    /// [`release`](Deduper::release) on failure.
    Acquired,
    /// A handler already succeeded for this key: do not run it again.
    Done,
    /// Another copy holds the key and did not settle in time. The router
    /// answers 503 with `Retry-After`, so the event is retried rather than
    /// acknowledged before its handler succeeded.
    InFlight,
}

/// Remembers which deliveries were handled, so each event's handler
/// succeeds at most once.
///
/// A key moves from free to claimed ([`Claim::Acquired`]) to done
/// ([`complete`](Self::complete)), or back to free
/// ([`release`](Self::release)) when the handler failed, so a re-delivery
/// runs it again. Implementations over a shared store (Redis, a database)
/// de-duplicate across instances; [`MemoryDeduper`] does it within one.
pub trait Deduper: Send + Sync + 'static {
    /// Claims `key` for running its handler. When another copy holds it, an
    /// implementation may wait for that copy to settle: if it succeeded the
    /// answer is [`Claim::Done`], if it failed the key is free to acquire.
    fn claim<'a>(&'a self, key: &'a IdempotencyKey) -> DedupeFuture<'a, Claim>;

    /// Records that the handler for `key` succeeded.
    fn complete<'a>(&'a self, key: &'a IdempotencyKey) -> DedupeFuture<'a, ()>;

    /// Gives up a claim whose handler failed, so the key can be claimed again.
    fn release<'a>(&'a self, key: &'a IdempotencyKey) -> DedupeFuture<'a, ()>;
}

/// Lets a caller keep a handle on the deduper it gives the router.
impl<D: Deduper + ?Sized> Deduper for Arc<D> {
    fn claim<'a>(&'a self, key: &'a IdempotencyKey) -> DedupeFuture<'a, Claim> {
        (**self).claim(key)
    }

    fn complete<'a>(&'a self, key: &'a IdempotencyKey) -> DedupeFuture<'a, ()> {
        (**self).complete(key)
    }

    fn release<'a>(&'a self, key: &'a IdempotencyKey) -> DedupeFuture<'a, ()> {
        (**self).release(key)
    }
}
