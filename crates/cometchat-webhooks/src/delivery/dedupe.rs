//! [`DedupeStore`]: "has this delivery been handled?" across instances,
//! with leases so a claim held by a dead instance expires.

use std::sync::Arc;
use std::time::Duration;

use super::queue::StoreFuture;

/// The answer to [`DedupeStore::claim`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DedupeClaim {
    /// The caller holds the key until the lease ends: it runs the handler,
    /// then calls [`complete`](DedupeStore::complete) on success or
    /// [`release`](DedupeStore::release) on failure, with this token.
    Acquired(DedupeToken),
    /// A handler already succeeded for this key within the dedupe window.
    Done,
    /// Another holder's lease is running: answer 503 with `Retry-After`,
    /// so the delivery is retried rather than acknowledged unhandled.
    InFlight,
}

/// The fencing token of a [`DedupeClaim::Acquired`]; a holder whose lease
/// expired and was taken over cannot complete or release with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DedupeToken(pub(crate) u64);

impl DedupeToken {
    /// The token's number (increasing with each claim in a store).
    pub fn get(self) -> u64 {
        self.0
    }
}

/// Remembers which deliveries were handled, shared by every instance that
/// uses the same store; the successor of the router's per-process
/// `Deduper`.
///
/// A key is free, held (by one claim, until its lease ends), or done (for
/// the store's dedupe window). Claims of a key held by an instance that
/// died become possible once its lease ends.
pub trait DedupeStore: Send + Sync + 'static {
    /// Claims `key` for `lease`.
    fn claim<'a>(&'a self, key: &'a str, lease: Duration) -> StoreFuture<'a, DedupeClaim>;

    /// Records that the handler for `key` succeeded; fails with
    /// [`DeliveryError::StaleLease`](super::DeliveryError::StaleLease) when
    /// `token` no longer holds the key.
    fn complete<'a>(&'a self, key: &'a str, token: DedupeToken) -> StoreFuture<'a, ()>;

    /// Gives up a claim whose handler failed, so a re-delivery can run it
    /// again; fails with
    /// [`DeliveryError::StaleLease`](super::DeliveryError::StaleLease) when
    /// `token` no longer holds the key.
    fn release<'a>(&'a self, key: &'a str, token: DedupeToken) -> StoreFuture<'a, ()>;
}

/// Lets a caller keep a handle on the store it gives the router.
impl<D: DedupeStore + ?Sized> DedupeStore for Arc<D> {
    fn claim<'a>(&'a self, key: &'a str, lease: Duration) -> StoreFuture<'a, DedupeClaim> {
        (**self).claim(key, lease)
    }

    fn complete<'a>(&'a self, key: &'a str, token: DedupeToken) -> StoreFuture<'a, ()> {
        (**self).complete(key, token)
    }

    fn release<'a>(&'a self, key: &'a str, token: DedupeToken) -> StoreFuture<'a, ()> {
        (**self).release(key, token)
    }
}
