//! Deadlines and bounds of the in-memory modes: the handler timeout, the
//! bound on inline handlers, the background queue's byte bound and a
//! shutdown that returns by its deadline. Paused time throughout.

#![cfg(all(feature = "router", feature = "testing"))]

mod router_support;

use std::time::Duration;

use cometchat_webhooks::payload::MessageSent;
use cometchat_webhooks::router::{BackgroundConfig, MemoryDeduper, WebhookRouter};
use cometchat_webhooks::testing::{Gate, RunCount};
use router_support::{json, message_sent};

/// `hang` never finishes, `slow` waits at the gate, others count.
fn router(gate: &Gate, done: &RunCount) -> cometchat_webhooks::router::RouterBuilder {
    let (gate, done) = (gate.clone(), done.clone());
    WebhookRouter::builder()
        .on(move |sent: MessageSent| {
            let (gate, done) = (gate.clone(), done.clone());
            async move {
                match sent.message.id.as_deref() {
                    Some("hang") => std::future::pending::<()>().await,
                    Some(id) if id.starts_with("slow") => gate.pass().await,
                    _ => {}
                }
                done.bump();
                Ok::<_, std::convert::Infallible>(())
            }
        })
        .retry_after(Duration::from_secs(9))
}

#[tokio::test(start_paused = true)]
async fn a_hung_inline_handler_is_500_at_the_timeout_and_its_claim_released() {
    let (gate, done) = (Gate::default(), RunCount::default());
    let router = router(&gate, &done)
        .handler_timeout(Duration::from_secs(4))
        .deduplicate(MemoryDeduper::new())
        .build();
    let started = tokio::time::Instant::now();
    let answer = router.handle(message_sent("hang")).await;
    assert_eq!(started.elapsed(), Duration::from_secs(4));
    assert_eq!(answer.status(), 500);
    // Released, not held: the re-delivery runs (and times out) again
    // instead of being answered 503 "in flight" forever.
    let again = router.handle(message_sent("hang")).await;
    assert_eq!(again.status(), 500);
}

#[tokio::test(start_paused = true)]
async fn inline_handlers_beyond_the_bound_are_503() {
    let (gate, done) = (Gate::default(), RunCount::default());
    let router = router(&gate, &done).max_inline_handlers(2).build();
    let first = tokio::spawn({
        let router = router.clone();
        async move { router.handle(message_sent("slow-1")).await }
    });
    let second = tokio::spawn({
        let router = router.clone();
        async move { router.handle(message_sent("slow-2")).await }
    });
    gate.started(2).await;
    let refused = router.handle(message_sent("3")).await;
    assert_eq!(refused.status(), 503);
    assert_eq!(refused.header("retry-after"), Some("9"));
    assert_eq!(json(refused.body())["error"], "too many deliveries are being handled");
    gate.open(2);
    assert_eq!(first.await.unwrap().status(), 200);
    assert_eq!(second.await.unwrap().status(), 200);
    assert_eq!(router.handle(message_sent("3")).await.status(), 200);
    assert_eq!(done.get(), 3);
}

#[tokio::test(start_paused = true)]
async fn the_background_queue_is_bounded_in_bytes() {
    let (gate, done) = (Gate::default(), RunCount::default());
    let body_len = message_sent("slow-1").raw().len();
    let config = BackgroundConfig::new()
        .with_workers(1)
        .with_queue_capacity(100)
        .with_queue_bytes(body_len * 2);
    let router = router(&gate, &done).build_background(config);
    assert_eq!(router.handle(message_sent("slow-1")).await.status(), 200);
    gate.started(1).await;
    // The worker holds the first; two more fit the byte bound, a third not.
    assert_eq!(router.handle(message_sent("slow-2")).await.status(), 200);
    assert_eq!(router.handle(message_sent("slow-3")).await.status(), 200);
    let refused = router.handle(message_sent("slow-4")).await;
    assert_eq!(refused.status(), 503);
    assert_eq!(json(refused.body())["error"], "the webhook queue is full");
    gate.open(3);
    let report = router.shutdown(Duration::from_secs(5)).await;
    assert!(report.is_complete(), "{report:?}");
    assert_eq!(done.get(), 3);
}

#[tokio::test(start_paused = true)]
async fn background_shutdown_returns_by_its_deadline_and_reports_what_it_left() {
    let (gate, done) = (Gate::default(), RunCount::default());
    let config = BackgroundConfig::new().with_workers(1);
    let router = router(&gate, &done).build_background(config);
    assert_eq!(router.handle(message_sent("hang")).await.status(), 200);
    assert_eq!(router.handle(message_sent("2")).await.status(), 200);
    assert_eq!(router.handle(message_sent("3")).await.status(), 200);

    let started = tokio::time::Instant::now();
    let report = router.shutdown(Duration::from_secs(2)).await;
    assert_eq!(started.elapsed(), Duration::from_secs(2));
    assert_eq!(report.interrupted.len(), 1, "{report:?}");
    assert_eq!(report.interrupted[0].trigger, "message_sent");
    assert_eq!(report.dropped, 2);
    assert!(!report.is_complete());
    assert_eq!(router.handle(message_sent("4")).await.status(), 503);
}
