//! Slow senders against the real `listen` process over loopback: while
//! slowloris connections send headers or bodies a byte at a time,
//! legitimate deliveries still get 200, slow heads are closed at the
//! header-read timeout and slow bodies are answered 408 and closed; with
//! every connection slot held by silent clients, a delivery waits for the
//! header-read timeout to free one and then succeeds. Bounded: a fixed
//! number of connections, each giving up after a few seconds.

mod support;

use std::io::{ErrorKind, Read};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use cometchat_webhooks::Trigger;
use cometchat_webhooks::testing::conformance::{PASSWORD, USERNAME};
use cometchat_webhooks::testing::sample_body;
use cometchat_webhooks::testing::slow_clients::{self, Siege};
use support::ListenProcess;

/// Shorter than the 5 s default, so the test is quick.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(1);

fn start(max_connections: &str) -> (ListenProcess, SocketAddr) {
    let body_deadline = format!("{}ms", slow_clients::DEADLINE.as_millis());
    let listener = ListenProcess::start(&[
        "--username",
        USERNAME,
        "--password",
        PASSWORD,
        "--header-read-timeout",
        "1s",
        "--body-read-timeout",
        &body_deadline,
        "--max-connections",
        max_connections,
    ]);
    let address = listener
        .url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .expect("listen prints a socket address");
    (listener, address)
}

#[test]
fn listen_outlasts_slow_heads_and_slow_bodies() {
    let (listener, address) = start("1000");
    let siege = Siege {
        slow_heads: 40,
        slow_bodies: 20,
        legitimate: 20,
        byte_pause: Duration::from_millis(100),
        give_up: Duration::from_secs(4),
        header_read_timeout: HEADER_READ_TIMEOUT,
    };
    let outcome = slow_clients::outlast(address, &siege, sample_body(Trigger::MessageSent));
    let stopped = listener.terminate();
    outcome.unwrap();
    assert!(stopped.success(), "a clean stop after SIGTERM: {stopped}");
}

#[test]
fn with_every_slot_held_a_delivery_waits_for_one_and_succeeds() {
    const CAP: usize = 10;
    let (listener, address) = start(&CAP.to_string());
    // Silent clients take every slot: they connect and send nothing.
    let mut silent: Vec<_> =
        (0..CAP).map(|_| slow_clients::connect(address).expect("connect")).collect();
    std::thread::sleep(Duration::from_millis(100));
    let started = Instant::now();
    let answer = slow_clients::whole_request(address, sample_body(Trigger::MessageSent))
        .expect("an answer once a slot is free");
    let waited = started.elapsed();
    // Each silent connection was closed by the server.
    let closed =
        silent.iter_mut().filter_map(|stream| closed_by_server(stream).then_some(())).count();
    let stopped = listener.terminate();
    assert_eq!(answer.status, 200, "{answer:?}");
    assert!(waited >= HEADER_READ_TIMEOUT / 2, "served before a slot was freed: {waited:?}");
    assert_eq!(closed, CAP, "silent connections closed by the header-read timeout");
    assert!(stopped.success(), "a clean stop after SIGTERM: {stopped}");
}

/// Whether the server closed `stream` (end of stream or reset), waiting
/// up to the client's read timeout.
fn closed_by_server(stream: &mut std::net::TcpStream) -> bool {
    match stream.read(&mut [0; 1]) {
        Ok(read) => read == 0,
        Err(error) => !matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
    }
}

#[test]
fn bad_limits_are_refused_before_listening() {
    let output = support::run(&["listen", "--max-connections", "0", "--allow-unauthenticated"]);
    assert!(!output.status.success());
    assert!(support::stderr(&output).contains("--max-connections"), "{}", support::stderr(&output));
    let output = support::run(&["listen", "--header-read-timeout", "0", "--allow-unauthenticated"]);
    assert!(!output.status.success());
    assert!(
        support::stderr(&output).contains("--header-read-timeout"),
        "{}",
        support::stderr(&output)
    );
}
