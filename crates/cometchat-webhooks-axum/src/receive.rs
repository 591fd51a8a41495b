//! The request path, in the contract's order: credentials and declared
//! length from the headers, then the body chunk by chunk up to the limit,
//! then decoding.

use axum::body::Body;
use axum::http::HeaderMap;
use axum::http::header::{AUTHORIZATION, CONTENT_LENGTH};
use cometchat_webhooks::{Event, ReceiverConfig, Rejection};
use futures_util::StreamExt;

/// Receives one webhook request: refuses bad credentials and a declared
/// length over the limit before reading the body, stops reading as soon as
/// the body passes the limit (with or without `Content-Length`), and
/// decodes what was read.
///
/// [`CometChatEvent`](crate::CometChatEvent) calls this; so can any other
/// entry point that has the request's headers and body.
pub async fn receive(
    config: &ReceiverConfig,
    headers: &HeaderMap,
    body: Body,
) -> Result<Event, Rejection> {
    let header = |name| headers.get(name).map(|value| value.as_bytes());
    let mut collector = config.admit(header(AUTHORIZATION), header(CONTENT_LENGTH))?;
    let mut chunks = body.into_data_stream();
    while let Some(chunk) = chunks.next().await {
        // A body that fails midway is a client that went away or lied about
        // its length; the reason is the transport's, not the caller's business.
        let chunk = chunk.map_err(|_| Rejection::BodyRead)?;
        collector.push(&chunk)?;
    }
    config.decode(collector.finish())
}
