//! How much of a payload the extractor reads: nothing before the headers are
//! accepted, and never more than the limit.

use std::cell::Cell;
use std::rc::Rc;
use std::task::Poll;

use actix_web::dev::Payload;
use actix_web::error::PayloadError;
use actix_web::test::{self, TestRequest};
use actix_web::web::{self, Bytes};
use actix_web::{App, http::StatusCode};
use cometchat_webhooks_actix_web::testing::basic_auth_header;
use cometchat_webhooks_actix_web::{BasicAuth, CometChatEvent, ReceiverConfig};
use futures_util::{Stream, stream};

const CHUNK: usize = 16 * 1024;

fn config() -> ReceiverConfig {
    ReceiverConfig::new(BasicAuth::new("cometchat", "secret").expect("valid credentials"))
}

/// An endless payload that counts how many chunks were pulled from it.
fn endless_payload(pulled: Rc<Cell<usize>>) -> Payload {
    streamed(stream::poll_fn(move |_| {
        pulled.set(pulled.get() + 1);
        Poll::Ready(Some(Ok(Bytes::from(vec![b' '; CHUNK]))))
    }))
}

/// A payload without `Content-Length`, as a chunked request has.
fn streamed(chunks: impl Stream<Item = Result<Bytes, PayloadError>> + 'static) -> Payload {
    Payload::Stream { payload: Box::pin(chunks) }
}

/// Posts to an app with `config`; answers the status and the body.
async fn post(
    config: ReceiverConfig,
    request: TestRequest,
    payload: Payload,
) -> (StatusCode, Bytes) {
    let handler = |event: CometChatEvent| async move { event.trigger().to_owned() };
    let app =
        test::init_service(App::new().app_data(config).route("/hook", web::post().to(handler)))
            .await;
    let request = request.uri("/hook").to_request().replace_payload(payload).0;
    let response = test::call_service(&app, request).await;
    (response.status(), test::read_body(response).await)
}

fn authorized() -> TestRequest {
    TestRequest::post().insert_header(("authorization", basic_auth_header("cometchat", "secret")))
}

#[actix_web::test]
async fn credentials_are_refused_before_a_payload_byte_is_read() {
    let wrong = basic_auth_header("cometchat", "guess");
    for authorization in [None, Some("Bearer token"), Some(wrong.as_str())] {
        let pulled = Rc::new(Cell::new(0));
        let request = match authorization {
            Some(value) => TestRequest::post().insert_header(("authorization", value)),
            None => TestRequest::post(),
        };
        let (status, _) = post(config(), request, endless_payload(pulled.clone())).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(pulled.get(), 0, "{authorization:?}");
    }
}

#[actix_web::test]
async fn a_declared_length_over_the_limit_is_refused_before_a_payload_byte_is_read() {
    let pulled = Rc::new(Cell::new(0));
    let declared = (ReceiverConfig::DEFAULT_BODY_LIMIT + 1).to_string();
    let request = authorized().insert_header(("content-length", declared));
    let (status, _) = post(config(), request, endless_payload(pulled.clone())).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(pulled.get(), 0);
}

#[actix_web::test]
async fn an_endless_payload_is_read_only_up_to_the_limit() {
    let pulled = Rc::new(Cell::new(0));
    let (status, _) = post(config(), authorized(), endless_payload(pulled.clone())).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(pulled.get(), ReceiverConfig::DEFAULT_BODY_LIMIT / CHUNK + 1);
}

#[actix_web::test]
async fn the_configured_limit_applies_and_actix_payload_limits_do_not() {
    let small = config().with_body_limit(64).unwrap();
    let (status, _) = post(small, authorized(), Payload::from(Bytes::from(vec![b' '; 65]))).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);

    // 3 MiB is over actix-web's 256 KiB `PayloadConfig` default but within ours.
    let large = config().with_body_limit(4 * 1024 * 1024).unwrap();
    let mut sample = cometchat_webhooks_actix_web::testing::sample_body(
        cometchat_webhooks_actix_web::Trigger::MessageSent,
    )
    .to_vec();
    sample.resize(3 * 1024 * 1024, b' ');
    let (status, body) = post(large, authorized(), Payload::from(Bytes::from(sample))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, "message_sent");
}

#[actix_web::test]
async fn a_payload_that_fails_midway_is_a_bad_request() {
    let failing = stream::iter([
        Ok(Bytes::from_static(b"{\"trigger\"")),
        Err(PayloadError::Incomplete(None)),
    ]);
    let (status, body) = post(config(), authorized(), streamed(failing)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body, r#"{"error":"body could not be read"}"#);
}
