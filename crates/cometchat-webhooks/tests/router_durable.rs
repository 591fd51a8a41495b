//! Durable mode on the engines that need no server: 200 only once stored,
//! 503 when the store cannot confirm, workers that retry, dead-letter,
//! renew their leases, and stop by a shutdown's deadline.

#![cfg(all(feature = "router", feature = "durable", feature = "testing"))]

mod router_support;

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use cometchat_webhooks::delivery::{
    Backoff, ClaimedEvent, DeadLetter, EnqueueOutcome, EventDetails, EventQueue, FailOutcome,
    Lease, MemoryDeduper, MemoryStore, QueueConfig, QueueStats, StoreFuture, StoredEvent,
};
use cometchat_webhooks::payload::MessageSent;
use cometchat_webhooks::router::{
    Delivery, DurableConfig, DurableConfigError, RouterBuilder, RouterConfigError, WebhookRouter,
};
use cometchat_webhooks::testing::{Gate, RunCount};
use router_support::{json, message_sent};

/// Retries come almost at once, so a poison event is dead-lettered quickly.
fn quick_queue(max_attempts: u32) -> QueueConfig {
    QueueConfig::new()
        .with_max_attempts(max_attempts)
        .with_backoff(Backoff::new(Duration::from_millis(5), Duration::from_millis(20)))
}

fn quick_config(queue: &QueueConfig) -> DurableConfig {
    DurableConfig::from_queue_config(queue)
        .with_workers(2)
        .with_poll_interval(Duration::from_millis(10))
}

/// Counts every run per message id; ids starting `fail` error, `boom`
/// panics, `hang` never finishes, `slow` waits at the gate.
fn counting(runs: &RunCount, handled: &RunCount, gate: &Gate) -> RouterBuilder {
    let (runs, handled, gate) = (runs.clone(), handled.clone(), gate.clone());
    WebhookRouter::builder()
        .on_with_delivery(move |sent: MessageSent, delivery: Delivery| {
            let (runs, handled, gate) = (runs.clone(), handled.clone(), gate.clone());
            async move {
                runs.bump();
                assert!(!delivery.idempotency_key().as_str().is_empty());
                let id = sent.message.id.clone().unwrap_or_default();
                if id.starts_with("fail") {
                    return Err("downstream refused");
                }
                if id.starts_with("boom") {
                    panic!("handler bug");
                }
                if id.starts_with("hang") {
                    std::future::pending::<()>().await;
                }
                if id.starts_with("slow") {
                    gate.pass().await;
                }
                handled.bump();
                Ok(())
            }
        })
        .retry_after(Duration::from_secs(7))
}

/// Polls `check` until it holds; a bounded wait, not a timing assertion.
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    for _ in 0..1_000 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("gave up waiting: {what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stored_delivery_is_handled_once_and_duplicates_are_200() {
    let queue_config = quick_queue(3);
    let store = Arc::new(MemoryStore::new(&queue_config).unwrap());
    let (runs, handled, gate) = (RunCount::default(), RunCount::default(), Gate::default());
    let router = counting(&runs, &handled, &gate)
        .durable(store.clone(), quick_config(&queue_config))
        .unwrap();
    assert!(router.is_durable());

    for _ in 0..3 {
        assert_eq!(router.handle(message_sent("1")).await.status(), 200);
    }
    eventually("the handler ran", || async { handled.get() == 1 }).await;
    eventually("the event was acked", || async { store.stats().await.unwrap().live() == 0 }).await;
    // A re-delivery after the ack is still a duplicate (the dedupe window).
    assert_eq!(router.handle(message_sent("1")).await.status(), 200);
    assert!(router.shutdown(Duration::from_secs(1)).await.is_complete());
    assert_eq!(runs.get(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn poison_events_are_dead_lettered_then_redriven() {
    let queue_config = quick_queue(3);
    let store = Arc::new(MemoryStore::new(&queue_config).unwrap());
    let (runs, handled, gate) = (RunCount::default(), RunCount::default(), Gate::default());
    let router = counting(&runs, &handled, &gate)
        .durable(store.clone(), quick_config(&queue_config))
        .unwrap();

    assert_eq!(router.handle(message_sent("fail-1")).await.status(), 200);
    assert_eq!(router.handle(message_sent("boom-1")).await.status(), 200);
    eventually("both dead-lettered", || async { store.stats().await.unwrap().dead == 2 }).await;
    assert_eq!(runs.get(), 6, "three attempts each");
    let dead = store.dead_letters(10).await.unwrap();
    let errors: Vec<_> = dead.iter().map(|letter| letter.last_error.clone().unwrap()).collect();
    assert!(errors.contains(&"downstream refused".to_owned()), "{errors:?}");
    assert!(errors.contains(&"the handler panicked".to_owned()), "{errors:?}");
    assert!(dead.iter().all(|letter| letter.attempts == 3));
    router.shutdown(Duration::from_secs(1)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redriven_dead_letter_is_handled_once_its_cause_is_fixed() {
    let queue_config = quick_queue(2);
    let store = Arc::new(MemoryStore::new(&queue_config).unwrap());
    let broken = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let handled = RunCount::default();
    let (flag, count) = (broken.clone(), handled.clone());
    let router = WebhookRouter::builder()
        .on(move |_sent: MessageSent| {
            let (flag, count) = (flag.clone(), count.clone());
            async move {
                if flag.load(std::sync::atomic::Ordering::SeqCst) {
                    return Err("not yet");
                }
                count.bump();
                Ok(())
            }
        })
        .durable(store.clone(), quick_config(&queue_config))
        .unwrap();
    assert_eq!(router.handle(message_sent("7")).await.status(), 200);
    eventually("dead-lettered", || async { store.stats().await.unwrap().dead == 1 }).await;

    broken.store(false, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(store.redrive_all().await.unwrap(), 1);
    eventually("handled after redrive", || async { handled.get() == 1 }).await;
    eventually("nothing left", || async { store.stats().await.unwrap() == QueueStats::default() })
        .await;
    router.shutdown(Duration::from_secs(1)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_backlog_is_503_with_retry_after() {
    let queue_config = quick_queue(3).with_backlog_limit(1);
    let store = Arc::new(MemoryStore::new(&queue_config).unwrap());
    let (runs, handled, gate) = (RunCount::default(), RunCount::default(), Gate::default());
    let router = counting(&runs, &handled, &gate)
        .durable(store.clone(), quick_config(&queue_config).with_workers(1))
        .unwrap();
    assert_eq!(router.handle(message_sent("slow-1")).await.status(), 200);
    gate.started(1).await;
    let refused = router.handle(message_sent("2")).await;
    assert_eq!(refused.status(), 503);
    assert_eq!(refused.header("retry-after"), Some("7"));
    assert_eq!(json(refused.body())["error"], "the webhook queue is full");
    gate.open(1);
    eventually("drained", || async { store.stats().await.unwrap().live() == 0 }).await;
    assert_eq!(router.handle(message_sent("2")).await.status(), 200);
    eventually("both handled", || async { handled.get() == 2 }).await;
    router.shutdown(Duration::from_secs(1)).await;
}

/// A store that never answers an enqueue, like a server that hangs.
struct Unresponsive(MemoryStore);

impl EventQueue for Unresponsive {
    fn enqueue<'a>(&'a self, _event: &'a StoredEvent) -> StoreFuture<'a, EnqueueOutcome> {
        Box::pin(std::future::pending())
    }
    fn claim(&self, lease: Duration) -> StoreFuture<'_, Option<ClaimedEvent>> {
        self.0.claim(lease)
    }
    fn renew<'a>(&'a self, lease: &'a Lease, length: Duration) -> StoreFuture<'a, SystemTime> {
        self.0.renew(lease, length)
    }
    fn ack<'a>(&'a self, lease: &'a Lease) -> StoreFuture<'a, ()> {
        self.0.ack(lease)
    }
    fn fail<'a>(
        &'a self,
        lease: &'a Lease,
        error: &'a str,
        retry_in: Duration,
    ) -> StoreFuture<'a, FailOutcome> {
        self.0.fail(lease, error, retry_in)
    }
    fn stats(&self) -> StoreFuture<'_, QueueStats> {
        self.0.stats()
    }
    fn dead_letters(&self, limit: usize) -> StoreFuture<'_, Vec<DeadLetter>> {
        self.0.dead_letters(limit)
    }
    fn show<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<EventDetails>> {
        self.0.show(key)
    }
    fn redrive<'a>(&'a self, key: &'a str) -> StoreFuture<'a, bool> {
        self.0.redrive(key)
    }
    fn redrive_all(&self) -> StoreFuture<'_, u64> {
        self.0.redrive_all()
    }
    fn purge_dead(&self, older_than: Duration) -> StoreFuture<'_, u64> {
        self.0.purge_dead(older_than)
    }
}

#[tokio::test(start_paused = true)]
async fn a_store_that_does_not_confirm_is_503_at_the_budget_never_200() {
    let queue_config = QueueConfig::new();
    let store = Arc::new(Unresponsive(MemoryStore::new(&queue_config).unwrap()));
    let (runs, handled, gate) = (RunCount::default(), RunCount::default(), Gate::default());
    let router = counting(&runs, &handled, &gate)
        .durable(store, DurableConfig::from_queue_config(&queue_config))
        .unwrap();
    let started = tokio::time::Instant::now();
    let refused = router.handle(message_sent("1")).await;
    assert_eq!(started.elapsed(), Duration::from_millis(1500), "the default request budget");
    assert_eq!(refused.status(), 503);
    assert_eq!(refused.header("retry-after"), Some("7"));
    assert_eq!(json(refused.body())["error"], "the webhook store is unavailable");
    router.shutdown(Duration::from_secs(1)).await;
}

#[tokio::test(start_paused = true)]
async fn a_handler_past_its_timeout_is_a_failed_attempt() {
    let queue_config = quick_queue(2);
    let store = Arc::new(MemoryStore::new(&queue_config).unwrap());
    let (runs, handled, gate) = (RunCount::default(), RunCount::default(), Gate::default());
    let config = quick_config(&queue_config)
        .with_handler_timeout(Duration::from_secs(2))
        .with_lease(Duration::from_secs(5));
    let router = counting(&runs, &handled, &gate).durable(store.clone(), config).unwrap();
    assert_eq!(router.handle(message_sent("hang-1")).await.status(), 200);
    for _ in 0..200 {
        if store.stats().await.unwrap().dead == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let dead = store.dead_letters(1).await.unwrap();
    assert_eq!(dead.len(), 1, "timed out twice, then dead");
    assert!(dead[0].last_error.as_deref().unwrap().contains("did not finish within 2s"));
    assert_eq!(runs.get(), 2);
    router.shutdown(Duration::from_secs(1)).await;
}

#[tokio::test(start_paused = true)]
async fn shutdown_returns_by_its_deadline_and_leaves_the_event_stored() {
    let queue_config = quick_queue(3);
    let store = Arc::new(MemoryStore::new(&queue_config).unwrap());
    let (runs, handled, gate) = (RunCount::default(), RunCount::default(), Gate::default());
    let router = counting(&runs, &handled, &gate)
        .durable(store.clone(), quick_config(&queue_config))
        .unwrap();
    assert_eq!(router.handle(message_sent("slow-1")).await.status(), 200);
    gate.started(1).await;

    let started = tokio::time::Instant::now();
    let report = router.shutdown(Duration::from_secs(3)).await;
    assert_eq!(started.elapsed(), Duration::from_secs(3));
    assert_eq!(report.interrupted.len(), 1);
    assert_eq!(report.interrupted[0].trigger, "message_sent");
    assert!(report.interrupted[0].idempotency_key.as_deref().unwrap().contains("slow-1"));
    let stats = store.stats().await.unwrap();
    assert_eq!((stats.in_flight, handled.get()), (1, 0), "still stored under its lease");

    // Deliveries are still stored after the workers stopped.
    assert_eq!(router.handle(message_sent("2")).await.status(), 200);
    assert_eq!(store.stats().await.unwrap().waiting, 1);
}

#[test]
fn a_lease_not_longer_than_the_handler_timeout_is_refused() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let _inside = runtime.enter();
    let store = Arc::new(MemoryStore::new(&QueueConfig::new()).unwrap());
    let config = DurableConfig::new().with_lease(Duration::from_secs(30));
    let refused = WebhookRouter::builder().durable(store, config).unwrap_err();
    assert!(matches!(refused, DurableConfigError::LeaseNotLongerThanHandlerTimeout { .. }));
}

#[test]
fn a_dedupe_lease_not_longer_than_the_durable_handler_timeout_is_refused() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let _inside = runtime.enter();
    let store = Arc::new(MemoryStore::new(&QueueConfig::new()).unwrap());
    let config = DurableConfig::new().with_handler_timeout(Duration::from_secs(40));
    let refused = WebhookRouter::builder()
        .deduplicate(MemoryDeduper::new())
        .dedupe_lease(Duration::from_secs(40))
        .durable(store, config)
        .unwrap_err();
    assert_eq!(
        refused,
        DurableConfigError::Router(RouterConfigError::DedupeLeaseNotLongerThanHandlerTimeout {
            lease: Duration::from_secs(40),
            handler_timeout: Duration::from_secs(40),
        })
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn durable_workers_skip_an_event_a_shared_deduper_saw_handled() {
    // Two durable routers with separate queues but one dedupe store: the
    // same event stored in both is handled once.
    let deduper = Arc::new(MemoryDeduper::new());
    let (runs, handled, gate) = (RunCount::default(), RunCount::default(), Gate::default());
    let mut routers = Vec::new();
    for _ in 0..2 {
        let queue = quick_queue(3);
        let store = Arc::new(MemoryStore::new(&queue).unwrap());
        let router = counting(&runs, &handled, &gate)
            .deduplicate(Arc::clone(&deduper))
            .durable(store.clone(), quick_config(&queue))
            .unwrap();
        routers.push((router, store));
    }
    for (router, _) in &routers {
        assert_eq!(router.handle(message_sent("shared")).await.status(), 200);
    }
    for (_, store) in &routers {
        let store = store.clone();
        eventually("both queues settled", move || {
            let store = store.clone();
            async move { store.stats().await.unwrap().live() == 0 }
        })
        .await;
    }
    assert_eq!(runs.get(), 1, "the second copy was a duplicate in the shared store");
    assert_eq!(deduper.len(), 1);
    for (router, _) in routers {
        router.shutdown(Duration::from_secs(1)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_claimed_batch_runs_together_and_is_settled_event_by_event() {
    let queue_config = quick_queue(2);
    let store = Arc::new(MemoryStore::new(&queue_config).unwrap());
    // Stored before any worker runs, so one claim takes them all.
    for id in ["ok-1", "fail-1", "ok-2", "slow-1"] {
        let event = message_sent(id);
        let stored = StoredEvent::new(
            event.idempotency_key().as_str(),
            event.trigger(),
            event.raw_bytes().clone(),
        );
        assert_eq!(store.enqueue(&stored).await.unwrap(), EnqueueOutcome::Stored);
    }
    let (runs, handled, gate) = (RunCount::default(), RunCount::default(), Gate::default());
    let config = quick_config(&queue_config).with_workers(1).with_claim_batch(4);
    assert_eq!(config.claim_batch(), 4);
    let router = counting(&runs, &handled, &gate).durable(store.clone(), config).unwrap();

    // One worker, four handlers at once: the batch's events run together.
    gate.started(1).await;
    eventually("the whole batch started", || async { runs.get() == 4 }).await;
    eventually("the failure recorded at once", || async {
        let stats = store.stats().await.unwrap();
        (stats.in_flight, stats.scheduled_retries) == (3, 1)
    })
    .await;

    // The slow handler ends: the handled events are acked together, the
    // failure is retried until it is a dead letter.
    gate.open(1);
    eventually("settled", || async {
        let stats = store.stats().await.unwrap();
        (stats.live(), stats.dead) == (0, 1)
    })
    .await;
    assert_eq!(handled.get(), 3);
    let letters = store.dead_letters(10).await.unwrap();
    assert_eq!((letters.len(), letters[0].attempts), (1, 2));
    assert_eq!(runs.get(), 5, "each handled event ran once, the failing one twice");
    router.shutdown(Duration::from_secs(1)).await;
}
