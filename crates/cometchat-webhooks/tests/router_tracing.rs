//! The span per delivery: which identifiers it records, and that message
//! text never reaches the logs.

#![cfg(all(feature = "router", feature = "testing"))]

mod log_capture;
mod router_support;

use cometchat_webhooks::Trigger;
use cometchat_webhooks::payload::MessageSent;
use cometchat_webhooks::router::{BackgroundConfig, WebhookRouter};
use cometchat_webhooks::testing::EventBuilder;
use log_capture::capture_logs;
use tracing_subscriber::fmt::format::FmtSpan;

const SECRET_TEXT: &str = "TOP-SECRET-MESSAGE-TEXT";

fn secret_message(id: &str) -> cometchat_webhooks::Event {
    EventBuilder::new(Trigger::MessageSent)
        .app_id("app-42")
        .webhook("hook-9")
        .set("data.message.id", id)
        .set("data.message.data.text", SECRET_TEXT)
        .build()
}

/// The lines that close a delivery span.
fn closed_spans(logs: &str) -> Vec<&str> {
    logs.lines()
        .filter(|line| line.contains("cometchat_webhook{") && line.contains("close"))
        .collect()
}

#[tokio::test]
async fn one_span_per_delivery_records_identifiers_and_outcome_but_no_text() {
    let (captured, _guard) = capture_logs(FmtSpan::CLOSE);
    let router = WebhookRouter::builder()
        .on(|sent: MessageSent| async move {
            match sent.message.id.as_deref() {
                Some("1") => Ok(()),
                _ => Err("storage unavailable"),
            }
        })
        .build();
    let key = secret_message("1").idempotency_key();

    assert_eq!(router.handle(secret_message("1")).await.status(), 200);
    assert_eq!(router.handle(secret_message("2")).await.status(), 500);

    let logs = captured.text();
    let spans = closed_spans(&logs);
    assert_eq!(spans.len(), 2, "{logs}");
    for field in ["trigger=\"message_sent\"", "app_id=\"app-42\"", "webhook_id=\"hook-9\""] {
        assert!(spans.iter().all(|span| span.contains(field)), "{field} missing in {logs}");
    }
    assert!(spans[0].contains(&format!("idempotency_key=\"{key}\"")), "{logs}");
    assert!(spans[0].contains("outcome=\"handled\""), "{logs}");
    assert!(spans[1].contains("outcome=\"failed\""), "{logs}");
    assert!(logs.contains("storage unavailable"), "the handler's error is logged: {logs}");
    assert!(!logs.contains(SECRET_TEXT), "message text leaked into the logs: {logs}");
}

#[tokio::test]
async fn a_queued_delivery_ends_its_span_with_the_worker_outcome() {
    let (captured, _guard) = capture_logs(FmtSpan::CLOSE);
    let router = WebhookRouter::builder()
        .on(|_sent: MessageSent| async { Ok::<_, std::convert::Infallible>(()) })
        .build_background(BackgroundConfig::new().with_workers(1));

    assert_eq!(router.handle(secret_message("1")).await.status(), 200);
    router.shutdown(std::time::Duration::from_secs(5)).await;

    let logs = captured.text();
    let spans = closed_spans(&logs);
    assert_eq!(spans.len(), 1, "{logs}");
    assert!(spans[0].contains("outcome=\"handled\""), "{logs}");
    assert!(logs.contains("queued for a background worker"), "{logs}");
    assert!(!logs.contains(SECRET_TEXT), "{logs}");
}

#[tokio::test]
async fn an_unhandled_delivery_is_traced_at_debug() {
    let (captured, _guard) = capture_logs(FmtSpan::CLOSE);
    let router = WebhookRouter::builder().build();
    assert_eq!(router.handle(secret_message("1")).await.status(), 200);

    let logs = captured.text();
    assert!(logs.contains("DEBUG") && logs.contains("no handler for this trigger"), "{logs}");
    assert!(closed_spans(&logs)[0].contains("outcome=\"unhandled\""), "{logs}");
}
