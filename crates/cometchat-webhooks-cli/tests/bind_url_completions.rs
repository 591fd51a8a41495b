//! `listen --bind`, the receiver URL from `COMETCHAT_WEBHOOK_URL`, shell
//! completions, and colour as the environment asks for it.

mod support;

use support::{ListenProcess, RecordingServer, assert_one_line_error, bin, run, stderr, stdout};

#[test]
fn listen_binds_the_address_it_is_given() {
    let listener = ListenProcess::start_with(&["--bind", "127.0.0.1:0", "--allow-unauthenticated"]);
    assert!(listener.url.starts_with("http://127.0.0.1:"), "{}", listener.url);
    let output = run(&["send", "message_sent", "--url", &listener.url, "--no-auth"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(listener.next_line().contains("message_sent"));

    // An address without a port takes --port.
    let listener = ListenProcess::start_with(&[
        "--bind",
        "127.0.0.1",
        "--port",
        "0",
        "--allow-unauthenticated",
    ]);
    let output = run(&["send", "user_blocked", "--url", &listener.url, "--no-auth"]);
    assert!(output.status.success(), "{}", stderr(&output));
}

#[test]
fn a_bad_or_doubled_bind_is_refused() {
    let output = run(&["listen", "--bind", "localhost", "--allow-unauthenticated"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("is not an IP address or IP:PORT"), "{}", stderr(&output));

    let args = ["listen", "--bind", "127.0.0.1:0", "--port", "3000", "--allow-unauthenticated"];
    assert_one_line_error(&run(&args), "--bind 127.0.0.1:0 already has a port");

    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = taken.local_addr().expect("address").to_string();
    let output = run(&["listen", "--bind", &address, "--allow-unauthenticated"]);
    assert_one_line_error(&output, "pick another --port or --bind address");
}

#[test]
fn send_and_replay_take_the_url_from_the_environment() {
    let server = RecordingServer::answering(200, "{}");
    let url = format!("http://{}/from-env", server.address);
    let output = bin()
        .args(["send", "message_sent", "--no-auth"])
        .env("COMETCHAT_WEBHOOK_URL", &url)
        .output()
        .expect("the binary runs");
    assert!(output.status.success(), "{}", stderr(&output));

    // --url wins over the variable.
    let explicit = format!("http://{}/explicit", server.address);
    let output = bin()
        .args(["send", "message_sent", "--no-auth", "--url", &explicit])
        .env("COMETCHAT_WEBHOOK_URL", &url)
        .output()
        .expect("the binary runs");
    assert!(output.status.success(), "{}", stderr(&output));

    let dir = tempfile::tempdir().expect("a temp dir");
    std::fs::write(dir.path().join("0001-a.json"), b"{\"trigger\":\"message_sent\"}")
        .expect("write");
    let output = bin()
        .args(["replay", dir.path().to_str().expect("UTF-8 path"), "--no-auth"])
        .env("COMETCHAT_WEBHOOK_URL", &url)
        .output()
        .expect("the binary runs");
    assert!(output.status.success(), "{}", stderr(&output));

    let paths: Vec<String> =
        server.received().into_iter().map(|request| request.path_and_query).collect();
    assert_eq!(paths, ["/from-env", "/explicit", "/from-env"]);
}

#[test]
fn without_url_or_variable_the_variable_is_named() {
    for args in [&["send", "message_sent", "--no-auth"][..], &["replay", ".", "--no-auth"]] {
        let output = run(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = stderr(&output);
        assert!(stderr.contains("--url"), "{args:?}: {stderr}");
    }
    let help = stdout(&run(&["send", "--help"]));
    assert!(help.contains("COMETCHAT_WEBHOOK_URL"), "{help}");
}

#[test]
fn completions_cover_every_subcommand_in_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let output = run(&["completions", shell]);
        assert!(output.status.success(), "{shell}: {}", stderr(&output));
        let script = stdout(&output);
        // Flags without their dashes: fish writes `-l raw`.
        for word in ["cometchat-webhooks", "send", "listen", "replay", "raw", "bind"] {
            assert!(script.contains(word), "{shell}: `{word}` missing");
        }
    }
    let output = run(&["completions", "tcsh"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("possible values"), "{}", stderr(&output));
}

#[test]
fn colour_follows_the_environment() {
    let list = |variables: &[(&str, &str)]| {
        let mut command = bin();
        command.arg("list");
        for (name, value) in variables {
            command.env(name, value);
        }
        stdout(&command.output().expect("the binary runs"))
    };
    // Not a terminal: plain, unless forced.
    assert!(!list(&[]).contains('\u{1b}'));
    assert!(list(&[("CLICOLOR_FORCE", "1")]).contains('\u{1b}'));
    assert!(!list(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]).contains('\u{1b}'));
}
