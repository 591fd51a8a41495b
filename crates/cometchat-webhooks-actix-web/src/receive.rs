//! The request path, in the contract's order: the receiver from app data,
//! credentials and declared length from the headers, then the payload chunk
//! by chunk up to the limit, then decoding.

use actix_web::HttpRequest;
use actix_web::dev::Payload;
use actix_web::http::header::{AUTHORIZATION, CONTENT_LENGTH, HeaderMap};
use actix_web::web::Data;
use cometchat_webhooks::{Event, ReceiverConfig, Rejection};
use futures_util::StreamExt;

/// Said in the 500 answered when no receiver is registered.
const MISSING_CONFIG: &str = "no ReceiverConfig in the actix-web app data; register one with \
                              App::app_data(config) or App::app_data(web::Data::new(config))";

/// The [`ReceiverConfig`] registered with `App::app_data`, either as is or
/// wrapped in [`web::Data`](Data). Without one, every webhook is refused
/// with a 500 that says so, rather than accepted unchecked.
pub fn receiver_config(request: &HttpRequest) -> Result<ReceiverConfig, Rejection> {
    if let Some(config) = request.app_data::<ReceiverConfig>() {
        return Ok(config.clone());
    }
    match request.app_data::<Data<ReceiverConfig>>() {
        Some(config) => Ok(config.get_ref().clone()),
        None => Err(Rejection::NotConfigured(MISSING_CONFIG)),
    }
}

/// Receives one webhook request: refuses bad credentials and a declared
/// length over the limit before reading the payload, stops reading as soon
/// as the payload passes the limit (with or without `Content-Length`), and
/// decodes what was read.
///
/// [`CometChatEvent`](crate::CometChatEvent) calls this with
/// [`receiver_config`]; so can any other entry point that has the request's
/// headers and payload.
pub async fn receive(
    config: &ReceiverConfig,
    headers: &HeaderMap,
    mut payload: Payload,
) -> Result<Event, Rejection> {
    let header = |name| headers.get(name).map(|value| value.as_bytes());
    let mut collector = config.admit(header(AUTHORIZATION), header(CONTENT_LENGTH))?;
    while let Some(chunk) = payload.next().await {
        // A payload that fails midway is a client that went away or lied
        // about its length; the reason is the transport's.
        let chunk = chunk.map_err(|_| Rejection::BodyRead)?;
        collector.push(&chunk)?;
    }
    config.decode(collector.finish())
}
