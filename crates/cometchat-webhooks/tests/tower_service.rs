//! The adapter test kit through the `tower` services, called in process
//! with `http` requests: every row of the contract, every body-reading row
//! and every router scenario.

use std::convert::Infallible;

use bytes::Bytes;
use cometchat_webhooks::router::WebhookRouter;
use cometchat_webhooks::testing::{
    Answer, Harness, Request, Sightings, body_reading, conformance, receiver_config,
    router_conformance,
};
use cometchat_webhooks::tower::{RouterService, WebhookService};
use cometchat_webhooks::{Event, ReceiverConfig, WebhookResponse};
use futures_util::StreamExt;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use tower_service::Service;

/// The services, as the kit drives them.
struct Tower;

impl Harness for Tower {
    async fn receive(
        &mut self,
        config: &ReceiverConfig,
        seen: &Sightings,
        request: Request,
    ) -> Answer {
        let seen = seen.clone();
        let mut service = WebhookService::new(config.clone(), move |event: Event| {
            let trigger = seen.record(&event);
            async move { WebhookResponse::accepted(Bytes::from(trigger)) }
        });
        let response = service.call(http_request(&request)).await;
        let (parts, body) = response.unwrap_or_else(|never| match never {}).into_parts();
        let body = body.collect().await.unwrap_or_else(|never| match never {}).to_bytes();
        Answer::new(parts.status.as_u16(), &parts.headers, body)
    }

    async fn mount(&mut self, router: &WebhookRouter, request: Request) -> Answer {
        let mut service = RouterService::new(router.clone(), receiver_config());
        let response = service.call(http_request(&request)).await;
        let (parts, body) = response.unwrap_or_else(|never| match never {}).into_parts();
        let body = body.collect().await.unwrap_or_else(|never| match never {}).to_bytes();
        Answer::new(parts.status.as_u16(), &parts.headers, body)
    }
}

/// The kit's request as an `http` request: the body whole, or as a stream
/// of chunks (counted, failing midway or endless as the request says).
fn http_request(request: &Request) -> http::Request<BoxBody<Bytes, std::io::Error>> {
    let body = match request.whole_body() {
        Some(body) => Full::new(body.clone()).map_err(|never: Infallible| match never {}).boxed(),
        None => {
            let frames = request.body_stream().map(|chunk| chunk.map(http_body::Frame::data));
            BodyExt::boxed(StreamBody::new(frames))
        }
    };
    let mut builder = http::Request::builder().method(request.method).uri(&request.path);
    for (name, value) in &request.headers {
        builder = builder.header(*name, value);
    }
    builder.body(body).expect("a valid request")
}

#[tokio::test]
async fn the_webhook_service_answers_every_case_of_the_contract() {
    conformance::run(&mut Tower).await.unwrap_or_else(|failures| panic!("{failures}"));
}

#[tokio::test]
async fn the_webhook_service_reads_bodies_as_the_contract_says() {
    body_reading::run(&mut Tower).await.unwrap_or_else(|failures| panic!("{failures}"));
}

#[tokio::test]
async fn the_router_service_passes_every_router_scenario() {
    router_conformance::run(&mut Tower).await.unwrap_or_else(|failures| panic!("{failures}"));
}
