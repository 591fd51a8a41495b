//! [`EventQueue`]: the durable queue every engine implements.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::error::DeliveryError;
use super::event::{
    ClaimedEvent, DeadLetter, EnqueueOutcome, EventDetails, FailOutcome, Lease, QueueStats,
    StoredEvent, WorkerTurn,
};
// Also named here, next to the trait, where the engines import it from.
pub(super) use super::future::StoreFuture;

/// A durable queue of webhook events with leases, retries and dead letters.
///
/// The life of an event:
///
/// ```text
/// enqueue ─► waiting ─claim─► in flight ─ack─► (gone; key remembered for the dedupe window)
///               ▲                │  │
///               │ retry due      │  └─ lease expires ─► claimable again (next claim counts)
///               └── scheduled ◄─fail (attempts left)
///                                └─fail (last attempt) / claim beyond max ─► dead ─redrive─► waiting
/// ```
///
/// Every operation is atomic in the store. Attempts are counted when an
/// event is claimed, so an event whose handler kills the process is
/// dead-lettered after `max_attempts` claims instead of looping forever.
/// [`renew`](Self::renew), [`ack`](Self::ack) and [`fail`](Self::fail) are
/// fenced: they succeed only while the caller's [`Lease`] is the event's
/// latest claim, and otherwise fail with
/// [`DeliveryError::StaleLease`] and change nothing. A lease that expired
/// but was not yet claimed again is still honoured.
pub trait EventQueue: Send + Sync + 'static {
    /// Stores `event` unless its idempotency key is already stored or was
    /// accepted within the dedupe window, and unless the backlog is full:
    /// de-duplication, the bound check and the append are one atomic step.
    /// Returns only once the event is as durable as the engine makes it;
    /// fails with [`DeliveryError::Timeout`] when that takes longer than
    /// the request budget.
    fn enqueue<'a>(&'a self, event: &'a StoredEvent) -> StoreFuture<'a, EnqueueOutcome>;

    /// Hands out the next claimable event under a new lease of length
    /// `lease`, or `None` when nothing is claimable. Events over their
    /// attempt limit are dead-lettered on the way.
    ///
    /// Which event comes next is up to the engine: the embedded engines
    /// take an expired lease first, then a due retry, then the oldest
    /// waiting event; Redis takes an expired lease first, and puts due
    /// retries behind the events already waiting. With Redis a lease
    /// expires when its event was idle longer than the *claiming* worker's
    /// `lease`, so every instance of an application should use the same
    /// lease length.
    fn claim(&self, lease: Duration) -> StoreFuture<'_, Option<ClaimedEvent>>;

    /// Hands out up to `max` claimable events in one round trip to the
    /// store, each under its own lease and fencing token, exactly as `max`
    /// calls of [`claim`](Self::claim) would (attempts counted, events over
    /// their limit dead-lettered on the way), but sharing one commit or one
    /// script call. Fewer (or none) when fewer are claimable.
    ///
    /// The default calls [`claim`](Self::claim) up to `max` times; the
    /// bundled engines override it.
    fn claim_batch(&self, lease: Duration, max: usize) -> StoreFuture<'_, Vec<ClaimedEvent>> {
        Box::pin(async move {
            let mut claimed = Vec::new();
            while claimed.len() < max {
                match self.claim(lease).await? {
                    Some(event) => claimed.push(event),
                    None => break,
                }
            }
            Ok(claimed)
        })
    }

    /// Extends a held lease to `lease` from now; returns the new expiry.
    fn renew<'a>(&'a self, lease: &'a Lease, length: Duration) -> StoreFuture<'a, SystemTime>;

    /// Settles a handled event: it is removed, its key stays remembered
    /// for the dedupe window.
    fn ack<'a>(&'a self, lease: &'a Lease) -> StoreFuture<'a, ()>;

    /// Settles several handled events in one round trip to the store: one
    /// result per lease, in order. Each lease is fenced on its own: a stale
    /// one gets [`DeliveryError::StaleLease`] and changes nothing, and the
    /// others are acked all the same. An error for the whole call (the
    /// store is down) is returned as such, and then nothing is known to be
    /// acked.
    ///
    /// The default calls [`ack`](Self::ack) once per lease; the bundled
    /// engines override it.
    fn ack_batch<'a>(
        &'a self,
        leases: &'a [Lease],
    ) -> StoreFuture<'a, Vec<Result<(), DeliveryError>>> {
        Box::pin(async move {
            let mut results = Vec::with_capacity(leases.len());
            for lease in leases {
                match self.ack(lease).await {
                    Err(error @ DeliveryError::StaleLease { .. }) => results.push(Err(error)),
                    Err(error) => return Err(error),
                    Ok(()) => results.push(Ok(())),
                }
            }
            Ok(results)
        })
    }

    /// Acks `handled` as [`ack_batch`](Self::ack_batch) does, then claims up
    /// to `max` events as [`claim_batch`](Self::claim_batch) does, in one
    /// round trip: what a worker does between one batch and the next. An
    /// error for the whole call (the store is down) means nothing is known
    /// to be acked and nothing was claimed.
    ///
    /// The default calls the two in turn; the redb engine runs both in one
    /// transaction, so a worker's turn costs one commit instead of two.
    fn ack_and_claim<'a>(
        &'a self,
        handled: &'a [Lease],
        lease: Duration,
        max: usize,
    ) -> StoreFuture<'a, WorkerTurn> {
        Box::pin(async move {
            let acked = self.ack_batch(handled).await?;
            Ok(WorkerTurn { acked, claimed: self.claim_batch(lease, max).await? })
        })
    }

    /// Records a failed attempt with its error text. The event is retried
    /// after `retry_in` (see [`Backoff::delay`](super::Backoff::delay)), or
    /// dead-lettered when this was its last attempt.
    fn fail<'a>(
        &'a self,
        lease: &'a Lease,
        error: &'a str,
        retry_in: Duration,
    ) -> StoreFuture<'a, FailOutcome>;

    /// Counts events by state.
    fn stats(&self) -> StoreFuture<'_, QueueStats>;

    /// Lists up to `limit` dead letters, oldest first.
    fn dead_letters(&self, limit: usize) -> StoreFuture<'_, Vec<DeadLetter>>;

    /// Everything stored about the event with this idempotency key, or
    /// `None` when no such event is stored (never received, or handled).
    fn show<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<EventDetails>>;

    /// Puts a dead letter back in the queue with a fresh set of attempts;
    /// `false` when no dead letter has this key.
    fn redrive<'a>(&'a self, key: &'a str) -> StoreFuture<'a, bool>;

    /// Puts every dead letter back in the queue; returns how many.
    fn redrive_all(&self) -> StoreFuture<'_, u64>;

    /// Deletes dead letters dead-lettered more than `older_than` ago
    /// (`Duration::ZERO`: all of them); returns how many.
    fn purge_dead(&self, older_than: Duration) -> StoreFuture<'_, u64>;
}

/// Lets a caller keep a handle on the queue it gives the router.
impl<Q: EventQueue + ?Sized> EventQueue for Arc<Q> {
    fn enqueue<'a>(&'a self, event: &'a StoredEvent) -> StoreFuture<'a, EnqueueOutcome> {
        (**self).enqueue(event)
    }

    fn claim(&self, lease: Duration) -> StoreFuture<'_, Option<ClaimedEvent>> {
        (**self).claim(lease)
    }

    fn claim_batch(&self, lease: Duration, max: usize) -> StoreFuture<'_, Vec<ClaimedEvent>> {
        (**self).claim_batch(lease, max)
    }

    fn renew<'a>(&'a self, lease: &'a Lease, length: Duration) -> StoreFuture<'a, SystemTime> {
        (**self).renew(lease, length)
    }

    fn ack<'a>(&'a self, lease: &'a Lease) -> StoreFuture<'a, ()> {
        (**self).ack(lease)
    }

    fn ack_batch<'a>(
        &'a self,
        leases: &'a [Lease],
    ) -> StoreFuture<'a, Vec<Result<(), DeliveryError>>> {
        (**self).ack_batch(leases)
    }

    fn ack_and_claim<'a>(
        &'a self,
        handled: &'a [Lease],
        lease: Duration,
        max: usize,
    ) -> StoreFuture<'a, WorkerTurn> {
        (**self).ack_and_claim(handled, lease, max)
    }

    fn fail<'a>(
        &'a self,
        lease: &'a Lease,
        error: &'a str,
        retry_in: Duration,
    ) -> StoreFuture<'a, FailOutcome> {
        (**self).fail(lease, error, retry_in)
    }

    fn stats(&self) -> StoreFuture<'_, QueueStats> {
        (**self).stats()
    }

    fn dead_letters(&self, limit: usize) -> StoreFuture<'_, Vec<DeadLetter>> {
        (**self).dead_letters(limit)
    }

    fn show<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<EventDetails>> {
        (**self).show(key)
    }

    fn redrive<'a>(&'a self, key: &'a str) -> StoreFuture<'a, bool> {
        (**self).redrive(key)
    }

    fn redrive_all(&self) -> StoreFuture<'_, u64> {
        (**self).redrive_all()
    }

    fn purge_dead(&self, older_than: Duration) -> StoreFuture<'_, u64> {
        (**self).purge_dead(older_than)
    }
}
