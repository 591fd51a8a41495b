//! One durable worker: claim a batch, decode, run the routed handlers while
//! renewing their leases, then ack the batch, retry or dead-letter.

use std::sync::Arc;
use std::time::Duration;

use tracing::field::Empty;
use tracing::{Instrument, Span};

use super::Shared;
use crate::delivery::{ClaimedEvent, DeliveryError, EventQueue, FailOutcome, Lease, WorkerTurn};
use crate::event::Event;
use crate::router::dispatch::Outcome;
use crate::router::metrics;

/// Claims and runs events until shutdown: up to the claim batch per round
/// trip to the store, their handlers run together, and the handled ones
/// acked together with the next claim, in one more round trip.
pub(super) async fn work(shared: Arc<Shared>, index: usize) {
    let lease = shared.config.lease();
    let batch = shared.config.claim_batch();
    // The leases of the last batch's handled events, acked with the next
    // claim (or on their own when the worker stops).
    let mut handled: Vec<Lease> = Vec::new();
    while !shared.stop_claiming.is_cancelled() {
        shared.depth.sample(shared.queue.as_ref()).await;
        // A claim is not interrupted: a claim the store made but the worker
        // dropped would wait out its lease.
        let claim = if handled.is_empty() {
            shared.queue.claim_batch(lease, batch).await
        } else {
            let leases = std::mem::take(&mut handled);
            match shared.queue.ack_and_claim(&leases, lease, batch).await {
                Ok(WorkerTurn { acked, claimed }) => {
                    report_refused_acks(acked);
                    Ok(claimed)
                }
                Err(error) => {
                    ack_failed(&error, leases.len());
                    Err(error)
                }
            }
        };
        match claim {
            Ok(claimed) if claimed.is_empty() => idle(&shared).await,
            Ok(claimed) => {
                let spans: Vec<Span> =
                    claimed.iter().map(|claimed| attempt_span(claimed, index)).collect();
                let attempts = claimed.into_iter().zip(&spans).map(|(claimed, span)| {
                    attempt(&shared, claimed, span).instrument(span.clone())
                });
                let run = futures_util::future::join_all(attempts);
                tokio::select! {
                    biased;
                    () = shared.abandon.cancelled() => {
                        for span in &spans {
                            span.record("outcome", "interrupted");
                        }
                        return;
                    }
                    done = run => handled = done.into_iter().flatten().collect(),
                }
            }
            Err(error) => {
                tracing::warn!(%error, worker = index, "claiming from the store failed");
                idle(&shared).await;
            }
        }
    }
    ack(&shared, &handled).await;
}

/// Acks the handled events of the last batch in one round trip; a refused
/// ack (the lease was lost meanwhile) means the event runs again.
async fn ack(shared: &Shared, handled: &[Lease]) {
    match handled {
        [] => {}
        [lease] => {
            if let Err(error) = shared.queue.ack(lease).await {
                tracing::warn!(%error, "ack refused; the event will run again");
            }
        }
        leases => match shared.queue.ack_batch(leases).await {
            Ok(acked) => report_refused_acks(acked),
            Err(error) => ack_failed(&error, leases.len()),
        },
    }
}

fn report_refused_acks(acked: Vec<Result<(), DeliveryError>>) {
    for error in acked.into_iter().filter_map(Result::err) {
        tracing::warn!(%error, "ack refused; the event will run again");
    }
}

fn ack_failed(error: &DeliveryError, count: usize) {
    tracing::warn!(%error, count, "acks refused; the events will run again");
}

/// Waits for the poll interval, or less when shutting down.
async fn idle(shared: &Shared) {
    tokio::select! {
        () = shared.stop_claiming.cancelled() => {}
        () = tokio::time::sleep(shared.config.poll_interval()) => {}
    }
}

/// One span per attempt, with identifiers only (never payload content).
fn attempt_span(claimed: &ClaimedEvent, worker: usize) -> Span {
    tracing::info_span!(
        "cometchat_webhook_attempt",
        trigger = claimed.event.trigger.as_str(),
        idempotency_key = claimed.lease.key(),
        attempt = claimed.attempt,
        worker,
        outcome = Empty,
    )
}

/// Runs one claimed event; records a failure in the store, and returns the
/// lease to ack when the event is handled.
async fn attempt(shared: &Shared, claimed: ClaimedEvent, span: &Span) -> Option<Lease> {
    let ClaimedEvent { event: stored, attempt, lease, .. } = claimed;
    let _running = shared.running.enter(&stored.trigger, Some(lease.key()));
    let trigger = metrics::stored_trigger_label(&stored.trigger);
    let outcome = match Event::from_bytes(stored.body) {
        Ok(event) => {
            let run = run_handler(shared, event);
            tokio::select! {
                outcome = run => outcome,
                lost = keep_leased(shared.queue.as_ref(), &lease, shared.config.lease()) => {
                    // Someone else holds the event now; reporting would be refused.
                    tracing::warn!(error = %lost, "lease lost while the handler ran; handler stopped");
                    span.record("outcome", "lease_lost");
                    return None;
                }
            }
        }
        Err(error) => Outcome::Failed(format!("the stored body is not a webhook: {error}")),
    };
    span.record("outcome", outcome.name());
    settle(shared, lease, attempt, trigger, outcome).await
}

/// Routes and runs the handler through the same dispatch as every mode.
async fn run_handler(shared: &Shared, event: Event) -> Outcome {
    let Some(handler) = shared.dispatcher.handler_for(&event) else {
        return Outcome::Unhandled;
    };
    let key = event.idempotency_key();
    shared.dispatcher.execute(handler, event, Some(key)).await
}

/// Renews the lease every third of its length; returns only when the lease
/// is lost. A store that is briefly unreachable is tried again at the next
/// tick: the lease is honoured until someone else claims the event.
async fn keep_leased(queue: &dyn EventQueue, lease: &Lease, length: Duration) -> DeliveryError {
    let period = (length / 3).max(Duration::from_millis(10));
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    loop {
        ticks.tick().await;
        match queue.renew(lease, length).await {
            Ok(_) => {}
            Err(error @ DeliveryError::StaleLease { .. }) => return error,
            Err(error) => tracing::warn!(%error, "renewing the lease failed; trying again"),
        }
    }
}

/// Reports a failed attempt to the store with its backoff; returns the
/// lease of a handled event, for its batch's ack.
async fn settle(
    shared: &Shared,
    lease: Lease,
    attempt: u32,
    trigger: &'static str,
    outcome: Outcome,
) -> Option<Lease> {
    let error = match outcome {
        Outcome::Handled(_) | Outcome::Unhandled | Outcome::Duplicate => return Some(lease),
        Outcome::Failed(error) => error,
        Outcome::Panicked => "the handler panicked".to_owned(),
        Outcome::TimedOut => {
            format!("the handler did not finish within {:?}", shared.dispatcher.handler_timeout())
        }
        Outcome::InFlight => "another copy of the delivery was being handled".to_owned(),
        other => format!("the attempt ended as {}", other.name()),
    };
    let retry_in = shared.config.backoff().delay(attempt);
    match shared.queue.fail(&lease, &error, retry_in).await {
        Ok(FailOutcome::RetryScheduled { .. }) => {
            metrics::retry(trigger);
            tracing::warn!(attempt, ?retry_in, "attempt failed; retry scheduled");
        }
        Ok(FailOutcome::DeadLettered) => {
            metrics::dead_letter(trigger);
            tracing::error!(attempt, "attempt failed; the event is now a dead letter");
        }
        Err(error) => {
            tracing::warn!(%error, "recording the failure was refused; the lease decides")
        }
    }
    None
}
