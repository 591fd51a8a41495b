//! What a typed router mounted by an adapter must answer, as scenarios every
//! adapter runs (features `testing` and `router`).
//!
//! Each [`Scenario`] builds its own router, sends its requests and checks
//! every answer: statuses, headers, bodies, how often handlers ran and in
//! what order. It sends through a [`Framework`]: an async function the
//! adapter's test supplies that mounts the router at [`PATH`] with
//! [`receiver_config`], sends the [`Request`] through the framework's
//! in-process test tools and hands back an [`Answer`]. [`run`] plays every
//! scenario and reports every failure at once.
//!
//! [`PATH`]: super::conformance::PATH
//! [`receiver_config`]: super::conformance::receiver_config
//!
//! ```
//! use cometchat_webhooks::router::WebhookRouter;
//! use cometchat_webhooks::testing::router_conformance::{self, Answer, Request, Scenario};
//!
//! // A stand-in for a framework: answers 404 to everything.
//! async fn send(_router: WebhookRouter, _request: Request) -> Answer {
//!     Answer::new(404, Vec::<(&str, &str)>::new(), Vec::new())
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let failures = router_conformance::run(send).await.unwrap_err();
//! assert_eq!(failures.failed.len(), Scenario::ALL.len());
//! assert!(failures.to_string().contains("expected status 200, got 404"));
//! # }
//! ```

// Without the router there is nothing to mount.
#![cfg(feature = "router")]

mod expect;
mod handlers;
mod scenarios;

use std::borrow::Cow;
use std::fmt;
use std::future::Future;

use bytes::Bytes;

use super::basic_auth_header;
use super::conformance::{PASSWORD, PATH, USERNAME};
use crate::router::WebhookRouter;

pub use handlers::{RunCount, counting_router};
pub use scenarios::Scenario;

/// A request to send through the framework, in framework-free terms.
#[derive(Debug, Clone)]
pub struct Request {
    /// `POST`, or another method.
    pub method: &'static str,
    /// The path: [`PATH`] in every scenario.
    pub path: String,
    /// The headers to send; the framework's test tool adds `Content-Length`.
    pub headers: Vec<(&'static str, String)>,
    /// The body, sent whole.
    pub body: Bytes,
}

impl Request {
    /// A request with no headers and an empty body.
    pub fn new(method: &'static str, path: impl Into<String>) -> Self {
        Self { method, path: path.into(), headers: Vec::new(), body: Bytes::new() }
    }

    /// A `POST` to [`PATH`] with the suite's credentials: a webhook the
    /// receiver accepts as far as authentication goes.
    pub fn webhook(body: impl Into<Bytes>) -> Self {
        Self::signed_with(PASSWORD, body)
    }

    /// A `POST` to [`PATH`] from [`USERNAME`] with `password`.
    pub fn signed_with(password: &str, body: impl Into<Bytes>) -> Self {
        Self::new("POST", PATH)
            .with_header("authorization", basic_auth_header(USERNAME, password))
            .with_body(body)
    }

    /// The same request with one more header.
    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// The same request with this body.
    pub fn with_body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// The same request to another path, e.g. under a prefix.
    pub fn at(mut self, path: impl Into<String>) -> Self {
        self.path = path.into();
        self
    }

    /// The value of a header, if the request has it.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(header, _)| header.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// What the framework answered, in framework-free terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The status.
    pub status: u16,
    /// Every response header, as name and raw value.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The response body.
    pub body: Vec<u8>,
}

impl Answer {
    /// An answer from any list of header names and values, so an adapter
    /// can pass its framework's header map straight in.
    pub fn new<Name, Value>(
        status: u16,
        headers: impl IntoIterator<Item = (Name, Value)>,
        body: impl Into<Vec<u8>>,
    ) -> Self
    where
        Name: AsRef<str>,
        Value: AsRef<[u8]>,
    {
        let headers = headers
            .into_iter()
            .map(|(name, value)| (name.as_ref().to_owned(), value.as_ref().to_vec()))
            .collect();
        Self { status, headers, body: body.into() }
    }

    /// The first value of a header, by case-insensitive name, if it is
    /// present and UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(header, _)| header.eq_ignore_ascii_case(name))
            .and_then(|(_, value)| std::str::from_utf8(value).ok())
    }

    /// The body as text (invalid UTF-8 shown as `�`).
    pub fn text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }
}

/// The framework under test: sends a request to an app that mounts the
/// router at [`PATH`] with [`receiver_config`](super::conformance::receiver_config).
///
/// Every `FnMut(WebhookRouter, Request) -> impl Future<Output = Answer>` is one.
/// The router is a clone sharing its handlers, de-duplication and queue with
/// the scenario's, so an app may be built anew for every request.
pub trait Framework {
    /// The answer on its way.
    type Answering: Future<Output = Answer>;

    /// Sends `request` to an app serving `router`.
    fn send(&mut self, router: &WebhookRouter, request: Request) -> Self::Answering;
}

impl<Sender, Answering> Framework for Sender
where
    Sender: FnMut(WebhookRouter, Request) -> Answering,
    Answering: Future<Output = Answer>,
{
    type Answering = Answering;

    fn send(&mut self, router: &WebhookRouter, request: Request) -> Answering {
        self(router.clone(), request)
    }
}

/// Plays every scenario through `framework`, one after another: `Ok` when
/// every scenario got the answers it demands, otherwise every failure.
pub async fn run(mut framework: impl Framework) -> Result<(), Failures> {
    let mut failed = Vec::new();
    for scenario in Scenario::ALL {
        if let Err(problem) = scenario.check(&mut framework).await {
            failed.push(Failure { scenario, problem });
        }
    }
    let total = Scenario::ALL.len();
    if failed.is_empty() { Ok(()) } else { Err(Failures { total, failed }) }
}

/// One scenario that did not get the answers it demands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The scenario.
    pub scenario: Scenario,
    /// The first thing that differed.
    pub problem: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "`{}`: {}", self.scenario.name(), self.problem)
    }
}

impl std::error::Error for Failure {}

/// Every scenario an adapter failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failures {
    /// How many scenarios were played.
    pub total: usize,
    /// The scenarios that failed.
    pub failed: Vec<Failure>,
}

impl fmt::Display for Failures {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{} of {} router scenarios failed:", self.failed.len(), self.total)?;
        for failure in &self.failed {
            write!(formatter, "\n  {failure}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Failures {}

#[cfg(test)]
mod tests;
