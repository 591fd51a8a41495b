//! [`WebhookService`]: the receiver and one async handler, as a
//! `tower::Service`.

use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Buf;
use futures_util::FutureExt;
use http_body::Body;
use tower_service::Service;

use super::answer::IntoWebhookResponse;
use super::{ResponseFuture, request};
use crate::contract::{ReceiverConfig, Rejection, WebhookResponse};
use crate::event::Event;

/// Receives a webhook with a [`ReceiverConfig`] and answers it with an
/// async handler's [`IntoWebhookResponse`], as a
/// [`tower::Service`](Service) over `http::Request<B>`.
///
/// A refused request is answered by the contract (401, 413, 408, 400, 503)
/// and the handler does not run. A handler that panics is answered 500
/// (the panic message goes to the panic hook, never into the answer). The
/// handler has no deadline of its own: CometChat waits about 2 seconds, so
/// a slow one belongs behind a queue (a router in background or durable
/// mode, `RouterService`) or a `tower` timeout.
///
/// Cheap to clone: the handler is shared.
///
/// ```
/// use cometchat_webhooks::tower::WebhookService;
/// use cometchat_webhooks::{BasicAuth, Event, Payload, ReceiverConfig};
///
/// # async fn store(_: &str) -> std::io::Result<()> { Ok(()) }
/// let config = ReceiverConfig::new(BasicAuth::new("cometchat", "s3cret")?);
/// let service = WebhookService::new(config, |event: Event| async move {
///     if let Payload::MessageSent(sent) = event.payload() {
///         // An error answers 500, so CometChat delivers the event again.
///         store(sent.message.text().unwrap_or("")).await?;
///     }
///     Ok::<_, std::io::Error>(())
/// });
/// # let _ = service;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct WebhookService<H> {
    config: ReceiverConfig,
    handler: Arc<H>,
}

impl<H> WebhookService<H> {
    /// A service that receives with `config` and runs `handler` on each
    /// accepted event.
    pub fn new(config: ReceiverConfig, handler: H) -> Self {
        Self { config, handler: Arc::new(handler) }
    }

    /// The receiver's configuration.
    pub fn config(&self) -> &ReceiverConfig {
        &self.config
    }
}

impl<H> Clone for WebhookService<H> {
    fn clone(&self) -> Self {
        Self { config: self.config.clone(), handler: Arc::clone(&self.handler) }
    }
}

impl<H> fmt::Debug for WebhookService<H> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("WebhookService")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl<H, Fut, B> Service<http::Request<B>> for WebhookService<H>
where
    H: Fn(Event) -> Fut + Send + Sync + 'static,
    Fut: Future<Output: IntoWebhookResponse> + Send + 'static,
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
            let answer = match request::receive(&service.config, request).await {
                Ok(event) => request::answer(run(&*service.handler, event).await),
                Err(refused) => refused,
            };
            Ok(answer)
        })
    }
}

/// Runs the handler; a panic, in the call or in its future, is a 500.
async fn run<H, Fut>(handler: &H, event: Event) -> WebhookResponse
where
    H: Fn(Event) -> Fut,
    Fut: Future<Output: IntoWebhookResponse>,
{
    let answered = match catch_unwind(AssertUnwindSafe(|| handler(event))) {
        Ok(future) => AssertUnwindSafe(future).catch_unwind().await,
        Err(panic) => Err(panic),
    };
    match answered {
        Ok(answer) => answer.into_webhook_response(),
        Err(_) => {
            tracing::error!("CometChat webhook handler panicked");
            WebhookResponse::from(Rejection::HandlerFailed)
        }
    }
}
