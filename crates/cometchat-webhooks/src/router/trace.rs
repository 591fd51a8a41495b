//! The one span per delivery. It records identifiers only: never the
//! `Authorization` header (the router never sees it) and never payload
//! content such as message text.

use tracing::Span;
use tracing::field::Empty;

use super::dispatch::Outcome;
use crate::decode::Envelope;
use crate::event::Event;

pub(crate) fn delivery_span(event: &Event) -> Span {
    envelope_span(event.envelope())
}

/// The same span from the envelope alone (acknowledge-first deliveries,
/// whose `data` is typed later).
pub(crate) fn envelope_span(envelope: &Envelope) -> Span {
    tracing::info_span!(
        "cometchat_webhook",
        trigger = envelope.trigger.as_str(),
        app_id = envelope.app_id.as_deref(),
        webhook_id = envelope.webhook.as_deref(),
        bot_id = envelope.bot.as_deref(),
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
