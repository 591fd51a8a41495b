//! Where the receiver's own time goes, measured in this process on one
//! thread: the steps it adds to a handler that reads the body.

use std::hint::black_box;
use std::time::{Duration, Instant};

use bytes::Bytes;
use cometchat_webhooks::ReceiverConfig;

/// Time per call of each step, for one request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Breakdown {
    /// `ReceiverConfig::authorize` with the right credentials.
    pub(crate) authorize: Duration,
    /// Collecting the body into the receiver's bounded buffer.
    pub(crate) collect: Duration,
    /// `ReceiverConfig::decode` into the typed event, and dropping it.
    pub(crate) decode: Duration,
}

/// Times each step over `spend` of repetitions.
pub(crate) fn measure(
    config: &ReceiverConfig,
    authorization: &str,
    body: &Bytes,
    spend: Duration,
) -> Breakdown {
    let authorize = per_call(spend, || {
        black_box(config.authorize(Some(black_box(authorization.as_bytes())))).is_ok()
    });
    let collect = per_call(spend, || {
        let mut collector = config.body_collector();
        black_box(collector.push(black_box(body)).is_ok() && !collector.finish().is_empty())
    });
    let decode = per_call(spend, || black_box(config.decode(black_box(body.clone()))).is_ok());
    Breakdown { authorize, collect, decode }
}

fn per_call(spend: Duration, mut step: impl FnMut() -> bool) -> Duration {
    let started = Instant::now();
    let mut calls: u32 = 0;
    while started.elapsed() < spend {
        // Batches keep the clock reads out of the figure.
        for _ in 0..100 {
            assert!(step(), "every step succeeds on the benchmark's request");
        }
        calls += 100;
    }
    started.elapsed() / calls
}
