//! [`RouterResponse`]: the answer to CometChat, as plain data every adapter
//! renders the same way.

use std::time::Duration;

use bytes::Bytes;

use super::dispatch::Outcome;
use super::handler::accepted_body;
use crate::error::{ERROR_CONTENT_TYPE, Rejection};

/// The response to send: status, `Content-Type`, other headers and a JSON
/// body. An adapter copies all of them into its framework's response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouterResponse {
    /// The HTTP status.
    pub status: u16,
    /// The `Content-Type` of the body: always `application/json`.
    pub content_type: &'static str,
    /// Headers besides `Content-Type` (lower-case names): `Retry-After`
    /// with a 503, otherwise none, so a 200 allocates nothing for them.
    pub headers: Vec<(&'static str, String)>,
    /// The JSON body.
    pub body: Bytes,
}

impl RouterResponse {
    /// A 200 with a JSON body.
    pub fn ok(body: Bytes) -> Self {
        Self { status: 200, content_type: ERROR_CONTENT_TYPE, headers: Vec::new(), body }
    }

    /// The response for a rejection, with its status, headers and body, so a
    /// request refused before routing is answered like one refused by it.
    pub fn from_rejection(rejection: &Rejection) -> Self {
        Self {
            status: rejection.status(),
            content_type: ERROR_CONTENT_TYPE,
            headers: rejection.headers(),
            body: Bytes::from(rejection.body()),
        }
    }

    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// A header's value, by case-insensitive name (`Content-Type` included).
    pub fn header(&self, name: &str) -> Option<&str> {
        if name.eq_ignore_ascii_case("content-type") {
            return Some(self.content_type);
        }
        self.headers
            .iter()
            .find(|(header, _)| header.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    pub(crate) fn for_outcome(outcome: Outcome, retry_after: Duration) -> Self {
        match outcome {
            Outcome::Handled(body) => Self::ok(body),
            Outcome::Unhandled | Outcome::Duplicate | Outcome::Queued => Self::ok(accepted_body()),
            Outcome::Failed | Outcome::Panicked => Self::from_rejection(&Rejection::HandlerFailed),
            Outcome::QueueFull => Self::from_rejection(&Rejection::QueueFull { retry_after }),
            Outcome::InFlight => {
                Self::retry_later("this delivery is already being handled", retry_after)
            }
            Outcome::ShuttingDown => {
                Self::retry_later("the webhook router is shutting down", retry_after)
            }
        }
    }

    /// A 503 that is not a full queue: same status and `Retry-After` as
    /// [`Rejection::QueueFull`], with a reason that says what happened.
    fn retry_later(reason: &str, retry_after: Duration) -> Self {
        let queue_full = Self::from_rejection(&Rejection::QueueFull { retry_after });
        let body = serde_json::json!({ "error": reason }).to_string();
        Self { body: Bytes::from(body), ..queue_full }
    }
}

impl From<Rejection> for RouterResponse {
    fn from(rejection: Rejection) -> Self {
        Self::from_rejection(&rejection)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_use_the_rejection_status_headers_and_body() {
        let failed = RouterResponse::for_outcome(Outcome::Failed, Duration::from_secs(10));
        assert_eq!(failed.status, 500);
        assert_eq!(failed.body, Bytes::from(Rejection::HandlerFailed.body()));

        let full = RouterResponse::for_outcome(Outcome::QueueFull, Duration::from_secs(7));
        assert_eq!(full.status, 503);
        assert_eq!(full.header("Retry-After"), Some("7"));
        assert_eq!(full.header("content-type"), Some("application/json"));
    }

    #[test]
    fn in_flight_asks_for_a_retry_and_says_why() {
        let busy = RouterResponse::for_outcome(Outcome::InFlight, Duration::from_secs(10));
        assert_eq!(busy.status, 503);
        assert_eq!(busy.header("retry-after"), Some("10"));
        let body: serde_json::Value = serde_json::from_slice(&busy.body).unwrap();
        assert_eq!(body["error"], "this delivery is already being handled");
    }
}
