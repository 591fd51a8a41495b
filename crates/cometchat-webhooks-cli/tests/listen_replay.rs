//! `listen` as a child process: what it prints, what it saves, how it stops,
//! and `replay` of what it saved.

mod support;

use std::path::{Path, PathBuf};

use cometchat_webhooks::testing::sample_body;
use cometchat_webhooks::{Event, Trigger};
use serde_json::Value;
use support::{ListenProcess, RecordingServer, assert_one_line_error, run, stderr, stdout};

const AUTH: [&str; 4] = ["--username", "cometchat", "--password", "s3cret"];

fn send(url: &str, trigger: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["send", trigger, "--url", url];
    args.extend(AUTH);
    args.extend(extra);
    run(&args)
}

fn saved_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("the save directory exists")
        .map(|entry| entry.expect("a directory entry").path())
        .collect();
    files.sort();
    files
}

fn json(line: &str) -> Value {
    serde_json::from_str(line).unwrap_or_else(|error| panic!("not JSON ({error}): {line}"))
}

#[test]
fn listen_prints_saves_and_replay_round_trips_the_exact_bytes() {
    let first_dir = tempfile::tempdir().expect("a temp dir");
    let first_save = first_dir.path().join("deliveries");
    let mut args = vec!["--json", "--save", first_save.to_str().expect("UTF-8 path")];
    args.extend(AUTH);
    let listener = ListenProcess::start(&args);

    // A typed event with an override, a legacy receipt, one whose data does
    // not fit, and one the credentials do not match.
    let text = r#"data.message.data.text="round trip""#;
    assert!(send(&listener.url, "message_sent", &["--set", text]).status.success());
    let line = json(&listener.next_line());
    assert_eq!(line["kind"], "delivery");
    assert_eq!(line["trigger"], "message_sent");
    assert_eq!(line["variant"], "MessageSent");
    assert_eq!(line["typed"], true);
    assert_eq!(line["sender"], "cometchat-uid-1");
    assert_eq!(line["receiver"]["id"], "cometchat-uid-2");
    assert_eq!(line["message_id"], "1");
    assert_eq!(line["idempotency_key"], "message_sent/<appId>/<webhookID>/message.id=1");
    assert!(line["saved_to"].as_str().is_some_and(|path| path.ends_with("-message_sent.json")));

    let output = send(&listener.url, "legacy_message_read_receipt", &["--timeout", "5s"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let line = json(&listener.next_line());
    assert_eq!(line["known_trigger"], "legacy_message_read_receipt");
    assert_eq!(line["variant"], "LegacyMessageReadReceipt");
    let expected_key = Event::from_slice(sample_body(Trigger::LegacyMessageReadReceipt))
        .expect("sample decodes")
        .idempotency_key();
    assert_eq!(line["idempotency_key"], expected_key.as_str());

    assert!(
        send(&listener.url, "message_sent", &["--set", r#"data.message.id=[1]"#]).status.success()
    );
    let line = json(&listener.next_line());
    assert_eq!(line["variant"], "Undecodable");
    assert_eq!(line["not_decoded"]["path"], "data.message.id");

    let output = run(&[
        "send",
        "message_sent",
        "--url",
        &listener.url,
        "--username",
        "cometchat",
        "--password",
        "guess",
    ]);
    assert_one_line_error(&output, "answered 401 Unauthorized");
    let line = json(&listener.next_line());
    assert_eq!(line["kind"], "rejected");
    assert_eq!(line["status"], 401);

    // Ctrl-C: a clean stop with exit code 0.
    let status = listener.interrupt();
    assert!(status.success(), "listen exits 0 on Ctrl-C, got {status:?}");

    let first = saved_files(&first_save);
    assert_eq!(first.len(), 3, "the refused request is not saved");
    let sample = std::fs::read(&first[1]).expect("read a saved body");
    assert_eq!(sample, sample_body(Trigger::LegacyMessageReadReceipt), "saved byte for byte");

    // Replay into a second listener, one at a time so name order is kept.
    let second_dir = tempfile::tempdir().expect("a temp dir");
    let second_save = second_dir.path().to_str().expect("UTF-8 path");
    let second = ListenProcess::start(&["--allow-unauthenticated", "--save", second_save]);
    let replay = run(&[
        "replay",
        first_save.to_str().expect("UTF-8 path"),
        "--url",
        &second.url,
        "--no-auth",
        "--concurrency",
        "1",
    ]);
    assert!(replay.status.success(), "{}", stderr(&replay));
    assert!(stdout(&replay).contains("Replayed 3 bodies"), "{}", stdout(&replay));
    assert!(stdout(&replay).contains("3 × 200 OK"), "{}", stdout(&replay));
    assert_eq!(stderr(&replay), "", "no progress bar when stderr is not a terminal");
    for _ in 0..3 {
        let line = second.next_line();
        assert!(line.contains("saved="), "text lines name the saved file: {line}");
    }
    assert!(second.interrupt().success());

    let replayed = saved_files(second_dir.path());
    assert_eq!(replayed.len(), first.len());
    for (original, copy) in first.iter().zip(&replayed) {
        assert_eq!(
            std::fs::read(original).expect("read"),
            std::fs::read(copy).expect("read"),
            "{} and {} differ",
            original.display(),
            copy.display()
        );
    }
}

#[test]
fn text_lines_show_the_key_fields() {
    let listener = ListenProcess::start(&AUTH);
    assert!(send(&listener.url, "message_reaction_added", &[]).status.success());
    let line = listener.next_line();
    assert!(line.contains("  message_reaction_added  MessageReactionAdded  "), "{line}");
    assert!(line.contains("  key=message_reaction_added/"), "{line}");
    assert!(!line.contains('\u{1b}'), "no colour when stdout is not a terminal: {line}");

    let output = run(&["send", "message_sent", "--url", &listener.url, "--no-auth"]);
    assert_one_line_error(&output, "401");
    let line = listener.next_line();
    assert!(line.contains("rejected 401  missing Authorization header"), "{line}");
    assert!(listener.interrupt().success());
}

#[test]
fn replay_counts_statuses_and_fails_when_any_is_refused() {
    let dir = tempfile::tempdir().expect("a temp dir");
    for (index, trigger) in [Trigger::MessageSent, Trigger::GroupCreated].iter().enumerate() {
        let path = dir.path().join(format!("{index}-{trigger}.json"));
        std::fs::write(path, sample_body(*trigger)).expect("write a body");
    }
    std::fs::write(dir.path().join("notes.txt"), "not replayed").expect("write");
    let path = dir.path().to_str().expect("UTF-8 path");

    let refusing = RecordingServer::answering(401, r#"{"error":"wrong credentials"}"#);
    let mut args = vec!["replay", path, "--url", &refusing.url];
    args.extend(AUTH);
    let output = run(&args);
    assert_one_line_error(&output, "2 of 2 deliveries failed");
    let printed = stdout(&output);
    assert!(printed.contains("failed 0-message_sent.json: 401 Unauthorized"), "{printed}");
    assert!(printed.contains("2 × 401 Unauthorized"), "{printed}");
    assert_eq!(refusing.received().len(), 2, "only *.json files are sent");

    let accepting = RecordingServer::answering(200, "{}");
    let mut args = vec!["replay", path, "--url", &accepting.url, "--concurrency", "2"];
    args.extend(AUTH);
    let output = run(&args);
    assert!(output.status.success(), "{}", stderr(&output));
    let bodies: Vec<Vec<u8>> =
        accepting.received().into_iter().map(|request| request.body).collect();
    assert!(bodies.contains(&sample_body(Trigger::MessageSent).to_vec()));
    assert!(bodies.contains(&sample_body(Trigger::GroupCreated).to_vec()));
}
