//! The queue and dedupe-store rules, checked on every engine with the same
//! scenarios: the memory and redb engines on a hand-moved clock, Redis on a
//! real server with real (short) waits.

#![cfg(all(feature = "redb", feature = "redis", feature = "testing"))]

mod delivery_support;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use cometchat_webhooks::delivery::{
    DedupeClaim, DedupeStore, DeliveryError, EnqueueOutcome, EventQueue, EventState, FailOutcome,
    ManualClock, MemoryStore, QueueConfig, RedbStore, RedisConfig, RedisStore, StoredEvent,
    WorkerTurn,
};
use cometchat_webhooks::testing::RedisServer;
use futures_util::future::join_all;
use tempfile::TempDir;

/// Short enough for Redis tests to wait for, long enough that a claim and
/// its follow-up always happen within it.
const LEASE: Duration = Duration::from_millis(400);

#[derive(Debug, Clone, Copy)]
enum Engine {
    Memory,
    Redb,
    Redis,
}

/// An engine's store, and how time passes for it.
struct Fixture {
    queue: Arc<dyn EventQueue>,
    dedupe: Arc<dyn DedupeStore>,
    clock: Option<Arc<ManualClock>>,
    _dir: TempDir,
    _redis: Option<RedisServer>,
}

impl Fixture {
    async fn new(engine: Engine, config: QueueConfig) -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let clock = Arc::new(ManualClock::default());
        match engine {
            Engine::Memory => {
                let store =
                    Arc::new(MemoryStore::with_clock(&config, clock.clone()).expect("valid"));
                Self::assemble(store, Some(clock), dir, None)
            }
            Engine::Redb => {
                let path = dir.path().join("queue.redb");
                let store = Arc::new(
                    RedbStore::open_with_clock(&path, &config, clock.clone()).expect("opens"),
                );
                Self::assemble(store, Some(clock), dir, None)
            }
            Engine::Redis => {
                let server = RedisServer::start();
                let store = RedisStore::connect(RedisConfig::new(server.url()), &config)
                    .await
                    .expect("connects to the test server");
                Self::assemble(Arc::new(store), None, dir, Some(server))
            }
        }
    }

    fn assemble<S: EventQueue + DedupeStore>(
        store: Arc<S>,
        clock: Option<Arc<ManualClock>>,
        dir: TempDir,
        redis: Option<RedisServer>,
    ) -> Self {
        Self { queue: store.clone(), dedupe: store, clock, _dir: dir, _redis: redis }
    }

    /// Lets `duration` pass: moves the manual clock, or waits.
    async fn pass(&self, duration: Duration) {
        match &self.clock {
            Some(clock) => clock.advance(duration),
            None => tokio::time::sleep(duration).await,
        }
    }
}

fn event(key: &str) -> StoredEvent {
    let body = format!(r#"{{"trigger":"message_sent","data":{{"id":"{key}"}}}}"#);
    StoredEvent::new(key, "message_sent", Bytes::from(body))
}

fn config() -> QueueConfig {
    QueueConfig::new().with_lease(LEASE)
}

fn is_stale(result: Result<impl std::fmt::Debug, DeliveryError>) -> bool {
    matches!(result, Err(DeliveryError::StaleLease { .. }))
}

async fn enqueue_dedupes_and_bounds_the_backlog(engine: Engine) {
    let config = config().with_backlog_limit(3).with_dedupe_window(Duration::from_millis(600));
    let fixture = Fixture::new(engine, config).await;
    let queue = &fixture.queue;
    assert_eq!(queue.enqueue(&event("a")).await.unwrap(), EnqueueOutcome::Stored);
    assert_eq!(queue.enqueue(&event("a")).await.unwrap(), EnqueueOutcome::Duplicate);
    assert_eq!(queue.enqueue(&event("b")).await.unwrap(), EnqueueOutcome::Stored);
    assert_eq!(queue.enqueue(&event("c")).await.unwrap(), EnqueueOutcome::Stored);
    assert_eq!(queue.enqueue(&event("d")).await.unwrap(), EnqueueOutcome::BacklogFull);
    assert_eq!(queue.stats().await.unwrap().waiting, 3);
    // A duplicate is answered before the bound is checked.
    assert_eq!(queue.enqueue(&event("b")).await.unwrap(), EnqueueOutcome::Duplicate);

    let claimed = queue.claim(LEASE).await.unwrap().expect("an event to claim");
    assert_eq!(claimed.event.idempotency_key, "a", "the oldest first");
    queue.ack(&claimed.lease).await.unwrap();
    assert!(queue.show("a").await.unwrap().is_none(), "handled events are removed");
    assert_eq!(queue.enqueue(&event("d")).await.unwrap(), EnqueueOutcome::Stored);
    assert_eq!(
        queue.enqueue(&event("a")).await.unwrap(),
        EnqueueOutcome::Duplicate,
        "a handled key is remembered for the window"
    );
    fixture.pass(Duration::from_millis(700)).await;
    let stats = queue.stats().await.unwrap();
    assert_eq!((stats.waiting, stats.live()), (3, 3));
    let claimed = queue.claim(LEASE).await.unwrap().expect("b");
    queue.ack(&claimed.lease).await.unwrap();
    assert_eq!(
        queue.enqueue(&event("a")).await.unwrap(),
        EnqueueOutcome::Stored,
        "after the window the key is new again"
    );
    assert_eq!(
        queue.enqueue(&event("c")).await.unwrap(),
        EnqueueOutcome::Duplicate,
        "a stored event stays a duplicate past the window"
    );
}

async fn claim_renew_ack_keeps_the_exact_body(engine: Engine) {
    let fixture = Fixture::new(engine, config()).await;
    let queue = &fixture.queue;
    // Not UTF-8, and larger than a typical event.
    let mut body = vec![0xff, 0x00, 0xfe];
    body.extend(std::iter::repeat_n(b'x', 256 * 1024));
    let received_at = SystemTime::UNIX_EPOCH + Duration::from_millis(1_700_000_000_123);
    let stored = StoredEvent::new("binary", "custom_trigger", Bytes::from(body.clone()))
        .received_at(received_at);
    assert_eq!(queue.enqueue(&stored).await.unwrap(), EnqueueOutcome::Stored);

    let claimed = queue.claim(LEASE).await.unwrap().expect("the event");
    assert_eq!(claimed.event, stored);
    assert_eq!(claimed.attempt, 1);
    assert!(queue.claim(LEASE).await.unwrap().is_none(), "a leased event is not handed out twice");
    let stats = queue.stats().await.unwrap();
    assert_eq!((stats.waiting, stats.in_flight), (0, 1));
    let details = queue.show("binary").await.unwrap().expect("stored");
    assert!(matches!(details.state, EventState::InFlight { .. }));
    assert_eq!((details.attempts, details.event.body.as_ref()), (1, body.as_slice()));

    // A handler that renews in time keeps its lease across several lease
    // lengths.
    for _ in 0..3 {
        fixture.pass(LEASE * 5 / 8).await;
        let until = queue.renew(&claimed.lease, LEASE).await.unwrap();
        assert!(until > claimed.lease_expires_at);
        assert!(queue.claim(LEASE).await.unwrap().is_none(), "a renewed lease holds");
    }
    queue.ack(&claimed.lease).await.unwrap();
    assert_eq!(queue.stats().await.unwrap().live(), 0);
    assert!(is_stale(queue.ack(&claimed.lease).await), "an event is acknowledged once");
    assert!(queue.claim(LEASE).await.unwrap().is_none());
}

async fn a_stale_worker_is_fenced_off(engine: Engine) {
    let fixture = Fixture::new(engine, config()).await;
    let queue = &fixture.queue;
    queue.enqueue(&event("fenced")).await.unwrap();
    let first = queue.claim(LEASE).await.unwrap().expect("first claim");
    fixture.pass(LEASE + Duration::from_millis(200)).await;
    let second = queue.claim(LEASE).await.unwrap().expect("the expired lease is claimed again");
    assert_eq!(second.event.idempotency_key, "fenced");
    assert_eq!(second.attempt, 2, "attempts are counted at claim time");
    assert!(second.lease.fencing_token() > first.lease.fencing_token());
    let noted = queue.show("fenced").await.unwrap().expect("stored").last_error;
    assert!(noted.is_some_and(|error| error.contains("lease expired")));

    assert!(is_stale(queue.renew(&first.lease, LEASE).await));
    assert!(is_stale(queue.ack(&first.lease).await));
    assert!(is_stale(queue.fail(&first.lease, "late", Duration::ZERO).await));
    assert_eq!(queue.stats().await.unwrap().in_flight, 1, "the stale calls changed nothing");
    queue.ack(&second.lease).await.unwrap();
    assert!(queue.show("fenced").await.unwrap().is_none());
}

async fn failures_retry_with_backoff_then_dead_letter(engine: Engine) {
    let fixture = Fixture::new(engine, config().with_max_attempts(3)).await;
    let queue = &fixture.queue;
    queue.enqueue(&event("poison")).await.unwrap();
    let retry_in = Duration::from_millis(300);
    for attempt in 1..=3 {
        let claimed = queue.claim(LEASE).await.unwrap().expect("due");
        assert_eq!(claimed.attempt, attempt);
        let outcome =
            queue.fail(&claimed.lease, &format!("boom {attempt}"), retry_in).await.unwrap();
        if attempt < 3 {
            assert!(matches!(outcome, FailOutcome::RetryScheduled { .. }), "{outcome:?}");
            assert!(queue.claim(LEASE).await.unwrap().is_none(), "not before its retry time");
            assert_eq!(queue.stats().await.unwrap().scheduled_retries, 1);
            fixture.pass(retry_in + Duration::from_millis(100)).await;
        } else {
            assert_eq!(outcome, FailOutcome::DeadLettered);
        }
    }
    assert!(queue.claim(LEASE).await.unwrap().is_none(), "dead letters are not handed out");
    let stats = queue.stats().await.unwrap();
    assert_eq!((stats.dead, stats.live()), (1, 0));
    let letters = queue.dead_letters(10).await.unwrap();
    assert_eq!(letters.len(), 1);
    assert_eq!(letters[0].idempotency_key, "poison");
    assert_eq!((letters[0].attempts, letters[0].last_error.as_deref()), (3, Some("boom 3")));
    let details = queue.show("poison").await.unwrap().expect("kept");
    assert!(matches!(details.state, EventState::Dead { .. }));
    assert_eq!(details.event, event("poison").received_at(details.event.received_at));
    assert_eq!(queue.enqueue(&event("poison")).await.unwrap(), EnqueueOutcome::Duplicate);

    assert!(queue.redrive("poison").await.unwrap());
    assert!(!queue.redrive("poison").await.unwrap(), "no longer a dead letter");
    assert!(!queue.redrive("unknown").await.unwrap());
    let claimed = queue.claim(LEASE).await.unwrap().expect("redriven");
    assert_eq!(claimed.attempt, 1, "a redrive starts a fresh set of attempts");
    queue.ack(&claimed.lease).await.unwrap();
    assert_eq!(queue.stats().await.unwrap(), Default::default());
}

async fn a_crashing_event_is_dead_lettered_after_max_claims(engine: Engine) {
    let fixture = Fixture::new(engine, config().with_max_attempts(2)).await;
    let queue = &fixture.queue;
    queue.enqueue(&event("crasher")).await.unwrap();
    for attempt in 1..=2 {
        let claimed = queue.claim(LEASE).await.unwrap().expect("claimable");
        assert_eq!(claimed.attempt, attempt);
        // The worker dies without a word: the lease runs out.
        fixture.pass(LEASE + Duration::from_millis(200)).await;
    }
    assert!(queue.claim(LEASE).await.unwrap().is_none(), "no third claim");
    let letters = queue.dead_letters(10).await.unwrap();
    assert_eq!(letters.len(), 1);
    assert_eq!(letters[0].attempts, 2);
    assert!(letters[0].last_error.as_deref().is_some_and(|error| error.contains("lease expired")));
}

async fn operators_redrive_and_purge_dead_letters(engine: Engine) {
    let fixture = Fixture::new(engine, config().with_max_attempts(1)).await;
    let queue = &fixture.queue;
    let keys = ["p1", "p2", "p3"];
    let kill_all = || async {
        for _ in keys {
            let claimed = queue.claim(LEASE).await.unwrap().expect("claimable");
            let outcome = queue.fail(&claimed.lease, "no", Duration::ZERO).await.unwrap();
            assert_eq!(outcome, FailOutcome::DeadLettered);
        }
    };
    for key in keys {
        queue.enqueue(&event(key)).await.unwrap();
    }
    kill_all().await;
    assert_eq!(queue.dead_letters(2).await.unwrap().len(), 2, "the limit applies");
    let listed: Vec<_> = queue
        .dead_letters(10)
        .await
        .unwrap()
        .into_iter()
        .map(|letter| letter.idempotency_key)
        .collect();
    assert_eq!(listed, keys, "oldest first");
    assert_eq!(queue.redrive_all().await.unwrap(), 3);
    assert_eq!(queue.stats().await.unwrap().waiting, 3);
    kill_all().await;

    assert_eq!(queue.purge_dead(Duration::from_secs(3600)).await.unwrap(), 0, "none that old");
    fixture.pass(Duration::from_millis(300)).await;
    assert_eq!(queue.purge_dead(Duration::from_millis(200)).await.unwrap(), 3);
    assert_eq!(queue.stats().await.unwrap(), Default::default());
    assert!(queue.show("p1").await.unwrap().is_none());
    assert_eq!(queue.redrive_all().await.unwrap(), 0);
    assert_eq!(
        queue.enqueue(&event("p1")).await.unwrap(),
        EnqueueOutcome::Duplicate,
        "a purged key is still remembered for the window"
    );
}

async fn dedupe_claims_expire_and_are_fenced(engine: Engine) {
    let fixture = Fixture::new(engine, config()).await;
    let dedupe = &fixture.dedupe;
    let DedupeClaim::Acquired(first) = dedupe.claim("k", LEASE).await.unwrap() else {
        panic!("a free key is acquired");
    };
    assert_eq!(dedupe.claim("k", LEASE).await.unwrap(), DedupeClaim::InFlight);
    dedupe.release("k", first).await.unwrap();
    let DedupeClaim::Acquired(second) = dedupe.claim("k", LEASE).await.unwrap() else {
        panic!("a released key is free again");
    };
    assert!(second > first);
    assert!(is_stale(dedupe.complete("k", first).await), "the released claim is over");
    dedupe.complete("k", second).await.unwrap();
    assert_eq!(dedupe.claim("k", LEASE).await.unwrap(), DedupeClaim::Done);
    assert!(is_stale(dedupe.release("k", second).await), "done stays done");
    assert_eq!(dedupe.claim("k", LEASE).await.unwrap(), DedupeClaim::Done);

    // A holder that died: its claim expires, and it cannot settle later.
    let DedupeClaim::Acquired(dead_holder) = dedupe.claim("other", LEASE).await.unwrap() else {
        panic!("a free key is acquired");
    };
    fixture.pass(LEASE + Duration::from_millis(200)).await;
    let DedupeClaim::Acquired(taker) = dedupe.claim("other", LEASE).await.unwrap() else {
        panic!("an expired claim is taken over");
    };
    assert!(is_stale(dedupe.complete("other", dead_holder).await));
    dedupe.complete("other", taker).await.unwrap();
    assert_eq!(dedupe.claim("other", LEASE).await.unwrap(), DedupeClaim::Done);

    // A holder past its lease that nobody took over still settles (a slow
    // round trip to the store), on every engine alike.
    let DedupeClaim::Acquired(late) = dedupe.claim("late", LEASE).await.unwrap() else {
        panic!("a free key is acquired");
    };
    fixture.pass(LEASE + Duration::from_millis(200)).await;
    dedupe.complete("late", late).await.unwrap();
    assert_eq!(dedupe.claim("late", LEASE).await.unwrap(), DedupeClaim::Done);
}

async fn batches_claim_and_ack_in_order(engine: Engine) {
    let fixture = Fixture::new(engine, config()).await;
    let queue = &fixture.queue;
    let keys = ["k1", "k2", "k3", "k4", "k5"];
    for key in keys {
        assert_eq!(queue.enqueue(&event(key)).await.unwrap(), EnqueueOutcome::Stored);
    }
    assert!(
        queue.claim_batch(LEASE, 0).await.unwrap().is_empty(),
        "nothing asked, nothing claimed"
    );
    let first = queue.claim_batch(LEASE, 3).await.unwrap();
    let claimed_keys: Vec<&str> =
        first.iter().map(|claimed| claimed.event.idempotency_key.as_str()).collect();
    assert_eq!(claimed_keys, ["k1", "k2", "k3"], "the oldest first");
    assert!(first.iter().all(|claimed| claimed.attempt == 1), "each claim counts its attempt");
    assert_eq!(first[0].event, event("k1").received_at(first[0].event.received_at));
    let mut tokens: Vec<u64> = first.iter().map(|claimed| claimed.lease.fencing_token()).collect();
    tokens.dedup();
    assert_eq!(tokens.len(), 3, "each claim has its own fencing token");
    let stats = queue.stats().await.unwrap();
    assert_eq!((stats.waiting, stats.in_flight), (2, 3));
    let rest = queue.claim_batch(LEASE, 10).await.unwrap();
    assert_eq!(rest.len(), 2, "only what is claimable");
    assert!(queue.claim_batch(LEASE, 10).await.unwrap().is_empty(), "leased events stay leased");

    let leases: Vec<_> = first.iter().chain(&rest).map(|claimed| claimed.lease.clone()).collect();
    let acked = queue.ack_batch(&leases).await.unwrap();
    assert_eq!(acked.len(), 5);
    assert!(acked.iter().all(Result::is_ok), "{acked:?}");
    assert_eq!(queue.stats().await.unwrap().live(), 0);
    for key in keys {
        assert!(queue.show(key).await.unwrap().is_none(), "handled events are removed");
        assert_eq!(
            queue.enqueue(&event(key)).await.unwrap(),
            EnqueueOutcome::Duplicate,
            "a key acked in a batch is remembered for the window"
        );
    }
    let again = queue.ack_batch(&leases).await.unwrap();
    assert!(again.into_iter().all(is_stale), "an event is acknowledged once");
    assert!(queue.ack_batch(&[]).await.unwrap().is_empty());
}

async fn a_stale_lease_in_a_batch_is_refused_alone(engine: Engine) {
    let fixture = Fixture::new(engine, config()).await;
    let queue = &fixture.queue;
    for key in ["a", "b", "c"] {
        queue.enqueue(&event(key)).await.unwrap();
    }
    let first = queue.claim_batch(LEASE, 3).await.unwrap();
    assert_eq!(first.len(), 3);
    // The worker stalls past its leases; another takes one event over.
    fixture.pass(LEASE + Duration::from_millis(200)).await;
    let second = queue.claim_batch(LEASE, 1).await.unwrap();
    assert_eq!(second.len(), 1);
    let taken = &second[0];
    assert_eq!(taken.event.idempotency_key, "a", "an expired lease first");
    assert_eq!(taken.attempt, 2, "attempts are counted at claim time");
    assert!(taken.lease.fencing_token() > first[2].lease.fencing_token());

    let leases: Vec<_> = first.iter().map(|claimed| claimed.lease.clone()).collect();
    let acked = queue.ack_batch(&leases).await.unwrap();
    assert!(
        matches!(acked[0], Err(DeliveryError::StaleLease { .. })),
        "the taken-over lease is fenced off: {acked:?}"
    );
    assert!(
        acked[1].is_ok() && acked[2].is_ok(),
        "expired leases not claimed again are honoured, whatever the rest of the batch: {acked:?}"
    );
    let details = queue.show("a").await.unwrap().expect("the stale ack changed nothing");
    assert!(matches!(details.state, EventState::InFlight { .. }));
    assert_eq!(details.attempts, 2);
    assert!(queue.show("b").await.unwrap().is_none() && queue.show("c").await.unwrap().is_none());
    assert_eq!(queue.stats().await.unwrap().in_flight, 1);
    let acked = queue.ack_batch(std::slice::from_ref(&taken.lease)).await.unwrap();
    assert!(acked[0].is_ok());
    assert_eq!(queue.stats().await.unwrap().live(), 0);
}

async fn a_batch_claim_dead_letters_events_over_their_limit(engine: Engine) {
    let fixture = Fixture::new(engine, config().with_max_attempts(1)).await;
    let queue = &fixture.queue;
    queue.enqueue(&event("x")).await.unwrap();
    queue.enqueue(&event("y")).await.unwrap();
    assert_eq!(queue.claim_batch(LEASE, 2).await.unwrap().len(), 2);
    // The worker dies holding both: their leases run out.
    fixture.pass(LEASE + Duration::from_millis(200)).await;
    queue.enqueue(&event("z")).await.unwrap();
    let claimed = queue.claim_batch(LEASE, 5).await.unwrap();
    let claimed_keys: Vec<&str> =
        claimed.iter().map(|claimed| claimed.event.idempotency_key.as_str()).collect();
    assert_eq!(claimed_keys, ["z"], "x and y were claimed as often as allowed");
    let mut dead: Vec<String> = queue
        .dead_letters(10)
        .await
        .unwrap()
        .into_iter()
        .map(|letter| letter.idempotency_key)
        .collect();
    dead.sort();
    assert_eq!(dead, ["x", "y"]);
    let stats = queue.stats().await.unwrap();
    assert_eq!((stats.dead, stats.in_flight, stats.waiting), (2, 1, 0));
}

/// A worker's turn: the last batch's acks and the next claim in one call,
/// each ack fenced on its own, the claim made whatever the acks found.
async fn a_turn_acks_the_last_batch_and_claims_the_next(engine: Engine) {
    let fixture = Fixture::new(engine, config()).await;
    let queue = &fixture.queue;
    for key in ["a", "b", "c", "d"] {
        queue.enqueue(&event(key)).await.unwrap();
    }
    let first = queue.claim_batch(LEASE, 2).await.unwrap();
    let leases: Vec<_> = first.iter().map(|claimed| claimed.lease.clone()).collect();
    let WorkerTurn { acked, claimed: next } = queue.ack_and_claim(&leases, LEASE, 5).await.unwrap();
    assert!(acked.len() == 2 && acked.iter().all(Result::is_ok), "{acked:?}");
    let next_keys: Vec<&str> =
        next.iter().map(|claimed| claimed.event.idempotency_key.as_str()).collect();
    assert_eq!(next_keys, ["c", "d"]);
    assert!(queue.show("a").await.unwrap().is_none() && queue.show("b").await.unwrap().is_none());
    let stats = queue.stats().await.unwrap();
    assert_eq!((stats.in_flight, stats.waiting), (2, 0));

    // Acked already: refused alone, and the (empty) claim still answers.
    let WorkerTurn { acked: again, claimed: none } =
        queue.ack_and_claim(&leases, LEASE, 5).await.unwrap();
    assert!(again.into_iter().all(is_stale), "an event is acknowledged once");
    assert!(none.is_empty());
    let leases: Vec<_> = next.iter().map(|claimed| claimed.lease.clone()).collect();
    let WorkerTurn { acked, claimed: none } = queue.ack_and_claim(&leases, LEASE, 0).await.unwrap();
    assert!(acked.iter().all(Result::is_ok) && none.is_empty(), "{acked:?}");
    assert_eq!(queue.stats().await.unwrap().live(), 0);
}

/// Claims and acks everything waiting; the keys claimed, in claim order.
async fn drain(queue: &dyn EventQueue) -> Vec<String> {
    let mut keys = Vec::new();
    loop {
        let claimed = queue.claim_batch(LEASE, 64).await.unwrap();
        if claimed.is_empty() {
            return keys;
        }
        for claimed in claimed {
            queue.ack(&claimed.lease).await.unwrap();
            keys.push(claimed.event.idempotency_key);
        }
    }
}

async fn concurrent_enqueues_store_each_event_once(engine: Engine) {
    const EVENTS: usize = 200;
    let fixture = Fixture::new(engine, config()).await;
    let queue = fixture.queue.as_ref();
    let events: Vec<StoredEvent> = (0..EVENTS).map(|index| event(&format!("e{index}"))).collect();
    let outcomes = join_all(events.iter().map(|event| queue.enqueue(event))).await;
    for (event, outcome) in events.iter().zip(outcomes) {
        assert_eq!(outcome.unwrap(), EnqueueOutcome::Stored, "{}", event.idempotency_key);
    }
    assert_eq!(queue.stats().await.unwrap().waiting, EVENTS as u64);
    let mut claimed = drain(queue).await;
    claimed.sort();
    let mut expected: Vec<String> = events.into_iter().map(|event| event.idempotency_key).collect();
    expected.sort();
    assert_eq!(claimed, expected, "every event claimed exactly once");
    for event in claimed.iter().take(3) {
        assert!(queue.show(event).await.unwrap().is_none(), "acked events are removed");
    }
}

async fn concurrent_enqueues_of_one_key_store_it_once(engine: Engine) {
    let fixture = Fixture::new(engine, config()).await;
    let queue = fixture.queue.as_ref();
    let copies: Vec<StoredEvent> = (0..20).map(|_| event("same")).collect();
    let others: Vec<StoredEvent> = (0..5).map(|index| event(&format!("other-{index}"))).collect();
    let outcomes = join_all(copies.iter().chain(&others).map(|event| queue.enqueue(event))).await;
    let (same, other) = outcomes.split_at(copies.len());
    let stored = same.iter().filter(|outcome| matches!(outcome, Ok(EnqueueOutcome::Stored)));
    let duplicates = same.iter().filter(|outcome| matches!(outcome, Ok(EnqueueOutcome::Duplicate)));
    assert_eq!((stored.count(), duplicates.count()), (1, copies.len() - 1), "{same:?}");
    assert!(other.iter().all(|outcome| matches!(outcome, Ok(EnqueueOutcome::Stored))));
    let mut claimed = drain(queue).await;
    claimed.sort();
    assert_eq!(claimed, ["other-0", "other-1", "other-2", "other-3", "other-4", "same"]);
}

async fn the_backlog_bound_holds_among_concurrent_enqueues(engine: Engine) {
    const LIMIT: usize = 5;
    let fixture = Fixture::new(engine, config().with_backlog_limit(LIMIT as u64)).await;
    let queue = fixture.queue.as_ref();
    let events: Vec<StoredEvent> = (0..20).map(|index| event(&format!("b{index}"))).collect();
    let outcomes = join_all(events.iter().map(|event| queue.enqueue(event))).await;
    let count = |wanted: EnqueueOutcome| {
        outcomes.iter().filter(|outcome| matches!(outcome, Ok(got) if *got == wanted)).count()
    };
    assert_eq!(count(EnqueueOutcome::Stored), LIMIT, "{outcomes:?}");
    assert_eq!(count(EnqueueOutcome::BacklogFull), events.len() - LIMIT, "{outcomes:?}");
    assert_eq!(queue.stats().await.unwrap().waiting, LIMIT as u64);
    assert_eq!(drain(queue).await.len(), LIMIT);
}

macro_rules! on_every_engine {
    ($($scenario:ident),* $(,)?) => {
        mod memory {
            $(#[tokio::test] async fn $scenario() { super::$scenario(super::Engine::Memory).await })*
        }
        mod redb {
            $(#[tokio::test] async fn $scenario() { super::$scenario(super::Engine::Redb).await })*
        }
        mod redis {
            $(#[tokio::test] async fn $scenario() { super::$scenario(super::Engine::Redis).await })*
        }
    };
}

on_every_engine!(
    enqueue_dedupes_and_bounds_the_backlog,
    claim_renew_ack_keeps_the_exact_body,
    a_stale_worker_is_fenced_off,
    failures_retry_with_backoff_then_dead_letter,
    a_crashing_event_is_dead_lettered_after_max_claims,
    operators_redrive_and_purge_dead_letters,
    dedupe_claims_expire_and_are_fenced,
    batches_claim_and_ack_in_order,
    a_stale_lease_in_a_batch_is_refused_alone,
    a_batch_claim_dead_letters_events_over_their_limit,
    a_turn_acks_the_last_batch_and_claims_the_next,
    concurrent_enqueues_store_each_event_once,
    concurrent_enqueues_of_one_key_store_it_once,
    the_backlog_bound_holds_among_concurrent_enqueues,
);

/// Redis looks for expired leases at most once a second (or once per lease,
/// when that is shorter) rather than on every claim: a lease longer than
/// that is never handed out before it ends, and is handed out again within
/// about a second after, while claims keep coming.
#[tokio::test]
async fn redis_hands_out_an_expired_lease_within_a_second_of_its_end() {
    const LONG_LEASE: Duration = Duration::from_millis(1_500);
    /// The documented delay, plus room for a slow test machine.
    const LATEST: Duration = Duration::from_millis(1_500 + 1_000 + 700);
    let fixture = Fixture::new(Engine::Redis, QueueConfig::new().with_lease(LONG_LEASE)).await;
    let queue = &fixture.queue;
    queue.enqueue(&event("abandoned")).await.unwrap();
    let claimed_at = tokio::time::Instant::now();
    let first = queue.claim(LONG_LEASE).await.unwrap().expect("the first claim");
    let again = loop {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let asked_after = claimed_at.elapsed();
        let claimed = queue.claim(LONG_LEASE).await.unwrap();
        // The server decided between the two readings of the clock.
        let answered_after = claimed_at.elapsed();
        if let Some(claimed) = claimed {
            assert!(
                answered_after >= LONG_LEASE,
                "handed out again {answered_after:?} after the claim, before its lease ended"
            );
            break claimed;
        }
        assert!(asked_after < LATEST, "still not handed out again after {asked_after:?}");
    };
    assert_eq!(again.event.idempotency_key, "abandoned");
    assert_eq!(again.attempt, 2);
    assert!(is_stale(queue.ack(&first.lease).await));
    queue.ack(&again.lease).await.unwrap();
}

/// With the server down every enqueue fails within its budget, none is
/// reported stored; once the server is back, enqueues store again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_stopped_fails_enqueues_within_the_budget_until_restarted() {
    let budget = Duration::from_millis(500);
    let mut server = RedisServer::start();
    let redis = RedisConfig::new(server.url()).with_command_timeout(Duration::from_secs(1));
    let store = RedisStore::connect(redis, &config().with_request_budget(budget)).await.unwrap();
    assert_eq!(store.enqueue(&event("up")).await.unwrap(), EnqueueOutcome::Stored);

    server.stop();
    let events: Vec<StoredEvent> = (0..20).map(|index| event(&format!("down-{index}"))).collect();
    let started = tokio::time::Instant::now();
    let outcomes = join_all(events.iter().map(|event| store.enqueue(event))).await;
    let took = started.elapsed();
    for outcome in &outcomes {
        assert!(
            matches!(outcome, Err(error) if error.is_transient()),
            "never stored while the server is down: {outcome:?}"
        );
    }
    // A deadline, not a benchmark: slack for a loaded machine.
    assert!(took < budget + Duration::from_millis(500), "answered after {took:?}");

    server.restart();
    let started = tokio::time::Instant::now();
    loop {
        match store.enqueue(&event("back")).await {
            Ok(outcome) => {
                assert_eq!(outcome, EnqueueOutcome::Stored);
                break;
            }
            Err(error) => assert!(error.is_transient(), "{error}"),
        }
        assert!(started.elapsed() < Duration::from_secs(15), "the store did not come back");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let outcomes = join_all(events.iter().map(|event| store.enqueue(event))).await;
    assert!(outcomes.iter().all(|outcome| outcome.is_ok()), "{outcomes:?}");
}
