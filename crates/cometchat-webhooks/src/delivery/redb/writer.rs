//! The single writer thread: it owns the database and runs every
//! operation that arrives while a commit is in progress in the next write
//! transaction, so concurrent enqueues share one fsync (group commit).

use redb::Database;
use tokio::sync::{mpsc, oneshot};

use super::tables::RedbTables;
use crate::delivery::error::DeliveryError;

/// How many operations share one transaction at most.
pub(super) const MAX_BATCH: usize = 512;

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
    pub(super) wrote: bool,
    pub(super) storage_failed: bool,
}

/// Runs batches until every sender is gone, then closes the database and
/// signals `closed`.
pub(super) fn run(database: Database, mut jobs: mpsc::Receiver<Job>, closed: oneshot::Sender<()>) {
    while let Some(first) = jobs.blocking_recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        run_batch(&database, batch);
    }
    drop(database);
    let _ = closed.send(());
}

fn run_batch(database: &Database, batch: Vec<Job>) {
    let txn = match database.begin_write() {
        Ok(txn) => txn,
        Err(error) => return refuse(batch, &format!("could not start a transaction: {error}")),
    };
    let mut completions = Vec::with_capacity(batch.len());
    let mut wrote = false;
    let mut failure = None;
    match RedbTables::open(&txn) {
        Ok(mut tables) => {
            for job in batch {
                let ran = job(Some(&mut tables));
                wrote |= ran.wrote;
                if ran.storage_failed && failure.is_none() {
                    failure = Some("an operation in the same transaction failed".to_owned());
                }
                completions.push(ran.completion);
            }
        }
        Err(error) => return refuse(batch, &error.to_string()),
    }
    let outcome = match failure {
        Some(reason) => {
            let _ = txn.abort();
            Some(reason)
        }
        // Reads need no commit, and so no fsync.
        None if !wrote => txn.abort().err().map(|error| error.to_string()),
        None => txn.commit().err().map(|error| format!("commit failed: {error}")),
    };
    for completion in completions {
        completion(outcome.as_deref());
    }
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
