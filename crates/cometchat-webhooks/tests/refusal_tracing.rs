//! One log line per refused request, with its status and reason, and
//! never the credentials or the body.

#![cfg(feature = "testing")]

mod log_capture;

use std::io;

use cometchat_webhooks::contract::{self, RequestHead};
use cometchat_webhooks::testing::basic_auth_header;
use cometchat_webhooks::{BasicAuth, Bytes, ReceiverConfig};
use log_capture::capture_logs;
use tracing_subscriber::fmt::format::FmtSpan;

const PASSWORD: &str = "CORRECT-HORSE-PASSWORD";
const GUESS: &str = "WRONG-GUESS-PASSWORD";
const BODY_TEXT: &str = "SECRET-BODY-TEXT";

async fn refuse(authorization: &str, body: &'static str) -> u16 {
    let config = ReceiverConfig::new(BasicAuth::new("cometchat", PASSWORD).expect("valid"));
    let head = RequestHead::from_headers([("authorization", authorization.as_bytes())]);
    let chunks =
        futures_util::stream::iter([Ok::<_, io::Error>(Bytes::from_static(body.as_bytes()))]);
    contract::receive(&config, head, chunks).await.expect_err("refused").status()
}

#[tokio::test]
async fn each_refusal_is_logged_with_status_and_reason_only() {
    let (captured, _guard) = capture_logs(FmtSpan::NONE);
    assert_eq!(refuse(&basic_auth_header("cometchat", GUESS), "{}").await, 401);
    let not_json = "{\"trigger\": \"SECRET-BODY-TEXT\" oops";
    assert_eq!(refuse(&basic_auth_header("cometchat", PASSWORD), not_json).await, 400);
    let logs = captured.text();
    assert!(logs.contains("CometChat webhook refused"), "{logs}");
    assert!(logs.contains("status=401") && logs.contains("wrong credentials"), "{logs}");
    assert!(logs.contains("status=400") && logs.contains("not a CometChat webhook"), "{logs}");
    for secret in [PASSWORD, GUESS, BODY_TEXT] {
        assert!(!logs.contains(secret), "{secret} leaked into {logs}");
    }
}
