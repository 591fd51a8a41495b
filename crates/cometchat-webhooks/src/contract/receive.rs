//! [`receive`]: credentials, then a bounded read of the body, then decoding,
//! in that order for every framework; [`receive_body`]: the same without the
//! decoding.

use std::future::poll_fn;
use std::pin::{Pin, pin};
use std::task::Poll;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures_core::Stream;
use tokio::time::{Instant, Sleep};

use super::budget::Reservation;
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
/// 3. **Budget**: a declared length is taken from the receiver's budget of
///    body bytes in flight before reading, a body without one chunk by
///    chunk; a body that does not fit is refused with a 503 and
///    `Retry-After` ([`Rejection::OverBudget`]). The bytes are given back
///    when `receive` returns.
/// 4. **Bounded read**: chunks are pulled from `body` until it ends; the
///    chunk that crosses the limit is refused and nothing more is pulled,
///    with or without `Content-Length`. A chunk that fails (the client went
///    away) is [`Rejection::BodyRead`]; the transport's reason is not the
///    sender's business. A body not complete within the
///    [body-read deadline](ReceiverConfig::with_body_read_deadline),
///    counted from the call, is [`Rejection::BodyTimeout`] (408).
/// 5. **Decoding** into an [`Event`].
///
/// Each adapter calls this with its framework's headers and body stream and
/// answers a refusal with [`WebhookResponse::from`](super::WebhookResponse),
/// closing the connection when it says `Connection: close`.
///
/// The deadline's timer is Tokio's, created only when the body stream has
/// to wait: a body that is complete when read (as in tests) needs no
/// runtime, one that waits needs a Tokio runtime with time enabled (or the
/// deadline turned off).
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
    let body = receive_body(config, head, body).await?;
    Event::from_bytes(body).map_err(not_a_webhook)
}

/// Steps 1 to 4 of [`receive`]: the credentials, then the bounded read,
/// within the deadline and the budget; the exact bytes received, not yet
/// decoded. Refused exactly as [`receive`] refuses, and logged alike.
///
/// For a receiver that decides how to read the body itself: a
/// [`WebhookRouter`](crate::router::WebhookRouter) that acknowledges
/// before its handler runs reads only the envelope and the idempotency
/// key's fields on the request path
/// ([`WebhookRouter::handle_body`](crate::router::WebhookRouter::handle_body)).
/// A body that is not a webhook is then refused with
/// [`Rejection::BadRequest`], as [`receive`] refuses it.
pub async fn receive_body<Chunks, Error>(
    config: &ReceiverConfig,
    head: RequestHead<'_>,
    body: Chunks,
) -> Result<Bytes, Rejection>
where
    Chunks: Stream<Item = Result<Bytes, Error>>,
{
    receive_steps(config, head, body).await.inspect_err(super::trace::refused)
}

/// The refusal of a body that is not a webhook (400), logged as every
/// refusal of [`receive`] is.
pub(crate) fn not_a_webhook(error: crate::ParseError) -> Rejection {
    let rejection = Rejection::BadRequest(error);
    super::trace::refused(&rejection);
    rejection
}

async fn receive_steps<Chunks, Error>(
    config: &ReceiverConfig,
    head: RequestHead<'_>,
    body: Chunks,
) -> Result<Bytes, Rejection>
where
    Chunks: Stream<Item = Result<Bytes, Error>>,
{
    let started = Instant::now();
    let declared = head_steps(config, &head)?;
    let mut reservation = Reservation::empty(config.budget());
    if let Some(length) = declared {
        hold(&mut reservation, length)?;
    }
    let deadline = config.body_read_deadline().map(|allowed| (started + allowed, allowed));
    read_bounded(body, config.body_limit(), deadline, &mut reservation).await
}

/// The steps of [`receive`] that need the head alone: credentials, then the
/// declared length, with the same answers `receive` gives.
///
/// For code that must decide before it asks for the body, such as a
/// server's answer to `Expect: 100-continue`: a request refused here should
/// be answered without `100 Continue`, so the sender never sends the body.
/// A request that passes still goes through [`receive`], which checks both
/// again (they are cheap) and reads the body. The budget of body bytes in
/// flight is not taken here: nothing is held until the body is read.
///
/// ```
/// use cometchat_webhooks::contract::{self, ReceiverConfig, RequestHead};
/// use cometchat_webhooks::BasicAuth;
///
/// let config = ReceiverConfig::new(BasicAuth::new("cometchat", "s3cret")?);
/// let good = &b"Basic Y29tZXRjaGF0OnMzY3JldA=="[..];
/// let head = RequestHead::from_headers([("authorization", good)]);
/// assert!(contract::check_head(&config, head).is_ok());
/// let too_long = RequestHead::from_headers([("authorization", good), ("content-length", b"2000000")]);
/// assert_eq!(contract::check_head(&config, too_long).unwrap_err().status(), 413);
/// let missing = RequestHead::from_headers([("content-length", &b"10"[..])]);
/// assert_eq!(contract::check_head(&config, missing).unwrap_err().status(), 401);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// A refusal is logged like one from [`receive`].
pub fn check_head(config: &ReceiverConfig, head: RequestHead<'_>) -> Result<(), Rejection> {
    head_steps(config, &head).map(drop).inspect_err(super::trace::refused)
}

/// Credentials, then the declared length (when it is one within the limit).
fn head_steps(config: &ReceiverConfig, head: &RequestHead<'_>) -> Result<Option<usize>, Rejection> {
    authorize(config, head)?;
    check_declared_length(config.body_limit(), head.content_length())
}

fn authorize(config: &ReceiverConfig, head: &RequestHead<'_>) -> Result<(), Rejection> {
    match head.authorization_header() {
        Authorization::Repeated => Err(Rejection::Unauthorized(AuthError::Repeated)),
        Authorization::Once(value) => config.authorize(Some(value)),
        Authorization::Missing => config.authorize(None),
    }
}

fn hold(reservation: &mut Reservation, bytes: usize) -> Result<(), Rejection> {
    if reservation.hold(bytes) {
        Ok(())
    } else {
        Err(Rejection::OverBudget { retry_after: ReceiverConfig::BUDGET_RETRY_AFTER })
    }
}

/// All digits over the limit is refused; anything else is left to the read.
/// The declared length, when it is one within the limit.
fn check_declared_length(
    limit: usize,
    content_length: Option<&[u8]>,
) -> Result<Option<usize>, Rejection> {
    let Some(digits) = content_length.map(<[u8]>::trim_ascii) else { return Ok(None) };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Ok(None);
    }
    // All digits: a value too long for u64 is certainly over the limit.
    let declared = std::str::from_utf8(digits).ok().and_then(|d| d.parse::<u64>().ok());
    match declared {
        Some(length) if length <= limit as u64 => Ok(usize::try_from(length).ok()),
        _ => Err(Rejection::PayloadTooLarge { limit }),
    }
}

/// Pulls chunks until the body ends, crosses `limit`, does not fit the
/// budget, or misses the deadline (the instant, and the allowance it came
/// from). A body that arrives in one chunk is kept as that chunk, without a
/// copy.
async fn read_bounded<Chunks, Error>(
    body: Chunks,
    limit: usize,
    deadline: Option<(Instant, Duration)>,
    reservation: &mut Reservation,
) -> Result<Bytes, Rejection>
where
    Chunks: Stream<Item = Result<Bytes, Error>>,
{
    let mut body = pin!(body);
    let mut timer: Option<Pin<Box<Sleep>>> = None;
    let mut collected = Collected::Nothing;
    loop {
        let next = poll_fn(|context| match body.as_mut().poll_next(context) {
            Poll::Ready(chunk) => Poll::Ready(Ok(chunk)),
            Poll::Pending => {
                let Some((at, allowed)) = deadline else { return Poll::Pending };
                // Created on the first wait only, so a body that is already
                // there is read without a timer (or a runtime).
                let timer = timer.get_or_insert_with(|| Box::pin(tokio::time::sleep_until(at)));
                match timer.as_mut().poll(context) {
                    Poll::Ready(()) => {
                        Poll::Ready(Err(Rejection::BodyTimeout { deadline: allowed }))
                    }
                    Poll::Pending => Poll::Pending,
                }
            }
        })
        .await?;
        let Some(chunk) = next else { break };
        let chunk = chunk.map_err(|_| Rejection::BodyRead)?;
        if chunk.len() > limit - collected.len() {
            return Err(Rejection::PayloadTooLarge { limit });
        }
        hold(reservation, collected.len() + chunk.len())?;
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
    use std::task::{Context, Waker};

    use futures_util::StreamExt;

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
        assert_eq!(check_declared_length(10, Some(b"10")).unwrap(), Some(10));
        assert_eq!(check_declared_length(10, None).unwrap(), None);
        assert_eq!(check_declared_length(10, Some(b"not a number")).unwrap(), None);
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
        let config = config(10);
        let read = |body| {
            let mut reservation = Reservation::empty(config.budget());
            now(read_bounded(body, 10, None, &mut reservation))
        };
        let single = read(Box::pin(single) as Pin<Box<dyn Stream<Item = _>>>).unwrap();
        assert_eq!(single.as_ptr(), one.as_ptr(), "the chunk itself");
        assert_eq!(read(Box::pin(chunks(&[b"wh", b"o", b"le"]))).unwrap(), one);
        assert_eq!(read(Box::pin(chunks(&[]))).unwrap(), Bytes::new());
    }

    /// `parts`, each after `pause`, then a body that never ends when
    /// `stall`.
    fn paced(
        parts: &[&'static [u8]],
        pause: Duration,
        stall: bool,
    ) -> impl Stream<Item = Result<Bytes, Infallible>> + use<> {
        let parts: Vec<Bytes> = parts.iter().map(|part| Bytes::from_static(part)).collect();
        let paced = futures_util::stream::iter(parts).then(move |part| async move {
            tokio::time::sleep(pause).await;
            Ok(part)
        });
        let forever = futures_util::stream::pending().take(usize::from(stall));
        paced.chain(forever)
    }

    fn with_deadline(limit: usize, deadline: Duration) -> ReceiverConfig {
        config(limit).with_body_read_deadline(deadline).unwrap()
    }

    #[tokio::test(start_paused = true)]
    async fn a_body_that_stalls_is_refused_408_at_the_deadline() {
        let config = with_deadline(100, Duration::from_secs(1));
        let head = RequestHead::with_authorization(Some(GOOD));
        let started = tokio::time::Instant::now();
        let body = paced(&[b"{\"trigger\""], Duration::from_millis(10), true);
        let rejection = receive(&config, head, body).await.unwrap_err();
        assert!(matches!(rejection, Rejection::BodyTimeout { .. }), "{rejection}");
        assert_eq!(rejection.status(), 408);
        assert!(rejection.closes_connection());
        assert_eq!(started.elapsed(), Duration::from_secs(1));
        assert_eq!(config.body_bytes_in_flight(), 0, "the bytes held are given back");
    }

    #[tokio::test(start_paused = true)]
    async fn the_deadline_is_for_the_whole_body_not_each_chunk() {
        let config = with_deadline(100, Duration::from_secs(1));
        let head = RequestHead::with_authorization(Some(GOOD));
        let parts: &[&[u8]] = &[b"{\"trigger\"", b":", b"\"x\"}"];
        let in_time = paced(parts, Duration::from_millis(300), false);
        assert_eq!(status(receive(&config, head, in_time).await), 200);
        let parts: &[&[u8]] = &[b"{\"trigger\"", b":", b"\"x\"", b"}"];
        let too_slow = paced(parts, Duration::from_millis(300), false);
        assert_eq!(status(receive(&config, head, too_slow).await), 408);
    }

    #[tokio::test(start_paused = true)]
    async fn without_a_deadline_a_slow_body_is_read_to_its_end() {
        let config = config(100).without_body_read_deadline();
        let head = RequestHead::with_authorization(Some(GOOD));
        let slow = paced(&[b"{\"trigger\":", b"\"x\"}"], Duration::from_secs(30), false);
        assert_eq!(status(receive(&config, head, slow).await), 200);
    }

    #[test]
    fn a_refused_credential_needs_no_timer_and_reads_nothing() {
        // No runtime here: a 401 never reaches the body, so no timer.
        let head = RequestHead::with_authorization(Some(b"Basic d3Jvbmc6d3Jvbmc="));
        let never = futures_util::stream::pending::<Result<Bytes, Infallible>>();
        assert_eq!(status(now(receive(&config(100), head, never))), 401);
    }

    /// Polls `future` once: it stays parked, holding what it holds.
    fn park<F: Future>(future: Pin<&mut F>) {
        assert!(future.poll(&mut Context::from_waker(Waker::noop())).is_pending());
    }

    #[test]
    fn a_declared_length_that_does_not_fit_the_budget_is_503_before_reading() {
        let config = config(100).with_body_budget(100).unwrap().without_body_read_deadline();
        let declared = |length: &'static [u8]| {
            RequestHead::from_headers([("authorization", GOOD), ("content-length", length)])
        };
        let stalled = futures_util::stream::pending::<Result<Bytes, Infallible>>();
        let mut first = Box::pin(receive(&config, declared(b"60"), stalled));
        park(first.as_mut());
        assert_eq!(config.body_bytes_in_flight(), 60);

        let refused = now(receive(&config, declared(b"50"), chunks(&[]))).unwrap_err();
        assert!(matches!(refused, Rejection::OverBudget { .. }), "{refused}");
        assert_eq!(refused.status(), 503);
        assert_eq!(refused.retry_after(), Some(Duration::from_secs(1)));
        assert!(refused.closes_connection());

        drop(first);
        assert_eq!(config.body_bytes_in_flight(), 0);
        let body: &[&[u8]] = &[b"{\"trigger\":\"x\"}"];
        assert_eq!(status(now(receive(&config, declared(b"15"), chunks(body)))), 200);
        assert_eq!(config.body_bytes_in_flight(), 0);
    }

    #[test]
    fn a_body_without_a_length_is_counted_chunk_by_chunk() {
        let config = config(100).with_body_budget(100).unwrap().without_body_read_deadline();
        let head = RequestHead::with_authorization(Some(GOOD));
        let sixty: &'static [u8] = &[b' '; 60];
        let first_body = chunks(&[sixty]).chain(futures_util::stream::pending());
        let mut first = Box::pin(receive(&config, head, first_body));
        park(first.as_mut());
        assert_eq!(config.body_bytes_in_flight(), 60);

        let forty: &'static [u8] = &[b' '; 40];
        let fits = now(receive(&config, head, chunks(&[forty]))).unwrap_err();
        assert_eq!(fits.status(), 400, "40 more fit: read, then not a webhook");
        let over = now(receive(&config, head, chunks(&[forty, b" "]))).unwrap_err();
        assert!(matches!(over, Rejection::OverBudget { .. }), "{over}");
        drop(first);
        assert_eq!(config.body_bytes_in_flight(), 0);
    }
}
