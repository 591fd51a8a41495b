//! `media presign` against a loopback stand-in for CometChat's file
//! endpoint (allowed with `--allow-base-url`), and its refusals.

mod support;

use support::{
    RecordingServer, assert_one_line_error, closed_port, run, silent_listener, stderr, stdout,
};

const SIGNED: &str = "https://media-us.cometchat.io/app1/media/photo.png?Expires=4102444800&Signature=sig&Key-Pair-Id=K1";
const KEY: &str = "secret-rest-key-123";

fn presign(url: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["media", "presign", url, "--app-id", "app1", "--api-key", KEY];
    args.extend(extra);
    run(&args)
}

fn base_of(server: &RecordingServer) -> String {
    format!("http://{}/", server.address)
}

#[test]
fn exchanges_a_file_url_at_an_allowed_base() {
    let answer = r#"{"data":{"url":"https://media-us.cometchat.io/app1/media/photo.png?Expires=1&Signature=s&Key-Pair-Id=k"}}"#;
    let server = RecordingServer::answering(200, answer);
    let base = base_of(&server);
    let url = format!("{base}app1/media/photo.png?v=2");
    let output = presign(&url, &["--allow-base-url", &base]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "https://media-us.cometchat.io/app1/media/photo.png?Expires=1&Signature=s&Key-Pair-Id=k\n"
    );
    assert!(stderr(&output).starts_with("expires at "), "{}", stderr(&output));
    assert!(stderr(&output).contains("(in 4m 5"), "about five minutes: {}", stderr(&output));

    let received = server.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].method, "GET");
    assert_eq!(received[0].path_and_query, "/app1/media/photo.png?v=2&redirect=0");
    assert_eq!(received[0].header("appid"), Some("app1"));
    assert_eq!(received[0].header("apikey"), Some(KEY));
}

#[test]
fn an_already_signed_url_needs_no_request() {
    let output = presign(SIGNED, &["--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON output");
    assert_eq!(json["url"], SIGNED);
    assert_eq!(json["expires_at"], "2100-01-01 00:00:00 UTC");
    assert_eq!(json["expires_at_unix"], 4_102_444_800_i64);
}

#[test]
fn rejected_credentials_say_which_flags_to_check_and_never_show_the_key() {
    let server = RecordingServer::answering(401, r#"{"error":"unauthorized"}"#);
    let base = base_of(&server);
    let output = presign(&format!("{base}app1/media/a.png"), &["--allow-base-url", &base]);
    let stderr = assert_one_line_error(&output, "rejected the app id or API key (HTTP 401)");
    assert!(stderr.contains("check --app-id and --api-key"), "{stderr}");
    assert!(!stderr.contains(KEY) && !stdout(&output).contains(KEY));
}

#[test]
fn a_url_that_is_not_cometchat_is_refused_before_any_request() {
    let server = RecordingServer::answering(200, "{}");
    let output = presign(&format!("{}app1/media/a.png", base_of(&server)), &[]);
    assert_one_line_error(&output, "is not a CometChat file host");
    let output = presign("https://files-us.cometchat.io.example.com/a.png", &[]);
    assert_one_line_error(&output, "refused before any request");
    let output = presign("http://files-us.cometchat.io/a.png", &[]);
    assert_one_line_error(&output, "over https only");
    assert!(server.received().is_empty(), "nothing was sent to the stand-in");
}

#[test]
fn missing_app_id_or_key_names_the_flag_and_the_variable() {
    let output = run(&["media", "presign", SIGNED]);
    assert_one_line_error(&output, "--app-id (or COMETCHAT_APP_ID) is missing");
    let output = run(&["media", "presign", SIGNED, "--app-id", "app1"]);
    assert_one_line_error(&output, "--api-key (or COMETCHAT_API_KEY) is missing");

    let output = support::bin()
        .args(["media", "presign", SIGNED])
        .env("COMETCHAT_APP_ID", "app1")
        .env("COMETCHAT_API_KEY", KEY)
        .output()
        .expect("presign runs");
    assert!(output.status.success(), "{}", stderr(&output));
}

#[test]
fn a_slow_or_absent_file_host_is_reported() {
    let (_listener, url) = silent_listener();
    let output = presign(&format!("{url}a.png"), &["--allow-base-url", &url, "--timeout", "300ms"]);
    assert_one_line_error(&output, "no answer from the file host within 300ms; raise --timeout");

    let closed = format!("http://127.0.0.1:{}/", closed_port());
    let output = presign(&format!("{closed}a.png"), &["--allow-base-url", &closed]);
    assert_one_line_error(&output, "request to the file host failed");
}
