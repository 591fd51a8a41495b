//! A handler that counts its runs, for the scenarios and for an adapter's
//! own tests of a mounted router.

use std::convert::Infallible;
use std::future::{Ready, ready};

use crate::payload::MessageSent;
use crate::router::{RouterBuilder, WebhookRouter};
use crate::testing::recorders::RunCount;

/// A router whose one handler takes [`MessageSent`], notes its run in
/// `runs` and succeeds.
pub fn counting_router(runs: &RunCount) -> WebhookRouter {
    count_message_sent(WebhookRouter::builder(), runs).build()
}

/// Registers the handler of [`counting_router`] on `builder`.
pub(super) fn count_message_sent(builder: RouterBuilder, runs: &RunCount) -> RouterBuilder {
    let runs = runs.clone();
    builder.on(move |_sent: MessageSent| -> Ready<Result<(), Infallible>> {
        runs.bump();
        ready(Ok(()))
    })
}
