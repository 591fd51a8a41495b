//! How much of a body the extractor reads: nothing before the headers are
//! accepted, and never more than the limit.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::Poll;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{Request, StatusCode};
use axum::response::Response;
use axum::routing::post;
use cometchat_webhooks_axum::testing::basic_auth_header;
use cometchat_webhooks_axum::{BasicAuth, CometChatEvent, ReceiverConfig};
use futures_util::stream;
use http_body_util::BodyExt;
use tower::ServiceExt;

const CHUNK: usize = 16 * 1024;

fn config() -> ReceiverConfig {
    ReceiverConfig::new(BasicAuth::new("cometchat", "secret").expect("valid credentials"))
}

/// An endless body that counts how many chunks were pulled from it.
fn endless_body(pulled: Arc<AtomicUsize>) -> Body {
    Body::from_stream(stream::poll_fn(move |_| {
        pulled.fetch_add(1, Ordering::SeqCst);
        Poll::Ready(Some(Ok::<_, std::io::Error>(Bytes::from(vec![b' '; CHUNK]))))
    }))
}

async fn post_to(config: ReceiverConfig, request: Request<Body>) -> Response {
    let handler = |event: CometChatEvent| async move { event.trigger().to_owned() };
    let app = Router::new().route("/hook", post(handler)).with_state(config);
    app.oneshot(request).await.unwrap()
}

fn request(authorization: Option<&str>) -> axum::http::request::Builder {
    let builder = Request::post("/hook");
    match authorization {
        Some(value) => builder.header("authorization", value),
        None => builder,
    }
}

#[tokio::test]
async fn credentials_are_refused_before_a_body_byte_is_read() {
    let wrong = basic_auth_header("cometchat", "guess");
    for authorization in [None, Some("Bearer token"), Some(wrong.as_str())] {
        let pulled = Arc::new(AtomicUsize::new(0));
        let request = request(authorization).body(endless_body(pulled.clone())).unwrap();
        let response = post_to(config(), request).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(pulled.load(Ordering::SeqCst), 0, "{authorization:?}");
    }
}

#[tokio::test]
async fn a_declared_length_over_the_limit_is_refused_before_a_body_byte_is_read() {
    let pulled = Arc::new(AtomicUsize::new(0));
    let request = request(Some(&basic_auth_header("cometchat", "secret")))
        .header("content-length", (ReceiverConfig::DEFAULT_BODY_LIMIT + 1).to_string())
        .body(endless_body(pulled.clone()))
        .unwrap();
    let response = post_to(config(), request).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(pulled.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn an_endless_body_is_read_only_up_to_the_limit() {
    let pulled = Arc::new(AtomicUsize::new(0));
    let request = request(Some(&basic_auth_header("cometchat", "secret")))
        .body(endless_body(pulled.clone()))
        .unwrap();
    let response = post_to(config(), request).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let chunks_to_cross_the_limit = ReceiverConfig::DEFAULT_BODY_LIMIT / CHUNK + 1;
    assert_eq!(pulled.load(Ordering::SeqCst), chunks_to_cross_the_limit);
}

#[tokio::test]
async fn the_configured_limit_applies_and_axums_default_limit_does_not() {
    let small = config().with_body_limit(64).unwrap();
    let body = || Body::from(vec![b' '; 65]);
    let authorization = basic_auth_header("cometchat", "secret");
    let response = post_to(small, request(Some(&authorization)).body(body()).unwrap()).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);

    // 3 MiB is over axum's 2 MiB `DefaultBodyLimit` but within ours.
    let large = config().with_body_limit(4 * 1024 * 1024).unwrap();
    let mut sample = cometchat_webhooks_axum::testing::sample_body(
        cometchat_webhooks_axum::Trigger::MessageSent,
    )
    .to_vec();
    sample.resize(3 * 1024 * 1024, b' ');
    let response = post_to(large, request(Some(&authorization)).body(sample.into()).unwrap()).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(body, "message_sent");
}

#[tokio::test]
async fn a_body_that_fails_midway_is_a_bad_request() {
    let failing = stream::iter([
        Ok(Bytes::from_static(b"{\"trigger\"")),
        Err(std::io::Error::other("connection reset")),
    ]);
    let request = request(Some(&basic_auth_header("cometchat", "secret")))
        .body(Body::from_stream(failing))
        .unwrap();
    let response = post_to(config(), request).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(body, r#"{"error":"body could not be read"}"#);
}
