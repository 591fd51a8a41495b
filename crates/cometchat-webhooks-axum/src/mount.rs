//! [`mount`] (feature `router`): a typed router served at a path of an axum
//! app, in one line.

use axum::extract::Request;
use axum::routing::post;
use cometchat_webhooks::contract::{self, RequestHead};
use cometchat_webhooks::router::WebhookRouter;
use cometchat_webhooks::{ReceiverConfig, WebhookResponse};

use crate::extract::into_response;

/// An axum router that serves `POST path` with `router`, ready to
/// [`merge`](axum::Router::merge) into an app of any state type.
///
/// Each request's credentials and body go through
/// [`contract::receive_body`] with `config` (refused exactly as
/// [`CometChatEvent`](crate::CometChatEvent) refuses), then
/// [`WebhookRouter::handle_body`], which decodes only what the answer needs
/// (in background and durable mode, the envelope and the idempotency key;
/// the worker decodes the payload); the [`WebhookResponse`] is the answer.
/// Other methods on `path` are answered 405 by axum.
///
/// ```
/// use std::convert::Infallible;
///
/// use axum::extract::State;
/// use axum::routing::get;
/// use cometchat_webhooks_axum::router::WebhookRouter;
/// use cometchat_webhooks_axum::{BasicAuth, ReceiverConfig};
/// use cometchat_webhooks_axum::payload::MessageSent;
///
/// #[derive(Clone)]
/// struct AppState {
///     name: &'static str,
/// }
///
/// let router = WebhookRouter::builder()
///     .on(|_sent: MessageSent| async { Ok::<_, Infallible>(()) })
///     .build();
/// let config = ReceiverConfig::new(BasicAuth::new("cometchat", "secret")?);
/// let app: axum::Router = axum::Router::new()
///     .route("/", get(|State(state): State<AppState>| async move { state.name }))
///     .merge(cometchat_webhooks_axum::mount("/webhooks/cometchat", router, config))
///     .with_state(AppState { name: "app" });
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn mount<S>(path: &str, router: WebhookRouter, config: ReceiverConfig) -> axum::Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    // axum clones the handler for each request, so the clones move in.
    let answer = move |request: Request| async move {
        let (parts, body) = request.into_parts();
        let headers = parts.headers.iter().map(|(name, value)| (name.as_str(), value.as_bytes()));
        let head = RequestHead::from_headers(headers);
        let response = match contract::receive_body(&config, head, body.into_data_stream()).await {
            Ok(body) => router.handle_body(body).await,
            Err(rejection) => WebhookResponse::from(rejection),
        };
        into_response(response)
    };
    axum::Router::new().route(path, post(answer))
}
