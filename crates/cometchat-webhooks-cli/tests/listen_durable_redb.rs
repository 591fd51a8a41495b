//! `listen --store redb:… --forward-to …` as a real process: retries, dead
//! letters and their redrive through `queue`, a graceful stop, and a
//! kill -9 that must not lose one acknowledged event.

mod support;

use std::time::Duration;

use serde_json::Value;
use support::RecordingServer;
use support::relay::{
    acknowledged_events_survive_kill9, assert_forwarded_exactly, delivered, delivery, key_of, post,
    start_listener, wait_for_keys,
};

fn redb_store(dir: &tempfile::TempDir) -> String {
    format!("redb:{}", dir.path().join("deliveries.redb").display())
}

fn queue_json(store: &str, args: &[&str]) -> Value {
    let mut all = vec!["queue", "--store", store];
    all.extend(args);
    all.push("--json");
    let output = support::run(&all);
    assert!(output.status.success(), "queue {args:?}: {}", support::stderr(&output));
    serde_json::from_slice(&output.stdout).expect("queue prints JSON")
}

#[test]
fn failed_forwards_are_retried_until_the_endpoint_takes_them() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = redb_store(&dir);
    // The first four forwards fail (500), every later one succeeds.
    let target = RecordingServer::answering_with(|n| if n < 4 { 500 } else { 200 }, "{}");
    let listener = start_listener(&store, &target.url, &[]);

    let bodies: Vec<Vec<u8>> = (1..=3).map(delivery).collect();
    for body in &bodies {
        assert_eq!(post(&listener.url, body), 200);
    }
    let keys: Vec<String> = bodies.iter().map(|body| key_of(body)).collect();
    let delivered = wait_for_keys(&target, &keys);
    for body in &bodies {
        let forwards = &delivered[&key_of(body)];
        assert_eq!(forwards.len(), 1, "one successful forward per key");
        assert_forwarded_exactly(&forwards[0], body);
    }
    let all = target.received();
    assert_eq!(all.len(), 7, "four failures, then three successes");
    for key in &keys {
        let tries = all.iter().filter(|request| request.header("idempotency-key") == Some(key));
        assert!(tries.count() <= 3, "no event is forwarded again once it succeeded");
    }

    // The worker printed each event once it was forwarded.
    let mut printed: Vec<String> = (0..3)
        .map(|_| {
            let line: Value = serde_json::from_str(&listener.next_line()).expect("a JSON line");
            assert_eq!(line["kind"], "delivery");
            line["idempotency_key"].as_str().expect("a key").to_owned()
        })
        .collect();
    printed.sort();
    let mut expected = keys.clone();
    expected.sort();
    assert_eq!(printed, expected);
    assert!(
        listener.stderr_so_far().iter().any(|line| line.contains("it is tried again later")),
        "failed attempts are reported"
    );
    assert!(listener.terminate().success());
    let stats = queue_json(&store, &["stats"]);
    assert_eq!((&stats["waiting"], &stats["dead"]), (&0.into(), &0.into()), "{stats}");
}

#[test]
fn an_endpoint_that_always_fails_leaves_a_dead_letter_that_redrive_delivers() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = redb_store(&dir);
    let broken = RecordingServer::answering(500, "downstream broken");
    let listener = start_listener(&store, &broken.url, &["--max-attempts", "2"]);
    let body = delivery(7);
    assert_eq!(post(&listener.url, &body), 200);
    wait_until_received(&broken, 2);
    listener.stderr_line_containing("500 Internal Server Error: downstream broken");
    assert!(listener.interrupt().success(), "Ctrl-C stops cleanly");
    assert_eq!(broken.received().len(), 2, "two attempts, no more");

    // The store file is free once the listener stopped: `queue` opens it.
    let dead = queue_json(&store, &["dead"]);
    let letters = dead.as_array().expect("a JSON array");
    assert_eq!(letters.len(), 1, "{dead}");
    assert_eq!(letters[0]["key"], key_of(&body));
    assert_eq!(letters[0]["attempts"], 2);
    let error = letters[0]["last_error"].as_str().expect("the last error");
    assert!(error.contains("500") && error.contains("downstream broken"), "{error}");
    let redrive = support::run(&["queue", "--store", &store, "redrive", "--all"]);
    assert!(redrive.status.success(), "{}", support::stderr(&redrive));

    let target = RecordingServer::answering(200, "{}");
    let listener = start_listener(&store, &target.url, &[]);
    let delivered = wait_for_keys(&target, &[key_of(&body)]);
    assert_forwarded_exactly(&delivered[&key_of(&body)][0], &body);
    assert!(listener.terminate().success());
    let stats = queue_json(&store, &["stats"]);
    assert_eq!((&stats["waiting"], &stats["dead"]), (&0.into(), &0.into()), "{stats}");
}

#[test]
fn queue_commands_work_while_the_listener_holds_the_store() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = redb_store(&dir);
    // The first forward fails, every later one succeeds.
    let target = RecordingServer::answering_with(|n| if n < 1 { 500 } else { 200 }, "{}");
    let listener = start_listener(&store, &target.url, &["--max-attempts", "1"]);
    let socket = dir.path().join("deliveries.redb.sock");
    let announced = listener.stderr_line_containing("works while this runs");
    assert!(announced.contains(&socket.display().to_string()), "{announced}");
    let body = delivery(21);
    let key = key_of(&body);
    assert_eq!(post(&listener.url, &body), 200);
    wait_until_received(&target, 1);

    // The listener holds the file; `queue` goes through its socket.
    let dead = wait_for_dead_letter(&store);
    assert_eq!(dead[0]["key"], key.as_str(), "{dead}");
    let shown = queue_json(&store, &["show", &key]);
    assert_eq!(shown["state"], "dead", "{shown}");
    assert_eq!(shown["body"], String::from_utf8(body.clone()).unwrap(), "{shown}");
    let redrive = support::run(&["queue", "--store", &store, "redrive", &key]);
    assert!(redrive.status.success(), "{}", support::stderr(&redrive));

    // The running listener's worker takes the redriven event.
    let delivered = wait_for_keys(&target, std::slice::from_ref(&key));
    assert_forwarded_exactly(&delivered[&key][0], &body);
    let stats = queue_json(&store, &["stats"]);
    assert_eq!((&stats["waiting"], &stats["dead"]), (&0.into(), &0.into()), "{stats}");
    assert!(listener.terminate().success());
    assert!(!socket.exists(), "the socket goes with the listener");
}

/// The dead letters, once there is one (the worker records it after the
/// failed forward it was waiting for).
fn wait_for_dead_letter(store: &str) -> Value {
    for _ in 0..100 {
        let dead = queue_json(store, &["dead"]);
        if dead.as_array().is_some_and(|letters| !letters.is_empty()) {
            return dead;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("no dead letter within 5 s");
}

#[test]
fn a_duplicate_delivery_is_answered_200_and_forwarded_once() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = redb_store(&dir);
    let target = RecordingServer::answering(200, "{}");
    let listener = start_listener(&store, &target.url, &[]);
    let body = delivery(11);
    assert_eq!(post(&listener.url, &body), 200);
    assert_eq!(post(&listener.url, &body), 200, "a re-delivery is acknowledged too");
    wait_for_keys(&target, &[key_of(&body)]);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(delivered(&target)[&key_of(&body)].len(), 1, "forwarded once");
    assert!(listener.terminate().success());
}

#[test]
fn a_kill_9_loses_no_acknowledged_event_with_redb() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    acknowledged_events_survive_kill9(&redb_store(&dir), 20);
}

#[test]
fn a_second_listener_on_the_same_file_refuses_to_start_and_bad_leases_are_refused() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = redb_store(&dir);
    let target = RecordingServer::answering(200, "{}");
    let first = start_listener(&store, &target.url, &[]);
    let second =
        support::run(&["listen", "--port", "0", "--allow-unauthenticated", "--store", &store]);
    let stderr = support::stderr(&second);
    assert_eq!(second.status.code(), Some(4), "the store cannot be used: {stderr}");
    assert!(stderr.contains("in use by"), "{stderr}");
    assert!(first.terminate().success());

    let refused = support::run(&[
        "listen",
        "--port",
        "0",
        "--allow-unauthenticated",
        "--store",
        &store,
        "--forward-timeout",
        "5s",
        "--lease",
        "5s",
    ]);
    let stderr = support::stderr(&refused);
    assert_eq!(refused.status.code(), Some(2), "a bad command line: {stderr}");
    assert!(stderr.starts_with("error: --lease") && stderr.lines().count() == 1, "{stderr}");
    let unstored = support::run(&[
        "listen",
        "--port",
        "0",
        "--allow-unauthenticated",
        "--forward-to",
        "http://127.0.0.1:9/",
    ]);
    assert_eq!(unstored.status.code(), Some(2), "--forward-to needs --store");
}

#[test]
fn sigterm_lets_an_attempt_finish_within_the_grace_period() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = redb_store(&dir);
    let slow = RecordingServer::answering_after(Duration::from_millis(800), 200);
    let listener = start_listener(&store, &slow.url, &["--forward-timeout", "3s", "--lease", "6s"]);
    assert_eq!(post(&listener.url, &delivery(21)), 200);
    wait_until_received(&slow, 1);
    assert!(listener.terminate().success());
    let stats = queue_json(&store, &["stats"]);
    assert_eq!((&stats["waiting"], &stats["in_flight"]), (&0.into(), &0.into()), "{stats}");
    assert_eq!(delivered(&slow).len(), 1, "the attempt finished before the exit");
}

#[test]
fn sigterm_leaves_an_attempt_longer_than_the_grace_period_stored() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = redb_store(&dir);
    let slow = RecordingServer::answering_after(Duration::from_secs(3), 200);
    let extra = ["--forward-timeout", "5s", "--lease", "10s", "--grace", "200ms"];
    let listener = start_listener(&store, &slow.url, &extra);
    let body = delivery(22);
    assert_eq!(post(&listener.url, &body), 200);
    wait_until_received(&slow, 1);
    let started = std::time::Instant::now();
    let lines = listener.terminate_collecting_stderr();
    assert!(started.elapsed() < Duration::from_secs(2), "the grace period bounds the stop");
    assert!(lines.iter().any(|line| line.contains("still being handled")), "{lines:?}");
    let shown = queue_json(&store, &["show", &key_of(&body)]);
    assert_eq!(shown["key"], key_of(&body), "still stored: {shown}");
    assert_eq!(shown["state"], "in_flight", "claimed again once its lease ends: {shown}");
}

fn wait_until_received(target: &RecordingServer, count: usize) {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while target.received().len() < count {
        assert!(std::time::Instant::now() < deadline, "the forward arrived");
        std::thread::sleep(Duration::from_millis(20));
    }
}
