//! Random interleavings of enqueue, claim (one or a batch), renew, ack (one
//! or a batch), fail, worker
//! crashes (leases left to expire), store restarts, redrives and purges,
//! checked step by step against a plain model of the queue: the outcome
//! of every call, the state and attempts of every event, and the counts.
//! In particular, nothing acknowledged as stored disappears until it is
//! acked or purged.

#![cfg(feature = "redb")]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use cometchat_webhooks::delivery::{
    DeliveryError, EnqueueOutcome, EventQueue, EventState, FailOutcome, Lease, ManualClock,
    MemoryStore, QueueConfig, QueueStats, RedbStore, StoredEvent,
};
use proptest::prelude::*;

const KEYS: u8 = 6;
const WORKERS: u8 = 3;
const LEASE_MS: u64 = 300;
const MAX_ATTEMPTS: u32 = 3;
const BACKLOG: u64 = 4;
const WINDOW_MS: u64 = 1_000;

#[derive(Debug, Clone)]
enum Op {
    Enqueue(u8),
    Claim(u8),
    /// A worker claims up to this many events in one call.
    ClaimBatch(u8, u8),
    Renew(u8, u8),
    Ack(u8, u8),
    Fail(u8, u8, u64),
    /// A worker acks every lease it holds in one call.
    AckAll(u8),
    /// The worker dies: its leases are never settled.
    Crash(u8),
    /// The store is closed and opened again (every worker dies too).
    Restart,
    Advance(u64),
    Redrive(u8),
    Purge(u64),
}

fn op() -> impl Strategy<Value = Op> {
    let key = 0..KEYS;
    let worker = 0..WORKERS;
    prop_oneof![
        4 => key.clone().prop_map(Op::Enqueue),
        4 => worker.clone().prop_map(Op::Claim),
        2 => (worker.clone(), 0..4u8).prop_map(|(w, n)| Op::ClaimBatch(w, n)),
        1 => worker.clone().prop_map(Op::AckAll),
        1 => (worker.clone(), any::<u8>()).prop_map(|(w, i)| Op::Renew(w, i)),
        3 => (worker.clone(), any::<u8>()).prop_map(|(w, i)| Op::Ack(w, i)),
        2 => (worker.clone(), any::<u8>(), prop::sample::select(vec![0u64, 100, 1_000]))
            .prop_map(|(w, i, retry)| Op::Fail(w, i, retry)),
        1 => worker.prop_map(Op::Crash),
        1 => Just(Op::Restart),
        3 => prop::sample::select(vec![50u64, 200, 400, 1_500]).prop_map(Op::Advance),
        1 => key.prop_map(Op::Redrive),
        1 => prop::sample::select(vec![0u64, 500]).prop_map(Op::Purge),
    ]
}

fn key(index: u8) -> String {
    format!("key-{index}")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Waiting { seq: u64 },
    InFlight { token: u64, until: u64 },
    Scheduled { at: u64, seq: u64 },
    Dead { at: u64 },
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    attempts: u32,
    state: State,
}

/// The queue as plainly as it can be written.
#[derive(Debug, Default)]
struct Model {
    now: u64,
    seq: u64,
    last_token: u64,
    events: BTreeMap<String, Entry>,
    seen_until: BTreeMap<String, u64>,
}

impl Model {
    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    fn live(&self) -> u64 {
        self.events.values().filter(|entry| !matches!(entry.state, State::Dead { .. })).count()
            as u64
    }

    fn enqueue(&mut self, key: &str) -> EnqueueOutcome {
        if self.events.contains_key(key)
            || self.seen_until.get(key).is_some_and(|&until| until > self.now)
        {
            return EnqueueOutcome::Duplicate;
        }
        if self.live() >= BACKLOG {
            return EnqueueOutcome::BacklogFull;
        }
        let seq = self.next_seq();
        self.events.insert(key.to_owned(), Entry { attempts: 0, state: State::Waiting { seq } });
        self.seen_until.insert(key.to_owned(), self.now + WINDOW_MS);
        EnqueueOutcome::Stored
    }

    /// The event the next claim takes: an expired lease, a due retry, the
    /// oldest waiting event, in that order.
    fn next_claimable(&self) -> Option<String> {
        let pick = |rank: &dyn Fn(&State) -> Option<(u64, u64)>| {
            self.events
                .iter()
                .filter_map(|(key, entry)| rank(&entry.state).map(|order| (order, key.clone())))
                .min()
                .map(|(_, key)| key)
        };
        let now = self.now;
        pick(&|state| match *state {
            State::InFlight { token, until } if until <= now => Some((until, token)),
            _ => None,
        })
        .or_else(|| {
            pick(&|state| match *state {
                State::Scheduled { at, seq } if at <= now => Some((at, seq)),
                _ => None,
            })
        })
        .or_else(|| {
            pick(&|state| match *state {
                State::Waiting { seq } => Some((seq, 0)),
                _ => None,
            })
        })
    }

    /// Runs a claim; returns the key and attempt expected to be handed out.
    fn claim(&mut self) -> Option<(String, u32)> {
        loop {
            let key = self.next_claimable()?;
            let now = self.now;
            let entry = self.events.get_mut(&key).expect("claimable events are stored");
            entry.attempts += 1;
            if entry.attempts > MAX_ATTEMPTS {
                entry.attempts = MAX_ATTEMPTS;
                entry.state = State::Dead { at: now };
                continue;
            }
            return Some((key, entry.attempts));
        }
    }

    fn holds(&self, lease: &Lease) -> bool {
        matches!(self.events.get(lease.key()),
            Some(Entry { state: State::InFlight { token, .. }, .. }) if *token == lease.fencing_token())
    }
}

/// An engine under test, opened again on restart.
enum Subject {
    Memory(Arc<MemoryStore>),
    Redb { store: Option<RedbStore>, path: PathBuf, clock: Arc<ManualClock> },
}

impl Subject {
    fn queue(&self) -> &dyn EventQueue {
        match self {
            Subject::Memory(store) => store.as_ref(),
            Subject::Redb { store, .. } => store.as_ref().expect("open"),
        }
    }

    async fn restart(&mut self) {
        if let Subject::Redb { store, path, clock } = self {
            if let Some(open) = store.take() {
                open.close().await;
            }
            *store = Some(open_redb(path, clock.clone()));
        }
    }
}

fn config() -> QueueConfig {
    QueueConfig::new()
        .with_lease(Duration::from_millis(LEASE_MS))
        .with_max_attempts(MAX_ATTEMPTS)
        .with_backlog_limit(BACKLOG)
        .with_dedupe_window(Duration::from_millis(WINDOW_MS))
}

fn open_redb(path: &Path, clock: Arc<ManualClock>) -> RedbStore {
    RedbStore::open_with_clock(path, &config(), clock).expect("the store opens")
}

fn start_time() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_millis(1_700_000_000_000)
}

async fn run(
    mut subject: Subject,
    clock: Arc<ManualClock>,
    ops: Vec<Op>,
) -> Result<(), TestCaseError> {
    let mut model = Model { now: 1_700_000_000_000, ..Model::default() };
    let mut workers: Vec<Vec<Lease>> = vec![Vec::new(); WORKERS as usize];
    for (step, op) in ops.into_iter().enumerate() {
        let queue = subject.queue();
        match op {
            Op::Enqueue(index) => {
                let key = key(index);
                let event =
                    StoredEvent::new(&key, "message_sent", Bytes::from(format!("body of {key}")));
                let outcome = queue.enqueue(&event).await.expect("enqueue");
                prop_assert_eq!(outcome, model.enqueue(&key), "step {}: enqueue {}", step, key);
            }
            Op::Claim(worker) => {
                let claimed = queue.claim(Duration::from_millis(LEASE_MS)).await.expect("claim");
                let expected = model.claim();
                match (claimed, expected) {
                    (None, None) => {}
                    (Some(claimed), Some((key, attempt))) => {
                        prop_assert_eq!(&claimed.event.idempotency_key, &key, "step {}", step);
                        prop_assert_eq!(claimed.attempt, attempt);
                        prop_assert_eq!(claimed.event.body, Bytes::from(format!("body of {key}")));
                        let token = claimed.lease.fencing_token();
                        prop_assert!(token > model.last_token, "fencing tokens increase");
                        model.last_token = token;
                        model.events.get_mut(&key).expect("claimed").state =
                            State::InFlight { token, until: model.now + LEASE_MS };
                        workers[worker as usize].push(claimed.lease);
                    }
                    (claimed, expected) => {
                        prop_assert!(
                            false,
                            "step {}: claimed {:?}, model expected {:?}",
                            step,
                            claimed,
                            expected
                        );
                    }
                }
            }
            Op::ClaimBatch(worker, max) => {
                let lease = Duration::from_millis(LEASE_MS);
                let claimed = queue.claim_batch(lease, usize::from(max)).await.expect("claim");
                let mut expected = 0;
                while expected < usize::from(max) {
                    let Some((key, attempt)) = model.claim() else { break };
                    let Some(got) = claimed.get(expected) else {
                        return Err(TestCaseError::fail(format!(
                            "step {step}: batch of {max} claimed {} events, model expected {key} next",
                            claimed.len()
                        )));
                    };
                    prop_assert_eq!(&got.event.idempotency_key, &key, "step {}", step);
                    prop_assert_eq!(got.attempt, attempt);
                    let token = got.lease.fencing_token();
                    prop_assert!(token > model.last_token, "fencing tokens increase");
                    model.last_token = token;
                    model.events.get_mut(&key).expect("claimed").state =
                        State::InFlight { token, until: model.now + LEASE_MS };
                    workers[worker as usize].push(got.lease.clone());
                    expected += 1;
                }
                prop_assert_eq!(claimed.len(), expected, "step {}: batch claim", step);
            }
            Op::AckAll(worker) => {
                let leases = std::mem::take(&mut workers[worker as usize]);
                let acked = queue.ack_batch(&leases).await.expect("ack batch");
                prop_assert_eq!(acked.len(), leases.len());
                for (lease, acked) in leases.iter().zip(acked) {
                    let held = model.holds(lease);
                    prop_assert_eq!(acked.is_ok(), held, "step {}: ack {:?}", step, acked);
                    if held {
                        model.events.remove(lease.key());
                    } else {
                        let stale = matches!(acked, Err(DeliveryError::StaleLease { .. }));
                        prop_assert!(stale, "step {}: {:?}", step, acked);
                    }
                }
            }
            Op::Renew(worker, pick) | Op::Ack(worker, pick) | Op::Fail(worker, pick, _) => {
                let leases = &mut workers[worker as usize];
                if leases.is_empty() {
                    continue;
                }
                let lease = leases.remove(pick as usize % leases.len());
                let held = model.holds(&lease);
                match op {
                    Op::Renew(..) => {
                        let renewed = queue.renew(&lease, Duration::from_millis(LEASE_MS)).await;
                        prop_assert_eq!(
                            renewed.is_ok(),
                            held,
                            "step {}: renew {:?}",
                            step,
                            renewed
                        );
                        if held {
                            let until = model.now + LEASE_MS;
                            model.events.get_mut(lease.key()).expect("held").state =
                                State::InFlight { token: lease.fencing_token(), until };
                            workers[worker as usize].push(lease);
                        }
                    }
                    Op::Ack(..) => {
                        let acked = queue.ack(&lease).await;
                        prop_assert_eq!(acked.is_ok(), held, "step {}: ack {:?}", step, acked);
                        if held {
                            model.events.remove(lease.key());
                        }
                    }
                    Op::Fail(_, _, retry_ms) => {
                        let failed = queue
                            .fail(&lease, "handler failed", Duration::from_millis(retry_ms))
                            .await;
                        prop_assert_eq!(failed.is_ok(), held, "step {}: fail {:?}", step, failed);
                        if !held {
                            let stale = matches!(failed, Err(DeliveryError::StaleLease { .. }));
                            prop_assert!(stale, "step {}: {:?}", step, failed);
                            continue;
                        }
                        let now = model.now;
                        let seq = model.next_seq();
                        let entry = model.events.get_mut(lease.key()).expect("held");
                        if entry.attempts >= MAX_ATTEMPTS {
                            prop_assert_eq!(failed.expect("held"), FailOutcome::DeadLettered);
                            entry.state = State::Dead { at: now };
                        } else {
                            let scheduled =
                                matches!(failed, Ok(FailOutcome::RetryScheduled { .. }));
                            prop_assert!(scheduled, "step {}: {:?}", step, failed);
                            entry.state = State::Scheduled { at: now + retry_ms, seq };
                        }
                    }
                    _ => unreachable!("matched above"),
                }
            }
            Op::Crash(worker) => workers[worker as usize].clear(),
            Op::Restart => {
                workers.iter_mut().for_each(Vec::clear);
                subject.restart().await;
            }
            Op::Advance(ms) => {
                clock.advance(Duration::from_millis(ms));
                model.now += ms;
            }
            Op::Redrive(index) => {
                let key = key(index);
                let redriven = queue.redrive(&key).await.expect("redrive");
                let dead =
                    matches!(model.events.get(&key), Some(Entry { state: State::Dead { .. }, .. }));
                prop_assert_eq!(redriven, dead, "step {}: redrive {}", step, key);
                if dead {
                    let seq = model.next_seq();
                    model.events.insert(key, Entry { attempts: 0, state: State::Waiting { seq } });
                }
            }
            Op::Purge(older_than) => {
                let purged =
                    queue.purge_dead(Duration::from_millis(older_than)).await.expect("purge");
                let cutoff = model.now.saturating_sub(older_than);
                let before = model.events.len();
                model
                    .events
                    .retain(|_, entry| !matches!(entry.state, State::Dead { at } if at <= cutoff));
                prop_assert_eq!(
                    purged,
                    (before - model.events.len()) as u64,
                    "step {}: purge",
                    step
                );
            }
        }
        check(subject.queue(), &model, step).await?;
    }
    Ok(())
}

/// Every stored event is where the model says, and nothing else is stored.
async fn check(queue: &dyn EventQueue, model: &Model, step: usize) -> Result<(), TestCaseError> {
    let mut expected = QueueStats::default();
    for index in 0..KEYS {
        let key = key(index);
        let shown = queue.show(&key).await.expect("show");
        let Some(entry) = model.events.get(&key) else {
            prop_assert!(shown.is_none(), "step {}: {} should be gone, is {:?}", step, key, shown);
            continue;
        };
        let Some(details) = shown else {
            return Err(TestCaseError::fail(format!("step {step}: {key} was lost ({entry:?})")));
        };
        prop_assert_eq!(details.attempts, entry.attempts, "step {}: attempts of {}", step, key);
        let at = |ms: u64| SystemTime::UNIX_EPOCH + Duration::from_millis(ms);
        let state_matches = match (details.state, entry.state) {
            (EventState::Waiting, State::Waiting { .. }) => true,
            (EventState::InFlight { lease_expires_at }, State::InFlight { until, .. }) => {
                lease_expires_at == at(until)
            }
            (EventState::Scheduled { retry_at }, State::Scheduled { at: due, .. }) => {
                retry_at == at(due)
            }
            (EventState::Dead { since }, State::Dead { at: died }) => since == at(died),
            _ => false,
        };
        prop_assert!(
            state_matches,
            "step {}: {} is {:?}, model {:?}",
            step,
            key,
            details.state,
            entry.state
        );
        match entry.state {
            State::Waiting { .. } => expected.waiting += 1,
            State::InFlight { .. } => expected.in_flight += 1,
            State::Scheduled { .. } => expected.scheduled_retries += 1,
            State::Dead { .. } => expected.dead += 1,
        }
    }
    prop_assert_eq!(queue.stats().await.expect("stats"), expected, "step {}: stats", step);
    Ok(())
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn memory_engine_follows_the_model(ops in prop::collection::vec(op(), 1..60)) {
        let clock = Arc::new(ManualClock::new(start_time()));
        let store = Arc::new(MemoryStore::with_clock(&config(), clock.clone()).expect("valid"));
        runtime().block_on(run(Subject::Memory(store), clock, ops))?;
    }
}

proptest! {
    // Every redb write is an fsync: fewer cases, each still up to 60 steps.
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn redb_engine_follows_the_model(ops in prop::collection::vec(op(), 1..60)) {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("model.redb");
        let clock = Arc::new(ManualClock::new(start_time()));
        let store = open_redb(&path, clock.clone());
        let subject = Subject::Redb { store: Some(store), path, clock: clock.clone() };
        runtime().block_on(run(subject, clock, ops))?;
    }
}
