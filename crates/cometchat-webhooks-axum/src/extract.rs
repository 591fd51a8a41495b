//! axum's request in, the contract's answer out: [`receive`],
//! [`CometChatEvent`] and [`CometChatRejection`].

use std::any::Any;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{FromRequest, Request};
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
/// Extracting it runs [`receive`] with the [`ReceiverConfig`] found, in this
/// order:
///
/// 1. in the request's extensions, put there by an
///    `.layer(axum::Extension(config))` on the router: this works whatever
///    the app's state is (`Arc<AppState>`, a `#[derive(FromRef)]` struct, or
///    none);
/// 2. as the router's state itself, for an app whose only state is the
///    config (`.with_state(config)`, or an `Arc<ReceiverConfig>`).
///
/// A request for which neither holds is answered 500
/// ([`Rejection::NotConfigured`]) and logged as an error, as axum's own
/// `Extension` extractor answers a missing layer. A refused request is
/// answered with [`CometChatRejection`] and the handler does not run.
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

// No `FromRef` bound: `impl FromRef<Arc<AppState>> for ReceiverConfig` is
// refused by the orphan rule in the app's crate, and a bound cannot say
// "from state or from an extension". So the config is looked up at run
// time, the way axum's `Extension` extractor finds its value.
impl<S> FromRequest<S> for CometChatEvent
where
    S: Send + Sync + 'static,
{
    type Rejection = CometChatRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let config = match parts.extensions.remove::<ReceiverConfig>() {
            Some(config) => config,
            None => config_from_state(state).ok_or_else(not_configured)?,
        };
        Ok(Self(receive(&config, &parts.headers, body).await?))
    }
}

/// The router's state when it is the config itself, bare or in an `Arc`.
fn config_from_state<S: Any>(state: &S) -> Option<ReceiverConfig> {
    let state: &dyn Any = state;
    state
        .downcast_ref::<ReceiverConfig>()
        .or_else(|| state.downcast_ref::<Arc<ReceiverConfig>>().map(|config| &**config))
        .cloned()
}

fn not_configured() -> CometChatRejection {
    const PROBLEM: &str = "no ReceiverConfig in the request extensions or as the router state; \
         add `.layer(axum::Extension(config))` to the router";
    tracing::error!(problem = PROBLEM, "CometChat webhook refused: receiver not configured");
    CometChatRejection(Rejection::NotConfigured(PROBLEM))
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
