//! The extractor in apps whatever their state: `Arc<AppState>`, a
//! `#[derive(FromRef)]` state, the config as the state, no state at all, and
//! a route that forgot the config.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{FromRef, State};
use axum::http::{Request, StatusCode};
use axum::routing::post;
use axum::{Extension, Router};
use cometchat_webhooks_axum::testing::{basic_auth_header, sample_body};
use cometchat_webhooks_axum::{BasicAuth, CometChatEvent, ReceiverConfig, Trigger};
use http_body_util::BodyExt;
use tower::ServiceExt;

fn config() -> ReceiverConfig {
    ReceiverConfig::new(BasicAuth::new("cometchat", "secret").expect("valid credentials"))
}

fn webhook(password: &str) -> Request<Body> {
    Request::post("/hook")
        .header("authorization", basic_auth_header("cometchat", password))
        .body(Body::from(sample_body(Trigger::MessageSent)))
        .expect("a valid request")
}

async fn answer(app: Router, request: Request<Body>) -> (StatusCode, String) {
    let response = app.oneshot(request).await.expect("axum answers");
    let status = response.status();
    let bytes = response.into_body().collect().await.expect("a readable body").to_bytes();
    (status, String::from_utf8(bytes.to_vec()).expect("UTF-8"))
}

/// Right password: the handler's answer; wrong password: the contract's 401.
async fn assert_receives(app: Router, expected: &str) {
    assert_eq!(answer(app.clone(), webhook("secret")).await, (StatusCode::OK, expected.to_owned()));
    let (status, body) = answer(app, webhook("guess")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body.contains("\"error\""), "{body}");
}

struct ArcState {
    name: &'static str,
}

#[tokio::test]
async fn an_arc_app_state_with_the_config_in_an_extension() {
    let handler = |State(state): State<Arc<ArcState>>, event: CometChatEvent| async move {
        format!("{} got {}", state.name, event.trigger())
    };
    let app = Router::new()
        .route("/hook", post(handler))
        .layer(Extension(config()))
        .with_state(Arc::new(ArcState { name: "shop" }));
    assert_receives(app, "shop got message_sent").await;
}

#[derive(Clone, FromRef)]
struct DerivedState {
    name: &'static str,
    visits: Arc<std::sync::atomic::AtomicU64>,
}

#[tokio::test]
async fn a_derive_from_ref_state_with_the_config_in_an_extension() {
    let handler = |State(name): State<&'static str>, event: CometChatEvent| async move {
        format!("{name} got {}", event.trigger())
    };
    let state = DerivedState { name: "shop", visits: Arc::default() };
    let app = Router::new()
        .route("/hook", post(handler))
        .layer(Extension(config()))
        .with_state(state.clone());
    assert_receives(app, "shop got message_sent").await;
    assert_eq!(state.visits.load(std::sync::atomic::Ordering::Relaxed), 0);
}

#[tokio::test]
async fn no_state_at_all_with_the_config_in_an_extension() {
    let handler = |event: CometChatEvent| async move { event.trigger().to_owned() };
    let app = Router::new().route("/hook", post(handler)).layer(Extension(config()));
    assert_receives(app, "message_sent").await;
}

#[tokio::test]
async fn the_config_as_the_state_bare_or_in_an_arc() {
    let handler = |event: CometChatEvent| async move { event.trigger().to_owned() };
    let bare = Router::new().route("/hook", post(handler)).with_state(config());
    assert_receives(bare, "message_sent").await;
    let shared = Router::new().route("/hook", post(handler)).with_state(Arc::new(config()));
    assert_receives(shared, "message_sent").await;
}

#[tokio::test]
async fn an_extension_wins_over_a_config_state() {
    let handler = |event: CometChatEvent| async move { event.trigger().to_owned() };
    let other = ReceiverConfig::new(BasicAuth::new("cometchat", "other").expect("valid"));
    let app =
        Router::new().route("/hook", post(handler)).layer(Extension(other)).with_state(config());
    let (status, _) = answer(app.clone(), webhook("other")).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = answer(app, webhook("secret")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_route_without_the_config_answers_500_and_runs_no_handler() {
    let handler = |_event: CometChatEvent| async move { "handled" };
    let app =
        Router::new().route("/hook", post(handler)).with_state(Arc::new(ArcState { name: "shop" }));
    let (status, body) = answer(app, webhook("secret")).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(body.contains("not configured"), "{body}");
    assert!(!body.contains("secret"), "{body}");
}
