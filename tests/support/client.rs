//! A real HTTP/1.1 client (hyper) for the servers of `servers`: one fresh
//! connection per request, so a server that closes after an early answer
//! (401 or 413 before the body is read) cannot disturb the next request,
//! on the package's loopback connection, so that answer can be read at all.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use cometchat_webhooks::testing::Request as KitRequest;
use futures_util::stream;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::Request;
use hyper::body::Frame;

/// A request must be answered within this, or the test fails rather than hangs.
pub(crate) const ANSWER_TIMEOUT: Duration = Duration::from_secs(10);

/// What requests carry: a whole body or a stream of chunks.
pub(crate) type OutgoingBody = BoxBody<Bytes, Infallible>;

/// A response, read whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Received {
    pub(crate) status: u16,
    /// Every header as name (lower case) and raw value, in the order sent.
    pub(crate) headers: Vec<(String, Vec<u8>)>,
    pub(crate) body: Vec<u8>,
}

impl Received {
    /// The value of a header as text, if the response has it exactly once.
    pub(crate) fn header(&self, name: &str) -> Option<String> {
        let mut values = self.headers.iter().filter(|(header, _)| header == name);
        match (values.next(), values.next()) {
            (Some((_, value)), None) => Some(String::from_utf8_lossy(value).into_owned()),
            _ => None,
        }
    }
}

/// Sends `request` to `address` on a new connection and reads the whole
/// response, or says what went wrong.
pub(crate) async fn send(
    address: SocketAddr,
    request: Request<OutgoingBody>,
) -> Result<Received, String> {
    tokio::time::timeout(ANSWER_TIMEOUT, exchange(address, request))
        .await
        .unwrap_or_else(|_| Err(format!("no answer from {address} within {ANSWER_TIMEOUT:?}")))
}

async fn exchange(address: SocketAddr, request: Request<OutgoingBody>) -> Result<Received, String> {
    // The connection ends in an error when the server closes it after an
    // early answer; the response, which is what the test checks, has been
    // read by then.
    let (mut sender, _) = cometchat_webhooks_suite::open(address)
        .await
        .map_err(|error| format!("connect: {error}"))?;
    let response =
        sender.send_request(request).await.map_err(|error| format!("request: {error}"))?;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| (name.as_str().to_owned(), value.as_bytes().to_vec()))
        .collect();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|error| format!("response body: {error}"))?
        .to_bytes()
        .to_vec();
    Ok(Received { status, headers, body })
}

/// A request of the test kit to `address`: its method, path and exactly its
/// headers (plus `Host`), with the body whole or as a stream of chunks,
/// which hyper sends with `Transfer-Encoding: chunked`.
pub(crate) fn kit_request(address: SocketAddr, case: &KitRequest) -> Request<OutgoingBody> {
    let body = match case.whole_body() {
        Some(body) => Full::new(body.clone()).boxed(),
        None => {
            let frames = case.chunks().into_iter().map(|chunk| Ok(Frame::data(chunk)));
            StreamBody::new(stream::iter(frames)).boxed()
        }
    };
    let mut request =
        Request::builder().method(case.method).uri(&case.path).header("host", address.to_string());
    for (name, value) in &case.headers {
        request = request.header(*name, value);
    }
    request.body(body).expect("a conformance case is a valid request")
}
