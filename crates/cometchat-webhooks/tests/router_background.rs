//! Background mode: acknowledged once queued, 503 when full, drained on
//! shutdown.

#![cfg(all(feature = "router", feature = "testing"))]

mod router_support;

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use cometchat_webhooks::Trigger;
use cometchat_webhooks::payload::{BeforeMessage, MessageSent};
use cometchat_webhooks::router::{
    BackgroundConfig, BeforeMessageOutcome, MemoryDeduper, WebhookRouter,
};
use cometchat_webhooks::testing::EventBuilder;
use cometchat_webhooks::testing::{Gate, RunCount};
use router_support::{json, message_sent};

/// A background router whose `message_sent` handler waits at `gate`, then
/// counts; the message id `boom` panics and `fail` errors instead.
fn gated_background(config: BackgroundConfig, gate: &Gate) -> (WebhookRouter, RunCount) {
    let done = RunCount::default();
    let (counter, gate) = (done.clone(), gate.clone());
    let router = WebhookRouter::builder()
        .on(move |sent: MessageSent| {
            let (counter, gate) = (counter.clone(), gate.clone());
            async move {
                gate.pass().await;
                match sent.message.id.as_deref() {
                    Some("boom") => panic!("handler bug"),
                    Some("fail") => Err("downstream refused"),
                    _ => {
                        counter.bump();
                        Ok(())
                    }
                }
            }
        })
        .on_before_message(|_message: BeforeMessage| async {
            Ok::<_, Infallible>(BeforeMessageOutcome::DoNotPropagate)
        })
        .retry_after(Duration::from_secs(30))
        .build_background(config);
    (router, done)
}

#[tokio::test]
async fn a_delivery_is_acknowledged_before_its_handler_finishes() {
    let gate = Gate::default();
    let (router, done) = gated_background(BackgroundConfig::new(), &gate);
    assert!(router.is_background());

    let response = router.handle(message_sent("1")).await;
    assert_eq!((response.status(), &response.body()[..]), (200, &b"{}"[..]));
    gate.started(1).await;
    assert_eq!(done.get(), 0, "the handler is still waiting at the gate");

    gate.open(1);
    router.shutdown(Duration::from_secs(5)).await;
    assert_eq!(done.get(), 1);
}

#[tokio::test]
async fn a_full_queue_is_answered_503_with_retry_after() {
    let gate = Gate::default();
    let config = BackgroundConfig::new().with_workers(1).with_queue_capacity(1);
    let (router, done) = gated_background(config, &gate);

    assert_eq!(router.handle(message_sent("1")).await.status(), 200);
    gate.started(1).await; // the only worker is busy
    assert_eq!(router.handle(message_sent("2")).await.status(), 200); // waits in the queue
    let full = router.handle(message_sent("3")).await;
    assert_eq!(full.status(), 503);
    assert_eq!(full.header("retry-after"), Some("30"));
    assert_eq!(json(full.body())["error"], "the webhook queue is full");

    gate.open(2);
    router.shutdown(Duration::from_secs(5)).await;
    assert_eq!(done.get(), 2);
}

#[tokio::test]
async fn shutdown_stops_accepting_and_drains_the_queue() {
    let gate = Gate::default();
    let config = BackgroundConfig::new().with_workers(2).with_queue_capacity(8);
    let (router, done) = gated_background(config, &gate);
    for id in 1..=6 {
        assert_eq!(router.handle(message_sent(&id.to_string())).await.status(), 200);
    }
    gate.started(2).await;

    let mut shutdown = std::pin::pin!(router.shutdown(Duration::from_secs(5)));
    let waited = tokio::time::timeout(Duration::from_millis(50), shutdown.as_mut()).await;
    assert!(waited.is_err(), "shutdown waits for the queued deliveries");
    let refused = router.handle(message_sent("late")).await;
    assert_eq!(refused.status(), 503);
    assert_eq!(refused.header("retry-after"), Some("30"));
    assert_eq!(json(refused.body())["error"], "the webhook router is shutting down");

    gate.open(6);
    shutdown.await;
    assert_eq!(done.get(), 6, "every queued delivery ran");
}

#[tokio::test]
async fn dropping_the_router_runs_what_was_queued_then_ends_the_workers() {
    let (done, handler_alive) = (RunCount::default(), Arc::new(()));
    let (counter, held) = (done.clone(), Arc::clone(&handler_alive));
    let router = WebhookRouter::builder()
        .on(move |_sent: MessageSent| {
            let (counter, _held) = (counter.clone(), Arc::clone(&held));
            async move {
                tokio::task::yield_now().await;
                counter.bump();
                Ok::<(), &'static str>(())
            }
        })
        .build_background(BackgroundConfig::new().with_workers(2));
    for id in 1..=5 {
        assert_eq!(router.handle(message_sent(&id.to_string())).await.status(), 200);
    }

    drop(router);
    // The workers hold the handler until they end.
    let workers_ended = async {
        while Arc::strong_count(&handler_alive) > 1 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(5), workers_ended).await.expect("the workers ended");
    assert_eq!(done.get(), 5, "every queued delivery ran first");
}

#[tokio::test]
async fn before_message_is_answered_inline_with_its_outcome() {
    let gate = Gate::default();
    let (router, _) = gated_background(BackgroundConfig::new(), &gate);
    let response = router.handle(EventBuilder::new(Trigger::BeforeMessage).build()).await;
    assert_eq!(
        (response.status(), &response.body()[..]),
        (200, &br#"{"action":"do_not_propagate"}"#[..])
    );
    router.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test]
async fn failing_and_panicking_handlers_do_not_stop_the_worker() {
    let gate = Gate::default();
    let config = BackgroundConfig::new().with_workers(1);
    let (router, done) = gated_background(config, &gate);

    for id in ["boom", "fail", "ok"] {
        assert_eq!(router.handle(message_sent(id)).await.status(), 200);
    }
    gate.open(3);
    router.shutdown(Duration::from_secs(5)).await;
    assert_eq!(done.get(), 1, "the single worker lived on to run the last delivery");
}

#[tokio::test]
async fn background_workers_deduplicate_too() {
    let runs = RunCount::default();
    let counter = runs.clone();
    let router = WebhookRouter::builder()
        .on(move |_sent: MessageSent| {
            counter.bump();
            async { Ok::<_, Infallible>(()) }
        })
        .deduplicate(MemoryDeduper::new())
        .build_background(BackgroundConfig::new().with_workers(1));

    for _ in 0..3 {
        assert_eq!(router.handle(message_sent("1")).await.status(), 200);
    }
    router.shutdown(Duration::from_secs(5)).await;
    assert_eq!(runs.get(), 1);
}
