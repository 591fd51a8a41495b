//! [`Rejection`]: every answer other than a handler's success, and the only
//! place an HTTP status is decided.

use std::time::Duration;

use crate::error::{AuthError, ParseError};

/// `WWW-Authenticate` value sent with every 401.
pub const WWW_AUTHENTICATE: &str = "Basic realm=\"cometchat-webhooks\"";

/// Why a webhook request is answered with something other than success:
/// refused by [`receive`](super::receive), or failed in the router. Its
/// [`status`](Self::status) is the only place the crate decides an HTTP
/// status; adapters answer it through
/// [`WebhookResponse::from`](super::WebhookResponse).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Rejection {
    /// 401: the `Authorization` header is missing, malformed, wrong or sent
    /// more than once.
    #[error(transparent)]
    Unauthorized(#[from] AuthError),
    /// 413: the body is larger than the configured limit.
    #[error("body is larger than the {limit}-byte limit")]
    PayloadTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// 400: the body could not be read to the end (the client went away).
    #[error("body could not be read")]
    BodyRead,
    /// 408: the body did not arrive within the receiver's body-read
    /// deadline.
    #[error("body did not arrive within {} ms", deadline.as_millis())]
    BodyTimeout {
        /// The deadline for the whole body.
        deadline: Duration,
    },
    /// 503: the receiver already holds its budget of body bytes in flight;
    /// the sender should retry.
    #[error("too many request bodies are being received")]
    OverBudget {
        /// How long to wait before retrying.
        retry_after: Duration,
    },
    /// 400: the body is not a CometChat webhook.
    #[error(transparent)]
    BadRequest(#[from] ParseError),
    /// 500: the receiver is not configured (e.g. missing app data).
    #[error("webhook receiver is not configured: {0}")]
    NotConfigured(&'static str),
    /// 500: the event's handler returned an error or panicked.
    #[error("the webhook handler failed")]
    HandlerFailed,
    /// 503: the background queue is full; CometChat should retry.
    #[error("the webhook queue is full")]
    QueueFull {
        /// How long to wait before retrying.
        retry_after: Duration,
    },
    /// 503: another copy of this delivery is still being handled; the
    /// retry finds it done (answered 200) or failed (run again).
    #[error("this delivery is already being handled")]
    InFlight {
        /// How long to wait before retrying.
        retry_after: Duration,
    },
    /// 503: the router is shutting down and takes no more deliveries.
    #[error("the webhook router is shutting down")]
    ShuttingDown {
        /// How long to wait before retrying.
        retry_after: Duration,
    },
    /// 503: the durable store did not confirm the delivery in time, or is
    /// unreachable; nothing was acknowledged, so CometChat should retry.
    #[error("the webhook store is unavailable")]
    StoreUnavailable {
        /// How long to wait before retrying.
        retry_after: Duration,
    },
    /// 503: as many handlers as allowed are already running.
    #[error("too many deliveries are being handled")]
    Busy {
        /// How long to wait before retrying.
        retry_after: Duration,
    },
}

impl Rejection {
    /// The HTTP status to answer with.
    pub fn status(&self) -> u16 {
        match self {
            Rejection::Unauthorized(_) => 401,
            Rejection::PayloadTooLarge { .. } => 413,
            Rejection::BodyRead | Rejection::BadRequest(_) => 400,
            Rejection::BodyTimeout { .. } => 408,
            Rejection::NotConfigured(_) | Rejection::HandlerFailed => 500,
            Rejection::QueueFull { .. }
            | Rejection::InFlight { .. }
            | Rejection::ShuttingDown { .. }
            | Rejection::StoreUnavailable { .. }
            | Rejection::Busy { .. }
            | Rejection::OverBudget { .. } => 503,
        }
    }

    /// Whether the connection is to be closed after the answer: the body was
    /// refused or given up before its end (401, 413, 408, 503 for the
    /// budget, a failed read), so the rest of it is never read or drained,
    /// and a slow or hostile sender does not keep the connection.
    pub fn closes_connection(&self) -> bool {
        matches!(
            self,
            Rejection::Unauthorized(_)
                | Rejection::PayloadTooLarge { .. }
                | Rejection::BodyRead
                | Rejection::BodyTimeout { .. }
                | Rejection::OverBudget { .. }
        )
    }

    /// How long the sender should wait before retrying, for a 503.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Rejection::QueueFull { retry_after }
            | Rejection::InFlight { retry_after }
            | Rejection::ShuttingDown { retry_after }
            | Rejection::StoreUnavailable { retry_after }
            | Rejection::Busy { retry_after }
            | Rejection::OverBudget { retry_after } => Some(*retry_after),
            _ => None,
        }
    }

    /// A short public reason. Never contains credentials or `Debug` output.
    pub fn public_message(&self) -> String {
        self.to_string()
    }

    /// The JSON error body: `{"error": "<public message>"}`.
    pub fn body(&self) -> String {
        serde_json::json!({ "error": self.public_message() }).to_string()
    }

    /// Headers to send besides `Content-Type`: `WWW-Authenticate` with a
    /// 401, `Retry-After` (whole seconds, at least 1) with a 503, then
    /// `Connection: close` when the answer [closes the
    /// connection](Self::closes_connection).
    pub fn headers(&self) -> Vec<(&'static str, String)> {
        let mut headers = Vec::new();
        if let Rejection::Unauthorized(_) = self {
            headers.push(("www-authenticate", WWW_AUTHENTICATE.to_owned()));
        }
        if let Some(wait) = self.retry_after() {
            headers.push(("retry-after", wait.as_secs().max(1).to_string()));
        }
        if self.closes_connection() {
            headers.push(("connection", "close".to_owned()));
        }
        headers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rejection_has_its_contract_status_and_headers() {
        let wait = Duration::from_secs(5);
        let cases: Vec<(Rejection, u16, Option<&str>)> = vec![
            (AuthError::Missing.into(), 401, Some("www-authenticate")),
            (AuthError::Repeated.into(), 401, Some("www-authenticate")),
            (Rejection::PayloadTooLarge { limit: 10 }, 413, Some("connection")),
            (ParseError::MissingTrigger.into(), 400, None),
            (Rejection::BodyRead, 400, Some("connection")),
            (Rejection::BodyTimeout { deadline: wait }, 408, Some("connection")),
            (Rejection::OverBudget { retry_after: wait }, 503, Some("retry-after")),
            (Rejection::NotConfigured("no receiver config"), 500, None),
            (Rejection::HandlerFailed, 500, None),
            (Rejection::QueueFull { retry_after: wait }, 503, Some("retry-after")),
            (Rejection::InFlight { retry_after: wait }, 503, Some("retry-after")),
            (Rejection::ShuttingDown { retry_after: wait }, 503, Some("retry-after")),
            (Rejection::StoreUnavailable { retry_after: wait }, 503, Some("retry-after")),
            (Rejection::Busy { retry_after: wait }, 503, Some("retry-after")),
        ];
        for (rejection, status, header) in cases {
            assert_eq!(rejection.status(), status, "{rejection}");
            let headers = rejection.headers();
            assert_eq!(headers.first().map(|(name, _)| *name), header, "{rejection}");
            let body: serde_json::Value = serde_json::from_str(&rejection.body()).unwrap();
            assert_eq!(body["error"], rejection.to_string());
        }
    }

    #[test]
    fn refusals_that_leave_the_body_unread_close_the_connection() {
        let wait = Duration::from_secs(1);
        let closing = [
            Rejection::from(AuthError::Wrong),
            Rejection::PayloadTooLarge { limit: 1 },
            Rejection::BodyRead,
            Rejection::BodyTimeout { deadline: wait },
            Rejection::OverBudget { retry_after: wait },
        ];
        for rejection in closing {
            assert!(rejection.closes_connection(), "{rejection}");
            assert!(rejection.headers().contains(&("connection", "close".to_owned())));
        }
        let keeping = [
            Rejection::from(ParseError::MissingTrigger),
            Rejection::HandlerFailed,
            Rejection::QueueFull { retry_after: wait },
        ];
        for rejection in keeping {
            assert!(!rejection.closes_connection(), "{rejection}");
            assert!(rejection.headers().iter().all(|(name, _)| *name != "connection"));
        }
        let timeout = Rejection::BodyTimeout { deadline: Duration::from_millis(1500) };
        assert_eq!(timeout.to_string(), "body did not arrive within 1500 ms");
    }

    #[test]
    fn retry_after_is_at_least_one_second() {
        let rejection = Rejection::QueueFull { retry_after: Duration::from_millis(10) };
        assert_eq!(rejection.headers(), vec![("retry-after", "1".to_owned())]);
    }
}
