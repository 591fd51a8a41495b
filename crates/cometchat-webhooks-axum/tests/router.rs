//! A typed router mounted with `mount`, through axum's router in process
//! (`tower::ServiceExt::oneshot`): every scenario of the shared router
//! suite, and a mount merged into an app with its own state.

use axum::body::Body;
use axum::extract::State;
use axum::routing::get;
use cometchat_webhooks_axum::router::WebhookRouter;
use cometchat_webhooks_axum::testing::conformance::{PATH, receiver_config};
use cometchat_webhooks_axum::testing::router_conformance::{
    self, Answer, Request, RunCount, counting_router,
};
use cometchat_webhooks_axum::testing::sample_body;
use cometchat_webhooks_axum::{Trigger, mount};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// Sends `request` to `app` and reads the whole answer.
async fn answer(app: axum::Router, request: Request) -> Answer {
    let mut builder = axum::http::Request::builder().method(request.method).uri(&request.path);
    for (name, value) in &request.headers {
        builder = builder.header(*name, value);
    }
    let request = builder.body(Body::from(request.body)).expect("a valid request");
    let response = app.oneshot(request).await.expect("axum answers");
    let (parts, body) = response.into_parts();
    let body = body.collect().await.expect("a readable body").to_bytes();
    Answer::new(parts.status.as_u16(), &parts.headers, body)
}

/// The suite's framework: `router` mounted at `PATH` of a fresh app.
async fn send(router: WebhookRouter, request: Request) -> Answer {
    answer(mount(PATH, router, receiver_config()), request).await
}

#[tokio::test]
async fn axum_passes_every_router_scenario() {
    router_conformance::run(send).await.unwrap_or_else(|failures| panic!("{failures}"));
}

#[tokio::test]
async fn mount_merges_into_an_app_with_its_own_state() {
    #[derive(Clone)]
    struct AppState {
        name: &'static str,
    }
    let runs = RunCount::default();
    let app: axum::Router = axum::Router::new()
        .route("/name", get(|State(state): State<AppState>| async move { state.name }))
        .merge(mount(PATH, counting_router(&runs), receiver_config()))
        .with_state(AppState { name: "shop" });

    let name = answer(app.clone(), Request::new("GET", "/name")).await;
    assert_eq!((name.status, name.text().as_ref()), (200, "shop"));
    let webhook = Request::webhook(sample_body(Trigger::MessageSent));
    assert_eq!(answer(app, webhook).await.status, 200);
    assert_eq!(runs.get(), 1);
}
