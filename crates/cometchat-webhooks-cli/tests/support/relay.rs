//! What the durable-listener tests share: distinct deliveries, a plain
//! HTTP/1.1 POST that reports the status, waiting for forwarded events,
//! and the flags that keep retries and leases short.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use cometchat_webhooks::Event;
use cometchat_webhooks::Trigger;
use cometchat_webhooks::testing::{EventBuilder, basic_auth_header};

use super::{Recorded, RecordingServer};

pub const USERNAME: &str = "cometchat";
pub const PASSWORD: &str = "s3cret";

/// How long a test waits for forwarded events before it fails.
pub const FORWARD_DEADLINE: Duration = Duration::from_secs(20);

/// The `listen` flags every durable test uses: credentials, a store, a
/// forward target, and retries and leases short enough for a test.
pub fn listen_args(store: &str, forward_to: &str, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = [
        "--port",
        "0",
        "--username",
        USERNAME,
        "--password",
        PASSWORD,
        "--json",
        "--store",
        store,
        "--forward-to",
        forward_to,
    ]
    .iter()
    .map(|text| (*text).to_owned())
    .collect();
    // Short defaults, unless `extra` sets them.
    for (flag, value) in [
        ("--forward-timeout", "1s"),
        ("--lease", "2s"),
        ("--retry-delay", "100ms"),
        ("--grace", "3s"),
    ] {
        if !extra.contains(&flag) {
            args.extend([flag.to_owned(), value.to_owned()]);
        }
    }
    args.extend(extra.iter().map(|text| (*text).to_owned()));
    args
}

/// The `n`th distinct `message_sent` delivery: its own message id, so its
/// own idempotency key.
pub fn delivery(n: usize) -> Vec<u8> {
    EventBuilder::new(Trigger::MessageSent)
        .set("data.message.id", n.to_string())
        .set("data.message.data.text", format!("relayed message {n}"))
        .body()
}

/// The idempotency key of a body.
pub fn key_of(body: &[u8]) -> String {
    Event::from_slice(body).expect("a webhook body").idempotency_key().as_str().to_owned()
}

/// POSTs `body` to `url` with the test credentials; returns the status
/// (0 when there was no answer at all).
pub fn post(url: &str, body: &[u8]) -> u16 {
    let rest = url.strip_prefix("http://").expect("an http URL");
    let (authority, path) =
        rest.split_once('/').map_or((rest, "/".to_owned()), |(a, p)| (a, format!("/{p}")));
    let Ok(mut stream) = TcpStream::connect(authority) else { return 0 };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {authority}\r\nAuthorization: {}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        basic_auth_header(USERNAME, PASSWORD),
        body.len()
    );
    if stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(body)).is_err() {
        return 0;
    }
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer);
    text.split_whitespace().nth(1).and_then(|status| status.parse().ok()).unwrap_or(0)
}

/// The requests `target` answered 2xx, by idempotency key.
pub fn delivered(target: &RecordingServer) -> BTreeMap<String, Vec<Recorded>> {
    delivered_with(target, |status| (200..300).contains(&status))
}

fn delivered_with(
    target: &RecordingServer,
    keep: impl Fn(u16) -> bool,
) -> BTreeMap<String, Vec<Recorded>> {
    let mut by_key: BTreeMap<String, Vec<Recorded>> = BTreeMap::new();
    for request in target.received() {
        if !keep(request.status) {
            continue;
        }
        let key = request.header("idempotency-key").expect("every forward has a key").to_owned();
        by_key.entry(key).or_default().push(request);
    }
    by_key
}

/// Waits until `target` answered 2xx for every key in `keys`.
pub fn wait_for_keys(target: &RecordingServer, keys: &[String]) -> BTreeMap<String, Vec<Recorded>> {
    let deadline = Instant::now() + FORWARD_DEADLINE;
    loop {
        let delivered = delivered(target);
        if keys.iter().all(|key| delivered.contains_key(key)) {
            return delivered;
        }
        assert!(
            Instant::now() < deadline,
            "forwarded within {FORWARD_DEADLINE:?}: {} of {} keys; missing {:?}",
            keys.iter().filter(|key| delivered.contains_key(*key)).count(),
            keys.len(),
            keys.iter().filter(|key| !delivered.contains_key(*key)).collect::<Vec<_>>()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Every forward of `body` carries it exactly, as JSON, with its trigger
/// and key.
pub fn assert_forwarded_exactly(request: &Recorded, body: &[u8]) {
    assert_eq!(request.method, "POST");
    assert_eq!(request.body, body, "the exact body");
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.header("x-cometchat-trigger"), Some("message_sent"));
    assert_eq!(request.header("idempotency-key"), Some(key_of(body).as_str()));
}

/// Starts `listen` with [`listen_args`].
pub fn start_listener(store: &str, forward_to: &str, extra: &[&str]) -> super::ListenProcess {
    let args = listen_args(store, forward_to, extra);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    super::ListenProcess::start_with(&args)
}

/// A listener whose forward target is down takes `count` deliveries (each
/// answered 200), is killed with SIGKILL while retrying them, and a new
/// listener on the same store forwards every one of them, exactly as
/// received, once the target is up.
pub fn acknowledged_events_survive_kill9(store: &str, count: usize) {
    let down = format!("http://127.0.0.1:{}/internal/cometchat", super::closed_port());
    // Enough attempts that none becomes a dead letter while the target is down.
    let listener = start_listener(store, &down, &["--max-attempts", "100"]);
    let bodies: Vec<Vec<u8>> = (1..=count).map(delivery).collect();
    for body in &bodies {
        assert_eq!(post(&listener.url, body), 200, "acknowledged only once stored");
    }
    // Let the workers claim and fail some, so the kill finds events in
    // every state: waiting, in flight, scheduled for a retry.
    std::thread::sleep(Duration::from_millis(300));
    listener.kill_hard();

    let target = RecordingServer::answering(200, "{}");
    let restarted = start_listener(store, &target.url, &["--max-attempts", "100"]);
    let keys: Vec<String> = bodies.iter().map(|body| key_of(body)).collect();
    let delivered = wait_for_keys(&target, &keys);
    for body in &bodies {
        for request in &delivered[&key_of(body)] {
            assert_forwarded_exactly(request, body);
        }
    }
    assert_eq!(
        delivered.len(),
        count,
        "nothing but the acknowledged events: {:?}",
        delivered.keys()
    );
    assert!(restarted.terminate().success(), "a clean stop after SIGTERM");
}
