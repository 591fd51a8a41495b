//! `send --raw`: a body that is not JSON goes out byte for byte, and every
//! way it can go wrong ends in one clear line.

mod support;

use support::{ListenProcess, RecordingServer, assert_one_line_error, run, run_with_stdin, stdout};

const AUTH: [&str; 4] = ["--username", "cometchat", "--password", "s3cret"];

fn send_raw(path: &str, url: &str) -> std::process::Output {
    let mut args = vec!["send", "--raw", path, "--url", url];
    args.extend(AUTH);
    run(&args)
}

fn file_with(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).expect("write the body");
    path.to_str().expect("UTF-8 path").to_owned()
}

#[test]
fn a_raw_body_arrives_byte_for_byte() {
    let server = RecordingServer::answering(200, "{}");
    let dir = tempfile::tempdir().expect("a temp dir");
    let body: &[u8] = b"trigger=message_sent&\xff\x00 not json";
    let output = send_raw(&file_with(&dir, "body.bin", body), &server.url);
    assert!(output.status.success(), "{}", support::stderr(&output));
    let received = server.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].body, body);
    assert_eq!(received[0].header("content-type"), Some("application/json"));
    assert!(received[0].header("authorization").is_some_and(|value| value.starts_with("Basic ")));

    // `-` reads standard input.
    let mut args = vec!["send", "--raw", "-", "--url", &server.url];
    args.extend(AUTH);
    let output = run_with_stdin(&args, b"{\"trigger\":");
    assert!(output.status.success(), "{}", support::stderr(&output));
    assert_eq!(server.received()[1].body, b"{\"trigger\":");
}

#[test]
fn the_receivers_400_is_reported_with_its_reason() {
    let mut args = vec!["--json"];
    args.extend(AUTH);
    let listener = ListenProcess::start(&args);
    let dir = tempfile::tempdir().expect("a temp dir");
    for (name, body, reason) in [
        ("text.txt", &b"hello, not json"[..], "not valid JSON"),
        ("array.json", b"[1, 2, 3]", "not a JSON object"),
        ("no-trigger.json", b"{\"data\": {}}", "no `trigger` field"),
        ("truncated.json", b"{\"trigger\": \"message_sent\", \"data\": {", "truncated"),
    ] {
        let output = send_raw(&file_with(&dir, name, body), &listener.url);
        let stderr = assert_one_line_error(&output, "the receiver answered 400 Bad Request");
        assert!(stderr.contains("did not accept the body as a webhook"), "{name}: {stderr}");
        let answer = stdout(&output);
        assert!(answer.starts_with("HTTP 400 Bad Request\n"), "{name}: {answer}");
        assert!(answer.contains(reason), "{name}: the receiver's reason is shown: {answer}");
        let line = listener.next_line();
        assert!(line.contains("400"), "{name}: listen reports the refusal: {line}");
    }
}

#[test]
fn a_body_over_the_receivers_limit_is_reported_as_413() {
    let listener = ListenProcess::start(&["--allow-unauthenticated"]);
    let dir = tempfile::tempdir().expect("a temp dir");
    let big = vec![b'x'; 2 * 1024 * 1024];
    let output = send_raw(&file_with(&dir, "big.json", &big), &listener.url);
    assert_one_line_error(&output, "the receiver answered 413 Payload Too Large");
    assert_one_line_error(&output, "larger than the receiver accepts");
}

#[test]
fn missing_empty_and_oversized_files_are_refused_before_sending() {
    let server = RecordingServer::answering(200, "{}");
    let dir = tempfile::tempdir().expect("a temp dir");

    let missing = dir.path().join("missing.json");
    let output = send_raw(missing.to_str().expect("UTF-8 path"), &server.url);
    assert_one_line_error(&output, "could not read");
    assert_one_line_error(&output, "missing.json");

    let output = send_raw(&file_with(&dir, "empty.json", b""), &server.url);
    assert_one_line_error(&output, "empty.json is empty: there is no body to send");

    let output = run_with_stdin(&["send", "--raw", "-", "--url", &server.url, "--no-auth"], b"");
    assert_one_line_error(&output, "standard input is empty");

    let oversized = vec![b'{'; 16 * 1024 * 1024 + 1];
    let output = send_raw(&file_with(&dir, "huge.json", &oversized), &server.url);
    assert_one_line_error(&output, "huge.json is larger than 16 MiB");

    let output = send_raw(dir.path().to_str().expect("UTF-8 path"), &server.url);
    assert_one_line_error(&output, "could not read");

    assert!(server.received().is_empty(), "nothing was sent");
}

#[test]
fn raw_does_not_mix_with_samples_files_or_overrides() {
    for args in [
        &["send", "message_sent", "--raw", "x", "--dry-run"][..],
        &["send", "--file", "x", "--raw", "y", "--dry-run"],
        &["send", "--raw", "x", "--set", "a=1", "--dry-run"],
    ] {
        let output = run(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(support::stderr(&output).contains("cannot be used with"), "{args:?}");
    }
}
