//! De-duplication: each event's handler succeeds once, however many copies
//! arrive and in whatever order.

#![cfg(all(feature = "router", feature = "testing"))]

mod router_support;

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cometchat_webhooks::Trigger;
use cometchat_webhooks::delivery::{
    DedupeClaim, DedupeStore, DedupeToken, DeliveryError, MemoryDeduper, StoreFuture,
};
use cometchat_webhooks::payload::{BeforeMessage, MessageSent};
use cometchat_webhooks::router::{
    BeforeMessageOutcome, RouterBuilder, RouterConfigError, WebhookRouter,
};
use cometchat_webhooks::testing::EventBuilder;
use cometchat_webhooks::testing::{Gate, RunCount};
use router_support::message_sent;

/// A router whose `message_sent` handler counts its runs.
fn counting_router(deduper: impl DedupeStore) -> (WebhookRouter, RunCount) {
    let runs = RunCount::default();
    let counter = runs.clone();
    let router = WebhookRouter::builder()
        .on(move |_sent: MessageSent| {
            counter.bump();
            async { Ok::<_, Infallible>(()) }
        })
        .deduplicate(deduper)
        .build();
    (router, runs)
}

/// A router whose `message_sent` handler waits at `gate` on its first run.
fn gated_router(
    deduper: MemoryDeduper,
    gate: &Gate,
    first_fails: bool,
) -> (WebhookRouter, RunCount) {
    let runs = RunCount::default();
    let (counter, gate) = (runs.clone(), gate.clone());
    let router = WebhookRouter::builder()
        .on(move |_sent: MessageSent| {
            let (counter, gate) = (counter.clone(), gate.clone());
            async move {
                if counter.bump() == 1 {
                    gate.pass().await;
                    if first_fails {
                        return Err("the first attempt fails");
                    }
                }
                Ok(())
            }
        })
        .deduplicate(deduper)
        .build();
    (router, runs)
}

fn spawn_delivery(router: &WebhookRouter, id: &str) -> tokio::task::JoinHandle<u16> {
    let (router, event) = (router.clone(), message_sent(id));
    tokio::spawn(async move { router.handle(event).await.status() })
}

#[tokio::test]
async fn sequential_copies_run_once_and_other_events_still_run() {
    let deduper = Arc::new(MemoryDeduper::new());
    let (router, runs) = counting_router(Arc::clone(&deduper));

    for _ in 0..3 {
        assert_eq!(router.handle(message_sent("1")).await.status(), 200);
    }
    assert_eq!(runs.get(), 1);
    assert_eq!(router.handle(message_sent("2")).await.status(), 200);
    assert_eq!(runs.get(), 2);
    assert_eq!(deduper.len(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_concurrent_copy_waits_for_the_first_and_does_not_run_again() {
    let gate = Gate::default();
    let (router, runs) = gated_router(MemoryDeduper::new(), &gate, false);

    let first = spawn_delivery(&router, "7");
    gate.started(1).await;
    let mut second = spawn_delivery(&router, "7");
    // Still waiting while the first runs: it may not claim success early.
    let early = tokio::time::timeout(Duration::from_millis(100), &mut second).await;
    assert!(early.is_err(), "the second copy answered before the first finished");

    gate.open(1);
    assert_eq!(first.await.unwrap(), 200);
    assert_eq!(second.await.unwrap(), 200);
    assert_eq!(runs.get(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_copy_that_outwaits_a_running_first_is_asked_to_retry() {
    let gate = Gate::default();
    let deduper = MemoryDeduper::new().with_in_flight_wait(Duration::from_millis(200));
    let (router, runs) = gated_router(deduper, &gate, false);

    let first = spawn_delivery(&router, "8");
    gate.started(1).await;
    let busy = router.handle(message_sent("8")).await;
    assert_eq!(busy.status(), 503);
    assert_eq!(busy.header("retry-after"), Some("10"));

    gate.open(1);
    assert_eq!(first.await.unwrap(), 200);
    assert_eq!(router.handle(message_sent("8")).await.status(), 200);
    assert_eq!(runs.get(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_waiting_copy_runs_the_handler_itself_when_the_first_fails() {
    let gate = Gate::default();
    let (router, runs) = gated_router(MemoryDeduper::new(), &gate, true);

    let first = spawn_delivery(&router, "9");
    gate.started(1).await;
    let second = spawn_delivery(&router, "9");
    tokio::task::yield_now().await;
    gate.open(1);

    assert_eq!(first.await.unwrap(), 500);
    assert_eq!(second.await.unwrap(), 200);
    assert_eq!(runs.get(), 2);
}

#[tokio::test]
async fn a_failed_handler_runs_again_on_redelivery_until_it_succeeds() {
    let attempts = RunCount::default();
    let counter = attempts.clone();
    let router = WebhookRouter::builder()
        .on(move |_sent: MessageSent| {
            let attempt = counter.bump();
            async move { if attempt == 1 { Err("temporary outage") } else { Ok(()) } }
        })
        .deduplicate(MemoryDeduper::new())
        .build();

    assert_eq!(router.handle(message_sent("3")).await.status(), 500);
    assert_eq!(router.handle(message_sent("3")).await.status(), 200);
    assert_eq!(router.handle(message_sent("3")).await.status(), 200);
    assert_eq!(attempts.get(), 2);
}

#[tokio::test]
async fn a_panicking_handler_releases_its_claim() {
    let attempts = RunCount::default();
    let counter = attempts.clone();
    let router = WebhookRouter::builder()
        .on(move |_sent: MessageSent| {
            let attempt = counter.bump();
            async move {
                assert_ne!(attempt, 1, "the first attempt panics");
                Ok::<_, Infallible>(())
            }
        })
        .deduplicate(MemoryDeduper::new())
        .build();

    assert_eq!(router.handle(message_sent("4")).await.status(), 500);
    assert_eq!(router.handle(message_sent("4")).await.status(), 200);
    assert_eq!(router.handle(message_sent("4")).await.status(), 200);
    assert_eq!(attempts.get(), 2);
}

#[tokio::test]
async fn before_message_is_never_deduplicated_because_its_answer_is_the_body() {
    let runs = RunCount::default();
    let counter = runs.clone();
    let router = WebhookRouter::builder()
        .on_before_message(move |_message: BeforeMessage| {
            counter.bump();
            async { Ok::<_, Infallible>(BeforeMessageOutcome::DoNotPropagate) }
        })
        .deduplicate(MemoryDeduper::new())
        .build();
    let copy = || EventBuilder::new(Trigger::BeforeMessage).build();

    for _ in 0..2 {
        let response = router.handle(copy()).await;
        assert_eq!(&response.body()[..], br#"{"action":"do_not_propagate"}"#);
    }
    assert_eq!(runs.get(), 2);
}

#[tokio::test(start_paused = true)]
async fn completed_keys_outlive_cometchat_retries_and_expire_after_the_ttl() {
    let (router, runs) = counting_router(MemoryDeduper::new());
    assert_eq!(MemoryDeduper::DEFAULT_TTL, Duration::from_secs(300));

    router.handle(message_sent("5")).await;
    // CometChat's retries come 10 s and 30 s after the first attempt.
    tokio::time::advance(Duration::from_secs(10)).await;
    router.handle(message_sent("5")).await;
    tokio::time::advance(Duration::from_secs(20)).await;
    router.handle(message_sent("5")).await;
    assert_eq!(runs.get(), 1);

    tokio::time::advance(Duration::from_secs(270)).await;
    router.handle(message_sent("5")).await;
    assert_eq!(runs.get(), 2, "the key expired five minutes after completion");
}

#[tokio::test]
async fn the_oldest_completed_keys_are_forgotten_beyond_the_bound() {
    let deduper = Arc::new(MemoryDeduper::new().with_max_entries(2));
    let (router, runs) = counting_router(Arc::clone(&deduper));

    for id in ["a", "b", "c"] {
        router.handle(message_sent(id)).await;
    }
    assert_eq!(deduper.len(), 2);
    router.handle(message_sent("c")).await;
    assert_eq!(runs.get(), 3, "the newest key is remembered");
    router.handle(message_sent("a")).await;
    assert_eq!(runs.get(), 4, "the oldest key was forgotten");
    assert_eq!(deduper.len(), 2);
}

#[tokio::test]
async fn huge_message_ids_cost_a_bounded_number_of_bytes() {
    let budget = 8 * 1024;
    let deduper = Arc::new(MemoryDeduper::new().with_max_bytes(budget));
    let (router, runs) = counting_router(Arc::clone(&deduper));
    let huge_id = |index: usize| format!("{index}-{}", "x".repeat(64 * 1024));

    for index in 0..40 {
        assert_eq!(router.handle(message_sent(&huge_id(index))).await.status(), 200);
        assert!(deduper.bytes() <= budget, "{} bytes after {index}", deduper.bytes());
    }
    assert_eq!(runs.get(), 40);
    // Long components are hashed, so each key costs a few hundred bytes,
    // not its 64 KiB id: many keys fit in the budget, though not all.
    assert!((10..40).contains(&deduper.len()), "{} keys remembered", deduper.len());
    assert_eq!(router.handle(message_sent(&huge_id(39))).await.status(), 200);
    assert_eq!(runs.get(), 40, "the newest key is remembered");
    router.handle(message_sent(&huge_id(0))).await;
    assert_eq!(runs.get(), 41, "the oldest key was forgotten to stay in budget");
}

#[tokio::test]
async fn memory_deduper_claims_release_and_complete() {
    let deduper = MemoryDeduper::new().with_in_flight_wait(Duration::ZERO);
    let key = message_sent("k").idempotency_key();
    let key = key.as_str();
    let lease = Duration::from_secs(60);

    let Ok(DedupeClaim::Acquired(first)) = deduper.claim(key, lease).await else {
        panic!("a free key is acquired")
    };
    assert_eq!(deduper.claim(key, lease).await.unwrap(), DedupeClaim::InFlight);
    deduper.release(key, first).await.unwrap();
    let Ok(DedupeClaim::Acquired(second)) = deduper.claim(key, lease).await else {
        panic!("a released key is acquired again")
    };
    assert!(matches!(deduper.complete(key, first).await, Err(DeliveryError::StaleLease { .. })));
    deduper.complete(key, second).await.unwrap();
    assert_eq!(deduper.claim(key, lease).await.unwrap(), DedupeClaim::Done);
    assert_eq!(deduper.len(), 1);
}

/// Answers every claim with one fixed value (`None`: the store is down),
/// and records the leases it was asked for and how claims were settled.
#[derive(Default)]
struct Scripted {
    answer: Option<DedupeClaim>,
    leases: Mutex<Vec<Duration>>,
    settled: Mutex<Vec<&'static str>>,
}

impl Scripted {
    fn answering(answer: Option<DedupeClaim>) -> Arc<Self> {
        Arc::new(Self { answer, ..Self::default() })
    }
}

impl DedupeStore for Scripted {
    fn claim<'a>(&'a self, _key: &'a str, lease: Duration) -> StoreFuture<'a, DedupeClaim> {
        self.leases.lock().unwrap().push(lease);
        let answer = self.answer.ok_or_else(|| DeliveryError::Timeout { after: lease });
        Box::pin(async move { answer })
    }

    fn complete<'a>(&'a self, _key: &'a str, _token: DedupeToken) -> StoreFuture<'a, ()> {
        self.settled.lock().unwrap().push("complete");
        Box::pin(async { Ok(()) })
    }

    fn release<'a>(&'a self, key: &'a str, token: DedupeToken) -> StoreFuture<'a, ()> {
        self.settled.lock().unwrap().push("release");
        let stale = DeliveryError::StaleLease { key: key.to_owned(), token: token.get() };
        Box::pin(async move { Err(stale) })
    }
}

#[tokio::test]
async fn the_router_obeys_any_store_and_answers_503_while_it_is_down() {
    let (done, done_runs) = counting_router(Scripted::answering(Some(DedupeClaim::Done)));
    assert_eq!(done.handle(message_sent("1")).await.status(), 200);
    assert_eq!(done_runs.get(), 0);

    let (busy, busy_runs) = counting_router(Scripted::answering(Some(DedupeClaim::InFlight)));
    assert_eq!(busy.handle(message_sent("1")).await.status(), 503);
    assert_eq!(busy_runs.get(), 0);

    let (down, down_runs) = counting_router(Scripted::answering(None));
    let refused = down.handle(message_sent("1")).await;
    assert_eq!((refused.status(), refused.header("retry-after")), (503, Some("10")));
    assert_eq!(down_runs.get(), 0);
}

#[tokio::test]
async fn claims_last_the_handler_timeout_plus_a_margin_unless_set() {
    let store = Scripted::answering(None);
    let (router, _) = counting_router(Arc::clone(&store));
    router.handle(message_sent("1")).await;
    let timeout = RouterBuilder::DEFAULT_HANDLER_TIMEOUT;
    assert_eq!(RouterBuilder::DEFAULT_DEDUPE_LEASE_MARGIN, Duration::from_secs(30));
    assert_eq!(store.leases.lock().unwrap()[0], timeout + Duration::from_secs(30));

    let store = Scripted::answering(None);
    let router = WebhookRouter::builder()
        .on(|_sent: MessageSent| async {})
        .handler_timeout(Duration::from_secs(5))
        .deduplicate(Arc::clone(&store))
        .dedupe_lease(Duration::from_secs(8))
        .try_build()
        .expect("a lease longer than the handler timeout");
    router.handle(message_sent("1")).await;
    assert_eq!(store.leases.lock().unwrap()[0], Duration::from_secs(8));
}

#[tokio::test]
async fn a_lease_not_longer_than_the_handler_timeout_is_refused() {
    let builder = || {
        WebhookRouter::builder()
            .on(|_sent: MessageSent| async {})
            .deduplicate(MemoryDeduper::new())
            .dedupe_lease(Duration::from_secs(30))
    };
    let refused = builder().try_build().expect_err("a lease equal to the timeout");
    assert_eq!(
        refused,
        RouterConfigError::DedupeLeaseNotLongerThanHandlerTimeout {
            lease: Duration::from_secs(30),
            handler_timeout: Duration::from_secs(30),
        }
    );
    assert_eq!(
        refused.to_string(),
        "the dedupe lease (30s) must be longer than the handler timeout (30s)"
    );
    let background =
        builder().handler_timeout(Duration::from_secs(45)).try_build_background(Default::default());
    assert!(background.is_err());
    // Shortening the handler timeout makes the same lease acceptable.
    assert!(builder().handler_timeout(Duration::from_secs(29)).try_build().is_ok());
}

#[tokio::test]
#[should_panic(expected = "must be longer than the handler timeout")]
async fn build_panics_with_the_refusal() {
    let _ = WebhookRouter::builder()
        .deduplicate(MemoryDeduper::new())
        .dedupe_lease(Duration::from_secs(1))
        .build();
}

#[tokio::test]
async fn a_claim_settled_after_it_was_taken_over_keeps_the_handler_outcome() {
    let store = Scripted::answering(Some(DedupeClaim::Acquired(acquired_token().await)));
    let attempts = RunCount::default();
    let counter = attempts.clone();
    let router = WebhookRouter::builder()
        .on(move |_sent: MessageSent| {
            counter.bump();
            async { Err("down") }
        })
        .deduplicate(Arc::clone(&store))
        .build();
    // The release is refused as stale: logged, and the answer is still the
    // handler's failure.
    assert_eq!(router.handle(message_sent("1")).await.status(), 500);
    assert_eq!(*store.settled.lock().unwrap(), ["release"]);
    assert_eq!(attempts.get(), 1);
}

/// A token, from the only place tokens come from: a store's claim.
async fn acquired_token() -> DedupeToken {
    match MemoryDeduper::new().claim("any", Duration::from_secs(1)).await {
        Ok(DedupeClaim::Acquired(token)) => token,
        other => panic!("{other:?}"),
    }
}
