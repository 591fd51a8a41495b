//! Where the receiver's own time goes, measured in this process on one
//! thread: the steps it adds to a handler that reads the body.

use std::hint::black_box;
use std::time::{Duration, Instant};

use std::convert::Infallible;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use bytes::Bytes;
use cometchat_webhooks::contract::{self, RequestHead};
use cometchat_webhooks::{Event, ReceiverConfig};

/// Time per call of each step, for one request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Breakdown {
    /// `ReceiverConfig::authorize` with the right credentials.
    pub(crate) authorize: Duration,
    /// The whole request path, `contract::receive`, on a body that arrives
    /// in one chunk: authorize, read within the limit, decode.
    pub(crate) receive: Duration,
    /// Decoding alone (`Event::from_bytes`) into the typed event, and
    /// dropping it.
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
    let head = RequestHead::with_authorization(Some(authorization.as_bytes()));
    let receive = per_call(spend, || {
        let chunks = futures_util::stream::iter([Ok::<_, Infallible>(black_box(body.clone()))]);
        black_box(ready_now(contract::receive(config, head, chunks))).is_ok()
    });
    let decode = per_call(spend, || black_box(Event::from_bytes(black_box(body.clone()))).is_ok());
    Breakdown { authorize, receive, decode }
}

/// Polls a future that never waits (its body is all there) to the end.
fn ready_now<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => output,
        Poll::Pending => unreachable!("a body in one ready chunk never waits"),
    }
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
