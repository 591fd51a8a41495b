//! warp's request in, the contract's answer out: [`receive`], [`webhook`],
//! [`cometchat_event`], [`CometChatRejection`] and [`recover`].

use std::fmt;
use std::future::Future;
use std::ops::Deref;

use cometchat_webhooks::contract::{self, RequestHead};
use cometchat_webhooks::{Bytes, Event, ReceiverConfig, Rejection, WebhookResponse};
use futures_util::{Stream, StreamExt};
use warp::http::HeaderMap;
use warp::reply::{Reply, Response};
use warp::{Buf, Filter};

/// Runs [`contract::receive`] on a warp request's headers and the stream of
/// `warp::body::stream()`: credentials before any body byte, the body read
/// up to the limit, then decoding.
pub async fn receive(
    config: &ReceiverConfig,
    headers: &HeaderMap,
    body: impl Stream<Item = Result<impl Buf, warp::Error>>,
) -> Result<Event, Rejection> {
    let head = RequestHead::from_headers(headers.iter().map(|(n, v)| (n.as_str(), v.as_bytes())));
    let chunks = body.map(|chunk| chunk.map(|mut buf| buf.copy_to_bytes(buf.remaining())));
    contract::receive(config, head, chunks).await
}

/// A verified, decoded CometChat webhook, extracted by [`cometchat_event`].
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

/// A filter that receives the webhook with `config` and answers it: with
/// `handler`'s reply for a verified, decoded event, or with the contract's
/// answer (401, 413, 400: status, headers and body) for a refused request.
///
/// It never rejects a request it has started to receive, so a refusal is
/// answered the same with or without [`recover`] and whatever routes are
/// combined after it by `or`: a catch-all cannot turn a wrong password into
/// a 200. Put the path and method filters before it.
///
/// ```
/// use cometchat_webhooks_warp::{BasicAuth, CometChatEvent, ReceiverConfig, webhook};
/// use warp::Filter;
///
/// let config = ReceiverConfig::new(BasicAuth::new("cometchat", "secret")?);
/// let webhooks = warp::path!("webhooks" / "cometchat")
///     .and(warp::post())
///     .and(webhook(config, |event: CometChatEvent| async move { event.trigger().to_owned() }));
/// let app = webhooks.or(warp::any().map(|| "the rest of the app"));
/// # let _ = app;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn webhook<H, Fut, R>(
    config: ReceiverConfig,
    handler: H,
) -> impl Filter<Extract = (Response,), Error = warp::Rejection> + Clone
where
    H: Fn(CometChatEvent) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = R> + Send,
    R: Reply,
{
    warp::header::headers_cloned().and(warp::body::stream()).then(
        move |headers: HeaderMap, body| {
            let (config, handler) = (config.clone(), handler.clone());
            async move {
                match receive(&config, &headers, body).await {
                    Ok(event) => handler(CometChatEvent(event)).await.into_response(),
                    Err(rejection) => CometChatRejection(rejection).response(),
                }
            }
        },
    )
}

/// A filter that extracts a [`CometChatEvent`] by running [`receive`] with
/// `config`, or rejects with a [`CometChatRejection`].
///
/// Prefer [`webhook`], which answers refusals itself. This filter is for a
/// route that needs the event as one argument among others, and then needs
/// [`recover`] on that route: a warp rejection is not an answer, and without
/// `recover` the request would go on to the app's other routes (a catch-all
/// would answer a wrong password with 200), or end as warp's own 500.
pub fn cometchat_event(
    config: ReceiverConfig,
) -> impl Filter<Extract = (CometChatEvent,), Error = warp::Rejection> + Clone {
    warp::header::headers_cloned().and(warp::body::stream()).and_then(
        move |headers: HeaderMap, body| {
            let config = config.clone();
            async move {
                match receive(&config, &headers, body).await {
                    Ok(event) => Ok(CometChatEvent(event)),
                    Err(rejection) => Err(warp::reject::custom(CometChatRejection(rejection))),
                }
            }
        },
    )
}

/// Why [`cometchat_event`] refused a request, carried in a
/// `warp::Rejection` until [`recover`] answers it with the contract's
/// [`WebhookResponse`] for its [`Rejection`].
#[derive(Debug)]
pub struct CometChatRejection(pub Rejection);

impl CometChatRejection {
    /// The core's rejection.
    pub fn into_inner(self) -> Rejection {
        self.0
    }

    /// The answer the contract gives it.
    pub fn response(&self) -> Response {
        into_response(WebhookResponse::from(&self.0))
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
/// none does, end as warp's generic 500 "Unhandled rejection".
pub async fn recover(rejection: warp::Rejection) -> Result<Response, warp::Rejection> {
    match rejection.find::<CometChatRejection>() {
        Some(refused) => Ok(refused.response()),
        None => Err(rejection),
    }
}

/// The contract's answer as a warp reply, nothing added.
pub(crate) fn into_response(response: WebhookResponse) -> Response {
    let response: warp::http::Response<Bytes> = response.into_http();
    response.into_response()
}
