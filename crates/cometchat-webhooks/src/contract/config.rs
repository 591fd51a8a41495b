//! [`ReceiverConfig`]: what an endpoint checks before a request becomes an
//! event.

use std::sync::Arc;
use std::time::Duration;

use super::Rejection;
use super::budget::BodyBudget;
use crate::auth::BasicAuth;
use crate::error::ConfigError;

/// What a webhook endpoint needs: who may post, how large a body may be, how
/// long reading it may take, and how many body bytes all requests may hold
/// at once. Cheap to clone; clones share the credentials and the budget of
/// body bytes in flight.
///
/// The limits of the request path live here and [`receive`](super::receive)
/// applies them, so every adapter enforces them alike.
///
/// | Limit | Default | Beyond it |
/// |---|---|---|
/// | [body limit](Self::with_body_limit) | 1 MiB | 413 |
/// | [body-read deadline](Self::with_body_read_deadline) | 1 s for the whole body | 408 |
/// | [body bytes in flight](Self::with_body_budget) | 64 MiB, all requests together | 503 with `Retry-After: 1` |
///
/// The budget bounds what bodies being read hold: at most 64 MiB by
/// default, i.e. 64 bodies of the largest size at once, or thousands of
/// CometChat's usual few-KiB ones. Each refusal above also closes the
/// connection, since the rest of the body is left unread.
#[derive(Debug, Clone)]
pub struct ReceiverConfig {
    auth: Arc<BasicAuth>,
    body_limit: usize,
    body_read_deadline: Option<Duration>,
    budget: Arc<BodyBudget>,
}

impl ReceiverConfig {
    /// The default body limit, 1 MiB: CometChat's largest payloads (a message
    /// with 10 KB of data and its entities) are far below it.
    pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

    /// The default time allowed for the whole body to arrive, counted from
    /// when [`receive`](super::receive) starts: 1 s, half of the 2 s
    /// CometChat waits for an answer, so a stalled sender is answered 408
    /// while a real delivery (a few KiB from a data centre) has ample time.
    pub const DEFAULT_BODY_READ_DEADLINE: Duration = Duration::from_secs(1);

    /// The default budget of body bytes in flight for the whole receiver,
    /// 64 MiB: 64 bodies of the default limit at once.
    pub const DEFAULT_BODY_BUDGET: usize = 64 * 1024 * 1024;

    /// How long a sender refused for the budget is asked to wait.
    pub const BUDGET_RETRY_AFTER: Duration = Duration::from_secs(1);

    /// A receiver that checks `auth`, with the default limits.
    pub fn new(auth: BasicAuth) -> Self {
        Self {
            auth: Arc::new(auth),
            body_limit: Self::DEFAULT_BODY_LIMIT,
            body_read_deadline: Some(Self::DEFAULT_BODY_READ_DEADLINE),
            budget: BodyBudget::new(Self::DEFAULT_BODY_BUDGET),
        }
    }

    /// A receiver with credentials from `COMETCHAT_WEBHOOK_USERNAME` and
    /// `COMETCHAT_WEBHOOK_PASSWORD`.
    pub fn from_env() -> Result<Self, ConfigError> {
        BasicAuth::from_env().map(Self::new)
    }

    /// Sets the largest body accepted, in bytes. It may not exceed the
    /// budget of body bytes in flight.
    pub fn with_body_limit(mut self, bytes: usize) -> Result<Self, ConfigError> {
        if bytes == 0 {
            return Err(ConfigError::ZeroBodyLimit);
        }
        if bytes > self.budget.limit() {
            return Err(ConfigError::BudgetBelowBodyLimit {
                budget: self.budget.limit(),
                limit: bytes,
            });
        }
        self.body_limit = bytes;
        Ok(self)
    }

    /// Sets the time allowed for the whole body to arrive, counted from when
    /// [`receive`](super::receive) starts. The deadline uses Tokio's timer:
    /// `receive` must then run inside a Tokio runtime with time enabled, as
    /// axum, actix-web and warp do. A body that is already complete when
    /// `receive` reads it never needs the timer.
    pub fn with_body_read_deadline(mut self, deadline: Duration) -> Result<Self, ConfigError> {
        if deadline.is_zero() {
            return Err(ConfigError::ZeroBodyReadDeadline);
        }
        self.body_read_deadline = Some(deadline);
        Ok(self)
    }

    /// Reads bodies for as long as they take: only for a server whose own
    /// settings already bound the time a request body may take, or outside
    /// a Tokio runtime.
    pub fn without_body_read_deadline(mut self) -> Self {
        self.body_read_deadline = None;
        self
    }

    /// Sets the budget of body bytes all requests of this receiver may hold
    /// at once while their bodies are read; a request whose body does not
    /// fit is answered 503 with `Retry-After`. It may not be below the body
    /// limit. The clones made after this call share the new budget.
    pub fn with_body_budget(mut self, bytes: usize) -> Result<Self, ConfigError> {
        if bytes < self.body_limit {
            return Err(ConfigError::BudgetBelowBodyLimit {
                budget: bytes,
                limit: self.body_limit,
            });
        }
        self.budget = BodyBudget::new(bytes);
        Ok(self)
    }

    /// The largest body accepted, in bytes.
    pub fn body_limit(&self) -> usize {
        self.body_limit
    }

    /// The time allowed for the whole body, if any.
    pub fn body_read_deadline(&self) -> Option<Duration> {
        self.body_read_deadline
    }

    /// The budget of body bytes in flight, in bytes.
    pub fn body_budget(&self) -> usize {
        self.budget.limit()
    }

    /// The body bytes that requests of this receiver hold right now.
    pub fn body_bytes_in_flight(&self) -> usize {
        self.budget.in_flight()
    }

    pub(super) fn budget(&self) -> &Arc<BodyBudget> {
        &self.budget
    }

    /// The credential check.
    pub fn auth(&self) -> &BasicAuth {
        &self.auth
    }

    /// Checks an `Authorization` header value (`None` when absent), the
    /// first step of [`receive`](super::receive), for code that has the
    /// header but not a request.
    pub fn authorize(&self, authorization: Option<&[u8]>) -> Result<(), Rejection> {
        self.auth.verify(authorization).map_err(Rejection::Unauthorized)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> ReceiverConfig {
        ReceiverConfig::new(BasicAuth::new("user", "pass").unwrap())
    }

    #[test]
    fn zero_limit_is_a_configuration_error() {
        assert_eq!(config().with_body_limit(0).unwrap_err(), ConfigError::ZeroBodyLimit);
        let zero = config().with_body_read_deadline(Duration::ZERO).unwrap_err();
        assert_eq!(zero, ConfigError::ZeroBodyReadDeadline);
    }

    #[test]
    fn the_budget_may_not_be_below_the_body_limit() {
        let small = config().with_body_limit(100).unwrap();
        let below = small.clone().with_body_budget(99).unwrap_err();
        assert_eq!(below, ConfigError::BudgetBelowBodyLimit { budget: 99, limit: 100 });
        let budget = small.with_body_budget(100).unwrap();
        assert!(budget.clone().with_body_limit(101).is_err());
        assert_eq!(budget.body_budget(), 100);
    }

    #[test]
    fn defaults_are_documented_values_and_clones_share_the_budget() {
        let config = config();
        assert_eq!(config.body_limit(), 1024 * 1024);
        assert_eq!(config.body_read_deadline(), Some(Duration::from_secs(1)));
        assert_eq!(config.body_budget(), 64 * 1024 * 1024);
        assert!(config.clone().without_body_read_deadline().body_read_deadline().is_none());
        assert!(Arc::ptr_eq(config.budget(), config.clone().budget()));
    }

    #[test]
    fn authorize_refuses_with_a_401() {
        assert!(config().authorize(Some(b"Basic dXNlcjpwYXNz")).is_ok()); // user:pass
        assert_eq!(config().authorize(None).unwrap_err().status(), 401);
    }
}
