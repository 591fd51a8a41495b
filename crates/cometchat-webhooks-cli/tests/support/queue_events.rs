//! Events put into a store through the library, in every state `queue`
//! reports, and the checks the `queue` tests share.

use std::process::Output;
use std::time::{Duration, Instant};

use cometchat_webhooks::Bytes;
use cometchat_webhooks::delivery::{
    ClaimedEvent, EnqueueOutcome, EventQueue, FailOutcome, QueueConfig, StoredEvent,
};

/// Two attempts: the second failure dead-letters an event.
pub fn config() -> QueueConfig {
    QueueConfig::new().with_max_attempts(2)
}

/// A key with a terminal escape in it (clear screen): stored as received,
/// it must never reach a terminal raw.
pub const DEAD_KEY: &str = "message_sent/app/hook/message.id=\x1b[2J1";
/// The body of the dead letter, with an escape sequence (set the window
/// title) inside a string and a byte that is not UTF-8.
pub const DEAD_BODY: &[u8] =
    b"{\"trigger\":\"message_sent\",\"data\":{\"text\":\"\x1b]0;owned\x07\xff\"}}";
/// The dead letter's last error: two lines and a colour change.
pub const DEAD_ERROR: &str = "handler failed: downstream said\n\x1b[31m503 Service Unavailable";

pub const SCHEDULED_KEY: &str = "message_sent/app/hook/message.id=2";
pub const SCHEDULED_BODY: &str = r#"{"trigger":"message_sent","data":{"message":{"id":"2"}}}"#;
pub const SCHEDULED_ERROR: &str = "handler timed out after 30s";

pub const IN_FLIGHT_KEY: &str = "message_sent/app/hook/message.id=3";
pub const WAITING_KEY: &str = "group_created/app/hook/group.guid=g4";

fn event(key: &str, trigger: &str, body: &[u8]) -> StoredEvent {
    StoredEvent::new(key, trigger, Bytes::copy_from_slice(body))
}

/// Stores an event with `key` and fails it until it is a dead letter.
pub async fn dead_letter(queue: &dyn EventQueue, key: &str, body: &[u8], error: &str) {
    let outcome = queue.enqueue(&event(key, "message_sent", body)).await.expect("enqueue");
    assert_eq!(outcome, EnqueueOutcome::Stored);
    let mut attempts = 0;
    loop {
        let claimed = claim_next(queue).await;
        assert_eq!(claimed.event.idempotency_key, key, "the only claimable event");
        attempts += 1;
        match queue.fail(&claimed.lease, error, Duration::ZERO).await.expect("fail") {
            FailOutcome::DeadLettered => break,
            FailOutcome::RetryScheduled { .. } => assert!(attempts < 2, "dead after 2 attempts"),
            other => panic!("unexpected {other:?}"),
        }
    }
}

/// One scheduled retry (due in an hour), one event in flight (leased for
/// an hour) and one waiting event, in that order.
pub async fn live_events(queue: &dyn EventQueue) {
    queue
        .enqueue(&event(SCHEDULED_KEY, "message_sent", SCHEDULED_BODY.as_bytes()))
        .await
        .expect("enqueue");
    let claimed = claim_next(queue).await;
    assert_eq!(claimed.event.idempotency_key, SCHEDULED_KEY);
    let failed = queue.fail(&claimed.lease, SCHEDULED_ERROR, Duration::from_secs(3600)).await;
    assert!(matches!(failed, Ok(FailOutcome::RetryScheduled { .. })), "{failed:?}");

    queue.enqueue(&event(IN_FLIGHT_KEY, "message_sent", b"{}")).await.expect("enqueue");
    let claimed = claim_next(queue).await;
    assert_eq!(claimed.event.idempotency_key, IN_FLIGHT_KEY);

    queue.enqueue(&event(WAITING_KEY, "group_created", b"{}")).await.expect("enqueue");
}

/// The next claimable event, leased for an hour; a retry due "now" may
/// need a moment to become due on the store's clock.
pub async fn claim_next(queue: &dyn EventQueue) -> ClaimedEvent {
    let started = Instant::now();
    loop {
        if let Some(claimed) = queue.claim(Duration::from_secs(3600)).await.expect("claim") {
            return claimed;
        }
        assert!(started.elapsed() < Duration::from_secs(5), "nothing became claimable");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// A runtime for the library calls of a synchronous test.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime")
}

/// Neither stream holds a raw control character (other than newlines).
pub fn assert_no_raw_controls(output: &Output) {
    for (name, stream) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
        let raw = stream.iter().find(|byte| byte.is_ascii_control() && **byte != b'\n');
        assert!(
            raw.is_none(),
            "{name} holds a raw control byte: {}",
            String::from_utf8_lossy(stream)
        );
    }
}

/// A failure with exit code `code` and one `error: …` line containing
/// `expected`; returns the line.
pub fn assert_error(output: &Output, code: i32, expected: &str) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(code), "exit code; stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line on stderr, got: {stderr}");
    assert!(lines[0].starts_with("error: "), "{stderr}");
    assert!(lines[0].contains(expected), "`{expected}` not in: {stderr}");
    assert_no_raw_controls(output);
    lines[0].to_owned()
}

/// Success, with stdout returned.
pub fn assert_ok(output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "exit code; stderr: {stderr}");
    assert_no_raw_controls(output);
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Parses stdout as JSON.
pub fn json(output: &Output) -> serde_json::Value {
    let stdout = assert_ok(output);
    serde_json::from_str(&stdout).unwrap_or_else(|error| panic!("not JSON ({error}): {stdout}"))
}
