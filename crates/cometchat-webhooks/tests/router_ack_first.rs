//! `WebhookRouter::handle_body`: background and durable routers answer from
//! the envelope and the idempotency key alone and hand the worker the exact
//! bytes, decoded there once; inline routers and `before_message` decode on
//! the request path as before; a body that is not a webhook is 400 in every
//! mode.

#![cfg(all(feature = "router", feature = "testing"))]

mod router_support;

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cometchat_webhooks::payload::{BeforeMessage, MessageSent};
use cometchat_webhooks::router::{
    BackgroundConfig, BeforeMessageOutcome, Delivery, RouterBuilder, WebhookRouter,
};
use cometchat_webhooks::testing::{EventBuilder, RunCount, sample_body};
use cometchat_webhooks::{Bytes, Category, Event, IdempotencyKey, Trigger};
use router_support::json;
use serde_json::json;

/// What a handler saw: the key it was given, the event's own key, and
/// whether the event was typed.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    given: IdempotencyKey,
    own: IdempotencyKey,
    typed: bool,
    raw_at: usize,
}

type SeenLog = Arc<Mutex<Vec<Seen>>>;

/// `message_sent` with its delivery, and a `Message` category handler for
/// what does not type, both recording what they saw.
fn recording(seen: &SeenLog) -> RouterBuilder {
    let (typed, untyped) = (seen.clone(), seen.clone());
    WebhookRouter::builder()
        .on_with_delivery(move |_sent: MessageSent, delivery: Delivery| {
            let seen = typed.clone();
            async move {
                let event = delivery.event();
                seen.lock().unwrap().push(Seen {
                    given: delivery.idempotency_key().clone(),
                    own: event.idempotency_key(),
                    typed: event.is_typed(),
                    raw_at: event.raw().as_ptr() as usize,
                });
                Ok::<_, Infallible>(())
            }
        })
        .on_category(Category::Message, move |event: Event| {
            let seen = untyped.clone();
            async move {
                let own = event.idempotency_key();
                let raw_at = event.raw().as_ptr() as usize;
                seen.lock().unwrap().push(Seen { given: own.clone(), own, typed: false, raw_at });
                Ok::<_, Infallible>(())
            }
        })
}

async fn wait_for(seen: &SeenLog, count: usize) -> Vec<Seen> {
    for _ in 0..500 {
        if seen.lock().unwrap().len() >= count {
            return seen.lock().unwrap().clone();
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("handlers saw {:?}, expected {count}", seen.lock().unwrap());
}

#[tokio::test]
async fn a_background_body_is_acknowledged_then_decoded_once_by_the_worker() {
    let seen = SeenLog::default();
    let router = recording(&seen).build_background(BackgroundConfig::new());
    let body = Bytes::copy_from_slice(sample_body(Trigger::MessageSent));
    let expected = Event::from_bytes(body.clone()).unwrap().idempotency_key();

    let response = router.handle_body(body.clone()).await;
    assert_eq!((response.status(), &response.body()[..]), (200, &b"{}"[..]));
    let seen = wait_for(&seen, 1).await;
    assert_eq!(seen[0].given, expected, "the key acknowledged is the key the handler sees");
    assert_eq!(seen[0].own, expected);
    assert!(seen[0].typed);
    assert_eq!(seen[0].raw_at, body.as_ptr() as usize, "the bytes received, not a copy");
    assert!(router.shutdown(Duration::from_secs(5)).await.is_complete());
}

#[tokio::test]
async fn an_identity_misfit_is_acknowledged_as_the_eager_path_does_and_keyed_alike() {
    let seen = SeenLog::default();
    let background = recording(&seen).build_background(BackgroundConfig::new());
    let inline = recording(&SeenLog::default()).build();
    let body = EventBuilder::new(Trigger::MessageSent)
        .set("data.message.data", json!({"text": "hi", "mentions": {"u1": {"uid": {"x": 1}}}}))
        .body();
    let event = Event::from_slice(&body).unwrap();
    assert!(!event.is_typed(), "the identity misfit untypes the event");

    let acknowledged = background.handle_body(Bytes::from(body.clone())).await;
    let handled_inline = inline.handle_body(Bytes::from(body)).await;
    assert_eq!(acknowledged.status(), handled_inline.status());
    assert_eq!(acknowledged.status(), 200);
    let seen = wait_for(&seen, 1).await;
    assert!(!seen[0].typed, "the category handler took the untyped event");
    assert_eq!(seen[0].own, event.idempotency_key());
    assert!(background.shutdown(Duration::from_secs(5)).await.is_complete());
}

#[tokio::test]
async fn a_body_that_is_not_a_webhook_is_400_in_every_mode() {
    let background = recording(&SeenLog::default()).build_background(BackgroundConfig::new());
    let inline = recording(&SeenLog::default()).build();
    for body in
        [&b"not json"[..], b"[]", b"{}", br#"{"trigger": 7}"#, b"", b"{\"trigger\":\"x\"} x"]
    {
        for router in [&background, &inline] {
            let response = router.handle_body(Bytes::copy_from_slice(body)).await;
            assert_eq!(response.status(), 400, "{}", String::from_utf8_lossy(body));
            assert!(json(response.body())["error"].is_string());
        }
    }
}

#[tokio::test]
async fn a_trigger_no_handler_takes_is_answered_without_queueing() {
    let runs = RunCount::default();
    let counter = runs.clone();
    let router = WebhookRouter::builder()
        .on(move |_sent: MessageSent| {
            counter.bump();
            async { Ok::<_, Infallible>(()) }
        })
        .build_background(BackgroundConfig::new().with_workers(1).with_queue_capacity(1));
    // Far more than the queue holds: none of them is queued.
    for _ in 0..10 {
        let body = Bytes::copy_from_slice(sample_body(Trigger::GroupCreated));
        assert_eq!(router.handle_body(body).await.status(), 200);
        let unknown = Bytes::from_static(br#"{"trigger": "a_new_trigger", "data": {}}"#);
        assert_eq!(router.handle_body(unknown).await.status(), 200);
    }
    assert!(router.shutdown(Duration::from_secs(5)).await.is_complete());
    assert_eq!(runs.get(), 0);
}

#[tokio::test]
async fn before_message_is_still_answered_with_its_outcome_in_background_mode() {
    let router = WebhookRouter::builder()
        .on_before_message(|_message: BeforeMessage| async {
            Ok::<_, Infallible>(BeforeMessageOutcome::DoNotPropagate)
        })
        .build_background(BackgroundConfig::new());
    let body = Bytes::copy_from_slice(sample_body(Trigger::BeforeMessage));
    let response = router.handle_body(body).await;
    assert_eq!(response.status(), 200);
    assert_eq!(json(response.body())["action"], "do_not_propagate");
}

#[cfg(feature = "durable")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_durable_body_is_stored_under_the_eager_key_and_handled_once() {
    use cometchat_webhooks::delivery::{EventQueue, MemoryStore, QueueConfig};
    use cometchat_webhooks::router::DurableConfig;

    let queue_config = QueueConfig::new();
    let store = Arc::new(MemoryStore::new(&queue_config).unwrap());
    let seen = SeenLog::default();
    let config = DurableConfig::from_queue_config(&queue_config)
        .with_poll_interval(Duration::from_millis(10));
    let router = recording(&seen).durable(store.clone(), config).unwrap();
    let body = Bytes::copy_from_slice(sample_body(Trigger::MessageSent));
    let expected = Event::from_bytes(body.clone()).unwrap().idempotency_key();

    for _ in 0..3 {
        assert_eq!(router.handle_body(body.clone()).await.status(), 200);
    }
    let seen_now = wait_for(&seen, 1).await;
    assert_eq!(seen_now[0].given, expected);
    assert_eq!(seen_now[0].own, expected);
    let details = store.show(expected.as_str()).await.unwrap();
    assert!(details.is_none_or(|details| details.event.body == body), "stored the exact bytes");
    assert!(router.shutdown(Duration::from_secs(5)).await.is_complete());
    assert_eq!(seen.lock().unwrap().len(), 1, "duplicates were not handled again");
}
