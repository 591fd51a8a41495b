//! [`ReceiverConfig`]: the framework-free half of the HTTP contract. Adapters
//! call it in order (authorize, check the declared length, collect the body,
//! decode) so all three frameworks answer every request the same way.

use std::sync::Arc;

use bytes::{Bytes, BytesMut};

use crate::auth::BasicAuth;
use crate::error::{ConfigError, Rejection};
use crate::event::Event;

/// What a webhook endpoint needs: who may post, and how large a body may be.
/// Cheap to clone (the credentials are shared).
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

    /// Step 1: the `Authorization` header, before any body byte is read.
    pub fn authorize(&self, authorization: Option<&[u8]>) -> Result<(), Rejection> {
        self.auth.verify(authorization).map_err(Rejection::Unauthorized)
    }

    /// Step 2: a `Content-Length` over the limit is refused without reading.
    /// An unparsable value is left to the framework, which rejects it itself.
    pub fn check_content_length(&self, content_length: Option<&[u8]>) -> Result<(), Rejection> {
        let Some(digits) = content_length.map(<[u8]>::trim_ascii) else { return Ok(()) };
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return Ok(());
        }
        // All digits: a value too long for u64 is certainly over the limit.
        let declared = std::str::from_utf8(digits).ok().and_then(|d| d.parse::<u64>().ok());
        match declared {
            Some(length) if length <= self.body_limit as u64 => Ok(()),
            _ => Err(Rejection::PayloadTooLarge { limit: self.body_limit }),
        }
    }

    /// Step 3: a buffer that takes body chunks and refuses the one that
    /// crosses the limit, so reading stops there.
    pub fn body_collector(&self) -> BodyCollector {
        BodyCollector { buffer: BytesMut::new(), limit: self.body_limit }
    }

    /// Steps 1 to 3 from the headers alone: refuses a request whose
    /// `Authorization` is not accepted (checked first) or whose
    /// `Content-Length` is over the limit, so neither costs a body byte;
    /// otherwise returns the collector for its body. Adapters call this
    /// instead of the steps one by one, so all of them check in one order.
    pub fn admit(
        &self,
        authorization: Option<&[u8]>,
        content_length: Option<&[u8]>,
    ) -> Result<BodyCollector, Rejection> {
        self.authorize(authorization)?;
        self.check_content_length(content_length)?;
        Ok(self.body_collector())
    }

    /// Step 4: decodes the collected body.
    pub fn decode(&self, body: Bytes) -> Result<Event, Rejection> {
        Event::from_bytes(body).map_err(Rejection::BadRequest)
    }
}

/// Collects a request body up to the receiver's limit.
#[derive(Debug)]
pub struct BodyCollector {
    buffer: BytesMut,
    limit: usize,
}

impl BodyCollector {
    /// Appends a chunk, or refuses it when the body would pass the limit.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), Rejection> {
        if chunk.len() > self.limit - self.buffer.len() {
            return Err(Rejection::PayloadTooLarge { limit: self.limit });
        }
        self.buffer.extend_from_slice(chunk);
        Ok(())
    }

    /// Bytes collected so far.
    pub fn len(&self) -> usize {
        self.buffer.len()
    }

    /// Whether nothing was collected.
    pub fn is_empty(&self) -> bool {
        self.buffer.is_empty()
    }

    /// The whole body.
    pub fn finish(self) -> Bytes {
        self.buffer.freeze()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn receiver(limit: usize) -> ReceiverConfig {
        ReceiverConfig::new(BasicAuth::new("user", "pass").unwrap()).with_body_limit(limit).unwrap()
    }

    #[test]
    fn collector_accepts_exactly_the_limit_and_refuses_one_more_byte() {
        let mut collector = receiver(10).body_collector();
        collector.push(b"12345").unwrap();
        collector.push(b"67890").unwrap();
        assert_eq!(collector.push(b"x").unwrap_err().status(), 413);
        assert_eq!(collector.finish(), Bytes::from_static(b"1234567890"));
    }

    #[test]
    fn declared_length_over_the_limit_is_refused_before_reading() {
        let receiver = receiver(10);
        assert!(receiver.check_content_length(Some(b"10")).is_ok());
        assert!(receiver.check_content_length(None).is_ok());
        assert!(receiver.check_content_length(Some(b"not a number")).is_ok());
        assert_eq!(receiver.check_content_length(Some(b"11")).unwrap_err().status(), 413);
        let huge = b"99999999999999999999999";
        assert_eq!(receiver.check_content_length(Some(huge)).unwrap_err().status(), 413);
    }

    #[test]
    fn admit_checks_credentials_before_the_declared_length() {
        let receiver = receiver(10);
        let good = b"Basic dXNlcjpwYXNz"; // user:pass
        assert_eq!(receiver.admit(None, Some(b"11")).unwrap_err().status(), 401);
        assert_eq!(receiver.admit(Some(good), Some(b"11")).unwrap_err().status(), 413);
        assert!(receiver.admit(Some(good), Some(b"10")).unwrap().is_empty());
        assert!(receiver.admit(Some(good), None).is_ok());
    }

    #[test]
    fn zero_limit_is_a_configuration_error() {
        let config = ReceiverConfig::new(BasicAuth::new("user", "pass").unwrap());
        assert_eq!(config.with_body_limit(0).unwrap_err(), ConfigError::ZeroBodyLimit);
    }
}
