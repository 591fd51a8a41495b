//! The adapter test kit through the `tower` services, called in process
//! with `http` requests: every row of the contract, every body-reading row
//! and every router scenario.

use std::convert::Infallible;

use bytes::Bytes;
use cometchat_webhooks::router::WebhookRouter;
use cometchat_webhooks::testing::{
    Answer, Harness, PASSWORD, PATH, Request, Sightings, USERNAME, basic_auth_header, body_reading,
    conformance, receiver_config, router_conformance, sample_body,
};
use cometchat_webhooks::tower::{RouterService, WebhookService};
use cometchat_webhooks::{Event, ReceiverConfig, Rejection, Trigger, WebhookResponse};
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

/// A signed `POST` of `body`, as a plain `String` body: any `http_body::Body`
/// will do.
fn signed(body: &[u8]) -> http::Request<String> {
    http::Request::post(PATH)
        .header("authorization", basic_auth_header(USERNAME, PASSWORD))
        .body(String::from_utf8(body.to_vec()).expect("the samples are UTF-8"))
        .expect("a valid request")
}

async fn answer<S>(service: &mut S, request: http::Request<String>) -> (u16, String)
where
    S: Service<
            http::Request<String>,
            Response = cometchat_webhooks::tower::Response,
            Error = Infallible,
        >,
{
    let response = service.call(request).await.unwrap_or_else(|never| match never {});
    let status = response.status().as_u16();
    let body = response.into_body().collect().await.unwrap_or_else(|never| match never {});
    (status, String::from_utf8_lossy(&body.to_bytes()).into_owned())
}

#[tokio::test]
async fn a_failing_or_panicking_handler_is_answered_500_and_the_service_keeps_serving() {
    let mut failing = WebhookService::new(receiver_config(), |_event: Event| async {
        Err::<(), _>(std::io::Error::other("disk full"))
    });
    let (status, body) = answer(&mut failing, signed(sample_body(Trigger::MessageSent))).await;
    assert_eq!(status, 500);
    assert!(!body.contains("disk full"), "the error stays in the log: {body}");

    let mut panicking = WebhookService::new(receiver_config(), |event: Event| async move {
        assert_ne!(event.trigger(), "message_sent", "a handler that panics");
    });
    let (status, body) = answer(&mut panicking, signed(sample_body(Trigger::MessageSent))).await;
    assert_eq!((status, body.as_str()), (500, r#"{"error":"the webhook handler failed"}"#));
    let (status, body) = answer(&mut panicking, signed(sample_body(Trigger::GroupCreated))).await;
    assert_eq!((status, body.as_str()), (200, "{}"));
}

#[tokio::test]
async fn a_handler_may_refuse_with_the_contracts_answer() {
    let wait = std::time::Duration::from_secs(3);
    let mut full = WebhookService::new(receiver_config(), move |_event: Event| async move {
        Rejection::QueueFull { retry_after: wait }
    });
    let response = full.call(signed(sample_body(Trigger::MessageSent))).await;
    let response = response.unwrap_or_else(|never| match never {});
    assert_eq!(response.status().as_u16(), 503);
    assert_eq!(response.headers()["retry-after"], "3");
}
