//! The durable router's leases on real engines: a slow handler that renews
//! its lease is not run twice while another router polls the same store; a
//! worker killed with SIGKILL mid-handler is taken over after its lease; a
//! worker whose lease was taken over cannot ack over the new holder's
//! outcome.

#![cfg(all(feature = "router", feature = "redb", feature = "redis", feature = "testing"))]
// A child tells its parent which event its handler started on stdout.
#![allow(clippy::print_stdout)]

mod delivery_support;
mod router_support;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use cometchat_webhooks::delivery::{
    Backoff, Clock, DedupeClaim, DedupeStore, DeliveryError, EventQueue, EventState, ManualClock,
    MemoryDeduper, QueueConfig, RedbStore, RedisConfig, RedisStore,
};
use cometchat_webhooks::payload::MessageSent;
use cometchat_webhooks::router::{Delivery, DurableConfig, RouterBuilder, WebhookRouter};
use cometchat_webhooks::testing::Gate;
use cometchat_webhooks::testing::RedisServer;
use delivery_support::child::{self, ChildProcess};
use router_support::message_sent;

const CHILD_ENTRY: &str = "child_process";
const LINE_DEADLINE: Duration = Duration::from_secs(30);
/// Short enough that a killed worker's event is taken over within seconds.
const LEASE: Duration = Duration::from_secs(3);

fn queue_config() -> QueueConfig {
    QueueConfig::new()
        .with_lease(LEASE)
        .with_backoff(Backoff::new(Duration::from_millis(50), Duration::from_millis(200)))
}

fn durable_config() -> DurableConfig {
    DurableConfig::from_queue_config(&queue_config())
        .with_handler_timeout(Duration::from_millis(2500))
        .with_poll_interval(Duration::from_millis(20))
}

/// Which router ran a handler for which key, and how often.
#[derive(Clone, Default)]
struct Runs(Arc<Mutex<BTreeMap<String, Vec<&'static str>>>>);

impl Runs {
    fn record(&self, key: &str, by: &'static str) {
        self.0.lock().unwrap().entry(key.to_owned()).or_default().push(by);
    }

    fn of(&self, key: &str) -> Vec<&'static str> {
        self.0.lock().unwrap().get(key).cloned().unwrap_or_default()
    }

    async fn wait_for(&self, key: &str, count: usize) {
        let started = Instant::now();
        while self.of(key).len() < count {
            assert!(started.elapsed() < Duration::from_secs(30), "{key} not run {count} times");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// A router whose handler takes `takes`, then records that `name` ran it.
    fn router(&self, name: &'static str, takes: Duration) -> RouterBuilder {
        let runs = self.clone();
        WebhookRouter::builder().on_with_delivery(move |_sent: MessageSent, delivery: Delivery| {
            let runs = runs.clone();
            async move {
                tokio::time::sleep(takes).await;
                runs.record(delivery.idempotency_key().as_str(), name);
                Ok::<_, std::convert::Infallible>(())
            }
        })
    }
}

/// The store's time runs twice as fast as the handlers' (a real clock,
/// scaled), so a handler shorter than its timeout outlasts its lease in
/// the store's eyes: only renewal keeps its claim.
#[derive(Debug)]
struct TwiceAsFast {
    real_start: Instant,
    start: SystemTime,
}

impl Clock for TwiceAsFast {
    fn now(&self) -> SystemTime {
        self.start + self.real_start.elapsed() * 2
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_handler_that_renews_its_lease_is_not_run_twice() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(TwiceAsFast { real_start: Instant::now(), start: SystemTime::now() });
    let path = dir.path().join("renew.redb");
    let store = Arc::new(RedbStore::open_with_clock(path, &queue_config(), clock).unwrap());
    let runs = Runs::default();
    // 2.2 s of handler is 4.4 s of store time: past the 3 s lease, which
    // the worker renews every second (2 s of store time).
    let takes = Duration::from_millis(2200);
    let first = runs.router("first", takes).durable(store.clone(), durable_config()).unwrap();
    let second = runs.router("second", takes).durable(store.clone(), durable_config()).unwrap();

    let event = message_sent("slow");
    let key = event.idempotency_key().into_string();
    assert_eq!(first.handle(event).await.status(), 200);
    runs.wait_for(&key, 1).await;
    // Both routers' workers keep polling; a second run would start now.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(runs.of(&key).len(), 1, "run twice: {:?}", runs.of(&key));
    assert!(store.show(&key).await.unwrap().is_none(), "acknowledged and gone");
    for router in [first, second] {
        assert!(router.shutdown(Duration::from_secs(2)).await.is_complete());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_whose_lease_was_taken_over_cannot_ack() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::default());
    let path = dir.path().join("takeover.redb");
    let long = queue_config().with_lease(Duration::from_secs(30));
    let store = Arc::new(RedbStore::open_with_clock(path, &long, clock.clone()).unwrap());
    let config = DurableConfig::from_queue_config(&long)
        .with_handler_timeout(Duration::from_secs(20))
        .with_poll_interval(Duration::from_millis(20))
        .with_workers(1);
    let runs = Runs::default();

    // The first router's handler is held until the test lets it succeed.
    let gate = Gate::default();
    let (held, first_runs) = (gate.clone(), runs.clone());
    let first = WebhookRouter::builder()
        .on_with_delivery(move |_sent: MessageSent, delivery: Delivery| {
            let (gate, runs) = (held.clone(), first_runs.clone());
            async move {
                gate.pass().await;
                runs.record(delivery.idempotency_key().as_str(), "first");
                Ok::<_, std::convert::Infallible>(())
            }
        })
        .durable(store.clone(), config.clone())
        .unwrap();
    let event = message_sent("taken-over");
    let key = event.idempotency_key().into_string();
    assert_eq!(first.handle(event).await.status(), 200);
    gate.started(1).await;

    // The first worker stalls past its lease (as a paused process would);
    // a second router takes the event over and its handler fails.
    clock.advance(Duration::from_secs(31));
    let second_runs = runs.clone();
    let second = WebhookRouter::builder()
        .on_with_delivery(move |_sent: MessageSent, delivery: Delivery| {
            let runs = second_runs.clone();
            async move {
                runs.record(delivery.idempotency_key().as_str(), "second");
                Err("the second attempt failed")
            }
        })
        .durable(store.clone(), config)
        .unwrap();
    runs.wait_for(&key, 1).await;
    let details =
        wait_for_state(store.as_ref(), &key, |state| matches!(state, EventState::Scheduled { .. }))
            .await;
    assert_eq!(details.attempts, 2);

    // The first handler now succeeds, late: its ack is refused, and the
    // second attempt's failure stays recorded, its retry still scheduled.
    gate.open(1);
    runs.wait_for(&key, 2).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let details = store.show(&key).await.unwrap().expect("still stored");
    assert!(matches!(details.state, EventState::Scheduled { .. }), "{:?}", details.state);
    assert_eq!(details.attempts, 2);
    assert_eq!(details.last_error.as_deref(), Some("the second attempt failed"));
    assert_eq!(runs.of(&key), ["second", "first"]);
    for router in [first, second] {
        router.shutdown(Duration::from_secs(2)).await;
    }
}

/// A handler stopped because its lease was taken over releases its dedupe
/// claim, so the copy that now holds the event is not refused as in flight
/// until the claim's own lease (handler timeout + 30 s) ends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_stopped_by_a_lost_lease_releases_its_dedupe_claim() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::default());
    let path = dir.path().join("stopped.redb");
    let store = Arc::new(RedbStore::open_with_clock(path, &queue_config(), clock.clone()).unwrap());
    let deduper = Arc::new(MemoryDeduper::new().with_in_flight_wait(Duration::ZERO));
    let gate = Gate::default();
    let held = gate.clone();
    let router = WebhookRouter::builder()
        .on(move |_sent: MessageSent| {
            let gate = held.clone();
            async move {
                gate.pass().await;
                Ok::<_, std::convert::Infallible>(())
            }
        })
        .deduplicate(deduper.clone())
        .durable(store.clone(), durable_config().with_workers(1))
        .unwrap();
    let event = message_sent("stopped");
    let key = event.idempotency_key().into_string();
    assert_eq!(router.handle(event).await.status(), 200);
    gate.started(1).await;
    assert_eq!(
        deduper.claim(&key, LEASE).await.unwrap(),
        DedupeClaim::InFlight,
        "the running handler holds the key"
    );

    // The worker stalls past its lease and another takes the event over; the
    // worker's next renewal (each second) finds it lost and stops the run.
    // (A renewal between the two steps would extend the lease: move on again.)
    let taken = loop {
        clock.advance(LEASE + Duration::from_secs(1));
        if let Some(taken) = EventQueue::claim(store.as_ref(), LEASE).await.unwrap() {
            break taken;
        }
    };
    assert_eq!(taken.event.idempotency_key, key);
    let started = Instant::now();
    loop {
        match deduper.claim(&key, LEASE).await.unwrap() {
            DedupeClaim::Acquired(_) => break,
            claim => assert!(
                started.elapsed() < Duration::from_secs(10),
                "the stopped run's claim was not released: {claim:?}"
            ),
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    router.shutdown(Duration::from_secs(2)).await;
}

async fn wait_for_state(
    store: &dyn EventQueue,
    key: &str,
    wanted: impl Fn(&EventState) -> bool,
) -> cometchat_webhooks::delivery::EventDetails {
    let started = Instant::now();
    loop {
        if let Some(details) = store.show(key).await.unwrap()
            && wanted(&details.state)
        {
            return details;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "{key} never reached the state");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A child: a durable router whose handler announces the event it started
/// and never finishes, until the parent kills the process.
#[test]
fn child_process() {
    child::run_role(|kind, target| async move {
        let engine = kind.strip_prefix("hang-").expect("a hang-ENGINE role");
        let queue = delivery_support::open_queue(engine, &target, &queue_config()).await;
        let router = WebhookRouter::builder()
            .on_with_delivery(|_sent: MessageSent, delivery: Delivery| async move {
                println!("started {}", delivery.idempotency_key());
                std::future::pending::<()>().await;
                Ok::<_, std::convert::Infallible>(())
            })
            .durable(queue, durable_config())
            .expect("a valid config");
        assert_eq!(router.handle(message_sent("killed-mid-handler")).await.status(), 200);
        tokio::time::sleep(Duration::from_secs(120)).await;
    });
}

/// Starts a child on `target`, waits for its handler to start, kills it;
/// returns the key and when the handler was seen starting.
fn killed_mid_handler(role: &str, target: &str) -> (String, Instant) {
    let mut child = ChildProcess::spawn(CHILD_ENTRY, &format!("{role} {target}"));
    let key = child.expect_line("started", LINE_DEADLINE);
    let seen = Instant::now();
    child.kill();
    (key, seen)
}

/// Another instance runs the killed worker's event once, after its lease.
async fn taken_over_after_the_lease(queue: Arc<dyn EventQueue>, key: &str, seen: Instant) {
    let runs = Runs::default();
    let router = runs.router("survivor", Duration::ZERO).durable(queue.clone(), durable_config());
    let router = router.unwrap();
    runs.wait_for(key, 1).await;
    // The claim came just before the handler announced itself.
    let waited = seen.elapsed();
    assert!(waited + Duration::from_millis(500) >= LEASE, "taken over after {waited:?}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(runs.of(key), ["survivor"]);
    assert!(queue.show(key).await.unwrap().is_none(), "acknowledged and gone");
    assert!(router.shutdown(Duration::from_secs(2)).await.is_complete());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_a_worker_killed_mid_handler_is_taken_over_after_its_lease() {
    let server = RedisServer::start();
    let (key, seen) = killed_mid_handler("hang-redis", &server.url());
    let redis = RedisConfig::new(server.url()).with_consumer("survivor");
    let store = RedisStore::connect(redis, &queue_config()).await.unwrap();
    taken_over_after_the_lease(Arc::new(store), &key, seen).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redb_a_worker_killed_mid_handler_is_taken_over_after_its_lease() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("killed.redb");
    let (key, seen) = killed_mid_handler("hang-redb", &path.to_string_lossy());
    let store = reopen(&path).await;
    taken_over_after_the_lease(Arc::new(store), &key, seen).await;
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
