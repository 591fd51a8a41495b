//! The adapter test kit through warp routes in process, served as a
//! `warp::service` (`warp::test` cannot send a chunked body or a repeated
//! header): every row of the contract, every body-reading row and every
//! router scenario.

use std::convert::Infallible;

use cometchat_webhooks_warp::router::WebhookRouter;
use cometchat_webhooks_warp::testing::{
    Answer, Harness, PATH, Request, Sightings, body_reading, conformance, receiver_config,
    router_conformance,
};
use cometchat_webhooks_warp::{CometChatEvent, ReceiverConfig, cometchat_event, mount, recover};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use tower::ServiceExt;
use warp::hyper::body::{Bytes, Frame};
use warp::{Filter, Reply};

/// warp, as the kit drives it.
struct Warp;

impl Harness for Warp {
    async fn receive(
        &mut self,
        config: &ReceiverConfig,
        seen: &Sightings,
        request: Request,
    ) -> Answer {
        assert_eq!(PATH, "/webhooks/cometchat", "the route below serves this path");
        let seen = seen.clone();
        let route = warp::path!("webhooks" / "cometchat")
            .and(warp::post())
            .and(cometchat_event(config.clone()))
            .map(move |event: CometChatEvent| seen.record(&event))
            .recover(recover);
        send(route, request).await
    }

    async fn mount(&mut self, router: &WebhookRouter, request: Request) -> Answer {
        send(mount(PATH, router.clone(), receiver_config()), request).await
    }
}

/// Sends `request` to `filter` and reads the whole answer.
async fn send<F>(filter: F, request: Request) -> Answer
where
    F: Filter + Clone + Send + Sync + 'static,
    F::Extract: Reply + Send,
{
    let mut builder = warp::http::Request::builder().method(request.method).uri(&request.path);
    for (name, value) in &request.headers {
        builder = builder.header(*name, value);
    }
    let body: BoxBody<Bytes, std::io::Error> = match request.whole_body() {
        Some(body) => Full::new(body.clone()).map_err(|never: Infallible| match never {}).boxed(),
        None => BodyExt::boxed(StreamBody::new(futures_util::StreamExt::map(
            request.body_stream(),
            |chunk| chunk.map(Frame::data),
        ))),
    };
    let response = warp::service(filter)
        .oneshot(builder.body(body).expect("a valid request"))
        .await
        .unwrap_or_else(|never| match never {});
    let (parts, body) = response.into_parts();
    let body = body.collect().await.expect("a readable response").to_bytes();
    Answer::new(parts.status.as_u16(), &parts.headers, body)
}

#[tokio::test]
async fn warp_answers_every_case_of_the_contract() {
    conformance::run(&mut Warp).await.unwrap_or_else(|failures| panic!("{failures}"));
}

#[tokio::test]
async fn warp_reads_bodies_as_the_contract_says() {
    body_reading::run(&mut Warp).await.unwrap_or_else(|failures| panic!("{failures}"));
}

#[tokio::test]
async fn warp_passes_every_router_scenario() {
    router_conformance::run(&mut Warp).await.unwrap_or_else(|failures| panic!("{failures}"));
}
