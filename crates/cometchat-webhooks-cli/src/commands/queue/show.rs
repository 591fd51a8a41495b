//! `queue show KEY`: everything stored about one event.

use std::time::SystemTime;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use cometchat_webhooks::delivery::{EventDetails, EventState};
use serde::Serialize;

use super::times::{millis, when};
use crate::errors::CliError;
use crate::output::{Palette, Table, print_json_pretty, print_line};
use crate::queue_args::ShowArgs;
use crate::store_open::OpenedStore;
use crate::terminal_text::{block, one_line};

#[derive(Debug, Serialize)]
struct ShowJson<'a> {
    key: &'a str,
    trigger: &'a str,
    /// `waiting`, `in_flight`, `scheduled`, `dead` (or `unknown` for a
    /// state this version does not know).
    state: &'static str,
    /// In flight: when the lease ends; scheduled: when the retry is due;
    /// dead: when it was dead-lettered.
    state_at_ms: Option<i64>,
    attempts: u32,
    last_error: Option<&'a str>,
    received_at_ms: i64,
    body_bytes: usize,
    /// The body, when it is UTF-8 (webhook bodies are JSON, so they are).
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<&'a str>,
    /// The body in base64, when it is not UTF-8.
    #[serde(skip_serializing_if = "Option::is_none")]
    body_base64: Option<String>,
}

pub(super) async fn run(store: &OpenedStore, args: &ShowArgs) -> Result<(), CliError> {
    let details = store.queue.show(&args.key).await.map_err(|error| store.error(error))?;
    let Some(details) = details else {
        return Err(CliError::NoSuchEvent { key: one_line(args.key.as_bytes()) });
    };
    if args.json {
        return print_json_pretty(&to_json(&details));
    }
    print_line(render(&details, SystemTime::now(), Palette::for_stdout()).trim_end())
}

/// The state's name, for JSON and for `redrive`'s refusal.
pub(super) fn state_name(state: &EventState) -> &'static str {
    match state {
        EventState::Waiting => "waiting",
        EventState::InFlight { .. } => "in_flight",
        EventState::Scheduled { .. } => "scheduled",
        EventState::Dead { .. } => "dead",
        _ => "unknown",
    }
}

fn state_time(state: &EventState) -> Option<SystemTime> {
    match state {
        EventState::InFlight { lease_expires_at } => Some(*lease_expires_at),
        EventState::Scheduled { retry_at } => Some(*retry_at),
        EventState::Dead { since } => Some(*since),
        _ => None,
    }
}

fn to_json(details: &EventDetails) -> ShowJson<'_> {
    let body = std::str::from_utf8(&details.event.body).ok();
    ShowJson {
        key: &details.event.idempotency_key,
        trigger: &details.event.trigger,
        state: state_name(&details.state),
        state_at_ms: state_time(&details.state).map(millis),
        attempts: details.attempts,
        last_error: details.last_error.as_deref(),
        received_at_ms: millis(details.event.received_at),
        body_bytes: details.event.body.len(),
        body,
        body_base64: body.is_none().then(|| BASE64.encode(&details.event.body)),
    }
}

fn render(details: &EventDetails, now: SystemTime, palette: Palette) -> String {
    let (state, painted_state) = match &details.state {
        EventState::Waiting => ("waiting for a worker".to_owned(), None),
        EventState::InFlight { lease_expires_at } => {
            (format!("in flight, lease ends {}", when(*lease_expires_at, now)), None)
        }
        EventState::Scheduled { retry_at } => {
            let text = format!("retry scheduled for {}", when(*retry_at, now));
            (text.clone(), Some(palette.warn(text)))
        }
        EventState::Dead { since } => {
            let text = format!("dead since {}", when(*since, now));
            (text.clone(), Some(palette.bad(text)))
        }
        _ => ("unknown to this version".to_owned(), None),
    };
    let key = one_line(details.event.idempotency_key.as_bytes());
    let error = details.last_error.as_deref().map(|error| one_line(error.as_bytes()));
    let rows = [
        ("key", key.clone(), Some(palette.strong(&key))),
        ("trigger", one_line(details.event.trigger.as_bytes()), None),
        ("state", state, painted_state),
        ("attempts", details.attempts.to_string(), None),
        ("received at", when(details.event.received_at, now), None),
        ("last error", error.unwrap_or_else(|| "-".to_owned()), None),
    ];
    let mut table = Table::default();
    for (label, text, painted) in rows {
        let painted = painted.unwrap_or_else(|| text.clone());
        table.row(vec![(label.to_owned(), palette.dim(label)), (text, painted)]);
    }
    let body = &details.event.body;
    format!(
        "{}{}\n{}",
        table.render(),
        palette.dim(format_args!("body ({} bytes):", body.len())),
        block(body)
    )
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use cometchat_webhooks::Bytes;
    use cometchat_webhooks::delivery::StoredEvent;

    use super::*;

    fn details(body: &'static [u8]) -> EventDetails {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        EventDetails {
            event: StoredEvent::new("k\u{202e}1", "message_sent", Bytes::from_static(body))
                .received_at(now),
            state: EventState::Scheduled { retry_at: now + Duration::from_secs(40) },
            attempts: 2,
            last_error: Some("boom\r\x1b[1A".to_owned()),
        }
    }

    #[test]
    fn text_escapes_everything_untrusted() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let text = render(&details(b"{\"a\":\n\"\x1b[31m\xff\"}"), now, Palette::plain());
        assert!(!text.contains(['\x1b', '\r', '\u{202e}']), "{text}");
        assert!(text.contains("k\\u{202e}1"), "{text}");
        assert!(text.contains("boom\\r\\u{1b}[1A"), "{text}");
        assert!(text.contains("retry scheduled for 2023-11-14 22:14:00 UTC (in 40s)"), "{text}");
        assert!(text.ends_with("body (15 bytes):\n{\"a\":\n\"\\u{1b}[31m\\xff\"}"), "{text}");
    }

    #[test]
    fn json_keeps_bodies_exact() {
        let utf8 = details(b"{\"trigger\":\"message_sent\"}");
        let json = serde_json::to_value(to_json(&utf8)).expect("serialises");
        assert_eq!(json["body"], "{\"trigger\":\"message_sent\"}");
        assert_eq!(json["state"], "scheduled");
        assert!(json.get("body_base64").is_none());
        let binary = details(b"\xff\x00");
        let json = serde_json::to_value(to_json(&binary)).expect("serialises");
        assert_eq!(json["body_base64"], "/wA=");
        assert!(json.get("body").is_none());
    }
}
