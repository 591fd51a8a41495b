//! `queue` against a real redb file, filled through the library: every
//! subcommand, what it prints (escaped), and its exit codes.

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use cometchat_webhooks::delivery::{EventQueue, ManualClock, RedbStore};
use support::queue_events::{
    DEAD_BODY, DEAD_ERROR, DEAD_KEY, IN_FLIGHT_KEY, SCHEDULED_BODY, SCHEDULED_ERROR, SCHEDULED_KEY,
    WAITING_KEY, assert_error, assert_ok, claim_next, config, dead_letter, json, live_events,
    runtime,
};
use tempfile::TempDir;

/// A dead letter ten days old, next to the fresh one.
const OLD_DEAD_KEY: &str = "message_sent/app/hook/message.id=0";
const TEN_DAYS: Duration = Duration::from_secs(10 * 86_400);

/// A store file with an old dead letter (ten days), a fresh one
/// ([`DEAD_KEY`]), a scheduled retry, an event in flight and a waiting one.
fn filled_store() -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("deliveries.redb");
    let clock = Arc::new(ManualClock::new(SystemTime::now() - TEN_DAYS));
    runtime().block_on(async {
        let store =
            RedbStore::open_with_clock(&path, &config(), clock.clone()).expect("store opens");
        dead_letter(&store, OLD_DEAD_KEY, b"{}", "old failure").await;
        clock.advance(TEN_DAYS);
        dead_letter(&store, DEAD_KEY, DEAD_BODY, DEAD_ERROR).await;
        live_events(&store).await;
        store.close().await;
    });
    (dir, path)
}

fn queue(path: &Path, args: &[&str]) -> Output {
    let store = format!("redb:{}", path.display());
    let mut all = vec!["queue", "--store", &store];
    all.extend(args);
    support::run(&all)
}

fn stats_of(path: &Path) -> serde_json::Value {
    json(&queue(path, &["stats", "--json"]))
}

#[test]
fn stats_counts_every_state() {
    let (_dir, path) = filled_store();
    let text = assert_ok(&queue(&path, &["stats"]));
    let expected =
        [("waiting", "1"), ("in flight", "1"), ("scheduled retries", "1"), ("dead", "2")];
    for (label, count) in expected {
        let line = text.lines().find(|line| line.starts_with(label)).unwrap_or_else(|| {
            panic!("no `{label}` line in:\n{text}");
        });
        assert_eq!(line.split_whitespace().last(), Some(count), "{line}");
    }
    assert!(text.contains(&format!("redb:{}", path.display())), "{text}");

    let stats = stats_of(&path);
    assert_eq!(stats["waiting"], 1);
    assert_eq!(stats["in_flight"], 1);
    assert_eq!(stats["scheduled_retries"], 1);
    assert_eq!(stats["dead"], 2);
}

#[test]
fn dead_lists_oldest_first_with_untrusted_text_escaped() {
    let (_dir, path) = filled_store();
    let text = assert_ok(&queue(&path, &["dead"]));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "a header and two dead letters:\n{text}");
    assert!(lines[0].starts_with("KEY") && lines[0].contains("LAST ERROR"), "{text}");
    assert!(lines[1].starts_with(OLD_DEAD_KEY) && lines[1].contains("(10d 0h ago)"), "{text}");
    assert!(lines[2].starts_with("message_sent/app/hook/message.id=\\u{1b}[2J1"), "{text}");
    assert!(lines[2].contains("handler failed: downstream said\\n\\u{1b}[31m503"), "{text}");
    assert!(lines[2].contains("  2  "), "two attempts: {text}");

    let listed = json(&queue(&path, &["dead", "--json"]));
    let keys: Vec<&str> = listed
        .as_array()
        .expect("an array")
        .iter()
        .map(|letter| letter["key"].as_str().expect("a key"))
        .collect();
    assert_eq!(keys, [OLD_DEAD_KEY, DEAD_KEY], "exact keys in JSON");
    assert_eq!(listed[1]["last_error"], DEAD_ERROR);
    assert_eq!(listed[1]["attempts"], 2);
    assert_eq!(listed[1]["trigger"], "message_sent");

    let limited = queue(&path, &["dead", "--limit", "1"]);
    assert_eq!(assert_ok(&limited).lines().count(), 2, "a header and one letter");
    let note = String::from_utf8_lossy(&limited.stderr);
    assert!(note.contains("Showing the oldest 1 of 2 dead letters; --limit 2"), "{note}");
}

#[test]
fn show_gives_state_attempts_error_and_body() {
    let (_dir, path) = filled_store();
    let text = assert_ok(&queue(&path, &["show", DEAD_KEY]));
    for expected in [
        "key          message_sent/app/hook/message.id=\\u{1b}[2J1",
        "trigger      message_sent",
        "state        dead since ",
        "attempts     2",
        "last error   handler failed: downstream said\\n\\u{1b}[31m503 Service Unavailable",
        "body (56 bytes):\n{\"trigger\":\"message_sent\",\"data\":{\"text\":\"\\u{1b}]0;owned\\u{7}\\xff\"}}",
    ] {
        assert!(text.contains(expected), "`{expected}` not in:\n{text}");
    }

    let scheduled = json(&queue(&path, &["show", SCHEDULED_KEY, "--json"]));
    assert_eq!(scheduled["key"], SCHEDULED_KEY);
    assert_eq!(scheduled["state"], "scheduled");
    assert_eq!(scheduled["attempts"], 1);
    assert_eq!(scheduled["last_error"], SCHEDULED_ERROR);
    assert_eq!(scheduled["body"], SCHEDULED_BODY);
    let retry_in = scheduled["state_at_ms"].as_i64().expect("a retry time") - now_ms();
    assert!((3_000_000..=3_600_000).contains(&retry_in), "due in about an hour: {retry_in}");

    let dead = json(&queue(&path, &["show", DEAD_KEY, "--json"]));
    assert_eq!(dead["body_bytes"], DEAD_BODY.len());
    assert!(dead.get("body").is_none(), "not UTF-8, so base64 only: {dead}");
    assert!(dead["body_base64"].as_str().is_some_and(|base64| !base64.is_empty()));

    assert_eq!(json(&queue(&path, &["show", IN_FLIGHT_KEY, "--json"]))["state"], "in_flight");
    let waiting = assert_ok(&queue(&path, &["show", WAITING_KEY]));
    assert!(waiting.contains("waiting for a worker") && waiting.contains("last error   -"));

    let missing = queue(&path, &["show", "message_sent/app/hook/message.id=404"]);
    assert_error(&missing, 3, "no event with key `message_sent/app/hook/message.id=404`");
    let hostile = queue(&path, &["show", "nope\x1b[2J"]);
    assert_error(&hostile, 3, "no event with key `nope\\u{1b}[2J`");
}

#[test]
fn redrive_puts_dead_letters_back_with_fresh_attempts() {
    let (_dir, path) = filled_store();
    let output = queue(&path, &["redrive", DEAD_KEY]);
    assert!(assert_ok(&output).contains("Redrove `message_sent/app/hook/message.id=\\u{1b}[2J1`"));
    assert_eq!(stats_of(&path)["dead"], 1);
    assert_eq!(json(&queue(&path, &["show", DEAD_KEY, "--json"]))["state"], "waiting");

    // Not dead, or not there: exit code 3, and the reason.
    assert_error(&queue(&path, &["redrive", WAITING_KEY]), 3, "is waiting, not a dead letter");
    assert_error(&queue(&path, &["redrive", IN_FLIGHT_KEY]), 3, "is in flight, not a dead letter");
    assert_error(&queue(&path, &["redrive", "no/such/key"]), 3, "no event with key `no/such/key`");

    let all = assert_ok(&queue(&path, &["redrive", "--all"]));
    assert!(all.contains("Redrove 1 dead letter"), "{all}");
    let none = assert_ok(&queue(&path, &["redrive", "--all"]));
    assert!(none.contains("No dead letters to redrive"), "{none}");
    assert_eq!(stats_of(&path)["waiting"], 3);

    // A worker gets the redriven event on its first attempt again.
    runtime().block_on(async {
        let store = RedbStore::open(&path, &config()).expect("store opens");
        let mut redriven = Vec::new();
        for _ in 0..3 {
            let claimed = claim_next(&store).await;
            if claimed.event.idempotency_key != WAITING_KEY {
                assert_eq!(claimed.attempt, 1, "{}", claimed.event.idempotency_key);
                let body: &[u8] =
                    if claimed.event.idempotency_key == DEAD_KEY { DEAD_BODY } else { b"{}" };
                assert_eq!(claimed.event.body.as_ref(), body, "the body as stored");
                redriven.push(claimed.event.idempotency_key.clone());
            }
            store.ack(&claimed.lease).await.expect("ack");
        }
        redriven.sort();
        let mut expected = [OLD_DEAD_KEY, DEAD_KEY];
        expected.sort_unstable();
        assert_eq!(redriven, expected);
        assert_eq!(store.stats().await.expect("stats").dead, 0);
        store.close().await;
    });

    let usage = queue(&path, &["redrive"]);
    assert_eq!(usage.status.code(), Some(2), "KEY or --all is required");
}

#[test]
fn purge_deletes_dead_letters_by_age() {
    let (_dir, path) = filled_store();
    let output = assert_ok(&queue(&path, &["purge", "--dead", "--older-than", "7d"]));
    assert!(output.contains("Purged 1 dead letter dead for more than 7d 0h"), "{output}");
    let left = json(&queue(&path, &["dead", "--json"]));
    assert_eq!(left[0]["key"], DEAD_KEY);
    assert_eq!(left.as_array().map(Vec::len), Some(1));

    let output = assert_ok(&queue(&path, &["purge", "--dead", "--older-than", "12h"]));
    assert!(output.contains("Purged 0 dead letters"), "{output}");
    let output = assert_ok(&queue(&path, &["purge", "--dead"]));
    assert!(output.contains("Purged 1 dead letter from"), "{output}");
    let stats = stats_of(&path);
    assert_eq!(stats["dead"], 0);
    assert_eq!(stats["waiting"], 1, "live events are never purged");

    for bad in [&["purge"][..], &["purge", "--dead", "--older-than", "7"]] {
        let output = queue(&path, bad);
        assert_eq!(output.status.code(), Some(2), "{bad:?}");
    }
    let stderr =
        String::from_utf8_lossy(&queue(&path, &["purge", "--dead", "--older-than", "7"]).stderr)
            .into_owned();
    assert!(stderr.contains("`7` needs a unit after the number"), "{stderr}");
}

#[test]
fn a_file_held_by_another_process_names_it() {
    let (_dir, path) = filled_store();
    let rt = runtime();
    let holder = RedbStore::open(&path, &config()).expect("the test holds the store");
    let line = assert_error(&queue(&path, &["stats"]), 4, "is in use by");
    assert!(line.contains(&path.display().to_string()), "{line}");
    assert!(line.contains(&format!("(pid {})", std::process::id())), "{line}");
    assert!(line.contains("an embedded store belongs to one process at a time"), "{line}");
    assert!(line.contains("stop that program"), "{line}");
    rt.block_on(holder.close());
    assert_eq!(stats_of(&path)["dead"], 2, "usable once released");
}

#[test]
fn a_missing_file_or_one_that_is_not_a_store_is_refused() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let missing = dir.path().join("typo.redb");
    assert_error(&queue(&missing, &["stats"]), 4, "no store at");
    assert!(!missing.exists(), "an operator command never creates a store");

    assert_error(&queue(dir.path(), &["stats"]), 4, "is a directory");

    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "not a store").expect("write");
    assert_error(&queue(&notes, &["stats"]), 4, "is it a store file");
    assert_eq!(std::fs::read_to_string(&notes).expect("read"), "not a store", "left unchanged");
}

#[test]
fn a_bad_store_value_is_a_usage_error_with_the_forms() {
    let cases: [(&[&str], &str); 7] = [
        (&["--store", "deliveries.redb"], "write redb:deliveries.redb for a file"),
        (&["--store", "redb:"], "the path is missing"),
        (&["--store", "mysql://h/db"], "unknown kind of store `mysql:`"),
        (&["--store", "redis://"], "the host is missing"),
        (&["--store", "redis://h:70000"], "the port is not a number"),
        (&["--store", "redb:x.redb", "--app", "shop"], "--app applies only to redis://"),
        (&["--store", "redis://:hunter2@h/x"], "`/x` is not a database number"),
    ];
    for (args, expected) in cases {
        let mut all = vec!["queue"];
        all.extend(args);
        all.push("stats");
        let line = assert_error(&support::run(&all), 2, expected);
        assert!(!line.contains("hunter2"), "a password never shows: {line}");
    }
    let output = support::run(&["queue", "stats"]);
    assert_eq!(output.status.code(), Some(2), "--store is required");
    assert!(String::from_utf8_lossy(&output.stderr).contains("--store"));
}

fn now_ms() -> i64 {
    let since_epoch = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).expect("after 1970");
    i64::try_from(since_epoch.as_millis()).expect("fits")
}

#[cfg(unix)]
#[test]
fn a_held_file_whose_socket_nobody_serves_says_so() {
    let (_dir, path) = filled_store();
    let rt = runtime();
    let holder = RedbStore::open(&path, &config()).expect("the test holds the store");
    // A socket file nobody listens on, as a receiver killed by a signal
    // would leave behind while another process holds the store.
    let socket = cometchat_webhooks::delivery::OperatorSocket::path_for(&path);
    drop(std::os::unix::net::UnixListener::bind(&socket).expect("a socket file"));
    let line = assert_error(&queue(&path, &["stats"]), 4, "did not answer on its operator socket");
    assert!(line.contains("Connection refused"), "{line}");
    rt.block_on(holder.close());
    assert_eq!(stats_of(&path)["dead"], 2, "the file itself is read once released");
}
