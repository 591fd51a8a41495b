//! [`CometChatRejection`] and [`recover`], which answers it per the contract.

use std::fmt;

use cometchat_webhooks::Rejection;
use cometchat_webhooks::router::RouterResponse;
use warp::http::StatusCode;
use warp::reply::{Reply, Response};

use crate::response::CometChatResponse;

/// Why [`cometchat_event`](crate::cometchat_event) refused a request, carried
/// in a `warp::Rejection` until [`recover`] answers it: the rejection's
/// status, `content-type: application/json`, its headers
/// (`www-authenticate` with a 401) and its `{"error": "..."}` body.
#[derive(Debug)]
pub struct CometChatRejection(pub Rejection);

impl CometChatRejection {
    /// The core's rejection.
    pub fn into_inner(self) -> Rejection {
        self.0
    }

    /// The HTTP status it is answered with.
    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// The answer the contract gives it.
    pub fn response(&self) -> Response {
        // One rendering for refusals and router answers, so they cannot drift.
        CometChatResponse(RouterResponse::from_rejection(&self.0)).into_response()
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

impl warp::reject::Reject for CometChatRejection {}

impl Reply for CometChatRejection {
    fn into_response(self) -> Response {
        self.response()
    }
}

/// Answers a [`CometChatRejection`] per the contract and passes every other
/// rejection on unchanged. Use it as `.recover(cometchat_webhooks_warp::recover)`
/// on the webhook route, before combining it with other routes by `or`.
///
/// Why it is needed: a warp filter that fails does not answer, it rejects,
/// and warp then tries the next route. Left alone, a refused webhook would
/// reach whatever other route matches (a catch-all could accept it), or, if
/// none does, end as warp's generic answer, a 500 "Unhandled rejection" for
/// ours rather than the contract's 401, 413 or 400.
pub async fn recover(rejection: warp::Rejection) -> Result<Response, warp::Rejection> {
    match rejection.find::<CometChatRejection>() {
        Some(refused) => Ok(refused.response()),
        None => Err(rejection),
    }
}
