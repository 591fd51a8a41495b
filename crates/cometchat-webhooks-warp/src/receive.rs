//! The request path, in the contract's order: credentials and declared
//! length from the headers, then the body chunk by chunk up to the limit,
//! then decoding.

use std::pin::pin;

use cometchat_webhooks::{Event, ReceiverConfig, Rejection};
use futures_util::{Stream, StreamExt};
use warp::Buf;
use warp::http::HeaderMap;
use warp::http::header::{AUTHORIZATION, CONTENT_LENGTH};

/// Receives one webhook request: refuses bad credentials and a declared
/// length over the limit before reading the body, stops reading as soon as
/// the body passes the limit (with or without `Content-Length`), and
/// decodes what was read.
///
/// [`cometchat_event`](crate::cometchat_event) calls this with the stream of
/// `warp::body::stream()`; so can any other filter that has the request's
/// headers and body.
pub async fn receive(
    config: &ReceiverConfig,
    headers: &HeaderMap,
    body: impl Stream<Item = Result<impl Buf, warp::Error>>,
) -> Result<Event, Rejection> {
    let header = |name| headers.get(name).map(|value| value.as_bytes());
    let mut collector = config.admit(header(AUTHORIZATION), header(CONTENT_LENGTH))?;
    let mut body = pin!(body);
    while let Some(chunk) = body.next().await {
        // A body that fails midway is a client that went away or lied about
        // its length; the reason is the transport's.
        let mut chunk = chunk.map_err(|_| Rejection::BodyRead)?;
        while chunk.has_remaining() {
            let piece = chunk.chunk();
            collector.push(piece)?;
            let read = piece.len();
            chunk.advance(read);
        }
    }
    config.decode(collector.finish())
}
