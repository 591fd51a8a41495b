//! [`CometChatResponse`]: a router's answer as an axum response.

use axum::body::Body;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use cometchat_webhooks::router::RouterResponse;

/// What [`Router::handle`](cometchat_webhooks::router::Router::handle)
/// answered, as an axum response: its status, `Content-Type`, other headers
/// (`Retry-After` with a 503) and body, nothing added, so axum, actix-web and
/// warp answer a delivery alike. [`mount`](crate::mount) returns it; return
/// it from a handler of your own that calls the router.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CometChatResponse(pub RouterResponse);

impl From<RouterResponse> for CometChatResponse {
    fn from(response: RouterResponse) -> Self {
        Self(response)
    }
}

impl IntoResponse for CometChatResponse {
    fn into_response(self) -> Response {
        let RouterResponse { status, content_type, headers, body } = self.0;
        let mut response = Response::new(Body::from(body));
        *response.status_mut() =
            StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let response_headers = response.headers_mut();
        response_headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        for (name, value) in headers {
            // The core's names and values are plain ASCII; one that is not
            // is left out rather than answered with a panic.
            if let (Ok(name), Ok(value)) =
                (HeaderName::try_from(name), HeaderValue::try_from(value))
            {
                response_headers.insert(name, value);
            }
        }
        response
    }
}
