//! Helpers shared by the router tests: sample events and JSON bodies. The
//! run counter and the gate that holds handlers are the test kit's
//! (`testing::RunCount`, `testing::Gate`).

#![allow(dead_code)]

use cometchat_webhooks::testing::{EventBuilder, sample_body};
use cometchat_webhooks::{Event, Trigger};

/// The bundled sample of `trigger`, decoded.
pub(crate) fn sample(trigger: Trigger) -> Event {
    Event::from_slice(sample_body(trigger)).expect("bundled samples decode")
}

/// A `message_sent` whose message id (and so idempotency key) is `id`.
pub(crate) fn message_sent(id: &str) -> Event {
    EventBuilder::new(Trigger::MessageSent).set("data.message.id", id).build()
}

/// The JSON body of a response.
pub(crate) fn json(body: &[u8]) -> serde_json::Value {
    serde_json::from_slice(body).expect("a JSON body")
}
