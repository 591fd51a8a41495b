//! De-duplication of deliveries by [`IdempotencyKey`] over a
//! [`DedupeStore`]. CometChat may deliver an event more than once (network
//! retries, and its own retries at +10 s and +30 s after a failure); the
//! router claims the key before running the handler, completes it when the
//! handler succeeded and releases it when it failed.
//!
//! A claim is a lease longer than the handler timeout and is not renewed:
//! the handler is stopped at its timeout, so it never runs past the claim,
//! a run stopped early (its queue lease lost) releases its claim, and a
//! claim left by a process that died ends with its lease.

mod error;

use std::sync::Arc;
use std::time::Duration;

pub use error::RouterConfigError;

use crate::delivery::{DedupeClaim, DedupeStore, DedupeToken, DeliveryError};
use crate::idempotency::IdempotencyKey;

/// The store and the lease its claims take next to `handler_timeout`: the
/// lease set, which must be longer, or the timeout plus the default margin.
pub(crate) fn resolve(
    store: Arc<dyn DedupeStore>,
    lease: Option<Duration>,
    handler_timeout: Duration,
) -> Result<Dedupe, RouterConfigError> {
    let lease = match lease {
        Some(lease) if lease <= handler_timeout => {
            return Err(RouterConfigError::DedupeLeaseNotLongerThanHandlerTimeout {
                lease,
                handler_timeout,
            });
        }
        Some(lease) => lease,
        None => handler_timeout.saturating_add(DEFAULT_LEASE_MARGIN),
    };
    Ok(Dedupe { store, lease })
}

/// How much longer than the handler timeout a claim lasts by default: room
/// for the store's round trips, so a claim is settled well before it ends.
pub(crate) const DEFAULT_LEASE_MARGIN: Duration = Duration::from_secs(30);

/// How long a delivery waits for its claim before it is answered 503: the
/// request path's budget, well inside CometChat's 2 seconds (an in-memory
/// store's wait for a running copy, 1 s by default, fits in it).
const CLAIM_BUDGET: Duration = Duration::from_millis(1500);

/// The store and the lease the router's claims take.
pub(crate) struct Dedupe {
    store: Arc<dyn DedupeStore>,
    lease: Duration,
}

/// Whether the handler may run for a delivery.
pub(crate) enum Admission {
    /// Yes: hold the claim with [`Dedupe::hold`] while the handler runs.
    Run(DedupeToken),
    /// A handler already succeeded for this key.
    Duplicate,
    /// Another copy holds the key and did not settle in time.
    InFlight,
    /// The store could not answer.
    Unavailable,
}

impl Dedupe {
    /// Claims `key` for the lease.
    pub(crate) async fn admit(&self, key: &IdempotencyKey) -> Admission {
        let claim = self.store.claim(key.as_str(), self.lease);
        match tokio::time::timeout(CLAIM_BUDGET, claim).await {
            Ok(Ok(DedupeClaim::Acquired(token))) => Admission::Run(token),
            Ok(Ok(DedupeClaim::Done)) => Admission::Duplicate,
            Ok(Ok(DedupeClaim::InFlight)) => Admission::InFlight,
            Ok(Err(error)) => {
                tracing::warn!(%error, "the dedupe store refused the claim; not running the handler");
                Admission::Unavailable
            }
            Err(_) => {
                tracing::warn!(budget = ?CLAIM_BUDGET, "the dedupe store did not answer in time; not running the handler");
                Admission::Unavailable
            }
        }
    }

    /// The claim `admit` acquired, held while the handler runs.
    pub(crate) fn hold(&self, key: &IdempotencyKey, token: DedupeToken) -> HeldClaim {
        HeldClaim { store: Arc::clone(&self.store), key: key.clone(), token: Some(token) }
    }
}

/// A claim a handler runs under. [`settle`](Self::settle) records the
/// handler's result; a claim dropped unsettled (the run was stopped: its
/// queue lease was taken over, or the router abandoned it at shutdown) is
/// released in the background, so the copy that runs next is not refused
/// as in flight until the claim's lease ends.
pub(crate) struct HeldClaim {
    store: Arc<dyn DedupeStore>,
    key: IdempotencyKey,
    /// Taken when the claim is settled.
    token: Option<DedupeToken>,
}

impl HeldClaim {
    /// Records the handler's result: the key done when it succeeded, free
    /// again when it failed. A refusal is logged: the claim was taken over
    /// (the store stalled past the lease), or the store is down and the
    /// claim ends with its lease.
    pub(crate) async fn settle(mut self, handled: bool) {
        let Some(token) = self.token.take() else { return };
        let settled = if handled {
            self.store.complete(self.key.as_str(), token).await
        } else {
            self.store.release(self.key.as_str(), token).await
        };
        match settled {
            Ok(()) => {}
            Err(error @ DeliveryError::StaleLease { .. }) => {
                tracing::warn!(%error, "the dedupe claim was taken over before it was settled");
            }
            Err(error) => {
                tracing::warn!(%error, "settling the dedupe claim failed; it ends with its lease");
            }
        }
    }
}

impl Drop for HeldClaim {
    fn drop(&mut self) {
        let Some(token) = self.token.take() else { return };
        // Outside a runtime (the runtime itself is going away) the claim
        // ends with its lease.
        let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
        let (store, key) = (Arc::clone(&self.store), self.key.clone());
        runtime.spawn(async move {
            if let Err(error) = store.release(key.as_str(), token).await {
                tracing::debug!(%error, "releasing a stopped run's dedupe claim failed; it ends with its lease");
            }
        });
    }
}
