//! The extractor as a handler argument, beyond the contract's defaults.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::post;
use cometchat_webhooks_axum::testing::sample_body;
use cometchat_webhooks_axum::{
    BasicAuth, CometChatEvent, CometChatRejection, ReceiverConfig, Rejection, Trigger,
};
use http_body_util::BodyExt;
use tower::ServiceExt;

fn webhook(authorization: &str) -> Request<Body> {
    Request::post("/hook")
        .header("authorization", authorization)
        .body(Body::from(sample_body(Trigger::MessageSent)))
        .expect("a valid request")
}

async fn body_text(response: axum::response::Response) -> String {
    let bytes = response.into_body().collect().await.expect("a readable body").to_bytes();
    String::from_utf8(bytes.to_vec()).expect("UTF-8")
}

#[tokio::test]
async fn a_handler_taking_a_result_answers_refusals_itself() {
    let handler = |event: Result<CometChatEvent, CometChatRejection>| async move {
        match event {
            Ok(event) => (StatusCode::OK, event.trigger().to_owned()),
            Err(CometChatRejection(Rejection::Unauthorized(_))) => {
                (StatusCode::NOT_FOUND, "nothing here".to_owned())
            }
            Err(other) => (StatusCode::BAD_REQUEST, other.to_string()),
        }
    };
    let config = ReceiverConfig::new(BasicAuth::new("cometchat", "secret").unwrap());
    let app = Router::new().route("/hook", post(handler)).with_state(config);
    let response = app.oneshot(webhook("Basic d3Jvbmc6Z3Vlc3M=")).await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(body_text(response).await, "nothing here");
}
