//! Client connections and the webhook request both measurements send.

use std::net::SocketAddr;

use bytes::Bytes;
use http_body_util::Full;
use hyper::Request;

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
