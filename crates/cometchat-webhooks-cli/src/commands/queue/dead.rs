//! `queue dead`: the dead letters, oldest first.

use std::time::SystemTime;

use cometchat_webhooks::delivery::DeadLetter;
use serde::Serialize;

use super::times::{millis, when};
use crate::errors::CliError;
use crate::output::{Palette, Table, print_json_pretty, print_line};
use crate::queue_args::DeadArgs;
use crate::store_open::OpenedStore;
use crate::terminal_text::one_line_truncated;

/// Wide enough for the usual `trigger/appId/webhook/field=value` keys.
const KEY_WIDTH: usize = 100;
const TRIGGER_WIDTH: usize = 40;
const ERROR_WIDTH: usize = 80;

#[derive(Debug, Serialize)]
struct DeadJson<'a> {
    key: &'a str,
    trigger: &'a str,
    attempts: u32,
    last_error: Option<&'a str>,
    received_at_ms: i64,
    dead_since_ms: i64,
}

pub(super) async fn run(store: &OpenedStore, args: &DeadArgs) -> Result<(), CliError> {
    let limit = usize::try_from(args.limit).unwrap_or(usize::MAX);
    let letters = store.queue.dead_letters(limit).await.map_err(|error| store.error(error))?;
    if args.json {
        let json: Vec<DeadJson<'_>> = letters.iter().map(to_json).collect();
        return print_json_pretty(&json);
    }
    if letters.is_empty() {
        return print_line(&format!("No dead letters in {}.", store.spec()));
    }
    print_line(render(&letters, SystemTime::now(), Palette::for_stdout()).trim_end())?;
    if letters.len() == limit {
        let total = store.queue.stats().await.map_err(|error| store.error(error))?.dead;
        if total > letters.len() as u64 {
            eprintln!(
                "Showing the oldest {} of {total} dead letters; --limit {total} shows them all.",
                letters.len()
            );
        }
    }
    Ok(())
}

fn to_json(letter: &DeadLetter) -> DeadJson<'_> {
    DeadJson {
        key: &letter.idempotency_key,
        trigger: &letter.trigger,
        attempts: letter.attempts,
        last_error: letter.last_error.as_deref(),
        received_at_ms: millis(letter.received_at),
        dead_since_ms: millis(letter.dead_since),
    }
}

fn render(letters: &[DeadLetter], now: SystemTime, palette: Palette) -> String {
    let mut table = Table::default();
    table.plain_row(["KEY", "TRIGGER", "ATTEMPTS", "DEAD SINCE", "LAST ERROR"]);
    for letter in letters {
        let key = one_line_truncated(letter.idempotency_key.as_bytes(), KEY_WIDTH);
        let trigger = one_line_truncated(letter.trigger.as_bytes(), TRIGGER_WIDTH);
        let error = match &letter.last_error {
            Some(error) => one_line_truncated(error.as_bytes(), ERROR_WIDTH),
            None => "-".to_owned(),
        };
        table.row(vec![
            (key.clone(), palette.strong(&key)),
            (trigger.clone(), trigger),
            (letter.attempts.to_string(), letter.attempts.to_string()),
            (when(letter.dead_since, now), when(letter.dead_since, now)),
            (error.clone(), palette.bad(&error)),
        ]);
    }
    table.render()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::terminal_text::one_line;

    #[test]
    fn untrusted_text_is_escaped_and_cut() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let letter = DeadLetter {
            idempotency_key: "k\x1b]0;owned\x07".to_owned(),
            trigger: "message_sent".to_owned(),
            attempts: 5,
            last_error: Some(format!("first line\nsecond line {}", "x".repeat(200))),
            received_at: now - Duration::from_secs(7200),
            dead_since: now - Duration::from_secs(3600),
        };
        let text = render(&[letter], now, Palette::plain());
        assert!(!text.contains('\x1b') && !text.contains('\x07'), "{text}");
        assert!(text.contains(&one_line(b"k\x1b]0;owned\x07")), "{text}");
        assert!(text.contains("first line\\nsecond line"), "{text}");
        assert!(text.contains('…'), "{text}");
        assert!(text.contains("(1h 0m ago)"), "{text}");
        assert_eq!(text.lines().count(), 2, "{text}");
    }
}
