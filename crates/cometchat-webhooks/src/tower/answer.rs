//! [`IntoWebhookResponse`]: what a [`WebhookService`](super::WebhookService)
//! handler may answer with.

use std::error::Error;

use bytes::Bytes;

use crate::contract::{Rejection, WebhookResponse};
use crate::error_chain::ErrorChain;

/// What a [`WebhookService`](super::WebhookService) handler's future may
/// resolve to, and the answer each gives:
///
/// - `()`: 200 with the body `{}`;
/// - `Result<T, E>`: `T`'s answer, or for an `Err` a 500 (so CometChat
///   delivers the event again when `retryOnFailure` is on), with the error
///   and its causes logged at `error`; never in the answer;
/// - a [`Rejection`]: the contract's answer for it, e.g. a 503 with
///   `Retry-After` when the app's own queue is full;
/// - a [`WebhookResponse`]: itself, e.g. a `before_message` verdict built
///   with [`WebhookResponse::accepted`].
pub trait IntoWebhookResponse {
    /// The answer to send.
    fn into_webhook_response(self) -> WebhookResponse;
}

impl IntoWebhookResponse for () {
    fn into_webhook_response(self) -> WebhookResponse {
        WebhookResponse::accepted(Bytes::from_static(b"{}"))
    }
}

impl IntoWebhookResponse for WebhookResponse {
    fn into_webhook_response(self) -> WebhookResponse {
        self
    }
}

impl IntoWebhookResponse for Rejection {
    fn into_webhook_response(self) -> WebhookResponse {
        WebhookResponse::from(self)
    }
}

impl<T, E> IntoWebhookResponse for Result<T, E>
where
    T: IntoWebhookResponse,
    E: Into<Box<dyn Error + Send + Sync>>,
{
    fn into_webhook_response(self) -> WebhookResponse {
        match self {
            Ok(answer) => answer.into_webhook_response(),
            Err(error) => {
                let error = error.into();
                tracing::error!(error = %ErrorChain(&*error), "CometChat webhook handler failed");
                WebhookResponse::from(Rejection::HandlerFailed)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::fmt;

    use super::*;

    #[derive(Debug)]
    struct Outer(std::io::Error);

    impl fmt::Display for Outer {
        fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
            formatter.write_str("could not store the event")
        }
    }

    impl Error for Outer {
        fn source(&self) -> Option<&(dyn Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn each_answer_has_its_status() {
        assert_eq!(().into_webhook_response().body(), "{}");
        let failed: Result<(), Outer> = Err(Outer(std::io::Error::other("disk full")));
        let failed = failed.into_webhook_response();
        assert_eq!(failed.status(), 500);
        assert!(!String::from_utf8_lossy(failed.body()).contains("disk"), "never in the answer");
        let refused = Rejection::QueueFull { retry_after: std::time::Duration::from_secs(2) };
        assert_eq!(refused.into_webhook_response().header("retry-after"), Some("2"));
        let verdict = WebhookResponse::accepted(Bytes::from_static(br#"{"action":"block"}"#));
        assert_eq!(Ok::<_, Outer>(verdict.clone()).into_webhook_response(), verdict);
    }
}
