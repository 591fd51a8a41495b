//! [`receive`]: credentials, then a bounded read of the body, then decoding,
//! in that order for every framework.

use std::future::poll_fn;
use std::pin::pin;

use bytes::{Bytes, BytesMut};
use futures_core::Stream;

use super::head::Authorization;
use super::{ReceiverConfig, Rejection, RequestHead};
use crate::error::AuthError;
use crate::event::Event;

/// Receives one webhook request: the only request path there is.
///
/// 1. **Authorization**, from `head` alone: missing, malformed, wrong or
///    repeated credentials are refused before a body byte is read.
/// 2. **Declared length**: a `Content-Length` over the limit is refused
///    without reading (an unparsable one is left to the framework).
/// 3. **Bounded read**: chunks are pulled from `body` until it ends; the
///    chunk that crosses the limit is refused and nothing more is pulled,
///    with or without `Content-Length`. A chunk that fails (the client went
///    away) is [`Rejection::BodyRead`]; the transport's reason is not the
///    sender's business.
/// 4. **Decoding** into an [`Event`].
///
/// Each adapter calls this with its framework's headers and body stream and
/// answers a refusal with [`WebhookResponse::from`](super::WebhookResponse).
/// The body stream is only polled here, so a deadline on reading it or a
/// budget of bytes in flight is one more step of this function.
///
/// ```
/// use cometchat_webhooks::contract::{self, ReceiverConfig, RequestHead};
/// use cometchat_webhooks::{BasicAuth, Bytes};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let config = ReceiverConfig::new(BasicAuth::new("cometchat", "s3cret")?);
/// let head = RequestHead::from_headers([("authorization", &b"Basic Y29tZXRjaGF0OnMzY3JldA=="[..])]);
/// let body = futures_util::stream::iter([
///     Ok::<_, std::io::Error>(Bytes::from_static(br#"{"trigger": "a_new_trigger","#)),
///     Ok(Bytes::from_static(br#" "data": {}}"#)),
/// ]);
/// let event = contract::receive(&config, head, body).await?;
/// assert_eq!(event.trigger(), "a_new_trigger");
/// # Ok(())
/// # }
/// ```
///
/// Each refusal is logged at `info` (target `cometchat_webhooks::refused`)
/// with its status and a fixed reason; never the credentials or the body.
pub async fn receive<Chunks, Error>(
    config: &ReceiverConfig,
    head: RequestHead<'_>,
    body: Chunks,
) -> Result<Event, Rejection>
where
    Chunks: Stream<Item = Result<Bytes, Error>>,
{
    receive_steps(config, head, body).await.inspect_err(super::trace::refused)
}

async fn receive_steps<Chunks, Error>(
    config: &ReceiverConfig,
    head: RequestHead<'_>,
    body: Chunks,
) -> Result<Event, Rejection>
where
    Chunks: Stream<Item = Result<Bytes, Error>>,
{
    authorize(config, &head)?;
    check_declared_length(config.body_limit(), head.content_length())?;
    let body = read_bounded(body, config.body_limit()).await?;
    Event::from_bytes(body).map_err(Rejection::BadRequest)
}

fn authorize(config: &ReceiverConfig, head: &RequestHead<'_>) -> Result<(), Rejection> {
    match head.authorization_header() {
        Authorization::Repeated => Err(Rejection::Unauthorized(AuthError::Repeated)),
        Authorization::Once(value) => config.authorize(Some(value)),
        Authorization::Missing => config.authorize(None),
    }
}

/// All digits over the limit is refused; anything else is left to the read.
fn check_declared_length(limit: usize, content_length: Option<&[u8]>) -> Result<(), Rejection> {
    let Some(digits) = content_length.map(<[u8]>::trim_ascii) else { return Ok(()) };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Ok(());
    }
    // All digits: a value too long for u64 is certainly over the limit.
    let declared = std::str::from_utf8(digits).ok().and_then(|d| d.parse::<u64>().ok());
    match declared {
        Some(length) if length <= limit as u64 => Ok(()),
        _ => Err(Rejection::PayloadTooLarge { limit }),
    }
}

/// Pulls chunks until the body ends or crosses `limit`. A body that arrives
/// in one chunk is kept as that chunk, without a copy.
async fn read_bounded<Chunks, Error>(body: Chunks, limit: usize) -> Result<Bytes, Rejection>
where
    Chunks: Stream<Item = Result<Bytes, Error>>,
{
    let mut body = pin!(body);
    let mut collected = Collected::Nothing;
    while let Some(chunk) = poll_fn(|context| body.as_mut().poll_next(context)).await {
        let chunk = chunk.map_err(|_| Rejection::BodyRead)?;
        if chunk.len() > limit - collected.len() {
            return Err(Rejection::PayloadTooLarge { limit });
        }
        collected.push(chunk);
    }
    Ok(collected.finish())
}

/// The body read so far.
enum Collected {
    Nothing,
    One(Bytes),
    Many(BytesMut),
}

impl Collected {
    fn len(&self) -> usize {
        match self {
            Collected::Nothing => 0,
            Collected::One(chunk) => chunk.len(),
            Collected::Many(buffer) => buffer.len(),
        }
    }

    fn push(&mut self, chunk: Bytes) {
        *self = match std::mem::replace(self, Collected::Nothing) {
            Collected::Nothing => Collected::One(chunk),
            Collected::One(first) => {
                let mut buffer = BytesMut::with_capacity(first.len() + chunk.len());
                buffer.extend_from_slice(&first);
                buffer.extend_from_slice(&chunk);
                Collected::Many(buffer)
            }
            Collected::Many(mut buffer) => {
                buffer.extend_from_slice(&chunk);
                Collected::Many(buffer)
            }
        }
    }

    fn finish(self) -> Bytes {
        match self {
            Collected::Nothing => Bytes::new(),
            Collected::One(chunk) => chunk,
            Collected::Many(buffer) => buffer.freeze(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;
    use std::task::{Context, Poll, Waker};

    use super::*;
    use crate::auth::BasicAuth;

    const GOOD: &[u8] = b"Basic dXNlcjpwYXNz"; // user:pass

    fn config(limit: usize) -> ReceiverConfig {
        ReceiverConfig::new(BasicAuth::new("user", "pass").unwrap()).with_body_limit(limit).unwrap()
    }

    /// The chunks as a stream that is always ready.
    fn chunks(parts: &[&'static [u8]]) -> impl Stream<Item = Result<Bytes, Infallible>> + use<> {
        let mut parts: Vec<Bytes> = parts.iter().map(|part| Bytes::from_static(part)).collect();
        parts.reverse();
        futures_util::stream::poll_fn(move |_| Poll::Ready(parts.pop().map(Ok)))
    }

    fn now<F: Future>(future: F) -> F::Output {
        let mut future = pin!(future);
        match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(output) => output,
            Poll::Pending => panic!("an always-ready body never waits"),
        }
    }

    fn status(result: Result<Event, Rejection>) -> u16 {
        result.map_or_else(|rejection| rejection.status(), |_| 200)
    }

    #[test]
    fn a_body_of_exactly_the_limit_is_read_and_one_more_byte_is_refused() {
        let body: &[&[u8]] = &[b"{\"trigger\"", b":\"x\"}"];
        let limit = body.concat().len();
        let head = RequestHead::with_authorization(Some(GOOD));
        assert_eq!(status(now(receive(&config(limit), head, chunks(body)))), 200);
        assert_eq!(status(now(receive(&config(limit - 1), head, chunks(body)))), 413);
    }

    #[test]
    fn a_declared_length_over_the_limit_is_refused_before_reading() {
        assert!(check_declared_length(10, Some(b"10")).is_ok());
        assert!(check_declared_length(10, None).is_ok());
        assert!(check_declared_length(10, Some(b"not a number")).is_ok());
        assert_eq!(check_declared_length(10, Some(b"11")).unwrap_err().status(), 413);
        let huge = b"99999999999999999999999";
        assert_eq!(check_declared_length(10, Some(huge)).unwrap_err().status(), 413);
    }

    #[test]
    fn credentials_are_checked_before_the_declared_length() {
        let over = RequestHead::from_headers([("content-length", &b"11"[..])]);
        assert_eq!(status(now(receive(&config(10), over, chunks(&[])))), 401);
        let over = RequestHead::from_headers([("authorization", GOOD), ("content-length", b"11")]);
        assert_eq!(status(now(receive(&config(10), over, chunks(&[])))), 413);
    }

    #[test]
    fn a_repeated_authorization_is_refused_even_when_both_are_right() {
        let head = RequestHead::from_headers([("authorization", GOOD), ("authorization", GOOD)]);
        let rejection = now(receive(&config(100), head, chunks(&[b"{}"]))).unwrap_err();
        assert!(matches!(rejection, Rejection::Unauthorized(AuthError::Repeated)), "{rejection}");
    }

    #[test]
    fn a_single_chunk_is_kept_without_a_copy_and_many_are_joined() {
        let one = Bytes::from(b"whole".to_vec());
        let single = futures_util::stream::iter([Ok::<_, Infallible>(one.clone())]);
        let read = now(read_bounded(single, 10)).unwrap();
        assert_eq!(read.as_ptr(), one.as_ptr(), "the chunk itself");
        assert_eq!(now(read_bounded(chunks(&[b"wh", b"o", b"le"]), 10)).unwrap(), one);
        assert_eq!(now(read_bounded(chunks(&[]), 10)).unwrap(), Bytes::new());
    }
}
