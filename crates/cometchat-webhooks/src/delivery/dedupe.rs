//! [`DedupeStore`]: "has this delivery been handled?", with leases so a
//! claim held by an instance that died expires.

use std::sync::Arc;
use std::time::Duration;

use super::future::StoreFuture;

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

/// Remembers which deliveries were handled, so each event's handler
/// succeeds at most once; the router's de-duplication
/// ([`RouterBuilder::deduplicate`](crate::router::RouterBuilder::deduplicate))
/// runs over it.
///
/// A key is free, held (by one claim, until its lease ends), or done (for
/// the store's dedupe window). A holder settles its claim with its token:
/// [`complete`](Self::complete) when the handler succeeded (the key is
/// done), [`release`](Self::release) when it failed (the key is free, so a
/// re-delivery runs the handler again). A claim of a key whose holder died
/// succeeds once the holder's lease has ended, with a new token; the old
/// token can then no longer settle it.
///
/// Every instance that uses the same store shares these records:
/// [`MemoryDeduper`](super::MemoryDeduper) within one process,
/// `RedbStore` within one process on one machine, `RedisStore` across
/// instances (features `redb`, `redis`).
pub trait DedupeStore: Send + Sync + 'static {
    /// Claims `key` for `lease`. When another holder's lease is running an
    /// implementation may wait a little for it to settle: if it completed,
    /// the answer is [`DedupeClaim::Done`]; if it released, the key can be
    /// acquired.
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
