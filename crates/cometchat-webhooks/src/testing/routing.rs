//! A router with a typed handler for every trigger (features `testing` and
//! `router`), so an adapter's tests can check that each bundled sample,
//! sent through the framework, reaches the handler its argument type names.
//!
//! ```
//! use cometchat_webhooks::Event;
//! use cometchat_webhooks::router::WebhookRouter;
//! use cometchat_webhooks::testing::routing::{TriggerLog, record_every_trigger};
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
use std::sync::{Arc, Mutex, PoisonError};

use crate::router::RouterBuilder;
use crate::trigger::{PayloadTypeFold, Trigger, TypedPayload, fold_payload_types};

/// The triggers whose handlers ran, oldest first. Clones share one log, so
/// handlers and the test can each hold one.
#[derive(Debug, Clone, Default)]
pub struct TriggerLog(Arc<Mutex<Vec<Trigger>>>);

impl TriggerLog {
    /// Notes that the handler of `trigger` ran.
    pub fn record(&self, trigger: Trigger) {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).push(trigger);
    }

    /// The triggers recorded since the last call.
    pub fn take(&self) -> Vec<Trigger> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// Registers on `builder`, for every trigger in [`Trigger::ALL`], a handler
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
