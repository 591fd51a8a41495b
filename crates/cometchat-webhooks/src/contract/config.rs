//! [`ReceiverConfig`]: what an endpoint checks before a request becomes an
//! event.

use std::sync::Arc;

use super::Rejection;
use crate::auth::BasicAuth;
use crate::error::ConfigError;

/// What a webhook endpoint needs: who may post, and how large a body may be.
/// Cheap to clone (the credentials are shared).
///
/// The limits of the request path live here, so a new one (a deadline for
/// reading the body, a budget of body bytes in flight) is one more field
/// that [`receive`](super::receive) applies, and no adapter changes.
#[derive(Debug, Clone)]
pub struct ReceiverConfig {
    auth: Arc<BasicAuth>,
    body_limit: usize,
}

impl ReceiverConfig {
    /// The default body limit, 1 MiB: CometChat's largest payloads (a message
    /// with 10 KB of data and its entities) are far below it.
    pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

    /// A receiver that checks `auth`, with the default body limit.
    pub fn new(auth: BasicAuth) -> Self {
        Self { auth: Arc::new(auth), body_limit: Self::DEFAULT_BODY_LIMIT }
    }

    /// A receiver with credentials from `COMETCHAT_WEBHOOK_USERNAME` and
    /// `COMETCHAT_WEBHOOK_PASSWORD`.
    pub fn from_env() -> Result<Self, ConfigError> {
        BasicAuth::from_env().map(Self::new)
    }

    /// Sets the largest body accepted, in bytes.
    pub fn with_body_limit(mut self, bytes: usize) -> Result<Self, ConfigError> {
        if bytes == 0 {
            return Err(ConfigError::ZeroBodyLimit);
        }
        self.body_limit = bytes;
        Ok(self)
    }

    /// The largest body accepted, in bytes.
    pub fn body_limit(&self) -> usize {
        self.body_limit
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

    #[test]
    fn zero_limit_is_a_configuration_error() {
        let config = ReceiverConfig::new(BasicAuth::new("user", "pass").unwrap());
        assert_eq!(config.with_body_limit(0).unwrap_err(), ConfigError::ZeroBodyLimit);
    }

    #[test]
    fn authorize_refuses_with_a_401() {
        let config = ReceiverConfig::new(BasicAuth::new("user", "pass").unwrap());
        assert!(config.authorize(Some(b"Basic dXNlcjpwYXNz")).is_ok()); // user:pass
        assert_eq!(config.authorize(None).unwrap_err().status(), 401);
    }
}
