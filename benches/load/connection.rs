//! Client connections and the webhook request both measurements send.

use std::net::SocketAddr;

use bytes::Bytes;
use std::convert::Infallible;

use http_body_util::{Full, StreamBody};
use hyper::Request;
use hyper::body::Frame;

pub(crate) use cometchat_webhooks_suite::open;

/// `POST path` with a webhook body, as CometChat sends it.
pub(crate) fn webhook(
    address: SocketAddr,
    path: &str,
    authorization: Option<&str>,
    body: Bytes,
) -> Request<Full<Bytes>> {
    let mut request = Request::post(path)
        .header("host", address.to_string())
        .header("content-type", "Application/json")
        .header("content-length", body.len());
    if let Some(authorization) = authorization {
        request = request.header("authorization", authorization);
    }
    request.body(Full::new(body)).expect("a valid request")
}

/// The size of each chunk of a chunked body.
const CHUNK: usize = 64 * 1024;

/// A chunked body: no size known in advance, so hyper sends it with
/// `Transfer-Encoding: chunked`.
pub(crate) type ChunkedBody =
    StreamBody<futures_util::stream::Iter<std::vec::IntoIter<Result<Frame<Bytes>, Infallible>>>>;

/// [`webhook`] with the body sent chunked, without `Content-Length`.
pub(crate) fn chunked_webhook(
    address: SocketAddr,
    path: &str,
    authorization: Option<&str>,
    body: &Bytes,
) -> Request<ChunkedBody> {
    let mut request = Request::post(path)
        .header("host", address.to_string())
        .header("content-type", "Application/json");
    if let Some(authorization) = authorization {
        request = request.header("authorization", authorization);
    }
    let frames: Vec<_> = (0..body.len())
        .step_by(CHUNK)
        .map(|start| Ok(Frame::data(body.slice(start..body.len().min(start + CHUNK)))))
        .collect();
    request.body(StreamBody::new(futures_util::stream::iter(frames))).expect("a valid request")
}
