//! The one span per delivery. It records identifiers only: never the
//! `Authorization` header (the router never sees it) and never payload
//! content such as message text.

use tracing::Span;
use tracing::field::Empty;

use super::dispatch::Outcome;
use crate::event::Event;

pub(crate) fn delivery_span(event: &Event) -> Span {
    tracing::info_span!(
        "cometchat_webhook",
        trigger = event.trigger(),
        app_id = event.app_id(),
        webhook_id = event.webhook_id(),
        bot_id = event.bot_id(),
        idempotency_key = Empty,
        outcome = Empty,
    )
}

/// Records how the delivery ended. A queued delivery's outcome is recorded
/// by the worker that runs it, so the span ends with the final one.
pub(crate) fn record_outcome(span: &Span, outcome: &Outcome) {
    match outcome {
        Outcome::Queued => tracing::debug!(parent: span, "queued for a background worker"),
        other => {
            span.record("outcome", other.name());
        }
    }
}
