//! Basic-auth verification: every way a header can be wrong, rotation, and
//! configuration from the environment.

use std::process::Command;

use cometchat_webhooks::auth::{MalformedReason, PASSWORD_VAR, USERNAME_VAR};
use cometchat_webhooks::contract::WWW_AUTHENTICATE;
use cometchat_webhooks::testing::basic_auth_header;
use cometchat_webhooks::*;

fn auth() -> BasicAuth {
    BasicAuth::new("cometchat", "s3cret").unwrap()
}

fn malformed(header: &[u8]) -> MalformedReason {
    match auth().verify(Some(header)) {
        Err(AuthError::Malformed(reason)) => reason,
        other => panic!("{:?} gave {other:?}", String::from_utf8_lossy(header)),
    }
}

#[test]
fn the_right_credentials_pass_in_every_accepted_spelling() {
    let header = basic_auth_header("cometchat", "s3cret");
    let token = header.strip_prefix("Basic ").unwrap();
    for spelling in [
        header.clone(),
        format!("basic {token}"),
        format!("BASIC {token}"),
        format!("Basic   {token}"),
        format!("Basic\t{token}"),
        format!("  Basic {token}  "),
        format!("Basic {token}\t"),
    ] {
        assert_eq!(auth().verify(Some(spelling.as_bytes())), Ok(()), "{spelling:?}");
    }
    assert_eq!(auth().verify_str(Some(&header)), Ok(()));
}

#[test]
fn missing_and_malformed_headers_are_told_apart() {
    assert_eq!(auth().verify(None), Err(AuthError::Missing));
    assert_eq!(malformed(b""), MalformedReason::Empty);
    assert_eq!(malformed(b"   "), MalformedReason::Empty);
    assert_eq!(malformed(b"Bearer abc.def"), MalformedReason::NotBasic);
    assert_eq!(malformed(b"Digest username=\"x\""), MalformedReason::NotBasic);
    assert_eq!(malformed(b"BasicdXNlcjpwYXNz"), MalformedReason::NotBasic);
    assert_eq!(malformed(b"Basic"), MalformedReason::NoCredentials);
    assert_eq!(malformed(b"Basic    "), MalformedReason::NoCredentials);
    assert_eq!(malformed(b"Basic !!!!"), MalformedReason::NotBase64);
    assert_eq!(malformed(b"Basic dXNlcjpwYXNz dXNlcjpwYXNz"), MalformedReason::NotBase64);
    // Unpadded and URL-safe base64 are not what CometChat sends.
    assert_eq!(malformed(b"Basic Y29tZXRjaGF0OnMzY3JldA"), MalformedReason::NotBase64);
    assert_eq!(malformed(b"Basic Pz8_Pw=="), MalformedReason::NotBase64);
    // Non-UTF-8 and non-ASCII bytes in the header.
    assert_eq!(malformed(b"Basic \xff\xfe\xfd\xfc"), MalformedReason::NotBase64);
    assert_eq!(malformed("Basic é".as_bytes()), MalformedReason::NotBase64);
    // "nocolon" in base64.
    assert_eq!(malformed(b"Basic bm9jb2xvbg=="), MalformedReason::NoColon);
    let long = format!("Basic {}", "A".repeat(5000));
    assert_eq!(malformed(long.as_bytes()), MalformedReason::TooLong);
}

#[test]
fn wrong_credentials_are_wrong_whatever_their_length() {
    for (user, pass) in [
        ("cometchat", "s3cre"),
        ("cometchat", "s3cret "),
        ("cometchat", "S3CRET"),
        ("cometcha", "ts3cret"),
        ("", "cometchat:s3cret"),
        ("cometchat", ""),
        ("cometchat", &"s3cret".repeat(100)),
    ] {
        let header = basic_auth_header(user, pass);
        assert_eq!(auth().verify(Some(header.as_bytes())), Err(AuthError::Wrong), "{user}:{pass}");
    }
}

#[test]
fn a_colon_inside_the_password_belongs_to_the_password() {
    let auth = BasicAuth::new("user", "pa:ss:word").unwrap();
    assert_eq!(auth.verify(Some(basic_auth_header("user", "pa:ss:word").as_bytes())), Ok(()));
    assert_eq!(
        auth.verify(Some(basic_auth_header("user:pa", "ss:word").as_bytes())),
        Ok(()),
        "the header carries the same user:password bytes"
    );
    assert_eq!(
        auth.verify(Some(basic_auth_header("user", "pa:ss").as_bytes())),
        Err(AuthError::Wrong)
    );
}

#[test]
fn non_utf8_credentials_are_compared_as_bytes() {
    use base64::Engine;
    let token = base64::engine::general_purpose::STANDARD.encode(b"user:\xff\xfe");
    let header = format!("Basic {token}");
    assert_eq!(auth().verify(Some(header.as_bytes())), Err(AuthError::Wrong));
}

#[test]
fn several_pairs_allow_rotation() {
    let auth = BasicAuth::builder()
        .credentials("cometchat", "new")
        .unwrap()
        .credentials("cometchat", "old")
        .unwrap()
        .credentials("other-user", "x")
        .unwrap()
        .build()
        .unwrap();
    for (user, pass) in [("cometchat", "new"), ("cometchat", "old"), ("other-user", "x")] {
        assert_eq!(auth.verify(Some(basic_auth_header(user, pass).as_bytes())), Ok(()));
    }
    let wrong = basic_auth_header("other-user", "new");
    assert_eq!(auth.verify(Some(wrong.as_bytes())), Err(AuthError::Wrong));
}

#[test]
fn configuration_errors_are_explicit() {
    assert_eq!(BasicAuth::builder().build().unwrap_err(), ConfigError::NoCredentials);
    assert_eq!(BasicAuth::new("", "x").unwrap_err(), ConfigError::EmptyUsername);
    assert_eq!(BasicAuth::new("a:b", "x").unwrap_err(), ConfigError::UsernameHasColon);
    assert!(ConfigError::NoCredentials.to_string().contains("allow_unauthenticated"));
}

#[test]
fn unauthenticated_access_must_be_asked_for_and_then_accepts_anything() {
    let open = BasicAuth::allow_unauthenticated();
    assert!(open.is_unauthenticated());
    assert!(!auth().is_unauthenticated());
    for header in [None, Some(&b"garbage"[..]), Some(b"Basic bm9jb2xvbg==")] {
        assert_eq!(open.verify(header), Ok(()));
    }
}

#[test]
fn debug_output_never_shows_a_password() {
    let auth = BasicAuth::new("cometchat", "hunter2-very-secret").unwrap();
    let credentials = Credentials::new("cometchat", "hunter2-very-secret").unwrap();
    let config = ReceiverConfig::new(auth.clone());
    for debug in [format!("{auth:?}"), format!("{credentials:?}"), format!("{config:?}")] {
        assert!(!debug.contains("hunter2"), "{debug}");
        assert!(debug.contains("redacted"), "{debug}");
    }
}

#[test]
fn errors_render_without_echoing_the_header() {
    let header = b"Basic aHVudGVyMjpodW50ZXIy!";
    let error = auth().verify(Some(header)).unwrap_err();
    let rejection = Rejection::from(error);
    assert_eq!(rejection.status(), 401);
    assert!(!rejection.body().contains("aHVudGVy"));
    // The connection closes after a 401: the body is never read or drained.
    assert_eq!(
        rejection.headers(),
        vec![("www-authenticate", WWW_AUTHENTICATE.to_owned()), ("connection", "close".to_owned())]
    );
}

/// The name of the test below, which a child process runs as the probe.
const FROM_ENV_TEST: &str = "from_env_reads_both_variables_and_refuses_half_a_pair";

/// Runs [`FROM_ENV_TEST`] as a probe in a child process with the given
/// environment, because the variables are process-wide.
fn probe_env(vars: &[(&str, &str)]) -> String {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command.args(["--exact", FROM_ENV_TEST, "--nocapture", "--test-threads=1"]);
    command.env_remove(USERNAME_VAR).env_remove(PASSWORD_VAR).env("FROM_ENV_PROBE", "1");
    for (name, value) in vars {
        command.env(name, value);
    }
    let output = command.output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let probe = stdout.lines().find_map(|line| line.split_once("probe: ").map(|(_, rest)| rest));
    probe.unwrap_or_else(|| panic!("the probe printed nothing: {stdout}")).to_owned()
}

/// In the child: what `BasicAuth::from_env` makes of this environment, told
/// to the parent on stdout.
#[allow(clippy::print_stdout)]
fn probe() {
    let outcome = match BasicAuth::from_env() {
        Ok(auth) => match auth.verify(Some(basic_auth_header("env-user", "env-pass").as_bytes())) {
            Ok(()) => "accepts env-user".to_owned(),
            Err(error) => format!("built, but {error}"),
        },
        Err(error) => format!("error: {error}"),
    };
    println!("probe: {outcome}");
}

#[test]
fn from_env_reads_both_variables_and_refuses_half_a_pair() {
    // The same test is the probe in the child processes it starts.
    if std::env::var_os("FROM_ENV_PROBE").is_some() {
        return probe();
    }
    let both = [(USERNAME_VAR, "env-user"), (PASSWORD_VAR, "env-pass")];
    assert_eq!(probe_env(&both), "accepts env-user");
    assert!(probe_env(&[]).starts_with("error: no webhook credentials"));
    let only_user = probe_env(&[(USERNAME_VAR, "env-user")]);
    assert_eq!(
        only_user,
        "error: COMETCHAT_WEBHOOK_USERNAME is set but COMETCHAT_WEBHOOK_PASSWORD is not"
    );
    let only_password = probe_env(&[(PASSWORD_VAR, "env-pass")]);
    assert!(only_password.contains("COMETCHAT_WEBHOOK_PASSWORD is set"), "{only_password}");
}

/// What a `main` returning `Result` prints: a test returning `Err` is
/// reported by the same `Termination` impl (`Error: {error:?}`).
#[test]
fn question_mark_in_main_probe() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::var_os("QUESTION_MARK_PROBE").is_none() {
        return Ok(());
    }
    BasicAuth::from_env()?;
    Ok(())
}

#[test]
fn a_configuration_error_under_question_mark_prints_its_message() {
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "question_mark_in_main_probe", "--nocapture", "--test-threads=1"])
        .env_remove(USERNAME_VAR)
        .env_remove(PASSWORD_VAR)
        .env("QUESTION_MARK_PROBE", "1")
        .output()
        .unwrap();
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!output.status.success(), "{printed}");
    assert!(
        printed
            .contains("Error: no webhook credentials configured: set COMETCHAT_WEBHOOK_USERNAME"),
        "{printed}"
    );
    assert!(!printed.contains("NoCredentials"), "{printed}");
    assert_eq!(format!("{:?}", ConfigError::ZeroBodyLimit), ConfigError::ZeroBodyLimit.to_string());
}

#[test]
fn a_password_may_be_given_as_a_secret() {
    let secret = secrecy::SecretString::from("hunter2-very-secret");
    let credentials = Credentials::from_secret("cometchat", secret).unwrap();
    let password = String::from("hunter2-very-secret");
    let borrowed = BasicAuth::new("cometchat", &password).unwrap();
    let owned = BasicAuth::new("cometchat", password).unwrap();
    let header = basic_auth_header("cometchat", "hunter2-very-secret");
    assert_eq!(borrowed.verify(Some(header.as_bytes())), Ok(()));
    assert_eq!(owned.verify(Some(header.as_bytes())), Ok(()));
    let refused = Credentials::from_secret("a:b", secrecy::SecretString::from("x")).unwrap_err();
    assert_eq!(refused, ConfigError::UsernameHasColon);
    let built = BasicAuth::builder().with_credentials(credentials).build().unwrap();
    assert_eq!(built.verify(Some(header.as_bytes())), Ok(()));
    assert!(!format!("{built:?}").contains("hunter2"));
}
