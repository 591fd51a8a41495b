//! Every bad input ends with one `error:` line that says what to do, exit
//! code 1, and no panic.

mod support;

use std::time::{Duration, Instant};

use support::{assert_one_line_error, closed_port, run, run_with_stdin, silent_listener};

const AUTH: [&str; 4] = ["--username", "cometchat", "--password", "s3cret"];

fn send_to(url: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["send", "message_sent", "--url", url];
    args.extend(AUTH);
    args.extend(extra);
    run(&args)
}

#[test]
fn a_refused_connection_asks_whether_the_receiver_runs() {
    let url = format!("http://127.0.0.1:{}/webhooks", closed_port());
    let output = send_to(&url, &[]);
    assert_one_line_error(
        &output,
        &format!("connection to {url} refused: is the receiver running"),
    );
}

#[test]
fn a_receiver_that_never_answers_times_out() {
    let (_listener, url) = silent_listener();
    let started = Instant::now();
    let output = send_to(&url, &["--timeout", "300ms"]);
    assert_one_line_error(&output, "no answer from");
    assert_one_line_error(&output, "within 300ms");
    assert!(started.elapsed() < Duration::from_secs(10), "the timeout was honoured");
}

#[test]
fn a_url_without_scheme_shows_the_form() {
    let output = send_to("localhost:3000/webhooks", &[]);
    assert_one_line_error(&output, "is not a URL (it has no http:// or https://)");
}

#[test]
fn a_file_that_is_not_json_is_refused_before_sending() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, "trigger: message_sent").expect("write");
    let path = path.to_str().expect("UTF-8 path");
    // A closed port: refusing the file must come before any connection.
    let url = format!("http://127.0.0.1:{}/", closed_port());
    let mut args = vec!["send", "--file", path, "--url", &url];
    args.extend(AUTH);
    assert_one_line_error(&run(&args), &format!("{path} is not JSON"));

    let output = run(&["send", "--file", "/no/such/body.json", "--url", &url, "--no-auth"]);
    assert_one_line_error(&output, "could not read /no/such/body.json");
}

#[test]
fn an_unknown_trigger_suggests_the_closest() {
    let output = run(&["send", "mesage_sent", "--url", "http://127.0.0.1:9/", "--no-auth"]);
    assert_one_line_error(&output, "unknown trigger `mesage_sent`: did you mean `message_sent`?");

    let output = run(&["send", "group_member_kiked", "--dry-run"]);
    assert_one_line_error(&output, "did you mean `group_member_kicked`?");

    let output = run(&["send", "reaction", "--dry-run"]);
    assert_one_line_error(
        &output,
        "did you mean one of `message_reaction_added`, `message_reaction_removed`?",
    );

    let output = run(&["send", "xyzzy", "--dry-run"]);
    let stderr = assert_one_line_error(&output, "`cometchat-webhooks list` shows every trigger");
    assert!(!stderr.contains("did you mean"));
}

#[test]
fn a_set_path_that_does_not_exist_names_the_missing_part() {
    let output = run(&["send", "message_sent", "--dry-run", "--set", "data.message.nope.deeper=1"]);
    assert_one_line_error(
        &output,
        "`--set data.message.nope.deeper`: there is no `data.message.nope` in the message_sent \
         sample; see its fields with `cometchat-webhooks send message_sent --dry-run`",
    );
}

#[test]
fn a_set_value_that_is_not_json_shows_how_to_quote() {
    let output = run(&["send", "message_sent", "--dry-run", "--set", "data.message.data.text=hi"]);
    assert_one_line_error(&output, r#"quote text as JSON: --set 'data.message.data.text="hi"'"#);

    let output = run(&["send", "message_sent", "--dry-run", "--set", "data.message.data.text"]);
    assert_one_line_error(&output, "is not PATH=JSON");
}

#[test]
fn missing_credentials_name_the_flag_and_the_variable() {
    let output = run(&["send", "message_sent", "--url", "http://127.0.0.1:9/"]);
    assert_one_line_error(&output, "--username (or COMETCHAT_WEBHOOK_USERNAME) is missing");

    let output = run(&["send", "message_sent", "--url", "http://127.0.0.1:9/", "--username", "u"]);
    assert_one_line_error(&output, "--password (or COMETCHAT_WEBHOOK_PASSWORD) is missing");

    let output = run(&["listen", "--port", "0"]);
    assert_one_line_error(&output, "or --allow-unauthenticated to accept any request");

    let output = run(&["replay", ".", "--url", "http://127.0.0.1:9/"]);
    assert_one_line_error(&output, "is missing");
}

#[test]
fn inspect_refuses_what_is_not_a_webhook() {
    let cases: [(&[u8], &str); 5] = [
        (b"", "standard input is not a webhook: body is empty"),
        (b"\x00\x9f garbage", "standard input is not a webhook"),
        (b"[1, 2]", "body is not a JSON object"),
        (b"{\"data\": {}}", "body has no `trigger` field"),
        (b"{\"trigger\": 5}", "`trigger` is not a string"),
    ];
    for (body, expected) in cases {
        assert_one_line_error(&run_with_stdin(&["inspect"], body), expected);
    }
    assert_one_line_error(&run(&["inspect", "/no/such/file.json"]), "could not read");
}

#[test]
fn replay_of_an_empty_or_missing_directory_says_where_bodies_come_from() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().to_str().expect("UTF-8 path");
    let output = run(&["replay", path, "--url", "http://127.0.0.1:9/", "--no-auth"]);
    assert_one_line_error(&output, "no *.json files in");
    assert_one_line_error(&output, "cometchat-webhooks listen --save");

    let output = run(&["replay", "/no/such/dir", "--url", "http://127.0.0.1:9/", "--no-auth"]);
    assert_one_line_error(&output, "could not read /no/such/dir");
}

#[test]
fn a_taken_port_suggests_another() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("address").port().to_string();
    let output = run(&["listen", "--port", &port, "--allow-unauthenticated"]);
    assert_one_line_error(&output, "pick another --port");
}

#[test]
fn a_bad_timeout_is_an_argument_error() {
    let output = run(&["send", "message_sent", "--dry-run", "--timeout", "soon"]);
    // clap's own usage error: exit code 2, no panic.
    assert_eq!(output.status.code(), Some(2));
    let stderr = support::stderr(&output);
    assert!(stderr.contains("`soon` is not a duration"), "{stderr}");
}
