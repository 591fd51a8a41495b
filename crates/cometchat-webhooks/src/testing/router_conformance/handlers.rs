//! Handlers that count their runs or hold them, for the scenarios and for
//! an adapter's own tests of a mounted router.

use std::convert::Infallible;
use std::future::{Ready, ready};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::Semaphore;

use crate::payload::MessageSent;
use crate::router::{RouterBuilder, WebhookRouter};

/// How many times a handler ran. Clones share one count, so the handler and
/// the test can each hold one.
#[derive(Debug, Clone, Default)]
pub struct RunCount(Arc<AtomicUsize>);

impl RunCount {
    /// Notes a run; returns how many runs came before it.
    pub fn record(&self) -> usize {
        self.0.fetch_add(1, Ordering::SeqCst)
    }

    /// How many runs were noted.
    pub fn get(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// A router whose one handler takes [`MessageSent`], notes its run in
/// `runs` and succeeds.
pub fn counting_router(runs: &RunCount) -> WebhookRouter {
    count_message_sent(WebhookRouter::builder(), runs).build()
}

/// Registers the handler of [`counting_router`] on `builder`.
pub(super) fn count_message_sent(builder: RouterBuilder, runs: &RunCount) -> RouterBuilder {
    let runs = runs.clone();
    builder.on(move |_sent: MessageSent| -> Ready<Result<(), Infallible>> {
        runs.record();
        ready(Ok(()))
    })
}

/// How long a scenario waits for a background worker to pick a delivery up.
const WORKER_START_LIMIT: Duration = Duration::from_secs(5);

/// Holds [`MessageSent`] handlers inside their run until the scenario lets
/// them go: the only way to keep a background worker busy while the queue
/// behind it fills up.
#[derive(Debug, Clone)]
pub(super) struct Gate {
    started: Arc<Semaphore>,
    release: Arc<Semaphore>,
}

impl Gate {
    pub(super) fn new() -> Self {
        Self { started: Arc::new(Semaphore::new(0)), release: Arc::new(Semaphore::new(0)) }
    }

    /// Registers a handler that notes its start, then waits to be let go.
    pub(super) fn hold_message_sent(&self, builder: RouterBuilder) -> RouterBuilder {
        let gate = self.clone();
        builder.on(move |_sent: MessageSent| {
            let gate = gate.clone();
            async move {
                gate.started.add_permits(1);
                // The semaphores are never closed, so acquiring cannot fail.
                if let Ok(permit) = gate.release.acquire().await {
                    permit.forget();
                }
                Ok::<_, Infallible>(())
            }
        })
    }

    /// Waits until one more handler has started.
    pub(super) async fn one_started(&self) -> Result<(), String> {
        match tokio::time::timeout(WORKER_START_LIMIT, self.started.acquire()).await {
            Ok(Ok(permit)) => {
                permit.forget();
                Ok(())
            }
            _ => Err(format!("no handler started within {WORKER_START_LIMIT:?}")),
        }
    }

    /// Lets `handlers` held handlers (present or future) finish.
    pub(super) fn release(&self, handlers: usize) {
        self.release.add_permits(handlers);
    }

    /// How many handlers started that [`one_started`](Self::one_started)
    /// has not waited for.
    pub(super) fn unawaited_starts(&self) -> usize {
        self.started.available_permits()
    }
}
