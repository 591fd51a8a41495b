//! [`mount`] (feature `router`): a typed router served at a path of an
//! actix-web app, in one line.

use actix_web::{HttpRequest, Resource, web};
use cometchat_webhooks::contract::{self, RequestHead};
use cometchat_webhooks::router::WebhookRouter;
use cometchat_webhooks::{ReceiverConfig, WebhookResponse};

use crate::extract::into_response;

/// A resource that serves `POST path` with `router`, for
/// [`App::service`](actix_web::App::service) or a `scope`.
///
/// Each request's credentials and body go through
/// [`contract::receive_body`] with `config` (refused exactly as
/// [`CometChatEvent`](crate::CometChatEvent) refuses; no app data needed),
/// then [`WebhookRouter::handle_body`], which decodes only what the answer
/// needs (in background and durable mode, the envelope and the idempotency
/// key; the worker decodes the payload); the [`WebhookResponse`] is the
/// answer.
/// actix-web answers other methods on `path` with 405.
///
/// ```
/// use std::convert::Infallible;
///
/// use actix_web::App;
/// use cometchat_webhooks_actix_web::router::WebhookRouter;
/// use cometchat_webhooks_actix_web::{BasicAuth, ReceiverConfig};
/// use cometchat_webhooks_actix_web::payload::MessageSent;
///
/// let router = WebhookRouter::builder()
///     .on(|_sent: MessageSent| async { Ok::<_, Infallible>(()) })
///     .build();
/// let config = ReceiverConfig::new(BasicAuth::new("cometchat", "secret")?);
/// // In `HttpServer::new(move || …)`, with clones of both: they are cheap.
/// let app = App::new()
///     .service(cometchat_webhooks_actix_web::mount("/webhooks/cometchat", router, config));
/// # let _ = app;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn mount(path: &str, router: WebhookRouter, config: ReceiverConfig) -> Resource {
    let answer = move |request: HttpRequest, payload: web::Payload| {
        let (router, config) = (router.clone(), config.clone());
        async move {
            let headers = request.headers().iter();
            let head = RequestHead::from_headers(headers.map(|(n, v)| (n.as_str(), v.as_bytes())));
            let response = match contract::receive_body(&config, head, payload.into_inner()).await {
                Ok(body) => router.handle_body(body).await,
                Err(rejection) => WebhookResponse::from(rejection),
            };
            into_response(response)
        }
    };
    web::resource(path).route(web::post().to(answer))
}
