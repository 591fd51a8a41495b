//! [`WebhookResponse`]: every answer, as plain data an adapter copies into
//! its framework's response.

use bytes::Bytes;

use super::Rejection;

/// `Content-Type` of every answer, success or refusal.
pub const JSON_CONTENT_TYPE: &str = "application/json";

/// The answer to a webhook request: a status, `Content-Type:
/// application/json`, the headers the status needs (`WWW-Authenticate` with
/// a 401, `Retry-After` with a 503, `Connection: close` when the body was
/// left unread) and a JSON body. Built from a
/// [`Rejection`] or by the router; an adapter copies all of it into its
/// framework's response and adds nothing, so every framework answers alike.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookResponse {
    status: u16,
    /// Besides `Content-Type`, lower-case names; empty for a 200, so a
    /// success allocates nothing for them.
    headers: Vec<(&'static str, String)>,
    body: Bytes,
}

impl WebhookResponse {
    /// A 200 with this JSON body.
    pub fn accepted(body: Bytes) -> Self {
        Self { status: 200, headers: Vec::new(), body }
    }

    /// The HTTP status: 200, or a [`Rejection::status`].
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// Every header to send, `content-type` first, as lower-case name and
    /// value; names and values are visible ASCII.
    pub fn headers(&self) -> impl Iterator<Item = (&'static str, &str)> {
        let others = self.headers.iter().map(|(name, value)| (*name, value.as_str()));
        std::iter::once(("content-type", JSON_CONTENT_TYPE)).chain(others)
    }

    /// Whether the connection is to be closed after this answer (it carries
    /// `Connection: close`; see [`Rejection::closes_connection`]).
    pub fn closes_connection(&self) -> bool {
        self.header("connection").is_some_and(|value| value.eq_ignore_ascii_case("close"))
    }

    /// A header's value, by case-insensitive name (`Content-Type` included).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers().find(|(header, _)| header.eq_ignore_ascii_case(name)).map(|(_, v)| v)
    }

    /// The JSON body.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The JSON body, owned.
    pub fn into_body(self) -> Bytes {
        self.body
    }

    /// As an `http` 1.x response (feature `http`): what axum, warp, hyper
    /// and tower services answer with.
    #[cfg(feature = "http")]
    pub fn into_http(self) -> http::Response<Bytes> {
        use http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
        let mut response = http::Response::new(self.body);
        *response.status_mut() = status_code(self.status);
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(JSON_CONTENT_TYPE));
        for (name, value) in self.headers {
            // The contract's names and values are plain ASCII; one that is
            // not would be left out rather than answered with a panic.
            if let Ok(value) = HeaderValue::try_from(value) {
                headers.insert(HeaderName::from_static(name), value);
            }
        }
        response
    }
}

/// The statuses the contract answers with, as `http` constants: a table
/// rather than a conversion from a number, so there is no fallback status.
#[cfg(feature = "http")]
fn status_code(status: u16) -> http::StatusCode {
    use http::StatusCode;
    const ANSWERED: [StatusCode; 7] = [
        StatusCode::OK,
        StatusCode::BAD_REQUEST,
        StatusCode::UNAUTHORIZED,
        StatusCode::PAYLOAD_TOO_LARGE,
        StatusCode::INTERNAL_SERVER_ERROR,
        StatusCode::SERVICE_UNAVAILABLE,
        StatusCode::REQUEST_TIMEOUT,
    ];
    match ANSWERED.into_iter().find(|code| code.as_u16() == status) {
        Some(code) => code,
        None => unreachable!("status {status} is not one the contract answers with"),
    }
}

impl From<&Rejection> for WebhookResponse {
    fn from(rejection: &Rejection) -> Self {
        Self {
            status: rejection.status(),
            headers: rejection.headers(),
            body: Bytes::from(rejection.body()),
        }
    }
}

impl From<Rejection> for WebhookResponse {
    fn from(rejection: Rejection) -> Self {
        Self::from(&rejection)
    }
}

#[cfg(feature = "http")]
impl From<WebhookResponse> for http::Response<Bytes> {
    fn from(response: WebhookResponse) -> Self {
        response.into_http()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::error::AuthError;

    #[test]
    fn a_refusal_carries_its_status_headers_and_body() {
        let full =
            WebhookResponse::from(Rejection::QueueFull { retry_after: Duration::from_secs(7) });
        assert_eq!(full.status(), 503);
        assert_eq!(full.header("Retry-After"), Some("7"));
        assert_eq!(full.header("content-type"), Some("application/json"));
        assert_eq!(full.body(), r#"{"error":"the webhook queue is full"}"#);
        let names: Vec<_> = full.headers().map(|(name, _)| name).collect();
        assert_eq!(names, ["content-type", "retry-after"]);
    }

    #[test]
    fn a_success_has_only_its_content_type() {
        let ok = WebhookResponse::accepted(Bytes::from_static(b"{}"));
        assert!(ok.is_success());
        assert_eq!(ok.headers().collect::<Vec<_>>(), [("content-type", "application/json")]);
        let refused = WebhookResponse::from(Rejection::from(AuthError::Missing));
        assert!(!refused.is_success());
    }

    #[cfg(feature = "http")]
    #[test]
    fn every_status_a_rejection_decides_converts_to_http() {
        let wait = Duration::from_secs(1);
        let rejections = [
            Rejection::from(AuthError::Missing),
            Rejection::PayloadTooLarge { limit: 1 },
            Rejection::BodyRead,
            Rejection::BodyTimeout { deadline: wait },
            Rejection::OverBudget { retry_after: wait },
            Rejection::NotConfigured("x"),
            Rejection::HandlerFailed,
            Rejection::QueueFull { retry_after: wait },
            Rejection::InFlight { retry_after: wait },
            Rejection::ShuttingDown { retry_after: wait },
        ];
        for rejection in rejections {
            let status = rejection.status();
            let response = WebhookResponse::from(rejection).into_http();
            assert_eq!(response.status().as_u16(), status);
            assert_eq!(response.headers()["content-type"], "application/json");
        }
        let unauthorized = WebhookResponse::from(Rejection::from(AuthError::Wrong)).into_http();
        assert_eq!(
            unauthorized.headers()["www-authenticate"],
            r#"Basic realm="cometchat-webhooks""#
        );
    }
}
