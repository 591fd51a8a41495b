//! The receiver as a [`tower::Service`](tower_service::Service) (feature
//! `tower`): for apps on plain hyper, and for platforms that hand over
//! `http` 1.x requests (AWS Lambda through `lambda_http`, tonic-web, any
//! tower stack).
//!
//! - [`WebhookService`] receives the webhook and runs one async handler on
//!   the [`Event`](crate::Event);
//! - [`RouterService`] (with feature `router`) receives it and hands it to
//!   a [`WebhookRouter`](crate::router::WebhookRouter).
//!
//! Both take `http::Request<B>` for any body `B: http_body::Body` and go
//! through the one request path,
//! [`contract::receive`](crate::contract::receive): credentials before any
//! body byte, the body read up to the limit within the body-read deadline
//! and the budget of bytes in flight, then decoding. Every answer is the
//! contract's [`WebhookResponse`](crate::WebhookResponse) as an `http`
//! response ([`into_http`](crate::WebhookResponse::into_http)), headers
//! included: `WWW-Authenticate` with a 401, `Retry-After` with a 503,
//! `Connection: close` when the body was left unread (hyper closes the
//! connection on it). A method other than `POST` is answered 405 with
//! `Allow: POST`. The path is not looked at: the service is the endpoint,
//! and routing to it is the app's business (axum's `route_service`, a
//! `match` on the path in a hyper service).
//!
//! The error type is [`Infallible`]: every outcome, refusals included, is
//! an answer. `poll_ready` is always ready:
//! the services hold nothing a request has to wait for. What is scarce is
//! decided per request, and answered at once rather than queued, since
//! CometChat gives up after about 2 seconds: the receiver's body budget
//! (503 with `Retry-After`), the router's inline slots and queue (503 with
//! `Retry-After`). The server's connection cap bounds how many requests
//! run at once.
//!
//! **Serverless.** AWS Lambda's `lambda_http` runs any `tower` service over
//! `http` requests, so `lambda_http::run(RouterService::new(router, config))`
//! is a whole function. The runtime freezes the process once the answer is
//! sent, so a router in background mode loses the work it queued: run
//! handlers inline (the 200 means they finished), or use durable mode with
//! Redis (the 200 means the event is stored) and a separate long-running
//! process whose durable router handles the stored events.
//!
//! ```
//! use std::convert::Infallible;
//!
//! use cometchat_webhooks::tower::WebhookService;
//! use cometchat_webhooks::{BasicAuth, Event, ReceiverConfig};
//!
//! let config = ReceiverConfig::new(BasicAuth::new("cometchat", "s3cret")?);
//! let service = WebhookService::new(config, |event: Event| async move {
//!     println!("{}", event.trigger().escape_debug());
//!     Ok::<_, Infallible>(())
//! });
//! // hyper: `hyper_util::service::TowerToHyperService::new(service)`;
//! // axum: `Router::new().route_service("/webhooks/cometchat", service)`.
//! # let _ = service;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod answer;
mod handler_service;
mod request;
#[cfg(feature = "router")]
mod router_service;

pub use answer::IntoWebhookResponse;
pub use handler_service::WebhookService;
#[cfg(feature = "router")]
pub use router_service::RouterService;

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;

use bytes::Bytes;

/// The body of every answer: the contract's small JSON body, whole.
pub type ResponseBody = http_body_util::Full<Bytes>;

/// The answer the services give: status, headers and JSON body.
pub type Response = http::Response<ResponseBody>;

/// The future the services return; `Send`, so hyper can run it on any
/// worker thread.
pub type ResponseFuture = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;
