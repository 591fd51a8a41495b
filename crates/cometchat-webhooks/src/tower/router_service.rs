//! [`RouterService`]: the receiver and a [`WebhookRouter`], as a
//! `tower::Service`.

use std::convert::Infallible;
use std::task::{Context, Poll};

use bytes::Buf;
use http_body::Body;
use tower_service::Service;

use super::{ResponseFuture, request};
use crate::contract::ReceiverConfig;
use crate::router::WebhookRouter;

/// Receives a webhook with a [`ReceiverConfig`] and hands the event to a
/// [`WebhookRouter`], as a [`tower::Service`](Service) over
/// `http::Request<B>` (features `tower` and `router`).
///
/// The same request path as every adapter's `mount`: a refused request is
/// answered by the contract, an accepted one with
/// [`WebhookRouter::handle`]'s answer (200, 500 for a failed handler, 503
/// with `Retry-After` for a full queue or an unavailable store, the
/// `before_message` verdict as the body). Cheap to clone.
///
/// ```
/// use cometchat_webhooks::payload::MessageSent;
/// use cometchat_webhooks::router::WebhookRouter;
/// use cometchat_webhooks::tower::RouterService;
/// use cometchat_webhooks::{BasicAuth, ReceiverConfig};
///
/// let router = WebhookRouter::builder()
///     .on(|sent: MessageSent| async move {
///         println!("{:?}", sent.message.text());
///     })
///     .build();
/// let config = ReceiverConfig::new(BasicAuth::new("cometchat", "s3cret")?);
/// let service = RouterService::new(router, config);
/// # let _ = service;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct RouterService {
    router: WebhookRouter,
    config: ReceiverConfig,
}

impl RouterService {
    /// A service that receives with `config` and routes with `router`.
    pub fn new(router: WebhookRouter, config: ReceiverConfig) -> Self {
        Self { router, config }
    }

    /// The router, e.g. to [`shutdown`](WebhookRouter::shutdown) it when the
    /// server stops.
    pub fn router(&self) -> &WebhookRouter {
        &self.router
    }

    /// The receiver's configuration.
    pub fn config(&self) -> &ReceiverConfig {
        &self.config
    }
}

impl<B> Service<http::Request<B>> for RouterService
where
    B: Body + Send + 'static,
    B::Data: Buf + Send,
{
    type Response = super::Response;
    type Error = Infallible;
    type Future = ResponseFuture;

    /// Always ready: see the [module](super) documentation.
    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<B>) -> ResponseFuture {
        let service = self.clone();
        Box::pin(async move {
            let answer = match request::receive_body(&service.config, request).await {
                Ok(body) => request::answer(service.router.handle_body(body).await),
                Err(refused) => refused,
            };
            Ok(answer)
        })
    }
}
