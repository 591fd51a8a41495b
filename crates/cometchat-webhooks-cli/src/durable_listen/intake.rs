//! The request path of a durable listener: a delivery is answered 200
//! only once the store has it (or already had it), and 503 with
//! `Retry-After` when the store is full, slow or down, so the sender
//! retries instead of the event being lost.

use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cometchat_webhooks::Event;
use cometchat_webhooks::delivery::{EnqueueOutcome, EventQueue, StoredEvent};

/// How long a sender refused with 503 is asked to wait.
const RETRY_AFTER: Duration = Duration::from_secs(5);

/// Stores deliveries within a time budget.
#[derive(Clone)]
pub(crate) struct Intake {
    queue: Arc<dyn EventQueue>,
    budget: Duration,
}

/// How a delivery was taken in.
#[derive(Debug)]
pub(crate) enum Intaken {
    /// Stored now, or a duplicate of a stored event: 200.
    Stored,
    /// An event with this key is stored or was accepted recently: 200.
    Duplicate,
    /// Not stored, for this reason: 503.
    Refused(String),
}

impl Intake {
    pub(crate) fn new(queue: Arc<dyn EventQueue>, budget: Duration) -> Self {
        Self { queue, budget }
    }

    /// Stores the event, keyed by its idempotency key, with its exact body.
    pub(crate) async fn take(&self, event: &Event) -> Intaken {
        let key = event.idempotency_key();
        let stored = StoredEvent::new(key.as_str(), event.trigger(), event.raw_bytes().clone());
        // The engines bound their own calls; this bound also covers a
        // queue (a user's engine) that does not.
        match tokio::time::timeout(self.budget, self.queue.enqueue(&stored)).await {
            Ok(Ok(EnqueueOutcome::Stored)) => Intaken::Stored,
            Ok(Ok(EnqueueOutcome::Duplicate)) => Intaken::Duplicate,
            Ok(Ok(EnqueueOutcome::BacklogFull)) => {
                Intaken::Refused("the backlog of stored events is at its limit".to_owned())
            }
            Ok(Ok(other)) => Intaken::Refused(format!("the store answered {other:?}")),
            Ok(Err(error)) => Intaken::Refused(format!("the store failed: {error}")),
            Err(_) => Intaken::Refused(format!(
                "the store did not confirm within {}",
                crate::duration_arg::format_duration(self.budget)
            )),
        }
    }
}

impl Intaken {
    /// The answer: `{}` with 200, or a JSON error with 503 and `Retry-After`.
    pub(crate) fn into_response(self) -> Response {
        match self {
            Intaken::Stored | Intaken::Duplicate => {
                ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], "{}")
                    .into_response()
            }
            Intaken::Refused(_) => {
                let body =
                    serde_json::json!({ "error": "the event could not be stored; retry later" });
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    [
                        (header::CONTENT_TYPE, HeaderValue::from_static("application/json")),
                        (header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER.as_secs())),
                    ],
                    body.to_string(),
                )
                    .into_response()
            }
        }
    }
}
