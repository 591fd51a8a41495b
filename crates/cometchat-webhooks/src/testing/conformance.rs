//! The HTTP contract as data, so every adapter is held to the same answers.
//!
//! [`cases`] lists one request per row of the contract (and per bundled
//! sample), each with the answer it must get. [`run`] sends every case
//! through an adapter's [`Harness::receive`] with [`receiver_config`],
//! checks each answer with [`Case::check`] and reports every mismatch at
//! once.
//!
//! ```
//! use cometchat_webhooks::ReceiverConfig;
//! use cometchat_webhooks::testing::{Answer, Harness, Request, Sightings, conformance};
//! # #[cfg(feature = "router")]
//! # use cometchat_webhooks::router::WebhookRouter;
//!
//! /// A stand-in for a framework: answers 405 to everything.
//! struct Refuses;
//!
//! impl Harness for Refuses {
//!     async fn receive(&mut self, _: &ReceiverConfig, _: &Sightings, _: Request) -> Answer {
//!         Answer::new(405, Vec::<(&str, &str)>::new(), Vec::new())
//!     }
//! #   #[cfg(feature = "router")]
//! #   async fn mount(&mut self, _: &WebhookRouter, _: Request) -> Answer { unreachable!() }
//! }
//!
//! # let waker = std::task::Waker::noop();
//! # let mut context = std::task::Context::from_waker(&waker);
//! let mut harness = Refuses;
//! # let mut future = std::pin::pin!(conformance::run(&mut harness));
//! # let std::task::Poll::Ready(result) = future.as_mut().poll(&mut context) else { panic!() };
//! let failures = result.unwrap_err();
//! assert!(failures.to_string().contains("expected status 200, got 405"));
//! ```

mod cases;
mod check;

pub use cases::{cases, not_configured};
pub use check::Mismatch;

use super::harness::{Answer, Failure, Failures, Harness, Request};
pub use super::harness::{PASSWORD, PATH, USERNAME, WRONG_PASSWORD, receiver_config};
use super::recorders::Sightings;

/// One request and the answer the contract demands for it.
#[derive(Debug, Clone)]
pub struct Case {
    /// What the case shows, e.g. `401: wrong password`.
    pub name: String,
    /// What to send.
    pub request: Request,
    /// What must come back.
    pub expected: Expected,
}

/// The answer a case must get.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// 200, and the handler ran once with an event of this trigger (as
    /// sent).
    Accepted {
        /// The trigger name the handler must have seen.
        trigger: String,
    },
    /// Refused by the receiver: this status, `content-type:
    /// application/json`, these headers, a `{"error": "..."}` body that
    /// echoes no credentials, and the handler did not run.
    Refused {
        /// The status.
        status: u16,
        /// Headers that must be present with exactly these values.
        headers: Vec<(&'static str, &'static str)>,
    },
    /// Answered by the framework's router (e.g. 405 for a `post()` route):
    /// this status, and the handler did not run.
    Routed {
        /// The status.
        status: u16,
    },
}

/// Sends `case` through `harness` with [`receiver_config`] and checks the
/// answer, which it returns either way.
pub async fn send(harness: &mut impl Harness, case: &Case) -> (Answer, Result<(), Mismatch>) {
    let seen = Sightings::default();
    let answer = harness.receive(&receiver_config(), &seen, case.request.clone()).await;
    let answer = answer.seeing(&seen);
    let checked = case.check(&answer);
    (answer, checked)
}

/// Sends every case through `harness` and checks every answer: `Ok` when
/// every case got the answer the contract demands, otherwise every
/// mismatch.
pub async fn run(harness: &mut impl Harness) -> Result<(), Failures> {
    let cases = cases();
    let mut failures =
        Failures { suite: "conformance cases", total: cases.len(), failed: Vec::new() };
    for case in &cases {
        if let (_, Err(mismatch)) = send(harness, case).await {
            failures.failed.push(Failure::from(mismatch));
        }
    }
    failures.into_result()
}

#[cfg(test)]
mod tests;
