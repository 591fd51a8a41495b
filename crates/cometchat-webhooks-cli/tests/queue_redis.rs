//! `queue` against a real `redis-server` on a loopback port, filled
//! through the library: every subcommand on one application, and what an
//! unreachable or silent server looks like.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Output;
use std::time::{Duration, Instant};

use cometchat_webhooks::delivery::{EventQueue, RedisConfig, RedisStore};
use cometchat_webhooks::testing::RedisServer;
use support::queue_events::{
    DEAD_BODY, DEAD_ERROR, DEAD_KEY, IN_FLIGHT_KEY, SCHEDULED_BODY, SCHEDULED_ERROR, SCHEDULED_KEY,
    WAITING_KEY, assert_error, assert_ok, claim_next, config, dead_letter, json, live_events,
    runtime,
};

const PREFIX: &str = "ops-test";
const APP: &str = "shop";

fn queue(url: &str, args: &[&str]) -> Output {
    let mut all = vec!["queue", "--store", url, "--redis-prefix", PREFIX, "--app", APP];
    all.extend(args);
    support::run(&all)
}

#[test]
fn every_subcommand_on_a_redis_application() {
    let server = RedisServer::start();
    let url = server.url();
    let rt = runtime();
    let store = rt.block_on(async {
        let redis = RedisConfig::new(&url).with_prefix(PREFIX).with_application(APP);
        let store = RedisStore::connect(redis, &config()).await.expect("connects");
        dead_letter(&store, DEAD_KEY, DEAD_BODY, DEAD_ERROR).await;
        live_events(&store).await;
        store
    });

    // stats: this application's counts; another application's are apart.
    let stats = json(&queue(&url, &["stats", "--json"]));
    assert_eq!(
        (&stats["waiting"], &stats["in_flight"], &stats["scheduled_retries"], &stats["dead"]),
        (&1.into(), &1.into(), &1.into(), &1.into()),
        "{stats}"
    );
    assert_eq!(stats["store"], format!("redis://127.0.0.1:{}/0", server.port()));
    let other = json(&support::run(&["queue", "--store", &url, "stats", "--json"]));
    assert_eq!(other["dead"], 0, "the default application is another queue");
    let text = assert_ok(&queue(&url, &["stats"]));
    assert!(text.lines().any(|line| line.starts_with("dead") && line.ends_with(" 1")), "{text}");

    // dead: escaped text, exact JSON.
    let text = assert_ok(&queue(&url, &["dead"]));
    assert!(text.contains("message_sent/app/hook/message.id=\\u{1b}[2J1"), "{text}");
    assert!(text.contains("downstream said\\n\\u{1b}[31m503"), "{text}");
    let listed = json(&queue(&url, &["dead", "--json"]));
    assert_eq!(listed[0]["key"], DEAD_KEY);
    assert_eq!(listed[0]["last_error"], DEAD_ERROR);
    assert_eq!(listed[0]["attempts"], 2);

    // show: every state, the body, the missing key.
    let shown = assert_ok(&queue(&url, &["show", DEAD_KEY]));
    assert!(shown.contains("state        dead since"), "{shown}");
    assert!(shown.contains("\\u{1b}]0;owned\\u{7}\\xff"), "{shown}");
    let scheduled = json(&queue(&url, &["show", SCHEDULED_KEY, "--json"]));
    assert_eq!(scheduled["state"], "scheduled");
    assert_eq!(scheduled["last_error"], SCHEDULED_ERROR);
    assert_eq!(scheduled["body"], SCHEDULED_BODY);
    assert_eq!(json(&queue(&url, &["show", IN_FLIGHT_KEY, "--json"]))["state"], "in_flight");
    assert_eq!(json(&queue(&url, &["show", WAITING_KEY, "--json"]))["state"], "waiting");
    assert_error(&queue(&url, &["show", "no/such/key"]), 3, "no event with key `no/such/key`");

    // redrive: one key, then the worker handles it on a fresh attempt.
    assert_error(&queue(&url, &["redrive", SCHEDULED_KEY]), 3, "is scheduled, not a dead letter");
    assert!(assert_ok(&queue(&url, &["redrive", DEAD_KEY])).contains("Redrove `"));
    assert_eq!(json(&queue(&url, &["stats", "--json"]))["dead"], 0);
    rt.block_on(async {
        let claimed = claim_next(&store).await;
        // The waiting event was there first; the redriven one follows it.
        let claimed = if claimed.event.idempotency_key == WAITING_KEY {
            store.ack(&claimed.lease).await.expect("ack");
            claim_next(&store).await
        } else {
            claimed
        };
        assert_eq!(claimed.event.idempotency_key, DEAD_KEY);
        assert_eq!(claimed.attempt, 1, "a fresh set of attempts");
        assert_eq!(claimed.event.body.as_ref(), DEAD_BODY);
        // It fails twice more: dead again, for redrive --all and purge.
        let failed = store.fail(&claimed.lease, "again", Duration::ZERO).await.expect("fail");
        assert!(!matches!(failed, cometchat_webhooks::delivery::FailOutcome::DeadLettered));
        let claimed = claim_next(&store).await;
        store.fail(&claimed.lease, "and again", Duration::ZERO).await.expect("fail");
    });
    assert_eq!(json(&queue(&url, &["stats", "--json"]))["dead"], 1);
    assert!(assert_ok(&queue(&url, &["redrive", "--all"])).contains("Redrove 1 dead letter"));
    assert_eq!(json(&queue(&url, &["stats", "--json"]))["dead"], 0);

    // purge: by age, then all.
    rt.block_on(async {
        for error in ["still failing", "failing for good"] {
            let claimed = claim_next(&store).await;
            assert_eq!(claimed.event.idempotency_key, DEAD_KEY);
            store.fail(&claimed.lease, error, Duration::ZERO).await.expect("fail");
        }
    });
    assert_eq!(json(&queue(&url, &["stats", "--json"]))["dead"], 1);
    let kept = assert_ok(&queue(&url, &["purge", "--dead", "--older-than", "1h"]));
    assert!(kept.contains("Purged 0 dead letters dead for more than 1h 0m"), "{kept}");
    let purged = assert_ok(&queue(&url, &["purge", "--dead"]));
    assert!(purged.contains("Purged 1 dead letter from redis://127.0.0.1:"), "{purged}");
    let stats = json(&queue(&url, &["stats", "--json"]));
    assert_eq!(stats["dead"], 0);
    assert!(stats["in_flight"].as_u64() >= Some(1), "live events stay: {stats}");
}

#[test]
fn a_server_that_is_down_is_named_with_a_hint() {
    let mut server = RedisServer::start();
    let url = server.url();
    server.stop();
    let started = Instant::now();
    let line = assert_error(&queue(&url, &["stats"]), 4, "redis-server running there");
    assert!(line.contains(&format!("127.0.0.1:{}", server.port())), "{line}");
    assert!(line.to_lowercase().contains("refused") || line.contains("did not answer"), "{line}");
    assert!(started.elapsed() < Duration::from_secs(10), "gave up in time");
}

#[test]
fn a_server_that_never_answers_times_out_on_time() {
    let (_listener, http_url) = support::silent_listener();
    let address = http_url.trim_start_matches("http://").trim_end_matches('/');
    let url = format!("redis://{address}/0");
    let started = Instant::now();
    let output = queue(&url, &["--store-timeout", "300ms", "stats"]);
    let elapsed = started.elapsed();
    assert_error(&output, 4, "did not answer within 300ms");
    assert_error(&output, 4, "raise --store-timeout");
    assert!(elapsed < Duration::from_secs(5), "the timeout was honoured: {elapsed:?}");
}

#[test]
fn redis_naming_flags_are_checked() {
    let server = RedisServer::start();
    let output = support::run(&["queue", "--store", &server.url(), "--app", "{shop}", "stats"]);
    assert_error(&output, 2, "--app: must not contain `{` or `}`");
    let output = support::run(&["queue", "--store", &server.url(), "--redis-prefix", "", "stats"]);
    assert_error(&output, 2, "--redis-prefix: must not be empty");
}

#[test]
fn stats_warns_when_redis_can_lose_accepted_events() {
    let server = RedisServer::start();
    let durable = queue(&server.url(), &["stats"]);
    assert_ok(&durable);
    assert!(durable.stderr.is_empty(), "{}", String::from_utf8_lossy(&durable.stderr));

    redis_command(server.port(), "CONFIG SET maxmemory-policy allkeys-lru");
    let output = queue(&server.url(), &["stats"]);
    assert_ok(&output);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.starts_with("warning: redis://127.0.0.1:"), "{stderr}");
    assert!(
        stderr.contains("`maxmemory-policy` is `allkeys-lru`, expected noeviction"),
        "{stderr}"
    );
}

/// Sends one inline command and waits for its `+OK`.
fn redis_command(port: u16, command: &str) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    stream.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    stream.write_all(format!("{command}\r\n").as_bytes()).expect("sends");
    let mut reply = [0u8; 5];
    stream.read_exact(&mut reply).expect("answers");
    assert_eq!(&reply, b"+OK\r\n", "{command}");
}
