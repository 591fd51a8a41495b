//! The kit checked against the core itself: a plain-Rust harness built from
//! [`contract::receive`] (and [`WebhookRouter::handle`]) that every suite
//! must pass, and that the suites' own tests distort to see failures named.

use std::pin::pin;
use std::task::{Context, Poll, Waker};

use super::harness::{Answer, Harness, Request};
use super::recorders::Sightings;
use crate::contract::{self, ReceiverConfig, Rejection, RequestHead, WebhookResponse};
#[cfg(feature = "router")]
use crate::router::WebhookRouter;

/// What every adapter must reproduce, with no framework: a `POST`-only
/// route answering other methods 405 with `Allow: POST` and no body.
#[derive(Debug, Default)]
pub(crate) struct Reference;

impl Reference {
    async fn answer(
        config: &ReceiverConfig,
        request: &Request,
        handle: impl AsyncFnOnce(crate::Event) -> WebhookResponse,
    ) -> Answer {
        if request.method != "POST" {
            return Answer::new(405, [("allow", "POST")], Vec::new());
        }
        let head =
            RequestHead::from_headers(request.headers.iter().map(|(n, v)| (*n, v.as_bytes())));
        let response = match contract::receive(config, head, request.body_stream()).await {
            Ok(event) => handle(event).await,
            Err(rejection) => WebhookResponse::from(rejection),
        };
        render(&response)
    }
}

/// A response in the kit's terms.
pub(crate) fn render(response: &WebhookResponse) -> Answer {
    Answer::new(response.status(), response.headers(), response.body().to_vec())
}

/// A rejection rendered as every adapter renders it.
pub(crate) fn refusal(rejection: &Rejection) -> Answer {
    render(&WebhookResponse::from(rejection))
}

impl Harness for Reference {
    async fn receive(
        &mut self,
        config: &ReceiverConfig,
        seen: &Sightings,
        request: Request,
    ) -> Answer {
        let handler = async |event: crate::Event| {
            let trigger = seen.record(&event);
            WebhookResponse::accepted(bytes::Bytes::from(trigger))
        };
        Self::answer(config, &request, handler).await
    }

    #[cfg(feature = "router")]
    async fn mount(&mut self, router: &WebhookRouter, request: Request) -> Answer {
        let config = super::harness::receiver_config();
        Self::answer(&config, &request, async |event| router.handle(event).await).await
    }
}

/// Runs a future that never waits, as the receive-only suites do against
/// [`Reference`].
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
    }
}
