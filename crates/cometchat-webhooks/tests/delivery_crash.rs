//! Real failures: a receiver process killed with SIGKILL after its events
//! were acknowledged, a Redis server killed and restarted, a store file
//! held by another process. The processes are this test executable run
//! again as a child (see `child_process`).

#![cfg(all(feature = "redb", feature = "redis", feature = "testing"))]
// A child tells its parent what it acknowledged on stdout.
#![allow(clippy::print_stdout)]

mod delivery_support;

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use cometchat_webhooks::delivery::{
    DeliveryError, EnqueueOutcome, EventQueue, QueueConfig, RedbStore, RedisConfig, RedisStore,
    StoredEvent,
};
use cometchat_webhooks::testing::RedisServer;
use delivery_support::child::{self, ChildProcess};

/// The name of the test that runs a child's role.
const CHILD_ENTRY: &str = "child_process";
/// How many acknowledged events the parent waits for before the kill; the
/// child keeps enqueueing, so the kill lands in the middle of writes.
const ACKNOWLEDGED_BEFORE_KILL: usize = 60;
const LINE_DEADLINE: Duration = Duration::from_secs(30);

fn event(index: usize) -> StoredEvent {
    let body = format!(r#"{{"trigger":"message_sent","data":{{"message":{{"id":"{index}"}}}}}}"#);
    StoredEvent::new(format!("crash-{index}"), "message_sent", Bytes::from(body))
}

/// Runs the role given in the environment, when this process is a child;
/// an ordinary test run passes straight through.
#[test]
fn child_process() {
    child::run_role(|kind, target| async move {
        match kind.as_str() {
            "enqueue-redb" => {
                let store = RedbStore::open(&target, &QueueConfig::new()).expect("the child opens");
                enqueue_until_killed(Arc::new(store)).await;
            }
            "enqueue-redis" => {
                let config = RedisConfig::new(target);
                let store =
                    RedisStore::connect(config, &QueueConfig::new()).await.expect("connects");
                enqueue_until_killed(Arc::new(store)).await;
            }
            "hold-redb" => {
                let _store =
                    RedbStore::open(&target, &QueueConfig::new()).expect("the child opens");
                println!("open {target}");
                tokio::time::sleep(Duration::from_secs(120)).await;
            }
            other => panic!("unknown child role {other}"),
        }
    });
}

/// Enqueues events from 8 concurrent tasks (so commits are shared) and
/// prints `stored KEY` for each one acknowledged, until killed.
async fn enqueue_until_killed(store: Arc<dyn EventQueue>) {
    let mut tasks = Vec::new();
    for task in 0..8 {
        let store = Arc::clone(&store);
        tasks.push(tokio::spawn(async move {
            for round in 0..10_000 {
                let event = event(round * 8 + task);
                if store.enqueue(&event).await.expect("enqueue") == EnqueueOutcome::Stored {
                    println!("stored {}", event.idempotency_key);
                }
            }
        }));
    }
    for task in tasks {
        task.await.expect("the task ran");
    }
    tokio::time::sleep(Duration::from_secs(120)).await;
}

/// Starts a child enqueueing into `target`, kills it with SIGKILL after
/// enough acknowledgements, and returns the acknowledged keys.
fn acknowledged_then_killed(role: &str, target: &str) -> BTreeSet<String> {
    let mut child = ChildProcess::spawn(CHILD_ENTRY, &format!("{role} {target}"));
    let acknowledged: BTreeSet<String> =
        (0..ACKNOWLEDGED_BEFORE_KILL).map(|_| child.expect_line("stored", LINE_DEADLINE)).collect();
    child.kill();
    acknowledged
}

/// Claims and acks everything claimable; returns the keys.
async fn drain(queue: &dyn EventQueue) -> BTreeSet<String> {
    let mut claimed = BTreeSet::new();
    while let Some(event) = queue.claim(Duration::from_secs(30)).await.expect("claim") {
        assert_eq!(
            event.event,
            self::event(index_of(&event.event.idempotency_key))
                .received_at(event.event.received_at)
        );
        queue.ack(&event.lease).await.expect("ack");
        claimed.insert(event.event.idempotency_key);
    }
    claimed
}

fn index_of(key: &str) -> usize {
    key.trim_start_matches("crash-").parse().expect("a crash-N key")
}

fn assert_none_lost(acknowledged: &BTreeSet<String>, claimed: &BTreeSet<String>) {
    let lost: Vec<_> = acknowledged.difference(claimed).collect();
    assert!(lost.is_empty(), "acknowledged but not claimable after the crash: {lost:?}");
}

#[tokio::test]
async fn redb_events_acknowledged_before_a_kill_are_claimable_after_restart() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("queue.redb");
    let acknowledged = acknowledged_then_killed("enqueue-redb", &path.to_string_lossy());
    let store = open_when_released(&path).await;
    let claimed = drain(&store).await;
    assert_none_lost(&acknowledged, &claimed);
    assert!(claimed.len() >= acknowledged.len());
}

#[tokio::test]
async fn redis_events_acknowledged_before_a_kill_are_claimable_after_restart() {
    let mut server = RedisServer::start();
    let acknowledged = acknowledged_then_killed("enqueue-redis", &server.url());
    // The server dies too, with SIGKILL: only what reached its disk counts.
    server.restart();
    let store = RedisStore::connect(RedisConfig::new(server.url()), &QueueConfig::new())
        .await
        .expect("connects after the restart");
    let claimed = drain(&store).await;
    assert_none_lost(&acknowledged, &claimed);
}

#[tokio::test]
async fn a_redb_file_held_by_another_process_is_refused_with_its_path() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("held.redb");
    let mut holder = ChildProcess::spawn(CHILD_ENTRY, &format!("hold-redb {}", path.display()));
    holder.expect_line("open", LINE_DEADLINE);
    let error = RedbStore::open(&path, &QueueConfig::new()).expect_err("the file is held");
    match &error {
        DeliveryError::Locked { path: locked } => assert_eq!(locked, &path),
        other => panic!("expected Locked, got {other:?}"),
    }
    let message = error.to_string();
    assert!(message.contains(&path.display().to_string()) && message.contains("another process"));
    holder.kill();
    let store = open_when_released(&path).await;
    assert_eq!(store.stats().await.expect("stats"), Default::default());
}

#[tokio::test]
async fn redis_down_fails_enqueue_within_the_budget_and_loses_nothing() {
    let mut server = RedisServer::start();
    let budget = Duration::from_millis(500);
    let config = QueueConfig::new().with_request_budget(budget);
    let redis = RedisConfig::new(server.url()).with_command_timeout(Duration::from_secs(1));
    let store = RedisStore::connect(redis, &config).await.expect("connects");
    assert!(store.durability().await.expect("settings").is_durable());
    for index in 0..5 {
        assert_eq!(store.enqueue(&event(index)).await.expect("stored"), EnqueueOutcome::Stored);
    }

    server.stop();
    for index in 5..8 {
        let started = Instant::now();
        let result = store.enqueue(&event(index)).await;
        let took = started.elapsed();
        let error = result.expect_err("nothing is stored while the server is down");
        assert!(error.is_transient(), "{error:?}");
        // A deadline, not a benchmark: generous slack for a loaded machine.
        assert!(took < budget + Duration::from_secs(1), "enqueue took {took:?}");
    }

    server.restart();
    let started = Instant::now();
    loop {
        match store.enqueue(&event(8)).await {
            Ok(outcome) => {
                assert_eq!(outcome, EnqueueOutcome::Stored);
                break;
            }
            Err(error) if started.elapsed() < Duration::from_secs(15) => {
                assert!(error.is_transient(), "{error:?}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(error) => panic!("the store did not reconnect: {error}"),
        }
    }
    let claimed = drain(&store).await;
    let acknowledged: BTreeSet<String> = [0, 1, 2, 3, 4, 8].map(|i| format!("crash-{i}")).into();
    assert_eq!(claimed, acknowledged, "everything acknowledged, nothing refused");
}

#[tokio::test]
async fn redis_reports_settings_that_lose_events() {
    let server = RedisServer::start();
    let store = RedisStore::connect(RedisConfig::new(server.url()), &QueueConfig::new())
        .await
        .expect("connects");
    assert!(store.durability().await.expect("settings").is_durable());
    let client = redis::Client::open(server.url()).expect("url");
    let mut connection = client.get_multiplexed_async_connection().await.expect("connects");
    let _: () = redis::cmd("CONFIG")
        .arg("SET")
        .arg("maxmemory-policy")
        .arg("allkeys-lru")
        .query_async(&mut connection)
        .await
        .expect("config set");
    let durability = store.durability().await.expect("settings");
    assert!(!durability.is_durable());
    assert!(durability.problems().iter().any(|problem| problem.contains("allkeys-lru")));
}

/// Opens the store once the killed process's lock is gone.
async fn open_when_released(path: &Path) -> RedbStore {
    let started = Instant::now();
    loop {
        match RedbStore::open(path, &QueueConfig::new()) {
            Ok(store) => return store,
            Err(DeliveryError::Locked { .. }) if started.elapsed() < Duration::from_secs(10) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(error) => panic!("cannot reopen {}: {error}", path.display()),
        }
    }
}
