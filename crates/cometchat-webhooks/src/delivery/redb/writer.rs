//! The single writer thread: it owns the database and runs every
//! operation that arrives while a commit is in progress in the next write
//! transaction, so concurrent enqueues share one fsync (group commit).

use redb::{Database, Durability};
use tokio::sync::{mpsc, oneshot};

use super::tables::RedbTables;
use crate::delivery::error::DeliveryError;

/// How many operations share one transaction at most.
pub(super) const MAX_BATCH: usize = 512;

/// What an operation needs from the commit of its transaction before its
/// caller is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Commit {
    /// Nothing: it only reads.
    None,
    /// Its changes visible to the operations after it, not yet on disk:
    /// the next durable commit (at the latest, the one when the store
    /// closes) writes them. For changes whose loss in a crash the queue's
    /// rules absorb, such as an ack: its event runs again, at least once.
    Visible,
    /// Its changes fsynced.
    Durable,
}

/// Tells an operation's caller how its transaction ended: `None` when it
/// committed, otherwise why not.
pub(super) type Completion = Box<dyn FnOnce(Option<&str>) + Send>;

/// One operation: runs in a write transaction and returns how to answer
/// its caller once the transaction ended, and whether it failed for a
/// storage reason (which aborts the whole batch). Given no tables (no
/// transaction could start), it only returns its completion.
pub(super) type Job = Box<dyn FnOnce(Option<&mut RedbTables<'_>>) -> Ran + Send>;

/// What a [`Job`] did.
pub(super) struct Ran {
    pub(super) completion: Completion,
    pub(super) commit: Commit,
    pub(super) storage_failed: bool,
}

/// Runs batches until every sender is gone, then makes the last visible
/// changes durable, closes the database and signals `closed`.
pub(super) fn run(database: Database, mut jobs: mpsc::Receiver<Job>, closed: oneshot::Sender<()>) {
    let mut not_durable = false;
    while let Some(first) = jobs.blocking_recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        match run_batch(&database, batch) {
            Some(Commit::Durable) => not_durable = false,
            Some(Commit::Visible) => not_durable = true,
            _ => {}
        }
    }
    if not_durable && let Err(error) = commit_durably(&database) {
        tracing::error!(%error, "redb store: the last acks could not be made durable");
    }
    drop(database);
    let _ = closed.send(());
}

/// Runs one batch in one transaction; returns the commit it made, if any.
fn run_batch(database: &Database, batch: Vec<Job>) -> Option<Commit> {
    let mut txn = match database.begin_write() {
        Ok(txn) => txn,
        Err(error) => {
            refuse(batch, &format!("could not start a transaction: {error}"));
            return None;
        }
    };
    let mut completions = Vec::with_capacity(batch.len());
    let mut commit = Commit::None;
    let mut failure = None;
    match RedbTables::open(&txn) {
        Ok(mut tables) => {
            for job in batch {
                let ran = job(Some(&mut tables));
                commit = commit.max(ran.commit);
                if ran.storage_failed && failure.is_none() {
                    failure = Some("an operation in the same transaction failed".to_owned());
                }
                completions.push(ran.completion);
            }
            if failure.is_none()
                && let Err(error) = tables.flush()
            {
                failure = Some(format!("the counters could not be written: {error}"));
            }
        }
        Err(error) => {
            refuse(batch, &error.to_string());
            return None;
        }
    }
    let outcome = match (failure, commit) {
        (Some(reason), _) => {
            let _ = txn.abort();
            Some(reason)
        }
        // Reads need no commit, and so no fsync.
        (None, Commit::None) => txn.abort().err().map(|error| error.to_string()),
        (None, Commit::Visible) => match txn.set_durability(Durability::None) {
            Ok(()) => txn.commit().err().map(|error| format!("commit failed: {error}")),
            Err(error) => Some(format!("commit failed: {error}")),
        },
        (None, Commit::Durable) => {
            txn.commit().err().map(|error| format!("commit failed: {error}"))
        }
    };
    let committed = outcome.is_none().then_some(commit);
    for completion in completions {
        completion(outcome.as_deref());
    }
    committed
}

/// An empty durable commit: fsyncs every change committed before it.
fn commit_durably(database: &Database) -> Result<(), redb::Error> {
    database.begin_write()?.commit()?;
    Ok(())
}

/// Answers every job of a batch that could not run.
fn refuse(batch: Vec<Job>, reason: &str) {
    tracing::error!(reason, "redb store: a batch of operations could not run");
    for job in batch {
        (job(None).completion)(Some(reason));
    }
}

/// The error a caller sees when its transaction did not commit.
pub(super) fn not_committed(reason: &str) -> DeliveryError {
    DeliveryError::storage(format!("the write transaction did not commit: {reason}"))
}
