//! [`RedbStore`]: the queue and dedupe store in one redb file, for one
//! machine.

mod tables;
mod writer;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use redb::{Database, DatabaseError};
use tokio::sync::{mpsc, oneshot};

use self::tables::RedbTables;
use self::writer::{Commit, Job, Ran};
use super::clock::{Clock, SystemClock, from_unix_millis, millis, unix_millis};
use super::config::QueueConfig;
use super::dedupe::{DedupeClaim, DedupeStore, DedupeToken};
use super::error::DeliveryError;
use super::event::{
    ClaimedEvent, DeadLetter, EnqueueOutcome, EventDetails, FailOutcome, Lease, QueueStats,
    StoredEvent, WorkerTurn,
};
use super::ledger::{self, Rules};
use super::queue::{EventQueue, StoreFuture};

/// How many operations may wait for the writer before callers wait to
/// hand theirs over (within their own deadlines).
const QUEUED_OPERATIONS: usize = 4 * writer::MAX_BATCH;

/// The durable queue and dedupe store in one [redb](https://www.redb.org)
/// file, for a receiver running on one machine.
///
/// - Every change is committed with fsync before its operation returns, so
///   an event [`Stored`](EnqueueOutcome::Stored) survives a crash of the
///   process or the machine, and a claim's attempt is counted before its
///   handler runs. The one exception is [`ack`](EventQueue::ack): it is
///   committed without an fsync of its own, and the next commit (at the
///   latest, [`close`](Self::close)) writes it, so a crash can bring back
///   an event that was handled just before and run it again (at least
///   once), while a worker does not wait for a disk flush after every
///   handler.
/// - One writer thread runs every operation that arrives while a commit is
///   in progress in the next transaction (up to 512), so concurrent
///   requests share one fsync instead of queueing for one each.
/// - The file is locked: a second process (or a second `RedbStore` in the
///   same process) opening it gets [`DeliveryError::Locked`]. Run one
///   receiver per file; use Redis to run several instances. Operator
///   commands reach a store a process holds through the socket it serves
///   (`OperatorSocket`, feature `operator-socket`).
///
/// Enqueue and dedupe claims, the request path, give up after the
/// configured request budget with [`DeliveryError::Timeout`].
pub struct RedbStore {
    path: PathBuf,
    rules: Rules,
    request_budget: Duration,
    clock: Arc<dyn Clock>,
    jobs: mpsc::Sender<Job>,
    closed: Mutex<Option<oneshot::Receiver<()>>>,
}

impl RedbStore {
    /// Opens the store in `path`, creating the file if it does not exist.
    ///
    /// Blocks while the file is opened (and repaired, after a crash). Fails
    /// with [`DeliveryError::Locked`] when another process has it open, and
    /// with [`DeliveryError::Config`] for a configuration that cannot work.
    pub fn open(path: impl AsRef<Path>, config: &QueueConfig) -> Result<Self, DeliveryError> {
        Self::open_with_clock(path, config, Arc::new(SystemClock))
    }

    /// Like [`open`](Self::open), reading time from `clock`.
    pub fn open_with_clock(
        path: impl AsRef<Path>,
        config: &QueueConfig,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, DeliveryError> {
        config.validate()?;
        let path = path.as_ref().to_path_buf();
        let database = Database::create(&path).map_err(|error| match error {
            DatabaseError::DatabaseAlreadyOpen => DeliveryError::Locked { path: path.clone() },
            other => DeliveryError::storage(format!("cannot open {}: {other}", path.display())),
        })?;
        create_tables(&database).map_err(|error| match error {
            DeliveryError::Storage { source } => {
                DeliveryError::storage(format!("cannot open {}: {source}", path.display()))
            }
            other => other,
        })?;
        let (jobs, receiver) = mpsc::channel(QUEUED_OPERATIONS);
        let (closed_sender, closed) = oneshot::channel();
        std::thread::Builder::new()
            .name("cometchat-webhooks-redb".into())
            .spawn(move || writer::run(database, receiver, closed_sender))
            .map_err(DeliveryError::storage)?;
        Ok(Self {
            path,
            rules: Rules::new(config),
            request_budget: config.request_budget(),
            clock,
            jobs,
            closed: Mutex::new(Some(closed)),
        })
    }

    /// The file the store lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Finishes the operations handed over, then closes the file, so it can
    /// be opened again (by this process or another) once this returns.
    /// Dropping the store closes it too, without waiting.
    pub async fn close(self) {
        let closed = self.closed.lock().unwrap_or_else(PoisonError::into_inner).take();
        drop(self.jobs);
        if let Some(closed) = closed {
            let _ = closed.await;
        }
    }

    /// Runs `operation` in the writer's next transaction and returns its
    /// result once that transaction committed.
    async fn run<T: Send + 'static>(
        &self,
        commit: Commit,
        operation: impl FnOnce(&mut RedbTables<'_>, Rules, u64) -> Result<T, DeliveryError>
        + Send
        + 'static,
    ) -> Result<T, DeliveryError> {
        let (answer, answered) = oneshot::channel();
        let rules = self.rules;
        let clock = Arc::clone(&self.clock);
        let job: Job = Box::new(move |tables| {
            let result = match tables {
                Some(tables) => operation(tables, rules, unix_millis(clock.now())),
                None => Err(DeliveryError::Closed),
            };
            let storage_failed = result.as_ref().is_err_and(|error| !is_refusal(error));
            Ran {
                commit,
                storage_failed,
                completion: Box::new(move |not_committed| {
                    let result = match not_committed {
                        // A refusal changed nothing: it stands whatever
                        // happened to the others in the batch.
                        Some(reason) if result.as_ref().is_ok() => {
                            Err(writer::not_committed(reason))
                        }
                        Some(reason) if storage_failed => Err(writer::not_committed(reason)),
                        _ => result,
                    };
                    let _ = answer.send(result);
                }),
            }
        });
        self.jobs.send(job).await.map_err(|_| DeliveryError::Closed)?;
        answered.await.map_err(|_| DeliveryError::Closed)?
    }

    /// [`run`](Self::run) within the request budget.
    async fn run_on_request_path<T: Send + 'static>(
        &self,
        operation: impl FnOnce(&mut RedbTables<'_>, Rules, u64) -> Result<T, DeliveryError>
        + Send
        + 'static,
    ) -> Result<T, DeliveryError> {
        let budget = self.request_budget;
        tokio::time::timeout(budget, self.run(Commit::Durable, operation))
            .await
            .map_err(|_| DeliveryError::Timeout { after: budget })?
    }
}

/// A logical refusal (not a storage failure) that leaves the tables as
/// they were.
fn is_refusal(error: &DeliveryError) -> bool {
    matches!(error, DeliveryError::StaleLease { .. })
}

/// Creates every table once, so read-only operations find them.
fn create_tables(database: &Database) -> Result<(), DeliveryError> {
    let txn = database.begin_write().map_err(DeliveryError::storage)?;
    RedbTables::open(&txn)?;
    txn.commit().map_err(DeliveryError::storage)
}

impl EventQueue for RedbStore {
    fn enqueue<'a>(&'a self, event: &'a StoredEvent) -> StoreFuture<'a, EnqueueOutcome> {
        let event = event.clone();
        Box::pin(self.run_on_request_path(move |tables, rules, now| {
            ledger::enqueue(tables, rules, now, &event)
        }))
    }

    fn claim(&self, lease: Duration) -> StoreFuture<'_, Option<ClaimedEvent>> {
        Box::pin(self.run(Commit::Durable, move |tables, rules, now| {
            ledger::claim(tables, rules, now, millis(lease))
        }))
    }

    fn claim_batch(&self, lease: Duration, max: usize) -> StoreFuture<'_, Vec<ClaimedEvent>> {
        Box::pin(self.run(Commit::Durable, move |tables, rules, now| {
            ledger::claim_batch(tables, rules, now, millis(lease), max)
        }))
    }

    fn renew<'a>(&'a self, lease: &'a Lease, length: Duration) -> StoreFuture<'a, SystemTime> {
        let lease = lease.clone();
        Box::pin(self.run(Commit::Durable, move |tables, _, now| {
            ledger::renew(tables, now, &lease, millis(length)).map(from_unix_millis)
        }))
    }

    fn ack<'a>(&'a self, lease: &'a Lease) -> StoreFuture<'a, ()> {
        let lease = lease.clone();
        Box::pin(self.run(Commit::Visible, move |tables, _, _| ledger::ack(tables, &lease)))
    }

    fn ack_batch<'a>(
        &'a self,
        leases: &'a [Lease],
    ) -> StoreFuture<'a, Vec<Result<(), DeliveryError>>> {
        let leases = leases.to_vec();
        Box::pin(self.run(Commit::Visible, move |tables, _, _| ledger::ack_batch(tables, &leases)))
    }

    fn ack_and_claim<'a>(
        &'a self,
        handled: &'a [Lease],
        lease: Duration,
        max: usize,
    ) -> StoreFuture<'a, WorkerTurn> {
        let handled = handled.to_vec();
        Box::pin(self.run(Commit::Durable, move |tables, rules, now| {
            let acked = ledger::ack_batch(tables, &handled)?;
            Ok(WorkerTurn {
                acked,
                claimed: ledger::claim_batch(tables, rules, now, millis(lease), max)?,
            })
        }))
    }

    fn fail<'a>(
        &'a self,
        lease: &'a Lease,
        error: &'a str,
        retry_in: Duration,
    ) -> StoreFuture<'a, FailOutcome> {
        let (lease, error) = (lease.clone(), error.to_owned());
        Box::pin(self.run(Commit::Durable, move |tables, rules, now| {
            ledger::fail(tables, rules, now, &lease, &error, millis(retry_in))
        }))
    }

    fn stats(&self) -> StoreFuture<'_, QueueStats> {
        Box::pin(self.run(Commit::None, |tables, _, _| ledger::stats(tables)))
    }

    fn dead_letters(&self, limit: usize) -> StoreFuture<'_, Vec<DeadLetter>> {
        Box::pin(self.run(Commit::None, move |tables, _, _| ledger::dead_letters(tables, limit)))
    }

    fn show<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<EventDetails>> {
        let key = key.to_owned();
        Box::pin(self.run(Commit::None, move |tables, _, _| ledger::show(tables, &key)))
    }

    fn redrive<'a>(&'a self, key: &'a str) -> StoreFuture<'a, bool> {
        let key = key.to_owned();
        Box::pin(self.run(Commit::Durable, move |tables, _, _| ledger::redrive(tables, &key)))
    }

    fn redrive_all(&self) -> StoreFuture<'_, u64> {
        Box::pin(self.run(Commit::Durable, |tables, _, _| ledger::redrive_all(tables)))
    }

    fn purge_dead(&self, older_than: Duration) -> StoreFuture<'_, u64> {
        Box::pin(self.run(Commit::Durable, move |tables, _, now| {
            ledger::purge_dead(tables, now.saturating_sub(millis(older_than)))
        }))
    }
}

impl DedupeStore for RedbStore {
    fn claim<'a>(&'a self, key: &'a str, lease: Duration) -> StoreFuture<'a, DedupeClaim> {
        let key = key.to_owned();
        Box::pin(self.run_on_request_path(move |tables, rules, now| {
            ledger::dedupe_claim(tables, rules, now, &key, millis(lease))
        }))
    }

    fn complete<'a>(&'a self, key: &'a str, token: DedupeToken) -> StoreFuture<'a, ()> {
        let key = key.to_owned();
        Box::pin(self.run(Commit::Durable, move |tables, rules, now| {
            ledger::dedupe_complete(tables, rules, now, &key, token)
        }))
    }

    fn release<'a>(&'a self, key: &'a str, token: DedupeToken) -> StoreFuture<'a, ()> {
        let key = key.to_owned();
        Box::pin(
            self.run(Commit::Durable, move |tables, _, _| {
                ledger::dedupe_release(tables, &key, token)
            }),
        )
    }
}

impl fmt::Debug for RedbStore {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("RedbStore")
            .field("path", &self.path)
            .field("rules", &self.rules)
            .field("request_budget", &self.request_budget)
            .finish_non_exhaustive()
    }
}
