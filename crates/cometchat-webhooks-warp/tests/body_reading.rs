//! How much of a body the filter reads: nothing before the headers are
//! accepted, and never more than the limit.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::Poll;

use cometchat_webhooks_warp::testing::basic_auth_header;
use cometchat_webhooks_warp::{
    BasicAuth, CometChatEvent, ReceiverConfig, cometchat_event, recover,
};
use futures_util::{Stream, stream};
use http_body_util::{BodyExt, StreamBody};
use tower::ServiceExt;
use warp::Filter;
use warp::http::{Request, StatusCode, request};
use warp::hyper::body::{Bytes, Frame};

const CHUNK: usize = 16 * 1024;

fn config() -> ReceiverConfig {
    ReceiverConfig::new(BasicAuth::new("cometchat", "secret").expect("valid credentials"))
}

/// An endless body that counts how many chunks were pulled from it.
fn endless_body(pulled: Arc<AtomicUsize>) -> impl Stream<Item = std::io::Result<Bytes>> {
    stream::poll_fn(move |_| {
        pulled.fetch_add(1, Ordering::SeqCst);
        Poll::Ready(Some(Ok(Bytes::from(vec![b' '; CHUNK]))))
    })
}

/// Posts `chunks` to a route with `config`; answers the status and body.
async fn post<S>(
    config: ReceiverConfig,
    request: request::Builder,
    chunks: S,
) -> (StatusCode, Bytes)
where
    S: Stream<Item = std::io::Result<Bytes>> + Send + Sync + 'static,
{
    let route = warp::path("hook")
        .and(warp::post())
        .and(cometchat_event(config))
        .map(|event: CometChatEvent| event.trigger().to_owned())
        .recover(recover);
    let body =
        StreamBody::new(futures_util::StreamExt::map(chunks, |chunk| chunk.map(Frame::data)));
    let request = request.method("POST").uri("/hook").body(body).expect("a valid request");
    let response =
        warp::service(route).oneshot(request).await.unwrap_or_else(|never| match never {});
    let status = response.status();
    (status, response.into_body().collect().await.expect("a readable response").to_bytes())
}

fn authorized() -> request::Builder {
    Request::builder().header("authorization", basic_auth_header("cometchat", "secret"))
}

#[tokio::test]
async fn credentials_are_refused_before_a_body_byte_is_read() {
    let wrong = basic_auth_header("cometchat", "guess");
    for authorization in [None, Some("Bearer token"), Some(wrong.as_str())] {
        let pulled = Arc::new(AtomicUsize::new(0));
        let request = match authorization {
            Some(value) => Request::builder().header("authorization", value),
            None => Request::builder(),
        };
        let (status, _) = post(config(), request, endless_body(pulled.clone())).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(pulled.load(Ordering::SeqCst), 0, "{authorization:?}");
    }
}

#[tokio::test]
async fn a_declared_length_over_the_limit_is_refused_before_a_body_byte_is_read() {
    let pulled = Arc::new(AtomicUsize::new(0));
    let declared = (ReceiverConfig::DEFAULT_BODY_LIMIT + 1).to_string();
    let request = authorized().header("content-length", declared);
    let (status, _) = post(config(), request, endless_body(pulled.clone())).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(pulled.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn an_endless_body_is_read_only_up_to_the_limit() {
    let pulled = Arc::new(AtomicUsize::new(0));
    let (status, _) = post(config(), authorized(), endless_body(pulled.clone())).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(pulled.load(Ordering::SeqCst), ReceiverConfig::DEFAULT_BODY_LIMIT / CHUNK + 1);
}

#[tokio::test]
async fn the_configured_limit_applies() {
    let small = config().with_body_limit(64).unwrap();
    let body = stream::iter([Ok(Bytes::from(vec![b' '; 65]))]);
    let (status, _) = post(small, authorized(), body).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);

    let large = config().with_body_limit(4 * 1024 * 1024).unwrap();
    let mut sample = cometchat_webhooks_warp::testing::sample_body(
        cometchat_webhooks_warp::Trigger::MessageSent,
    )
    .to_vec();
    sample.resize(3 * 1024 * 1024, b' ');
    let (status, body) = post(large, authorized(), stream::iter([Ok(Bytes::from(sample))])).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, "message_sent");
}

#[tokio::test]
async fn a_body_that_fails_midway_is_a_bad_request() {
    let failing = stream::iter([
        Ok(Bytes::from_static(b"{\"trigger\"")),
        Err(std::io::Error::other("connection reset")),
    ]);
    let (status, body) = post(config(), authorized(), failing).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body, r#"{"error":"body could not be read"}"#);
}
