//! Slow and stalled senders over real loopback connections, for adapters'
//! tests of the body-read deadline (the 408 row of the contract) and of
//! their servers' settings against slowloris clients.
//!
//! Plain blocking sockets, so the clients need no runtime and cannot be
//! slowed by the server's: run them on a thread (or in
//! `tokio::task::spawn_blocking`) next to the server under test. Every
//! client is bounded in time ([`ANSWER_WAIT`]) and in count (the caller's).
//!
//! ```no_run
//! use cometchat_webhooks::testing::slow_clients;
//!
//! # fn run(address: std::net::SocketAddr) -> std::io::Result<()> {
//! // A server that serves `POST conformance::PATH` with
//! // `slow_clients::receiver_config()` listens on `address`.
//! let answer = slow_clients::stalled_body(address)?;
//! slow_clients::check_timeout(&answer).map_err(std::io::Error::other)?;
//! # Ok(())
//! # }
//! ```

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use super::basic_auth_header;
use super::conformance::{PASSWORD, PATH, USERNAME};
use crate::contract::ReceiverConfig;

/// The body-read deadline of [`receiver_config`]: short, so tests are quick.
pub const DEADLINE: Duration = Duration::from_millis(300);

/// The longest a client waits for an answer before it gives up.
pub const ANSWER_WAIT: Duration = Duration::from_secs(5);

/// The conformance receiver ([`conformance::receiver_config`](super::conformance::receiver_config))
/// with a body-read deadline of [`DEADLINE`].
pub fn receiver_config() -> ReceiverConfig {
    match super::conformance::receiver_config().with_body_read_deadline(DEADLINE) {
        Ok(config) => config,
        Err(error) => unreachable!("the deadline is not zero: {error}"),
    }
}

/// Header names (lower case) and values, in the order received.
type Headers = Vec<(String, String)>;

/// What a server answered on a raw connection.
#[derive(Debug, Clone)]
pub struct RawAnswer {
    /// The status of the final answer (a `100 Continue` is skipped and
    /// recorded in [`interim_continue`](Self::interim_continue)).
    pub status: u16,
    /// The headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// Whether a `100 Continue` came before the answer.
    pub interim_continue: bool,
    /// Whether the server closed the connection after the answer (the
    /// client saw the end of the stream, or a reset, within
    /// [`ANSWER_WAIT`]).
    pub closed: bool,
    /// From the end of the request's headers to the end of the answer.
    pub elapsed: Duration,
    /// From the end of the answer to the connection's close, when closed.
    pub closed_after: Option<Duration>,
}

impl RawAnswer {
    /// A header's value, by lower-case name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(header, _)| header == name).map(|(_, value)| value.as_str())
    }
}

/// The request head of a `POST` to [`PATH`] with the conformance
/// credentials (or the `authorization` given) and these extra lines.
pub fn request_head(authorization: Option<&str>, extra: &[&str]) -> String {
    let authorization =
        authorization.map_or_else(|| basic_auth_header(USERNAME, PASSWORD), str::to_owned);
    let mut head = format!(
        "POST {PATH} HTTP/1.1\r\nhost: localhost\r\nauthorization: {authorization}\r\n\
         content-type: application/json\r\n"
    );
    for line in extra {
        head.push_str(line);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    head
}

/// Sends an authenticated request announcing a 100-byte body, sends 10 of
/// them and stalls; returns what the server answered. The contract demands
/// a 408 ([`check_timeout`]).
pub fn stalled_body(address: SocketAddr) -> io::Result<RawAnswer> {
    let mut stream = connect(address)?;
    stream.write_all(request_head(None, &["content-length: 100"]).as_bytes())?;
    let started = Instant::now();
    stream.write_all(br#"{"trigger""#)?;
    read_answer(&mut stream, started)
}

/// Sends a whole authenticated request for `body` with `Connection: close`
/// and returns the answer: what a legitimate sender does.
pub fn whole_request(address: SocketAddr, body: &[u8]) -> io::Result<RawAnswer> {
    let mut stream = connect(address)?;
    let length = format!("content-length: {}", body.len());
    let mut request = request_head(None, &[&length, "connection: close"]).into_bytes();
    request.extend_from_slice(body);
    stream.write_all(&request)?;
    read_answer(&mut stream, Instant::now())
}

/// Sends a request with a wrong password announcing a body of `length`
/// bytes. With `expect_continue` it sends `Expect: 100-continue` and waits
/// for the answer without sending the body, as a careful client does;
/// otherwise it sends as much of the body as the server takes within a
/// second, then reads the answer. The contract demands a 401 from the
/// headers alone and the connection closed without the body being read.
pub fn refused_upload(
    address: SocketAddr,
    length: usize,
    expect_continue: bool,
) -> io::Result<RawAnswer> {
    let wrong = basic_auth_header(USERNAME, super::conformance::WRONG_PASSWORD);
    let declared = format!("content-length: {length}");
    let mut extra = vec![declared.as_str()];
    if expect_continue {
        extra.push("expect: 100-continue");
    }
    let mut stream = connect(address)?;
    stream.write_all(request_head(Some(&wrong), &extra).as_bytes())?;
    let started = Instant::now();
    if !expect_continue {
        stream.set_write_timeout(Some(Duration::from_secs(1)))?;
        let block = vec![b' '; 64 * 1024];
        let mut sent = 0;
        // A server that stops reading fills the socket buffers: the write
        // then times out or fails, and the answer is already there.
        while sent < length && stream.write_all(&block[..block.len().min(length - sent)]).is_ok() {
            sent += block.len();
        }
    }
    read_answer(&mut stream, started)
}

/// How a slow sender's connection ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlowEnd {
    /// The server closed it after this long (a write failed or the read
    /// side ended), before everything was sent.
    ClosedAfter(Duration),
    /// Everything was sent, or `give_up` passed, with the connection open.
    StillOpen,
}

/// Sends an authenticated request head one byte every `pause`, giving up
/// after `give_up`: a slowloris sender. A server with a header-read timeout
/// closes the connection ([`SlowEnd::ClosedAfter`]).
pub fn slow_headers(
    address: SocketAddr,
    pause: Duration,
    give_up: Duration,
) -> io::Result<SlowEnd> {
    let mut stream = connect(address)?;
    stream.set_read_timeout(Some(pause))?;
    let head = request_head(None, &["content-length: 2"]);
    let started = Instant::now();
    for byte in head.as_bytes() {
        if started.elapsed() > give_up {
            break;
        }
        if stream.write_all(&[*byte]).is_err() || server_closed(&mut stream)? {
            return Ok(SlowEnd::ClosedAfter(started.elapsed()));
        }
    }
    Ok(SlowEnd::StillOpen)
}

/// Sends an authenticated head announcing a 100-byte body at once, then the
/// body one byte every `pause`, until the server answers; returns the
/// answer. With a body-read deadline shorter than `100 × pause`, the
/// contract demands a 408 ([`check_timeout`]).
pub fn slow_body(address: SocketAddr, pause: Duration) -> io::Result<RawAnswer> {
    let mut stream = connect(address)?;
    stream.write_all(request_head(None, &["content-length: 100"]).as_bytes())?;
    let started = Instant::now();
    stream.set_read_timeout(Some(pause))?;
    let mut received = Vec::new();
    for _ in 0..100 {
        if stream.write_all(b" ").is_err() {
            break;
        }
        match fill(&mut stream, &mut received) {
            // The answer (or the end of the stream) came: stop sending.
            Ok(_) => break,
            Err(error) if is_timeout(&error) => continue,
            Err(error) => return Err(error),
        }
    }
    stream.set_read_timeout(Some(ANSWER_WAIT))?;
    read_answer_after(&mut stream, started, received)
}

/// A bounded slowloris siege: how many slow senders of each kind run at
/// once, and how many legitimate requests are sent meanwhile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Siege {
    /// Senders of a request head one byte every [`byte_pause`](Self::byte_pause)
    /// ([`slow_headers`]).
    pub slow_heads: usize,
    /// Senders of a body one byte every `byte_pause` ([`slow_body`]).
    pub slow_bodies: usize,
    /// Whole requests sent one after the other while the slow ones run.
    pub legitimate: usize,
    /// The pause between two bytes of a slow sender.
    pub byte_pause: Duration,
    /// When a slow head sender gives up with its connection still open.
    pub give_up: Duration,
    /// The server's header-read timeout: slow heads must be closed after
    /// about this long.
    pub header_read_timeout: Duration,
}

/// Runs every slow sender of `siege` and the legitimate requests (each a
/// [`whole_request`] for `body`) at once against `address`, and checks
/// what each got: every legitimate request 200, every slow head closed
/// after about the header-read timeout, every slow body answered 408 and
/// closed ([`check_timeout`]). Every problem is reported, not just the
/// first. Bounded by the counts and [`Siege::give_up`] / [`ANSWER_WAIT`].
pub fn outlast(address: SocketAddr, siege: &Siege, body: &'static [u8]) -> Result<(), String> {
    let Siege { slow_heads, slow_bodies, legitimate, byte_pause, give_up, header_read_timeout } =
        *siege;
    let heads: Vec<_> = (0..slow_heads)
        .map(|_| std::thread::spawn(move || slow_headers(address, byte_pause, give_up)))
        .collect();
    let bodies: Vec<_> = (0..slow_bodies)
        .map(|_| std::thread::spawn(move || slow_body(address, byte_pause)))
        .collect();
    // Legitimate deliveries while the slow ones hold their connections.
    std::thread::sleep(Duration::from_millis(200));
    let mut wrong = Vec::new();
    for attempt in 0..legitimate {
        match whole_request(address, body) {
            Ok(answer) if answer.status == 200 => {}
            Ok(answer) => wrong.push(format!("legitimate request {attempt}: {answer:?}")),
            Err(error) => wrong.push(format!("legitimate request {attempt}: {error}")),
        }
    }
    for head in heads {
        match head.join() {
            // The server counts from the accept, a little before the
            // client starts its clock; closing is seen within a pause.
            Ok(Ok(SlowEnd::ClosedAfter(after)))
                if after >= header_read_timeout / 2 && after < header_read_timeout * 3 => {}
            Ok(Ok(SlowEnd::ClosedAfter(after))) => {
                wrong.push(format!("a slow head was closed after {after:?}"));
            }
            Ok(Ok(SlowEnd::StillOpen)) => wrong.push("a slow head kept its connection".to_owned()),
            Ok(Err(error)) => wrong.push(format!("slow head: {error}")),
            Err(_) => wrong.push("a slow head's thread panicked".to_owned()),
        }
    }
    for body in bodies {
        match body.join() {
            Ok(Ok(answer)) => {
                if let Err(problem) = check_timeout(&answer) {
                    wrong.push(format!("slow body: {problem}"));
                }
            }
            Ok(Err(error)) => wrong.push(format!("slow body: {error}")),
            Err(_) => wrong.push("a slow body's thread panicked".to_owned()),
        }
    }
    if wrong.is_empty() { Ok(()) } else { Err(wrong.join("; ")) }
}

/// Waits for `stream`'s read timeout: whether the server closed it. Bytes
/// that arrive (an answer to a partial head) count as closing, since a
/// server answers a broken head only to close.
fn server_closed(stream: &mut TcpStream) -> io::Result<bool> {
    let mut byte = [0_u8; 1];
    match stream.read(&mut byte) {
        Ok(_) => Ok(true),
        Err(error) if is_timeout(&error) => Ok(false),
        Err(_) => Ok(true),
    }
}

/// Checks the 408 row: status 408, `Content-Type: application/json`,
/// `Connection: close`, an `{"error": ...}` body, the connection really
/// closed, and not answered before [`DEADLINE`].
pub fn check_timeout(answer: &RawAnswer) -> Result<(), String> {
    let mut wrong = Vec::new();
    if answer.status != 408 {
        wrong.push(format!("status {} instead of 408", answer.status));
    }
    if answer.header("content-type") != Some("application/json") {
        wrong.push(format!("content-type {:?}", answer.header("content-type")));
    }
    if !answer.header("connection").is_some_and(|value| value.eq_ignore_ascii_case("close")) {
        wrong.push(format!("connection {:?} instead of close", answer.header("connection")));
    }
    let error = serde_json::from_slice::<serde_json::Value>(&answer.body)
        .ok()
        .and_then(|body| body.get("error").and_then(|error| error.as_str()).map(str::to_owned));
    if error.is_none() {
        wrong.push(format!("body {:?} is not an error", String::from_utf8_lossy(&answer.body)));
    }
    if !answer.closed {
        wrong.push("the connection stayed open".to_owned());
    }
    if answer.elapsed < DEADLINE {
        wrong.push(format!("answered after {:?}, before the deadline", answer.elapsed));
    }
    if wrong.is_empty() { Ok(()) } else { Err(wrong.join("; ")) }
}

/// A loopback connection with [`ANSWER_WAIT`] as its read timeout.
pub fn connect(address: SocketAddr) -> io::Result<TcpStream> {
    let stream = TcpStream::connect(address)?;
    stream.set_read_timeout(Some(ANSWER_WAIT))?;
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// Reads one answer (skipping a `100 Continue`), then waits up to
/// [`ANSWER_WAIT`] to see whether the server closes the connection.
pub fn read_answer(stream: &mut TcpStream, started: Instant) -> io::Result<RawAnswer> {
    read_answer_after(stream, started, Vec::new())
}

/// [`read_answer`], with the first bytes of the answer already received.
fn read_answer_after(
    stream: &mut TcpStream,
    started: Instant,
    mut received: Vec<u8>,
) -> io::Result<RawAnswer> {
    let mut interim_continue = false;
    let (status, headers, body_start) = loop {
        let (status, headers, end) = read_head(stream, &mut received)?;
        if status == 100 {
            interim_continue = true;
            received.drain(..end);
            continue;
        }
        break (status, headers, end);
    };
    let length = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .and_then(|(_, value)| value.parse::<usize>().ok())
        .unwrap_or(0);
    while received.len() < body_start + length {
        if fill(stream, &mut received)? == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "answer cut short"));
        }
    }
    let elapsed = started.elapsed();
    let body = received[body_start..body_start + length].to_vec();
    let answered = Instant::now();
    let closed = loop {
        let mut rest = [0_u8; 4096];
        match stream.read(&mut rest) {
            Ok(0) => break true,
            // More bytes: another answer, or a drained body; keep waiting.
            Ok(_) => continue,
            Err(error) if is_timeout(&error) => break false,
            // A reset is the server closing with unread bytes on its side.
            Err(_) => break true,
        }
    };
    let closed_after = closed.then(|| answered.elapsed());
    Ok(RawAnswer { status, headers, body, interim_continue, closed, elapsed, closed_after })
}

fn is_timeout(error: &io::Error) -> bool {
    matches!(error.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut)
}

fn fill(stream: &mut TcpStream, received: &mut Vec<u8>) -> io::Result<usize> {
    let mut chunk = [0_u8; 4096];
    let read = stream.read(&mut chunk)?;
    received.extend_from_slice(&chunk[..read]);
    Ok(read)
}

/// Reads until a full head is in `received`: its status, headers, and
/// where it ends.
fn read_head(stream: &mut TcpStream, received: &mut Vec<u8>) -> io::Result<(u16, Headers, usize)> {
    loop {
        if let Some(end) = received.windows(4).position(|window| window == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&received[..end]).into_owned();
            let mut lines = head.split("\r\n");
            let status = lines
                .next()
                .and_then(|line| line.split(' ').nth(1))
                .and_then(|code| code.parse::<u16>().ok())
                .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, head.clone()))?;
            let headers = lines
                .filter_map(|line| line.split_once(':'))
                .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
                .collect();
            return Ok((status, headers, end + 4));
        }
        if fill(stream, received)? == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "no answer"));
        }
    }
}
