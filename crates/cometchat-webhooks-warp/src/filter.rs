//! warp's request in, the contract's answer out: [`receive`],
//! [`cometchat_event`], [`CometChatRejection`] and [`recover`].

use std::fmt;
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

/// A filter that extracts a [`CometChatEvent`] by running [`receive`] with
/// `config`, or rejects with a [`CometChatRejection`].
///
/// Put [`recover`] on the route that uses it: a warp rejection is not an
/// answer, and without `recover` the request would go on to the app's other
/// routes, or end as warp's own 404/405 or 500.
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
