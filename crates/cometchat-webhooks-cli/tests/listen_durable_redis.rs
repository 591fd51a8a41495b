//! `listen --store redis://… --forward-to …` as real processes on a real
//! `redis-server`: a kill -9 loses no acknowledged event, two listeners
//! sharing one Redis forward each event once, and a Redis that is down
//! gets 503, never 200.

mod support;

use std::time::{Duration, Instant};

use cometchat_webhooks::testing::RedisServer;
use support::RecordingServer;
use support::relay::{
    acknowledged_events_survive_kill9, assert_forwarded_exactly, delivered, delivery, key_of, post,
    start_listener, wait_for_keys,
};

#[test]
fn a_kill_9_loses_no_acknowledged_event_with_redis() {
    let server = RedisServer::start();
    acknowledged_events_survive_kill9(&server.url(), 20);
}

#[test]
fn two_listeners_on_one_redis_forward_each_event_once() {
    let server = RedisServer::start();
    let target = RecordingServer::answering(200, "{}");
    let first = start_listener(&server.url(), &target.url, &["--app", "shop"]);
    let second = start_listener(&server.url(), &target.url, &["--app", "shop"]);

    // Every delivery reaches both instances, as a re-delivery through a
    // load balancer would; both acknowledge it.
    let bodies: Vec<Vec<u8>> = (1..=10).map(delivery).collect();
    for body in &bodies {
        assert_eq!(post(&first.url, body), 200);
        assert_eq!(post(&second.url, body), 200);
    }
    let keys: Vec<String> = bodies.iter().map(|body| key_of(body)).collect();
    wait_for_keys(&target, &keys);
    // Give a wrongly duplicated forward time to show up.
    std::thread::sleep(Duration::from_millis(700));
    let delivered = delivered(&target);
    assert_eq!(delivered.len(), bodies.len());
    for body in &bodies {
        let forwards = &delivered[&key_of(body)];
        assert_eq!(forwards.len(), 1, "forwarded once per key");
        assert_forwarded_exactly(&forwards[0], body);
    }
    assert_eq!(target.received().len(), bodies.len(), "no forward beyond one per key");
    assert!(first.terminate().success());
    assert!(second.terminate().success());
}

#[test]
fn a_redis_that_is_down_gets_503_and_nothing_acknowledged_is_lost() {
    let mut server = RedisServer::start();
    let target = RecordingServer::answering(200, "{}");
    let listener = start_listener(&server.url(), &target.url, &["--store-timeout", "500ms"]);
    let before = delivery(1);
    assert_eq!(post(&listener.url, &before), 200);

    server.stop();
    let during = delivery(2);
    let started = Instant::now();
    assert_eq!(post(&listener.url, &during), 503, "never 200 for what is not stored");
    assert!(started.elapsed() < Duration::from_secs(5), "answered within the budget");
    listener.stdout_line_containing("\"status\":503");

    server.restart();
    // CometChat retries a 503; the retry is stored once Redis is back.
    let deadline = Instant::now() + Duration::from_secs(10);
    while post(&listener.url, &during) != 200 {
        assert!(Instant::now() < deadline, "Redis is back: the retry is stored");
        std::thread::sleep(Duration::from_millis(200));
    }
    let delivered = wait_for_keys(&target, &[key_of(&before), key_of(&during)]);
    assert_forwarded_exactly(&delivered[&key_of(&before)][0], &before);
    assert_forwarded_exactly(&delivered[&key_of(&during)][0], &during);
    assert!(listener.terminate().success());
}
