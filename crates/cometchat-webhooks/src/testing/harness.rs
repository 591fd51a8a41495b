//! The one request type, answer type and [`Harness`] trait of the adapter
//! test kit. An adapter implements [`Harness`] once, in its tests, and runs
//! every suite over it: [`conformance`](super::conformance) (the contract's
//! rows), [`body_reading`](super::body_reading) (how much of a body is
//! read) and [`router_conformance`](super::router_conformance) (a mounted
//! router's scenarios).

use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;

use super::basic_auth_header;
use super::recorders::{Sighting, Sightings};
use crate::contract::ReceiverConfig;
#[cfg(feature = "router")]
use crate::router::WebhookRouter;

/// The username every suite authenticates with.
pub const USERNAME: &str = "cometchat";
/// The password every suite authenticates with.
pub const PASSWORD: &str = "conformance-password";
/// A password that is refused; never to be echoed in an answer.
pub const WRONG_PASSWORD: &str = "not-the-password";
/// The path the route under test serves.
pub const PATH: &str = "/webhooks/cometchat";

/// The receiver the suites expect unless a row says otherwise:
/// [`USERNAME`] / [`PASSWORD`] and the default body limit, so the suites
/// also pin that default.
pub fn receiver_config() -> ReceiverConfig {
    match crate::auth::BasicAuth::new(USERNAME, PASSWORD) {
        Ok(auth) => ReceiverConfig::new(auth),
        Err(error) => unreachable!("the suite's credentials are valid: {error}"),
    }
}

/// A request, in framework-free terms.
#[derive(Debug, Clone)]
pub struct Request {
    /// `POST`, or another method.
    pub method: &'static str,
    /// The path: [`PATH`] unless a test says otherwise.
    pub path: String,
    /// Exactly the headers to send, `content-length` included when the
    /// body is announced (as [`Request::webhook`] and
    /// [`with_body`](Request::with_body) do).
    pub headers: Vec<(&'static str, String)>,
    /// The body, or for [`Delivery::Endless`] the chunk sent again and again.
    pub body: Bytes,
    /// How the body reaches the server.
    pub delivery: Delivery,
}

/// How a body reaches the server.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Delivery {
    /// In one piece.
    Whole,
    /// As a stream of chunks of at most `chunk_size` bytes (what
    /// `Transfer-Encoding: chunked` gives a server).
    Chunked {
        /// Largest chunk, in bytes.
        chunk_size: usize,
    },
    /// The body as one chunk, then a read error, as when the connection
    /// drops midway.
    FailsMidway,
    /// The body as a chunk, again and again without end; every chunk the
    /// server pulls is counted in `pulled`.
    Endless {
        /// The chunks pulled so far.
        pulled: ChunkCount,
    },
}

/// How many chunks of a body the server pulled. Clones share one count.
#[derive(Debug, Clone, Default)]
pub struct ChunkCount(Arc<AtomicUsize>);

impl ChunkCount {
    /// The chunks pulled so far.
    pub fn get(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

impl Request {
    /// A request with no headers and an empty body, sent whole.
    pub fn new(method: &'static str, path: impl Into<String>) -> Self {
        Self {
            method,
            path: path.into(),
            headers: Vec::new(),
            body: Bytes::new(),
            delivery: Delivery::Whole,
        }
    }

    /// A `POST` to [`PATH`] with the suite's credentials, `Content-Type:
    /// application/json` and `body` sent whole.
    pub fn webhook(body: impl Into<Bytes>) -> Self {
        Self::signed_with(PASSWORD, body)
    }

    /// A `POST` to [`PATH`] from [`USERNAME`] with `password`.
    pub fn signed_with(password: &str, body: impl Into<Bytes>) -> Self {
        Self::new("POST", PATH)
            .with_header("authorization", basic_auth_header(USERNAME, password))
            .with_header("content-type", "application/json")
            .with_body(body)
    }

    /// The same request with one more header.
    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// The same request without any header of this name.
    pub fn without_header(mut self, name: &str) -> Self {
        self.headers.retain(|(header, _)| !header.eq_ignore_ascii_case(name));
        self
    }

    /// The same request with this body, sent whole and announced by
    /// `Content-Length`.
    pub fn with_body(self, body: impl Into<Bytes>) -> Self {
        let body = body.into();
        let length = body.len().to_string();
        let mut request =
            self.without_header("content-length").with_header("content-length", length);
        request.body = body;
        request.delivery = Delivery::Whole;
        request
    }

    /// The same request with its body sent as `delivery`; every delivery
    /// but [`Delivery::Whole`] goes without `Content-Length`.
    pub fn delivered(mut self, delivery: Delivery) -> Self {
        if !matches!(delivery, Delivery::Whole) {
            self = self.without_header("content-length");
        }
        self.delivery = delivery;
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

    /// The body when it is sent whole, for a framework's whole-body tools;
    /// `None` when it must go as [`body_stream`](Self::body_stream).
    pub fn whole_body(&self) -> Option<&Bytes> {
        matches!(self.delivery, Delivery::Whole).then_some(&self.body)
    }

    /// Whether the body goes as a stream rather than whole.
    pub fn is_chunked(&self) -> bool {
        !matches!(self.delivery, Delivery::Whole)
    }

    /// The pieces of a finite body: one piece when whole, none when empty.
    /// An endless body gives its one chunk.
    pub fn chunks(&self) -> Vec<Bytes> {
        let chunk_size = match self.delivery {
            Delivery::Chunked { chunk_size } => chunk_size.max(1),
            _ => self.body.len().max(1),
        };
        (0..self.body.len())
            .step_by(chunk_size)
            .map(|start| self.body.slice(start..(start + chunk_size).min(self.body.len())))
            .collect()
    }

    /// The body as a stream of chunks, however it is delivered: what an
    /// adapter hands its framework for a streamed body.
    pub fn body_stream(&self) -> BodyStream {
        let failure = matches!(self.delivery, Delivery::FailsMidway);
        let endless = match &self.delivery {
            Delivery::Endless { pulled } => Some((self.body.clone(), pulled.clone())),
            _ => None,
        };
        let mut chunks = self.chunks();
        chunks.reverse();
        BodyStream { chunks, failure, endless }
    }
}

/// A request body as a stream of chunks (see [`Request::body_stream`]).
/// `Send`, `Sync` and `Unpin`, so any framework's body type can wrap it.
#[derive(Debug)]
pub struct BodyStream {
    /// The chunks still to send, last first.
    chunks: Vec<Bytes>,
    /// Whether a read error follows the chunks.
    failure: bool,
    /// The chunk to repeat for ever, and the count of pulls.
    endless: Option<(Bytes, ChunkCount)>,
}

impl Stream for BodyStream {
    type Item = std::io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if let Some((chunk, pulled)) = &self.endless {
            pulled.0.fetch_add(1, Ordering::SeqCst);
            return Poll::Ready(Some(Ok(chunk.clone())));
        }
        if let Some(chunk) = self.chunks.pop() {
            return Poll::Ready(Some(Ok(chunk)));
        }
        if std::mem::take(&mut self.failure) {
            return Poll::Ready(Some(Err(std::io::Error::other("connection reset"))));
        }
        Poll::Ready(None)
    }
}

/// What the framework answered, in framework-free terms, and what the
/// handler saw meanwhile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The status.
    pub status: u16,
    /// Every response header, as name and raw value.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The response body.
    pub body: Vec<u8>,
    /// The events the handler saw while answering, filled in by the suite
    /// from its [`Sightings`].
    pub seen: Vec<Sighting>,
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
        Self { status, headers, body: body.into(), seen: Vec::new() }
    }

    /// The same answer with what the handler saw.
    pub fn seeing(mut self, seen: &Sightings) -> Self {
        self.seen = seen.take();
        self
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

    /// The trigger of the first event the handler saw, if it ran.
    pub fn seen_trigger(&self) -> Option<&str> {
        self.seen.first().map(|seen| seen.trigger.as_str())
    }
}

/// An adapter under test: sends a [`Request`] through the framework's
/// in-process test tools and hands back the [`Answer`].
///
/// The request's body goes whole when [`Request::whole_body`] gives it,
/// otherwise as [`Request::body_stream`] (without `Content-Length` unless
/// the request has the header), so the kit can count what is read. Every
/// header is sent exactly as listed, repeated names included.
pub trait Harness {
    /// Sends `request` to an app that serves `POST` [`PATH`] with the
    /// adapter's extractor (or filter, or argument) configured by `config`,
    /// and a handler that answers 200 with `seen.record(&event)`.
    fn receive(
        &mut self,
        config: &ReceiverConfig,
        seen: &Sightings,
        request: Request,
    ) -> impl Future<Output = Answer>;

    /// Sends `request` to an app that mounts `router` at [`PATH`] with
    /// [`receiver_config`]. The router is a clone sharing its handlers,
    /// de-duplication and queue with the test's, so an app may be built
    /// anew for every request.
    #[cfg(feature = "router")]
    fn mount(&mut self, router: &WebhookRouter, request: Request) -> impl Future<Output = Answer>;
}

/// One row or scenario of a suite that did not get the answer it demands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The row's or scenario's name.
    pub name: String,
    /// Everything that differed.
    pub problem: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "`{}`: {}", self.name, self.problem)
    }
}

impl std::error::Error for Failure {}

/// Every failure of one suite run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failures {
    /// What the suite runs, e.g. `conformance cases`.
    pub suite: &'static str,
    /// How many rows or scenarios ran.
    pub total: usize,
    /// Those that failed.
    pub failed: Vec<Failure>,
}

impl Failures {
    /// `Ok` when nothing failed, otherwise every failure.
    pub(super) fn into_result(self) -> Result<(), Failures> {
        if self.failed.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl fmt::Display for Failures {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{} of {} {} failed:", self.failed.len(), self.total, self.suite)?;
        for failure in &self.failed {
            write!(formatter, "\n  {failure}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Failures {}
