//! A typed router mounted with `mount` into an app of its own, through
//! axum's router in process (`tower::ServiceExt::oneshot`). The shared
//! router scenarios run in `conformance.rs`.

use axum::body::Body;
use axum::extract::State;
use axum::routing::get;
use cometchat_webhooks_axum::testing::router_conformance::counting_router;
use cometchat_webhooks_axum::testing::{PATH, RunCount, receiver_config, sample_body};
use cometchat_webhooks_axum::{Trigger, mount};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// Sends a request to `app`; the status and the body as text.
async fn answer(app: axum::Router, request: axum::http::Request<Body>) -> (u16, String) {
    let response = app.oneshot(request).await.unwrap_or_else(|never| match never {});
    let status = response.status().as_u16();
    let body = response.into_body().collect().await.expect("a readable body").to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
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

    let name = axum::http::Request::get("/name").body(Body::empty()).expect("a valid request");
    assert_eq!(answer(app.clone(), name).await, (200, "shop".to_owned()));
    let webhook =
        cometchat_webhooks_axum::testing::Request::webhook(sample_body(Trigger::MessageSent));
    let mut builder = axum::http::Request::post(PATH);
    for (name, value) in &webhook.headers {
        builder = builder.header(*name, value);
    }
    let webhook = builder.body(Body::from(webhook.body)).expect("a valid request");
    assert_eq!(answer(app, webhook).await.0, 200);
    assert_eq!(runs.get(), 1);
}
