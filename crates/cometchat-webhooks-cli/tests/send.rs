//! `send` against a real HTTP server on loopback that records what arrives.

mod support;

use cometchat_webhooks::testing::{basic_auth_header, sample_body};
use cometchat_webhooks::{Event, Trigger};
use serde_json::Value;
use support::{RecordingServer, assert_one_line_error, run, run_with_stdin, stderr, stdout};

const AUTH: [&str; 4] = ["--username", "cometchat", "--password", "s3cret"];

fn send(trigger: &str, url: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["send", trigger, "--url", url];
    args.extend(AUTH);
    args.extend(extra);
    run(&args)
}

#[test]
fn every_trigger_sample_arrives_byte_for_byte_with_basic_auth() {
    let server = RecordingServer::answering(200, "{}");
    // Unique names, so legacy receipts are sent as themselves. Two threads:
    // each send is its own process.
    let (first, second) = Trigger::ALL.split_at(Trigger::ALL.len() / 2);
    std::thread::scope(|scope| {
        for half in [first, second] {
            let url = &server.url;
            scope.spawn(move || {
                for trigger in half {
                    let output = send(trigger.unique_name(), url, &[]);
                    assert!(output.status.success(), "{trigger}: {}", stderr(&output));
                    assert_eq!(stdout(&output).lines().next(), Some("HTTP 200 OK"), "{trigger}");
                }
            });
        }
    });

    let received = server.received();
    assert_eq!(received.len(), Trigger::ALL.len());
    let expected_auth = basic_auth_header("cometchat", "s3cret");
    for &trigger in Trigger::ALL {
        let request = received
            .iter()
            .find(|request| request.body == sample_body(trigger))
            .unwrap_or_else(|| panic!("the {trigger} sample never arrived"));
        assert_eq!(request.method, "POST");
        assert_eq!(request.path_and_query, "/webhooks/cometchat");
        assert_eq!(request.header("authorization"), Some(expected_auth.as_str()));
        assert_eq!(request.header("content-type"), Some("application/json"));
        let event = Event::from_slice(&request.body).expect("a webhook arrived");
        assert_eq!(event.known_trigger(), Some(trigger), "the receiver saw {trigger}");
    }
}

#[test]
fn set_overrides_are_what_the_receiver_gets() {
    let server = RecordingServer::answering(200, "{}");
    let output = send(
        "message_sent",
        &server.url,
        &[
            "--set",
            r#"data.message.data.text="hello from the CLI""#,
            "--set",
            r#"data.message.sender="alice""#,
            "--set",
            r#"appId="my-app""#,
            "--set",
            "data.message.sentAt=1700000000",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));

    let received = server.received();
    let body: Value = serde_json::from_slice(&received[0].body).expect("JSON arrived");
    assert_eq!(body["data"]["message"]["data"]["text"], "hello from the CLI");
    assert_eq!(body["data"]["message"]["sender"], "alice");
    assert_eq!(body["appId"], "my-app");
    assert_eq!(body["data"]["message"]["sentAt"], 1_700_000_000);
    let event = Event::from_slice(&received[0].body).expect("still a webhook");
    assert_eq!(event.sender_uid(), Some("alice"));
    assert!(event.is_typed());
}

#[test]
fn environment_credentials_are_used() {
    let server = RecordingServer::answering(200, "{}");
    let output = support::bin()
        .args(["send", "group_created", "--url", &server.url])
        .env("COMETCHAT_WEBHOOK_USERNAME", "from-env")
        .env("COMETCHAT_WEBHOOK_PASSWORD", "env-secret")
        .output()
        .expect("send runs");
    assert!(output.status.success(), "{}", stderr(&output));
    let expected = basic_auth_header("from-env", "env-secret");
    assert_eq!(server.received()[0].header("authorization"), Some(expected.as_str()));
}

#[test]
fn a_file_or_stdin_is_sent_exactly() {
    let server = RecordingServer::answering(200, "{}");
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("body.json");
    let body = b"{ \"trigger\" : \"brand_new\",\n  \"data\": {\"x\": 1} }\n";
    std::fs::write(&path, body).expect("write the body");

    let mut args = vec!["send", "--file", path.to_str().expect("UTF-8 path"), "--url", &server.url];
    args.extend(AUTH);
    let output = run(&args);
    assert!(output.status.success(), "{}", stderr(&output));

    let mut args = vec!["send", "--file", "-", "--url", &server.url, "--no-auth"];
    args.extend(["--timeout", "5s"]);
    let output = run_with_stdin(&args, body);
    assert!(output.status.success(), "{}", stderr(&output));

    let received = server.received();
    assert_eq!(received[0].body, body);
    assert_eq!(received[1].body, body);
    assert_eq!(received[1].header("authorization"), None, "--no-auth sends none");
}

#[test]
fn the_answer_is_printed_and_a_non_2xx_answer_fails() {
    let server = RecordingServer::answering(401, r#"{"error":"wrong credentials"}"#);
    let output = send("message_sent", &server.url, &[]);
    assert_eq!(stdout(&output), "HTTP 401 Unauthorized\n{\"error\":\"wrong credentials\"}\n");
    assert_one_line_error(&output, "the receiver answered 401 Unauthorized; check --username");

    let server = RecordingServer::answering(500, "boom");
    let output = send("message_sent", &server.url, &[]);
    assert!(stdout(&output).starts_with("HTTP 500 Internal Server Error\nboom"));
    assert_one_line_error(&output, "answered 500");
}

#[test]
fn dry_run_prints_the_body_without_sending() {
    let output =
        run(&["send", "message_sent", "--dry-run", "--set", r#"data.message.data.text="x""#]);
    assert!(output.status.success(), "{}", stderr(&output));
    let body: Value = serde_json::from_str(&stdout(&output)).expect("the body is JSON");
    assert_eq!(body["data"]["message"]["data"]["text"], "x");

    let output = run(&["send", "user_blocked", "--dry-run"]);
    assert_eq!(output.stdout, [sample_body(Trigger::UserBlocked), b"\n"].concat());
}
