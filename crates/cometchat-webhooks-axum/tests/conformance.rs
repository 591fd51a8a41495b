//! The adapter test kit through axum's router in process
//! (`tower::ServiceExt::oneshot`): every row of the contract, every
//! body-reading row and every router scenario.

use axum::Router;
use axum::body::Body;
use axum::routing::post;
use cometchat_webhooks_axum::router::WebhookRouter;
use cometchat_webhooks_axum::testing::{
    Answer, Harness, PATH, Request, Sightings, body_reading, conformance, receiver_config,
    router_conformance,
};
use cometchat_webhooks_axum::{CometChatEvent, ReceiverConfig, mount};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// axum, as the kit drives it.
struct Axum;

impl Harness for Axum {
    async fn receive(
        &mut self,
        config: &ReceiverConfig,
        seen: &Sightings,
        request: Request,
    ) -> Answer {
        let seen = seen.clone();
        let handler = move |event: CometChatEvent| async move { seen.record(&event) };
        send(Router::new().route(PATH, post(handler)).with_state(config.clone()), request).await
    }

    async fn mount(&mut self, router: &WebhookRouter, request: Request) -> Answer {
        send(mount(PATH, router.clone(), receiver_config()), request).await
    }
}

/// Sends `request` to `app` and reads the whole answer.
async fn send(app: Router, request: Request) -> Answer {
    let mut builder = axum::http::Request::builder().method(request.method).uri(&request.path);
    for (name, value) in &request.headers {
        builder = builder.header(*name, value);
    }
    let body = match request.whole_body() {
        Some(body) => Body::from(body.clone()),
        None => Body::from_stream(request.body_stream()),
    };
    let response = app.oneshot(builder.body(body).expect("a valid request")).await;
    let (parts, body) = response.unwrap_or_else(|never| match never {}).into_parts();
    let body = body.collect().await.expect("a readable body").to_bytes();
    Answer::new(parts.status.as_u16(), &parts.headers, body)
}

#[tokio::test]
async fn axum_answers_every_case_of_the_contract() {
    conformance::run(&mut Axum).await.unwrap_or_else(|failures| panic!("{failures}"));
}

#[tokio::test]
async fn axum_reads_bodies_as_the_contract_says() {
    body_reading::run(&mut Axum).await.unwrap_or_else(|failures| panic!("{failures}"));
}

#[tokio::test]
async fn axum_passes_every_router_scenario() {
    router_conformance::run(&mut Axum).await.unwrap_or_else(|failures| panic!("{failures}"));
}
