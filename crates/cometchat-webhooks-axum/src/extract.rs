//! axum's request in, the contract's answer out: [`receive`],
//! [`CometChatEvent`] and [`CometChatRejection`].

use std::fmt;
use std::ops::Deref;

use axum::body::Body;
use axum::extract::{FromRef, FromRequest, Request};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use cometchat_webhooks::contract::{self, RequestHead};
use cometchat_webhooks::{Event, ReceiverConfig, Rejection, WebhookResponse};

/// Runs [`contract::receive`] on an axum request's headers and body:
/// credentials before any body byte, the body read up to the limit (axum's
/// own `DefaultBodyLimit` does not apply), then decoding.
pub async fn receive(
    config: &ReceiverConfig,
    headers: &HeaderMap,
    body: Body,
) -> Result<Event, Rejection> {
    let head = RequestHead::from_headers(headers.iter().map(|(n, v)| (n.as_str(), v.as_bytes())));
    contract::receive(config, head, body.into_data_stream()).await
}

/// A verified, decoded CometChat webhook, taken as a handler argument.
///
/// Extracting it runs [`receive`] with the [`ReceiverConfig`] taken from the
/// router's state through [`FromRef`], so it fits an existing app's state:
/// implement `FromRef<YourState> for ReceiverConfig` (or use the config itself
/// as the state). A refused request is answered with
/// [`CometChatRejection`] and the handler does not run.
#[derive(Debug, Clone)]
pub struct CometChatEvent(pub Event);

impl CometChatEvent {
    /// The decoded event.
    pub fn into_inner(self) -> Event {
        self.0
    }
}

impl Deref for CometChatEvent {
    type Target = Event;

    fn deref(&self) -> &Event {
        &self.0
    }
}

impl From<CometChatEvent> for Event {
    fn from(event: CometChatEvent) -> Self {
        event.0
    }
}

impl<S> FromRequest<S> for CometChatEvent
where
    ReceiverConfig: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = CometChatRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let config = ReceiverConfig::from_ref(state);
        let (parts, body) = request.into_parts();
        Ok(Self(receive(&config, &parts.headers, body).await?))
    }
}

/// Why [`CometChatEvent`] refused a request, answered as the contract's
/// [`WebhookResponse`] for its [`Rejection`].
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

impl IntoResponse for CometChatRejection {
    fn into_response(self) -> Response {
        into_response(WebhookResponse::from(self.0))
    }
}

/// The contract's answer as an axum response, nothing added.
pub(crate) fn into_response(response: WebhookResponse) -> Response {
    response.into_http().map(Body::from)
}
