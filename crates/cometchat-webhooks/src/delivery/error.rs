//! What can go wrong when talking to a store.

use std::path::PathBuf;
use std::time::Duration;

/// A boxed error from an engine's client library.
pub type BoxedError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why a store operation did not happen.
///
/// [`Unavailable`](Self::Unavailable) and [`Timeout`](Self::Timeout) are
/// transient: the router answers 503 with `Retry-After` and CometChat sends
/// the delivery again. [`StaleLease`](Self::StaleLease) tells a worker that
/// its lease was lost and the event belongs to someone else now.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DeliveryError {
    /// The store did not answer within the allowed time.
    #[error("the store did not answer within {after:?}")]
    Timeout {
        /// The deadline that passed.
        after: Duration,
    },
    /// The store cannot be reached or refused the command.
    #[error("the store is unavailable: {source}")]
    Unavailable {
        /// What the client library reported.
        #[source]
        source: BoxedError,
    },
    /// The lease is no longer held by the caller: it expired and the event
    /// was claimed again, or the event was settled. The caller must stop
    /// working on the event and must not report an outcome for it.
    #[error("the lease on `{key}` is no longer held (fencing token {token})")]
    StaleLease {
        /// The idempotency key of the event.
        key: String,
        /// The fencing token the caller presented.
        token: u64,
    },
    /// Another process holds the store's file open (only one process may
    /// use an embedded store at a time).
    #[error("the store file {path} is already open in another process")]
    Locked {
        /// The file that is in use.
        path: PathBuf,
    },
    /// The store failed to read or write (disk full, I/O error, corrupt
    /// file).
    #[error("the store failed: {source}")]
    Storage {
        /// What the engine reported.
        #[source]
        source: BoxedError,
    },
    /// A stored record could not be decoded; it was written by an
    /// incompatible version or damaged.
    #[error("a stored record is damaged: {reason}")]
    Corrupt {
        /// What did not fit.
        reason: String,
    },
    /// The store was shut down.
    #[error("the store is closed")]
    Closed,
    /// The operation is not offered by this handle on a store (an
    /// `OperatorClient` offers the operator's operations only).
    #[error("{operation} is not offered here")]
    Unsupported {
        /// The operation.
        operation: &'static str,
    },
    /// The configuration given to the store cannot work.
    #[error(transparent)]
    Config(#[from] DeliveryConfigError),
}

impl DeliveryError {
    /// Whether trying again later may succeed (the store is slow or down),
    /// as opposed to a refusal that will not change.
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Timeout { .. } | Self::Unavailable { .. })
    }

    #[cfg(feature = "redb")]
    pub(crate) fn storage(source: impl Into<BoxedError>) -> Self {
        Self::Storage { source: source.into() }
    }

    #[cfg(feature = "redis")]
    pub(crate) fn unavailable(source: impl Into<BoxedError>) -> Self {
        Self::Unavailable { source: source.into() }
    }
}

/// A configuration value that cannot work, found before any store is
/// opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DeliveryConfigError {
    /// A duration that must be positive is zero.
    #[error("`{name}` must be longer than zero")]
    ZeroDuration {
        /// The setting.
        name: &'static str,
    },
    /// A count that must be positive is zero.
    #[error("`{name}` must be at least 1")]
    ZeroCount {
        /// The setting.
        name: &'static str,
    },
    /// The backoff base is longer than its cap.
    #[error("the backoff base ({base:?}) is longer than its cap ({cap:?})")]
    BackoffBaseAboveCap {
        /// The first retry delay.
        base: Duration,
        /// The longest retry delay.
        cap: Duration,
    },
    /// The request-path budget leaves no time to answer CometChat, which
    /// gives a receiver about 2 seconds.
    #[error("the request budget ({budget:?}) must be under {limit:?}")]
    BudgetTooLong {
        /// The configured budget.
        budget: Duration,
        /// The longest budget accepted.
        limit: Duration,
    },
    /// A setting of an engine is not usable (an empty key prefix, a URL
    /// that does not parse, ...).
    #[error("invalid `{name}`: {reason}")]
    Invalid {
        /// The setting.
        name: &'static str,
        /// Why it was refused.
        reason: String,
    },
}
