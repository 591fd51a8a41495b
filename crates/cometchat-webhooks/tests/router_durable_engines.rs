//! Durable mode on real engines: a redb file and a real `redis-server`.
//! A receiver process killed with SIGKILL while holding acknowledged,
//! unhandled events; Redis stopped and restarted under the router; two
//! routers sharing one Redis; a poison event on redb.

#![cfg(all(feature = "router", feature = "redb", feature = "redis", feature = "testing"))]
// A child tells its parent what it acknowledged on stdout.
#![allow(clippy::print_stdout)]

mod delivery_support;
mod router_support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cometchat_webhooks::delivery::{
    Backoff, DeliveryError, EventQueue, QueueConfig, RedbStore, RedisConfig, RedisStore,
};
use cometchat_webhooks::payload::MessageSent;
use cometchat_webhooks::router::{Delivery, DurableConfig, WebhookRouter};
use cometchat_webhooks::testing::RedisServer;
use delivery_support::child::{self, ChildProcess};
use router_support::message_sent;

const CHILD_ENTRY: &str = "child_process";
const ACKNOWLEDGED_BEFORE_KILL: usize = 30;
const LINE_DEADLINE: Duration = Duration::from_secs(30);

/// Short leases so a killed worker's claims are taken over within seconds.
fn queue_config() -> QueueConfig {
    QueueConfig::new()
        .with_lease(Duration::from_secs(3))
        .with_backoff(Backoff::new(Duration::from_millis(50), Duration::from_millis(200)))
}

fn durable_config() -> DurableConfig {
    DurableConfig::from_queue_config(&queue_config())
        .with_handler_timeout(Duration::from_secs(2))
        .with_poll_interval(Duration::from_millis(20))
}

/// Side effects per idempotency key, across routers.
#[derive(Clone, Default)]
struct Effects(Arc<Mutex<BTreeMap<String, usize>>>);

impl Effects {
    fn router(&self) -> cometchat_webhooks::router::RouterBuilder {
        let effects = self.clone();
        WebhookRouter::builder().on_with_delivery(move |_sent: MessageSent, delivery: Delivery| {
            let effects = effects.clone();
            async move {
                let key = delivery.idempotency_key().as_str().to_owned();
                *effects.0.lock().unwrap().entry(key).or_default() += 1;
                Ok::<_, std::convert::Infallible>(())
            }
        })
    }

    fn snapshot(&self) -> BTreeMap<String, usize> {
        self.0.lock().unwrap().clone()
    }

    async fn wait_for(&self, keys: &BTreeSet<String>) {
        let started = Instant::now();
        while !keys.iter().all(|key| self.snapshot().contains_key(key)) {
            assert!(started.elapsed() < Duration::from_secs(30), "not all handled");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// A child: a durable router whose handler never finishes, so every
/// acknowledged event is still unhandled when the parent kills it.
#[test]
fn child_process() {
    child::run_role(|kind, target| async move {
        let engine = kind.strip_prefix("router-").expect("a router-ENGINE role");
        let queue = delivery_support::open_queue(engine, &target, &queue_config()).await;
        let router = WebhookRouter::builder()
            .on(|_sent: MessageSent| async {
                std::future::pending::<()>().await;
                Ok::<_, std::convert::Infallible>(())
            })
            .durable(queue, durable_config())
            .expect("a valid config");
        for index in 0..10_000 {
            let event = message_sent(&format!("kill-{index}"));
            let key = event.idempotency_key();
            if router.handle(event).await.status() == 200 {
                println!("acked {key}");
            }
        }
        tokio::time::sleep(Duration::from_secs(120)).await;
    });
}

fn acknowledged_then_killed(role: &str, target: &str) -> BTreeSet<String> {
    let mut child = ChildProcess::spawn(CHILD_ENTRY, &format!("{role} {target}"));
    let acknowledged =
        (0..ACKNOWLEDGED_BEFORE_KILL).map(|_| child.expect_line("acked", LINE_DEADLINE)).collect();
    child.kill();
    acknowledged
}

async fn reopen(path: &Path) -> RedbStore {
    let started = Instant::now();
    loop {
        match RedbStore::open(path, &queue_config()) {
            Ok(store) => return store,
            Err(DeliveryError::Locked { .. }) if started.elapsed() < Duration::from_secs(10) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(error) => panic!("cannot reopen {}: {error}", path.display()),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redb_every_200_before_a_kill_is_handled_after_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("router.redb");
    let acknowledged = acknowledged_then_killed("router-redb", &path.to_string_lossy());
    let store = Arc::new(reopen(&path).await);
    let effects = Effects::default();
    let router = effects.router().durable(store, durable_config()).unwrap();
    effects.wait_for(&acknowledged).await;
    assert!(router.shutdown(Duration::from_secs(2)).await.is_complete());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_every_200_before_a_kill_is_handled_after_restart() {
    let server = RedisServer::start();
    let acknowledged = acknowledged_then_killed("router-redis", &server.url());
    let store = RedisStore::connect(RedisConfig::new(server.url()), &queue_config()).await;
    let effects = Effects::default();
    let router = effects.router().durable(Arc::new(store.unwrap()), durable_config()).unwrap();
    effects.wait_for(&acknowledged).await;
    assert!(router.shutdown(Duration::from_secs(2)).await.is_complete());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_stopped_is_503_within_the_budget_and_nothing_200_is_lost() {
    let mut server = RedisServer::start();
    let budget = Duration::from_millis(500);
    let redis = RedisConfig::new(server.url()).with_command_timeout(Duration::from_secs(1));
    let store = RedisStore::connect(redis, &queue_config().with_request_budget(budget)).await;
    let effects = Effects::default();
    let config = durable_config().with_request_budget(budget);
    let router = effects.router().durable(Arc::new(store.unwrap()), config).unwrap();
    let mut acknowledged = BTreeSet::new();
    for index in 0..3 {
        let event = message_sent(&format!("up-{index}"));
        acknowledged.insert(event.idempotency_key().into_string());
        assert_eq!(router.handle(event).await.status(), 200);
    }
    effects.wait_for(&acknowledged).await;

    server.stop();
    for index in 0..3 {
        let started = Instant::now();
        let answer = router.handle(message_sent(&format!("down-{index}"))).await;
        let took = started.elapsed();
        assert_eq!(answer.status(), 503, "never 200 while the store is down");
        assert!(answer.header("retry-after").is_some());
        // A deadline, not a benchmark: slack for a loaded machine.
        assert!(took < budget + Duration::from_millis(500), "answered after {took:?}");
    }

    server.restart();
    // CometChat's retries of the refused deliveries, until the store is back.
    for index in 0..3 {
        let started = Instant::now();
        loop {
            let event = message_sent(&format!("down-{index}"));
            let key = event.idempotency_key().into_string();
            if router.handle(event).await.status() == 200 {
                acknowledged.insert(key);
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(15), "the store did not come back");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    effects.wait_for(&acknowledged).await;
    router.shutdown(Duration::from_secs(2)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_routers_on_one_redis_run_each_handler_once_per_key() {
    let server = RedisServer::start();
    let effects = Effects::default();
    let mut routers = Vec::new();
    for instance in ["a", "b"] {
        let redis = RedisConfig::new(server.url()).with_consumer(format!("instance-{instance}"));
        let store = RedisStore::connect(redis, &queue_config()).await.unwrap();
        routers.push(effects.router().durable(Arc::new(store), durable_config()).unwrap());
    }
    let mut keys = BTreeSet::new();
    let mut sends = Vec::new();
    for index in 0..40 {
        for router in &routers {
            let router = router.clone();
            let event = message_sent(&format!("twice-{index}"));
            keys.insert(event.idempotency_key().into_string());
            sends.push(tokio::spawn(async move { router.handle(event).await.status() }));
        }
    }
    for send in sends {
        assert_eq!(send.await.unwrap(), 200);
    }
    effects.wait_for(&keys).await;
    // Give a second run, if there were one, time to show.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let effects = effects.snapshot();
    assert_eq!(effects.len(), 40);
    assert!(effects.values().all(|runs| *runs == 1), "{effects:?}");
    for router in routers {
        router.shutdown(Duration::from_secs(2)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redb_poison_event_is_dead_lettered_then_redriven_and_handled() {
    let dir = tempfile::tempdir().unwrap();
    let config = queue_config().with_max_attempts(3);
    let store = Arc::new(RedbStore::open(dir.path().join("poison.redb"), &config).unwrap());
    let fixed = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let runs = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let (flag, count) = (fixed.clone(), runs.clone());
    let router = WebhookRouter::builder()
        .on(move |_sent: MessageSent| {
            let (flag, count) = (flag.clone(), count.clone());
            async move {
                count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                if !flag.load(std::sync::atomic::Ordering::SeqCst) {
                    panic!("handler bug");
                }
                Ok::<_, std::convert::Infallible>(())
            }
        })
        .durable(
            store.clone(),
            DurableConfig::from_queue_config(&config)
                .with_handler_timeout(Duration::from_secs(2))
                .with_poll_interval(Duration::from_millis(20)),
        )
        .unwrap();
    assert_eq!(router.handle(message_sent("poison")).await.status(), 200);
    let started = Instant::now();
    while store.stats().await.unwrap().dead != 1 {
        assert!(started.elapsed() < Duration::from_secs(20), "never dead-lettered");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(runs.load(std::sync::atomic::Ordering::SeqCst), 3);
    let dead = store.dead_letters(1).await.unwrap();
    assert_eq!(dead[0].last_error.as_deref(), Some("the handler panicked"));

    fixed.store(true, std::sync::atomic::Ordering::SeqCst);
    assert!(store.redrive(&dead[0].idempotency_key).await.unwrap());
    let started = Instant::now();
    while store.stats().await.unwrap().live() != 0
        || runs.load(std::sync::atomic::Ordering::SeqCst) != 4
    {
        assert!(started.elapsed() < Duration::from_secs(20), "never handled after redrive");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(store.stats().await.unwrap().dead, 0);
    router.shutdown(Duration::from_secs(2)).await;
}
