//! [`CometChatRejection`]: a refused request, answered per the contract.

use std::fmt;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use cometchat_webhooks::Rejection;
use cometchat_webhooks::router::RouterResponse;

use crate::response::CometChatResponse;

/// Why [`CometChatEvent`](crate::CometChatEvent) refused a request. As a
/// response: the rejection's status, `content-type: application/json`, its
/// headers (`www-authenticate` with a 401) and its `{"error": "..."}` body.
#[derive(Debug)]
pub struct CometChatRejection(pub Rejection);

impl CometChatRejection {
    /// The core's rejection.
    pub fn into_inner(self) -> Rejection {
        self.0
    }
}

impl From<Rejection> for CometChatRejection {
    fn from(rejection: Rejection) -> Self {
        Self(rejection)
    }
}

impl fmt::Display for CometChatRejection {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(formatter)
    }
}

impl std::error::Error for CometChatRejection {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

impl ResponseError for CometChatRejection {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        // One rendering for refusals and router answers, so they cannot drift.
        CometChatResponse(RouterResponse::from_rejection(&self.0)).into_http_response()
    }
}
