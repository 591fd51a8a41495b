//! The HTTP contract as data, so every adapter is held to the same answers.
//!
//! [`cases`] lists one request per row of the contract (and per bundled
//! sample), each with the answer it must get. An adapter's test sends every
//! case through its framework's in-process test tools, to a route that
//! serves `POST` [`PATH`] with [`receiver_config`] and a handler that records
//! the trigger it saw, and hands back an [`Answer`]; [`run`] checks each one
//! with [`Case::check`] and reports every mismatch at once.
//!
//! ```
//! use cometchat_webhooks::testing::conformance::{self, Answer, Case};
//!
//! // A stand-in for a framework: answers 405 to everything.
//! async fn send(_case: Case) -> Answer {
//!     Answer { status: 405, headers: Vec::new(), body: Vec::new(), seen_trigger: None }
//! }
//! # let waker = std::task::Waker::noop();
//! # let mut context = std::task::Context::from_waker(&waker);
//! # let mut future = std::pin::pin!(conformance::run(send));
//! # let std::task::Poll::Ready(result) = future.as_mut().poll(&mut context) else { panic!() };
//! let failures = result.unwrap_err();
//! assert!(failures.to_string().contains("expected status 200, got 405"));
//! ```

mod cases;
mod check;

use std::future::Future;

use bytes::Bytes;

use crate::auth::BasicAuth;
use crate::contract::ReceiverConfig;

pub use cases::{cases, not_configured};
pub use check::{Failures, Mismatch};

/// The username every case authenticates with.
pub const USERNAME: &str = "cometchat";
/// The password every case authenticates with.
pub const PASSWORD: &str = "conformance-password";
/// A password that is refused; never to be echoed in an answer.
pub const WRONG_PASSWORD: &str = "not-the-password";
/// The path the route under test serves.
pub const PATH: &str = "/webhooks/cometchat";

/// The receiver every case expects: [`USERNAME`] / [`PASSWORD`] and the
/// default body limit, so the suite also pins that default.
pub fn receiver_config() -> ReceiverConfig {
    match BasicAuth::new(USERNAME, PASSWORD) {
        Ok(auth) => ReceiverConfig::new(auth),
        Err(error) => unreachable!("the conformance credentials are valid: {error}"),
    }
}

/// One request and the answer the contract demands for it.
#[derive(Debug, Clone)]
pub struct Case {
    /// What the case shows, e.g. `401: wrong password`.
    pub name: String,
    /// What to send.
    pub request: CaseRequest,
    /// What must come back.
    pub expected: Expected,
}

/// A request to send to [`PATH`].
#[derive(Debug, Clone)]
pub struct CaseRequest {
    /// `POST`, or another method for the wrong-method row.
    pub method: &'static str,
    /// Exactly the headers to send, `content-length` included when the body
    /// is sent whole.
    pub headers: Vec<(&'static str, String)>,
    /// The body.
    pub body: Bytes,
    /// Whether the body is sent whole or as a stream of chunks.
    pub delivery: Delivery,
}

/// How the body reaches the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// In one piece, announced by `Content-Length`.
    Whole,
    /// As a stream of chunks of at most `chunk_size` bytes, without
    /// `Content-Length` (what `Transfer-Encoding: chunked` gives a server).
    Chunked {
        /// Largest chunk, in bytes.
        chunk_size: usize,
    },
}

impl CaseRequest {
    /// The value of a header, if the request has it.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(header, _)| header.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The body in the pieces to send: one piece when whole, none when empty.
    pub fn chunks(&self) -> Vec<Bytes> {
        let chunk_size = match self.delivery {
            Delivery::Whole => self.body.len().max(1),
            Delivery::Chunked { chunk_size } => chunk_size.max(1),
        };
        (0..self.body.len())
            .step_by(chunk_size)
            .map(|start| self.body.slice(start..(start + chunk_size).min(self.body.len())))
            .collect()
    }

    /// Whether the body goes as a stream without `Content-Length`.
    pub fn is_chunked(&self) -> bool {
        matches!(self.delivery, Delivery::Chunked { .. })
    }
}

/// The answer a case must get.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// 200, and the handler ran with an event of this trigger (as sent).
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

/// What an adapter answered to a case, in framework-free terms.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The status.
    pub status: u16,
    /// Every response header, as name and raw value.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The response body.
    pub body: Vec<u8>,
    /// The trigger of the event the handler saw, if the handler ran.
    pub seen_trigger: Option<String>,
}

/// Sends every case with `send` and checks every answer: `Ok` when every
/// case got the answer the contract demands, otherwise every mismatch.
pub async fn run<Sender, Sending>(mut send: Sender) -> Result<(), Failures>
where
    Sender: FnMut(Case) -> Sending,
    Sending: Future<Output = Answer>,
{
    let cases = cases();
    let total = cases.len();
    let mut mismatches = Vec::new();
    for case in cases {
        let answer = send(case.clone()).await;
        if let Err(mismatch) = case.check(&answer) {
            mismatches.push(mismatch);
        }
    }
    if mismatches.is_empty() { Ok(()) } else { Err(Failures { total, mismatches }) }
}

#[cfg(test)]
mod tests;
