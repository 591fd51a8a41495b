//! From an `http` request to the contract's [`receive`](crate::contract::receive),
//! and from the contract's answer to an `http` response.

use bytes::{Buf, Bytes};
use futures_util::{Stream, StreamExt};
use http::header::{ALLOW, HeaderValue};
use http::{Method, StatusCode};
use http_body::Body;
use http_body_util::BodyExt;

use super::{Response, ResponseBody};
use crate::contract::{self, ReceiverConfig, RequestHead, WebhookResponse};
use crate::event::Event;

/// The request's event, or the answer that refuses it: 405 for a method
/// other than `POST`, otherwise whatever [`contract::receive`] refuses.
pub(super) async fn receive<B>(
    config: &ReceiverConfig,
    request: http::Request<B>,
) -> Result<Event, Response>
where
    B: Body,
    B::Data: Buf,
{
    let (parts, chunks) = split(request).ok_or_else(method_not_allowed)?;
    contract::receive(config, head(&parts), chunks)
        .await
        .map_err(|rejection| answer(rejection.into()))
}

/// The request's body, read but not decoded (the router reads only what
/// its answer needs), or the answer that refuses it, as [`receive`] does.
#[cfg(feature = "router")]
pub(super) async fn receive_body<B>(
    config: &ReceiverConfig,
    request: http::Request<B>,
) -> Result<Bytes, Response>
where
    B: Body,
    B::Data: Buf,
{
    let (parts, chunks) = split(request).ok_or_else(method_not_allowed)?;
    contract::receive_body(config, head(&parts), chunks)
        .await
        .map_err(|rejection| answer(rejection.into()))
}

/// The request's head and its body as a stream of chunks; `None` for a
/// method other than `POST`.
fn split<B>(
    request: http::Request<B>,
) -> Option<(http::request::Parts, impl Stream<Item = Result<Bytes, B::Error>>)>
where
    B: Body,
    B::Data: Buf,
{
    let (parts, body) = request.into_parts();
    if parts.method != Method::POST {
        return None;
    }
    // Trailers are not part of a webhook; `Bytes` hands its chunks over
    // without a copy.
    let chunks = body
        .into_data_stream()
        .map(|chunk| chunk.map(|mut data| data.copy_to_bytes(data.remaining())));
    Some((parts, chunks))
}

fn head(parts: &http::request::Parts) -> RequestHead<'_> {
    RequestHead::from_headers(
        parts.headers.iter().map(|(name, value)| (name.as_str(), value.as_bytes())),
    )
}

/// The contract's answer as an `http` response, nothing added.
pub(super) fn answer(response: WebhookResponse) -> Response {
    response.into_http().map(ResponseBody::new)
}

/// 405 with `Allow: POST` and an empty body, as the frameworks' routers
/// answer a method their route does not serve.
fn method_not_allowed() -> Response {
    let mut response = http::Response::new(ResponseBody::new(Bytes::new()));
    *response.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
    response.headers_mut().insert(ALLOW, HeaderValue::from_static("POST"));
    response
}
