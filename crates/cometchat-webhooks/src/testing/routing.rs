//! A router with a typed handler for every trigger (features `testing` and
//! `router`), so an adapter's tests can check that each bundled sample,
//! sent through the framework, reaches the handler its argument type names.
//!
//! ```
//! use cometchat_webhooks::Event;
//! use cometchat_webhooks::router::WebhookRouter;
//! use cometchat_webhooks::testing::TriggerLog;
//! use cometchat_webhooks::testing::routing::record_every_trigger;
//! use cometchat_webhooks::testing::samples;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let log = TriggerLog::default();
//! let router = record_every_trigger(WebhookRouter::builder(), &log).build();
//! for (trigger, body) in samples() {
//!     let event = Event::from_slice(body).expect("bundled samples decode");
//!     assert_eq!(router.handle(event).await.status(), 200);
//!     assert_eq!(log.take(), vec![trigger]);
//! }
//! # }
//! ```

use std::convert::Infallible;
use std::future::{Ready, ready};

use crate::router::RouterBuilder;
use crate::testing::recorders::TriggerLog;
use crate::trigger::{PayloadTypeFold, TypedPayload, fold_payload_types};

/// Registers on `builder`, for every trigger in [`Trigger::ALL`](crate::Trigger::ALL), a handler
/// taking that trigger's payload type that records the trigger in `log` and
/// succeeds. Register more handlers afterwards to replace some of them.
pub fn record_every_trigger(builder: RouterBuilder, log: &TriggerLog) -> RouterBuilder {
    fold_payload_types(builder, &Record(log))
}

/// Registers one recording handler per payload type.
struct Record<'a>(&'a TriggerLog);

impl PayloadTypeFold<RouterBuilder> for Record<'_> {
    fn apply<T: TypedPayload>(&self, builder: RouterBuilder) -> RouterBuilder {
        let log = self.0.clone();
        builder.on(move |_payload: T| -> Ready<Result<(), Infallible>> {
            log.record(T::TRIGGER);
            ready(Ok(()))
        })
    }
}
