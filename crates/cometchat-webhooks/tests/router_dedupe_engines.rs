//! De-duplication shared by router replicas through a real store: two
//! routers on one `redis-server` (or one redb file in one process), the
//! same deliveries sent to both, each handler side effect once per key; a
//! claim left by an instance that died ends with its lease.

#![cfg(all(feature = "router", feature = "redb", feature = "redis", feature = "testing"))]

mod delivery_support;
mod router_support;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cometchat_webhooks::delivery::{
    DedupeClaim, DedupeStore, QueueConfig, RedbStore, RedisConfig, RedisStore,
};
use cometchat_webhooks::payload::MessageSent;
use cometchat_webhooks::router::{Delivery, WebhookRouter};
use cometchat_webhooks::testing::RedisServer;
use router_support::message_sent;

const KEYS: usize = 30;

/// Side effects per idempotency key, across routers.
#[derive(Clone, Default)]
struct Effects(Arc<Mutex<BTreeMap<String, usize>>>);

impl Effects {
    /// An inline router de-duplicating over `store`, whose handler records
    /// a side effect and takes a little while, so copies overlap.
    fn router(&self, store: Arc<dyn DedupeStore>) -> WebhookRouter {
        let effects = self.clone();
        WebhookRouter::builder()
            .on_with_delivery(move |_sent: MessageSent, delivery: Delivery| {
                let effects = effects.clone();
                async move {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    let key = delivery.idempotency_key().as_str().to_owned();
                    *effects.0.lock().unwrap().entry(key).or_default() += 1;
                    Ok::<_, std::convert::Infallible>(())
                }
            })
            .handler_timeout(Duration::from_secs(2))
            .deduplicate(store)
            .build()
    }

    fn snapshot(&self) -> BTreeMap<String, usize> {
        self.0.lock().unwrap().clone()
    }
}

/// Sends delivery `index` to `router` as CometChat would: again after each
/// 503, until it is answered 200.
async fn deliver_until_accepted(router: WebhookRouter, index: usize) {
    let started = Instant::now();
    loop {
        match router.handle(message_sent(&format!("shared-{index}"))).await.status() {
            200 => return,
            503 => {}
            other => panic!("delivery {index} answered {other}"),
        }
        assert!(started.elapsed() < Duration::from_secs(30), "delivery {index} never accepted");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Sends every delivery to both routers at once, retrying 503s.
async fn both_routers_get_every_delivery(routers: [WebhookRouter; 2]) {
    let mut sends = Vec::new();
    for index in 0..KEYS {
        for router in &routers {
            sends.push(tokio::spawn(deliver_until_accepted(router.clone(), index)));
        }
    }
    for send in sends {
        send.await.expect("no delivery panicked");
    }
}

fn assert_once_per_key(effects: &Effects) {
    let effects = effects.snapshot();
    assert_eq!(effects.len(), KEYS);
    assert!(effects.values().all(|runs| *runs == 1), "a side effect ran twice: {effects:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_inline_routers_on_one_redis_run_each_side_effect_once() {
    let server = RedisServer::start();
    let effects = Effects::default();
    let mut routers = Vec::new();
    for instance in ["a", "b"] {
        // Separate connections and consumers, as two replicas would have.
        let redis = RedisConfig::new(server.url()).with_consumer(format!("replica-{instance}"));
        let store = RedisStore::connect(redis, &QueueConfig::new()).await.unwrap();
        routers.push(effects.router(Arc::new(store)));
    }
    let routers: [WebhookRouter; 2] = routers.try_into().unwrap();
    both_routers_get_every_delivery(routers.clone()).await;
    assert_once_per_key(&effects);
    // CometChat's later retries are duplicates for both.
    for router in &routers {
        assert_eq!(router.handle(message_sent("shared-0")).await.status(), 200);
    }
    assert_once_per_key(&effects);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_inline_routers_on_one_redb_file_run_each_side_effect_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = RedbStore::open(dir.path().join("dedupe.redb"), &QueueConfig::new()).unwrap();
    let store: Arc<dyn DedupeStore> = Arc::new(store);
    let effects = Effects::default();
    let routers = [effects.router(Arc::clone(&store)), effects.router(store)];
    both_routers_get_every_delivery(routers).await;
    assert_once_per_key(&effects);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_claim_left_by_a_dead_instance_ends_with_its_lease() {
    let server = RedisServer::start();
    let redis = RedisConfig::new(server.url());
    let store = Arc::new(RedisStore::connect(redis, &QueueConfig::new()).await.unwrap());
    // An instance claimed the key with a short lease, then died before
    // settling it: nothing will ever complete or release it.
    let event = message_sent("orphaned");
    let key = event.idempotency_key();
    let lease = Duration::from_secs(2);
    let claimed_at = Instant::now();
    let claim = store.claim(key.as_str(), lease).await.unwrap();
    assert!(matches!(claim, DedupeClaim::Acquired(_)));

    let effects = Effects::default();
    let router = effects.router(store);
    assert_eq!(router.handle(event).await.status(), 503, "held by the dead instance");
    assert!(effects.snapshot().is_empty());
    let started = Instant::now();
    while router.handle(message_sent("orphaned")).await.status() != 200 {
        assert!(started.elapsed() < Duration::from_secs(10), "the lease never ended");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(claimed_at.elapsed() >= lease, "taken over before the lease ended");
    assert_eq!(effects.snapshot().get(key.as_str()), Some(&1));
}
