//! What the router records through the `metrics` facade, captured by a
//! local debugging recorder: one delivery counter per answer, a handler
//! duration per run, and the durable workers' retries, dead letters and
//! backlog gauge.

#![cfg(all(feature = "router", feature = "durable", feature = "metrics", feature = "testing"))]

mod router_support;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use cometchat_webhooks::delivery::{Backoff, EventQueue, MemoryStore, QueueConfig};
use cometchat_webhooks::payload::MessageSent;
use cometchat_webhooks::router::{DurableConfig, WebhookRouter};
use metrics_util::debugging::{DebugValue, DebuggingRecorder};
use metrics_util::{CompositeKey, MetricKind};
use router_support::message_sent;

type Recorded = Vec<(CompositeKey, DebugValue)>;

/// Runs `test` on a single-threaded runtime inside a local recorder, so
/// the router's tasks and workers record into it, and returns what they
/// recorded.
fn recorded<F: Future<Output = ()>>(test: impl FnOnce() -> F) -> Recorded {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    metrics::with_local_recorder(&recorder, || {
        let runtime =
            tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
        runtime.block_on(test());
    });
    snapshotter.snapshot().into_vec().into_iter().map(|(key, _, _, value)| (key, value)).collect()
}

/// The labels of a key, sorted, as `name=value` strings.
fn labels(key: &CompositeKey) -> Vec<String> {
    let mut labels: Vec<String> =
        key.key().labels().map(|label| format!("{}={}", label.key(), label.value())).collect();
    labels.sort();
    labels
}

/// The value of the counter `name` with exactly these labels, 0 if never
/// recorded.
fn counter(recorded: &Recorded, name: &str, with: &[&str]) -> u64 {
    recorded
        .iter()
        .filter(|(key, _)| key.kind() == MetricKind::Counter && key.key().name() == name)
        .filter(|(key, _)| labels(key) == with)
        .map(|(_, value)| match value {
            DebugValue::Counter(count) => *count,
            other => panic!("{name} is not a counter: {other:?}"),
        })
        .sum()
}

/// Every sample of the histogram `name` with exactly these labels.
fn histogram(recorded: &Recorded, name: &str, with: &[&str]) -> Vec<f64> {
    recorded
        .iter()
        .filter(|(key, _)| key.kind() == MetricKind::Histogram && key.key().name() == name)
        .filter(|(key, _)| labels(key) == with)
        .flat_map(|(_, value)| match value {
            DebugValue::Histogram(samples) => {
                samples.iter().map(|sample| sample.0).collect::<Vec<f64>>()
            }
            other => panic!("{name} is not a histogram: {other:?}"),
        })
        .collect()
}

/// The counters recorded under `name`, with their labels, for messages.
fn counters_named(recorded: &Recorded, name: &str) -> Vec<(Vec<String>, u64)> {
    recorded
        .iter()
        .filter(|(key, _)| key.kind() == MetricKind::Counter && key.key().name() == name)
        .map(|(key, value)| match value {
            DebugValue::Counter(count) => (labels(key), *count),
            other => panic!("{name} is not a counter: {other:?}"),
        })
        .collect()
}

const DELIVERIES: &str = "cometchat_webhooks_deliveries_total";
const HANDLER_SECONDS: &str = "cometchat_webhooks_handler_seconds";
const MESSAGE_SENT: &str = "trigger=message_sent";

#[test]
fn an_inline_delivery_counts_as_handled_and_its_run_is_timed() {
    let recorded = recorded(|| async {
        let router =
            WebhookRouter::builder().on(|_sent: MessageSent| async { Ok::<(), &str>(()) }).build();
        assert_eq!(router.handle(message_sent("1")).await.status(), 200);
        assert_eq!(router.handle(message_sent("2")).await.status(), 200);
    });
    assert_eq!(
        counters_named(&recorded, DELIVERIES),
        vec![(vec!["outcome=handled".to_owned(), MESSAGE_SENT.to_owned()], 2)]
    );
    let runs = histogram(&recorded, HANDLER_SECONDS, &[MESSAGE_SENT]);
    assert_eq!(runs.len(), 2, "one duration per run");
    assert!(runs.iter().all(|seconds| seconds.is_finite() && *seconds >= 0.0), "{runs:?}");
}

#[test]
fn a_failed_delivery_counts_as_failed_and_is_timed_too() {
    let recorded = recorded(|| async {
        let router = WebhookRouter::builder()
            .on(|_sent: MessageSent| async { Err::<(), _>("downstream refused") })
            .build();
        assert_eq!(router.handle(message_sent("1")).await.status(), 500);
    });
    assert_eq!(counter(&recorded, DELIVERIES, &["outcome=failed", MESSAGE_SENT]), 1);
    assert_eq!(counter(&recorded, DELIVERIES, &["outcome=handled", MESSAGE_SENT]), 0);
    assert_eq!(histogram(&recorded, HANDLER_SECONDS, &[MESSAGE_SENT]).len(), 1);
}

#[test]
fn a_delivery_without_a_handler_counts_but_runs_nothing() {
    let recorded = recorded(|| async {
        let router = WebhookRouter::builder().build();
        assert_eq!(router.handle(message_sent("1")).await.status(), 200);
    });
    assert_eq!(counter(&recorded, DELIVERIES, &["outcome=unhandled", MESSAGE_SENT]), 1);
    assert!(histogram(&recorded, HANDLER_SECONDS, &[MESSAGE_SENT]).is_empty());
}

#[test]
fn a_durable_poison_event_is_stored_retried_and_dead_lettered() {
    let recorded = recorded(|| async {
        let queue_config = QueueConfig::new()
            .with_max_attempts(3)
            .with_backoff(Backoff::new(Duration::from_millis(5), Duration::from_millis(20)));
        let store = Arc::new(MemoryStore::new(&queue_config).unwrap());
        let router = WebhookRouter::builder()
            .on(|_sent: MessageSent| async { Err::<(), _>("downstream refused") })
            .durable(
                store.clone(),
                DurableConfig::from_queue_config(&queue_config)
                    .with_workers(2)
                    .with_poll_interval(Duration::from_millis(10)),
            )
            .unwrap();
        assert_eq!(router.handle(message_sent("poison")).await.status(), 200);
        // A bounded wait for the workers, not a timing assertion.
        for _ in 0..1_000 {
            if store.stats().await.unwrap().dead == 1 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(store.stats().await.unwrap().dead, 1, "dead-lettered");
        router.shutdown(Duration::from_secs(1)).await;
    });
    assert_eq!(counter(&recorded, DELIVERIES, &["outcome=stored", MESSAGE_SENT]), 1);
    assert_eq!(counter(&recorded, "cometchat_webhooks_retries_total", &[MESSAGE_SENT]), 2);
    assert_eq!(counter(&recorded, "cometchat_webhooks_dead_letters_total", &[MESSAGE_SENT]), 1);
    assert_eq!(histogram(&recorded, HANDLER_SECONDS, &[MESSAGE_SENT]).len(), 3, "three attempts");
    let depth = recorded.iter().find(|(key, _)| {
        key.kind() == MetricKind::Gauge && key.key().name() == "cometchat_webhooks_queue_depth"
    });
    assert!(
        matches!(depth, Some((_, DebugValue::Gauge(value))) if value.0 >= 0.0),
        "the workers sampled the backlog: {depth:?}"
    );
}
