//! The workers of a durable listener: each claims a stored event under a
//! lease, renews the lease while handling it, and acks it or records the
//! failure (a retry later, or a dead letter after the last attempt).
//! Shutdown stops claiming and gives the events being handled a grace
//! period; anything unfinished stays stored and is claimed again once its
//! lease expires, by this listener's next start or another instance.

use std::sync::Arc;
use std::time::Duration;

use cometchat_webhooks::delivery::{
    ClaimedEvent, DeliveryError, EventQueue, FailOutcome, QueueConfig,
};
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::handling::Handling;
use crate::duration_arg::format_duration;
use crate::output::print_warning;
use crate::terminal_text::one_line;

/// How long an idle worker waits before asking the store again.
const IDLE_POLL: Duration = Duration::from_millis(200);
/// How long a worker waits after the store failed before trying again.
const STORE_RETRY: Duration = Duration::from_secs(1);

/// Running workers.
pub(crate) struct Workers {
    stop: watch::Sender<bool>,
    tasks: JoinSet<()>,
}

/// How the workers ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Drained {
    /// Every event being handled finished within the grace period.
    Finished,
    /// This many workers were still handling an event when the grace
    /// period ended; their events stay stored.
    Abandoned(usize),
}

struct Worker {
    queue: Arc<dyn EventQueue>,
    config: QueueConfig,
    handling: Arc<Handling>,
    timeout: Duration,
    stop: watch::Receiver<bool>,
}

impl Workers {
    /// Starts `count` workers. `timeout` bounds one attempt; the lease in
    /// `config` must be longer (renewed every third of it meanwhile).
    pub(crate) fn start(
        count: u16,
        queue: &Arc<dyn EventQueue>,
        config: &QueueConfig,
        handling: &Arc<Handling>,
        timeout: Duration,
    ) -> Self {
        let (stop, stopped) = watch::channel(false);
        let mut tasks = JoinSet::new();
        for _ in 0..count {
            let worker = Worker {
                queue: Arc::clone(queue),
                config: config.clone(),
                handling: Arc::clone(handling),
                timeout,
                stop: stopped.clone(),
            };
            tasks.spawn(worker.run());
        }
        Self { stop, tasks }
    }

    /// Stops claiming, waits up to `grace` for the events being handled,
    /// then abandons the rest (still stored, claimed again later).
    pub(crate) async fn shutdown(mut self, grace: Duration) -> Drained {
        // Every worker holds a receiver, so this cannot fail while any runs.
        let _ = self.stop.send(true);
        let drained =
            tokio::time::timeout(grace, async { while self.tasks.join_next().await.is_some() {} })
                .await;
        match drained {
            Ok(()) => Drained::Finished,
            Err(_) => {
                let left = self.tasks.len();
                self.tasks.shutdown().await;
                Drained::Abandoned(left)
            }
        }
    }
}

impl Worker {
    async fn run(mut self) {
        let mut store_failing = false;
        while !*self.stop.borrow() {
            // A claim is not interrupted by shutdown: a claim dropped half
            // way could hold an event nobody handles until its lease ends.
            match self.queue.claim(self.config.lease()).await {
                Ok(Some(claimed)) => {
                    store_failing = false;
                    self.handle(claimed).await;
                }
                Ok(None) => {
                    store_failing = false;
                    self.pause(IDLE_POLL).await;
                }
                Err(error) => {
                    // One warning per outage, not one per poll.
                    if !store_failing {
                        print_warning(format_args!(
                            "cannot claim stored events: {}; trying again every {}",
                            one_line(error.to_string().as_bytes()),
                            format_duration(STORE_RETRY)
                        ));
                    }
                    store_failing = true;
                    self.pause(STORE_RETRY).await;
                }
            }
        }
    }

    /// Sleeps, or returns early on shutdown.
    async fn pause(&mut self, length: Duration) {
        tokio::select! {
            () = tokio::time::sleep(length) => {}
            _ = self.stop.changed() => {}
        }
    }

    async fn handle(&self, claimed: ClaimedEvent) {
        let result = self.attempt(&claimed).await;
        let key = one_line(claimed.lease.key().as_bytes());
        let settled = match result {
            Ok(()) => self.queue.ack(&claimed.lease).await.map(|()| None),
            Err(reason) => {
                let retry_in = self.config.backoff().delay(claimed.attempt);
                self.queue
                    .fail(&claimed.lease, &reason, retry_in)
                    .await
                    .map(|outcome| Some((reason, outcome, retry_in)))
            }
        };
        let max = self.config.max_attempts();
        match settled {
            Ok(None) => {}
            Ok(Some((reason, FailOutcome::DeadLettered, _))) => print_warning(format_args!(
                "{key}: attempt {}/{max} failed ({reason}); it is now a dead letter \
                 (`cometchat-webhooks queue … dead` lists it, `redrive` retries it)",
                claimed.attempt
            )),
            Ok(Some((reason, _, retry_in))) => print_warning(format_args!(
                "{key}: attempt {}/{max} failed ({reason}); retrying in about {}",
                claimed.attempt,
                format_duration(retry_in)
            )),
            Err(DeliveryError::StaleLease { .. }) => print_warning(format_args!(
                "{key}: the lease ran out before the attempt finished; the event is handled \
                 again by whoever claimed it next"
            )),
            Err(error) => print_warning(format_args!(
                "{key}: could not record the attempt's outcome ({}); the event is claimed \
                 again when its lease ends",
                one_line(error.to_string().as_bytes())
            )),
        }
    }

    /// Runs the handling within the timeout, renewing the lease meanwhile.
    async fn attempt(&self, claimed: &ClaimedEvent) -> Result<(), String> {
        let lease = self.config.lease();
        let handling = tokio::time::timeout(
            self.timeout,
            self.handling.handle(&claimed.event, claimed.attempt),
        );
        tokio::pin!(handling);
        let mut renewal = tokio::time::interval(lease / 3);
        renewal.tick().await; // the first tick is immediate: the claim is fresh
        loop {
            tokio::select! {
                finished = &mut handling => {
                    return finished.unwrap_or_else(|_| {
                        Err(format!("not handled within {}", format_duration(self.timeout)))
                    });
                }
                _ = renewal.tick() => {
                    // A failed renewal is not fatal: the lease may still
                    // hold; if it was lost, the ack says so.
                    let _ = self.queue.renew(&claimed.lease, lease).await;
                }
            }
        }
    }
}
