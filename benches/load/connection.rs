//! Client connections and the webhook request both measurements send.

use std::io;
use std::net::SocketAddr;

use bytes::Bytes;
use cometchat_webhooks_suite::{EarlyAnswerStream, WriteFailureFlag};
use http_body_util::Full;
use hyper::Request;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// An HTTP/1.1 connection to `address`, driven by a task of its own.
/// Requests the server answers early (401 before reading the body) are
/// still answered on it: see [`EarlyAnswerStream`]; the flag tells whether
/// that happened.
pub(crate) async fn open(
    address: SocketAddr,
) -> io::Result<(SendRequest<Full<Bytes>>, WriteFailureFlag)> {
    let stream = TcpStream::connect(address).await?;
    // Requests and answers are single small writes; no waiting to coalesce.
    stream.set_nodelay(true)?;
    let stream = EarlyAnswerStream::new(stream);
    let write_failed = stream.write_failure_flag();
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(io::Error::other)?;
    // Its error (the server closed the connection) shows in the requests.
    tokio::spawn(connection);
    Ok((sender, write_failed))
}

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
