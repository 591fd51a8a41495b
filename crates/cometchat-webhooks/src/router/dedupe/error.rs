//! [`RouterConfigError`]: a router configuration that cannot work.

use std::time::Duration;

/// Why [`RouterBuilder::try_build`](super::super::RouterBuilder::try_build)
/// refused a configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RouterConfigError {
    /// A de-duplication claim could end while its handler may still
    /// legitimately run, letting another copy run it at the same time.
    #[error(
        "the dedupe lease ({lease:?}) must be longer than the handler timeout ({handler_timeout:?})"
    )]
    DedupeLeaseNotLongerThanHandlerTimeout {
        /// The lease given.
        lease: Duration,
        /// The handler timeout it was checked against.
        handler_timeout: Duration,
    },
}
