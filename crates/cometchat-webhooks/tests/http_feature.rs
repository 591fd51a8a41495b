//! The `http` feature: header values in, status codes out.
#![cfg(feature = "http")]

use cometchat_webhooks::testing::basic_auth_header;
use cometchat_webhooks::{AuthError, BasicAuth, ParseError, Rejection};
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
fn rejections_convert_to_status_codes() {
    assert_eq!(Rejection::from(AuthError::Missing).status_code(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        Rejection::PayloadTooLarge { limit: 1 }.status_code(),
        StatusCode::PAYLOAD_TOO_LARGE
    );
    assert_eq!(Rejection::from(ParseError::Empty).status_code(), StatusCode::BAD_REQUEST);
    assert_eq!(Rejection::HandlerFailed.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
}
