//! How much of a body an adapter reads, as rows every adapter runs through
//! its [`Harness::receive`]: nothing before the headers are accepted, never
//! more than the limit, the configured limit rather than the framework's
//! own, and a body that breaks off midway is a 400.
//!
//! The kit counts the chunks the server pulls from a streamed body
//! ([`Delivery::Endless`]), so an adapter needs nothing to take part but
//! hand [`Request::body_stream`] to its framework.

use bytes::Bytes;

use super::harness::{ChunkCount, Delivery, Failure, Failures, Harness, Request};
use super::harness::{PASSWORD, USERNAME, WRONG_PASSWORD, receiver_config};
use super::recorders::Sightings;
use super::{basic_auth_header, sample_body};
use crate::contract::{ReceiverConfig, WWW_AUTHENTICATE};
use crate::trigger::Trigger;

/// The chunk an endless body repeats.
pub const CHUNK: usize = 16 * 1024;
const LIMIT: usize = ReceiverConfig::DEFAULT_BODY_LIMIT;
const MIB: usize = 1024 * 1024;

/// One request, the receiver it is sent to, and what must come back.
#[derive(Debug, Clone)]
pub struct Row {
    /// What the row shows.
    pub name: String,
    /// The receiver the route uses.
    pub config: ReceiverConfig,
    /// What to send.
    pub request: Request,
    /// The status that must come back; the handler runs exactly when it
    /// is 200.
    pub status: u16,
    /// The exact body that must come back, when the row pins it.
    pub body: Option<&'static str>,
    /// For an endless body: how many chunks the server may pull, exactly.
    pub pulled: Option<(ChunkCount, usize)>,
}

impl Row {
    fn new(name: impl Into<String>, request: Request, status: u16) -> Self {
        let name = name.into();
        Self { name, config: receiver_config(), request, status, body: None, pulled: None }
    }

    /// An endless body, of which the server may pull `chunks` chunks.
    fn endless(mut self, chunks: usize) -> Self {
        let pulled = ChunkCount::default();
        self.request.body = Bytes::from(vec![b' '; CHUNK]);
        // Set directly: a row may declare a length the endless body belies.
        self.request.delivery = Delivery::Endless { pulled: pulled.clone() };
        self.pulled = Some((pulled, chunks));
        self
    }

    fn body(self, body: &'static str) -> Self {
        Self { body: Some(body), ..self }
    }

    fn config(self, config: ReceiverConfig) -> Self {
        Self { config, ..self }
    }

    /// Checks what came back; the error lists every difference.
    pub fn check(&self, answer: &super::Answer) -> Result<(), Failure> {
        let mut problems = Vec::new();
        if answer.status != self.status {
            problems.push(format!("expected status {}, got {}", self.status, answer.status));
        }
        if let Some(body) = self.body
            && answer.body != body.as_bytes()
        {
            problems.push(format!("expected body {body:?}, got {:?}", answer.text()));
        }
        if self.status == 401 && answer.header("www-authenticate") != Some(WWW_AUTHENTICATE) {
            problems.push("a 401 without `www-authenticate`".to_owned());
        }
        if let Some((pulled, expected)) = &self.pulled
            && pulled.get() != *expected
        {
            problems
                .push(format!("expected {expected} body chunks read, counted {}", pulled.get()));
        }
        let runs = answer.seen.len();
        let expected_runs = usize::from(self.status == 200);
        if runs != expected_runs {
            problems.push(format!("expected {expected_runs} handler runs, counted {runs}"));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Failure { name: self.name.clone(), problem: problems.join("; ") })
        }
    }
}

/// Every row, with fresh chunk counts.
pub fn rows() -> Vec<Row> {
    let right = || basic_auth_header(USERNAME, PASSWORD);
    let post = || Request::new("POST", super::PATH);
    let signed = || post().with_header("authorization", right());
    let mut rows: Vec<Row> = [
        ("no Authorization", post()),
        ("Bearer token", post().with_header("authorization", "Bearer token")),
        (
            "wrong password",
            post().with_header("authorization", basic_auth_header(USERNAME, WRONG_PASSWORD)),
        ),
        ("Authorization twice", signed().with_header("authorization", right())),
    ]
    .into_iter()
    .map(|(name, request)| {
        Row::new(format!("401 before a body byte is read: {name}"), request, 401).endless(0)
    })
    .collect();
    let declared = (LIMIT + 1).to_string();
    rows.push(
        Row::new(
            "413 before a body byte is read: Content-Length over the limit",
            signed().with_header("content-length", declared),
            413,
        )
        .endless(0),
    );
    rows.push(
        Row::new("413: an endless body is read only up to the limit", signed(), 413)
            .endless(LIMIT / CHUNK + 1),
    );
    rows.extend(configured_limits(signed));
    rows.push(
        Row::new(
            "400: a body that fails midway",
            signed().with_body(&b"{\"trigger\""[..]).delivered(Delivery::FailsMidway),
            400,
        )
        .body(r#"{"error":"body could not be read"}"#),
    );
    rows
}

/// The configured limit applies, and the framework's own limits (axum's
/// 2 MiB `DefaultBodyLimit`, actix-web's 256 KiB `PayloadConfig`) do not.
fn configured_limits(signed: impl Fn() -> Request) -> Vec<Row> {
    let small = receiver_config().with_body_limit(64);
    let large = receiver_config().with_body_limit(4 * MIB);
    let (Ok(small), Ok(large)) = (small, large) else { unreachable!("both limits are above zero") };
    let mut sample = sample_body(Trigger::MessageSent).to_vec();
    sample.resize(3 * MIB, b' ');
    let sample = Bytes::from(sample);
    let mut rows = Vec::new();
    for (how, delivery) in
        [("whole", Delivery::Whole), ("streamed", Delivery::Chunked { chunk_size: 64 * 1024 })]
    {
        let over = signed().with_body(vec![b' '; 65]).delivered(delivery.clone());
        rows.push(
            Row::new(format!("413: 65 bytes {how} over a 64-byte limit"), over, 413)
                .config(small.clone()),
        );
        let within = signed().with_body(sample.clone()).delivered(delivery);
        rows.push(
            Row::new(format!("200: 3 MiB {how} within a 4 MiB limit"), within, 200)
                .config(large.clone())
                .body("message_sent"),
        );
    }
    rows
}

/// Sends every row through `harness`: `Ok` when each got its answer and
/// had exactly as much of its body read as it may, otherwise every failure.
pub async fn run(harness: &mut impl Harness) -> Result<(), Failures> {
    let rows = rows();
    let mut failures =
        Failures { suite: "body-reading rows", total: rows.len(), failed: Vec::new() };
    for row in rows {
        let seen = Sightings::default();
        let answer = harness.receive(&row.config, &seen, row.request.clone()).await.seeing(&seen);
        if let Err(failure) = row.check(&answer) {
            failures.failed.push(failure);
        }
    }
    failures.into_result()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::reference::{Reference, block_on};

    #[test]
    fn the_core_alone_passes_every_row() {
        block_on(run(&mut Reference)).unwrap_or_else(|failures| panic!("{failures}"));
    }

    #[test]
    fn a_harness_that_reads_the_body_first_is_caught() {
        // Reads the first chunk before answering, as an adapter that
        // buffered before checking the headers would.
        struct Eager;
        impl Harness for Eager {
            async fn receive(
                &mut self,
                config: &ReceiverConfig,
                seen: &Sightings,
                request: Request,
            ) -> super::super::Answer {
                let mut stream = request.body_stream();
                let _ = std::future::poll_fn(|context| {
                    futures_core::Stream::poll_next(std::pin::Pin::new(&mut stream), context)
                })
                .await;
                Reference.receive(config, seen, request).await
            }

            #[cfg(feature = "router")]
            async fn mount(
                &mut self,
                router: &crate::router::WebhookRouter,
                request: Request,
            ) -> super::super::Answer {
                Reference.mount(router, request).await
            }
        }
        let failures = block_on(run(&mut Eager)).unwrap_err();
        let report = failures.to_string();
        assert_eq!(failures.failed.len(), 6, "{report}");
        assert!(report.contains("expected 0 body chunks read, counted 1"), "{report}");
        assert!(report.contains("expected 65 body chunks read, counted 66"), "{report}");
    }
}
