//! [`CometChatResponse`]: a router's answer as an actix-web response.

use actix_web::body::BoxBody;
use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, Responder};
use cometchat_webhooks::router::RouterResponse;

/// What [`Router::handle`](cometchat_webhooks::router::Router::handle)
/// answered, as an actix-web response: its status, `Content-Type`, other
/// headers (`Retry-After` with a 503) and body, nothing added, so axum,
/// actix-web and warp answer a delivery alike. [`mount`](crate::mount)
/// answers with it; return it from a handler of your own that calls the
/// router.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CometChatResponse(pub RouterResponse);

impl CometChatResponse {
    /// The actix-web response.
    pub fn into_http_response(self) -> HttpResponse {
        let RouterResponse { status, content_type, headers, body } = self.0;
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = HttpResponse::with_body(status, body).map_into_boxed_body();
        let response_headers = response.headers_mut();
        response_headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        for (name, value) in headers {
            // The core's names and values are plain ASCII; one that is not
            // is left out rather than answered with a panic.
            if let (Ok(name), Ok(value)) =
                (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(&value))
            {
                response_headers.insert(name, value);
            }
        }
        response
    }
}

impl From<RouterResponse> for CometChatResponse {
    fn from(response: RouterResponse) -> Self {
        Self(response)
    }
}

impl Responder for CometChatResponse {
    type Body = BoxBody;

    fn respond_to(self, _request: &HttpRequest) -> HttpResponse {
        self.into_http_response()
    }
}
