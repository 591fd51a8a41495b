//! [`mount`] (feature `router`): a typed router served at a path of a warp
//! app, in one line.

use std::future::ready;
use std::sync::Arc;

use cometchat_webhooks::contract::{self, RequestHead};
use cometchat_webhooks::router::WebhookRouter;
use cometchat_webhooks::{Bytes, ReceiverConfig, WebhookResponse};
use futures_util::{Stream, StreamExt};
use warp::{Buf, Filter};

use warp::http::header::ALLOW;
use warp::http::{HeaderMap, HeaderValue, Method, StatusCode};
use warp::path::Tail;
use warp::reply::Response;

use crate::filter::into_response;

/// A filter that serves `path` with `router`, to combine with the app's
/// other routes by `or`. It answers every request on `path` itself and
/// rejects (as not found) only requests for other paths:
///
/// - `POST`: [`contract::receive_body`] with `config` (credentials, body
///   limit: refused exactly as [`cometchat_event`](crate::cometchat_event)
///   refuses, answered at once, no [`recover`](crate::recover) needed),
///   then [`WebhookRouter::handle_body`], which decodes only what the
///   answer needs (in background and durable mode, the envelope and the
///   idempotency key; the worker decodes the payload), and whose
///   [`WebhookResponse`] is the answer;
/// - any other method: 405 with `Allow: POST` and an empty body, as axum
///   and actix-web answer, rather than a rejection that would go on to the
///   app's other routes.
///
/// `path` is matched against what earlier filters left of the request path,
/// exactly (a trailing slash is another path), with or without its leading
/// slash, so the filter also works under a prefix such as
/// `warp::path("api")`.
///
/// ```
/// use std::convert::Infallible;
///
/// use cometchat_webhooks_warp::router::WebhookRouter;
/// use cometchat_webhooks_warp::{BasicAuth, ReceiverConfig};
/// use cometchat_webhooks_warp::payload::MessageSent;
/// use warp::Filter;
///
/// let router = WebhookRouter::builder()
///     .on(|_sent: MessageSent| async { Ok::<_, Infallible>(()) })
///     .build();
/// let config = ReceiverConfig::new(BasicAuth::new("cometchat", "secret")?);
/// let health = warp::path!("health").map(|| "ok");
/// let routes = health.or(cometchat_webhooks_warp::mount("/webhooks/cometchat", router, config));
/// # let _ = routes;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn mount(
    path: &str,
    router: WebhookRouter,
    config: ReceiverConfig,
) -> impl Filter<Extract = (Response,), Error = warp::Rejection> + Clone {
    exactly(path)
        .and(warp::method())
        .and(warp::header::headers_cloned())
        .and(warp::body::stream())
        .then(move |method: Method, headers: HeaderMap, body| {
            let (router, config) = (router.clone(), config.clone());
            async move {
                if method != Method::POST {
                    return method_not_allowed();
                }
                let head = RequestHead::from_headers(
                    headers.iter().map(|(name, value)| (name.as_str(), value.as_bytes())),
                );
                let response = match contract::receive_body(&config, head, chunks(body)).await {
                    Ok(body) => router.handle_body(body).await,
                    Err(rejection) => WebhookResponse::from(rejection),
                };
                into_response(response)
            }
        })
}

/// warp's body chunks as the contract's `Bytes` chunks.
fn chunks(
    body: impl Stream<Item = Result<impl Buf, warp::Error>>,
) -> impl Stream<Item = Result<Bytes, warp::Error>> {
    body.map(|chunk| chunk.map(|mut buf| buf.copy_to_bytes(buf.remaining())))
}

/// Matches when the rest of the path is `path`, and consumes it. Checked
/// before the body is taken, so a request for another path reaches the next
/// route whole.
fn exactly(path: &str) -> impl Filter<Extract = (), Error = warp::Rejection> + Clone {
    let path: Arc<str> = Arc::from(path.strip_prefix('/').unwrap_or(path));
    warp::path::tail()
        .and_then(move |rest: Tail| {
            let matched =
                if rest.as_str() == &*path { Ok(()) } else { Err(warp::reject::not_found()) };
            ready(matched)
        })
        .untuple_one()
}

/// What axum and actix-web answer other methods on a `post()` route with.
fn method_not_allowed() -> Response {
    let mut response = Response::new(Default::default());
    *response.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
    response.headers_mut().insert(ALLOW, HeaderValue::from_static("POST"));
    response
}
