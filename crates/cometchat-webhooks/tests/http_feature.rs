//! The `http` feature: header values in, status codes out.
#![cfg(feature = "http")]

use cometchat_webhooks::testing::basic_auth_header;
use std::time::Duration;

use cometchat_webhooks::{AuthError, BasicAuth, Bytes, ParseError, Rejection, WebhookResponse};
use http::{HeaderValue, StatusCode};

#[test]
fn header_values_verify_like_bytes() {
    let auth = BasicAuth::new("user", "pass").unwrap();
    let good = HeaderValue::from_str(&basic_auth_header("user", "pass")).unwrap();
    let wrong = HeaderValue::from_str(&basic_auth_header("user", "nope")).unwrap();
    assert_eq!(auth.verify_header(Some(&good)), Ok(()));
    assert_eq!(auth.verify_header(Some(&wrong)), Err(AuthError::Wrong));
    assert_eq!(auth.verify_header(None), Err(AuthError::Missing));
}

#[test]
fn responses_convert_to_http_responses_with_their_status_and_headers() {
    let as_http = |rejection: Rejection| WebhookResponse::from(rejection).into_http();
    let unauthorized = as_http(Rejection::from(AuthError::Missing));
    assert_eq!(unauthorized.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(unauthorized.headers()["www-authenticate"], r#"Basic realm="cometchat-webhooks""#);
    assert_eq!(
        as_http(Rejection::PayloadTooLarge { limit: 1 }).status(),
        StatusCode::PAYLOAD_TOO_LARGE
    );
    assert_eq!(as_http(Rejection::from(ParseError::Empty)).status(), StatusCode::BAD_REQUEST);
    let failed = as_http(Rejection::HandlerFailed);
    assert_eq!(failed.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(failed.headers()["content-type"], "application/json");
    assert_eq!(failed.body(), r#"{"error":"the webhook handler failed"}"#);
    let full = as_http(Rejection::QueueFull { retry_after: Duration::from_secs(3) });
    assert_eq!(full.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(full.headers()["retry-after"], "3");
    let accepted: http::Response<Bytes> =
        WebhookResponse::accepted(Bytes::from_static(b"{}")).into();
    assert_eq!((accepted.status(), accepted.body()), (StatusCode::OK, &Bytes::from_static(b"{}")));
}
