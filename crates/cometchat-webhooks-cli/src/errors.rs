//! Every way a command can fail, each shown as one line that says what
//! happened and what to do about it.

use std::path::PathBuf;
use std::time::Duration;

use cometchat_webhooks::media::MediaError;
use cometchat_webhooks::testing::PathError;
use cometchat_webhooks::{ConfigError, ParseError};

use crate::duration_arg::format_duration;
use crate::lock_holder::LockHolder;

/// A failed command. `Display` is the whole message: one line, no `Debug`
/// output, never a credential.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CliError {
    #[error("unknown trigger `{name}`{} (`cometchat-webhooks list` shows every trigger)", did_you_mean(.suggestions))]
    UnknownTrigger { name: String, suggestions: Vec<&'static str> },

    #[error(
        "name a trigger to send its sample (`cometchat-webhooks list` shows them), or pass --file"
    )]
    MissingTrigger,

    #[error("`--set {given}` is not PATH=JSON: write e.g. --set 'data.message.data.text=\"hi\"'")]
    SetNotAssignment { given: String },

    #[error(
        "`--set {path}=...`: `{value}` is not JSON ({reason}); quote text as JSON: --set '{path}=\"{value}\"'"
    )]
    SetValueNotJson { path: String, value: String, reason: String },

    #[error("`--set {path}`: {}{}", path_problem(.source, .body_name), dry_run_hint(.trigger))]
    SetPath { path: String, body_name: String, trigger: Option<&'static str>, source: PathError },

    #[error("{name} is not JSON ({reason}); send a JSON webhook body")]
    NotJson { name: String, reason: String },

    #[error("{name} is not a webhook: {source}")]
    NotAWebhook { name: String, source: ParseError },

    #[error("could not read {}: {source}", .path.display())]
    Read { path: PathBuf, source: std::io::Error },

    #[error("could not read standard input: {source}")]
    ReadStdin { source: std::io::Error },

    #[error("could not create {}: {source}", .path.display())]
    CreateDir { path: PathBuf, source: std::io::Error },

    #[error("no *.json files in {}; save deliveries there with `cometchat-webhooks listen --save {}`", .dir.display(), .dir.display())]
    NothingToReplay { dir: PathBuf },

    #[error("{missing} is missing: {hint}")]
    MissingCredentials { missing: &'static str, hint: &'static str },

    #[error("webhook credentials: {source}")]
    BadCredentials { source: ConfigError },

    #[error("`{url}` is not a URL ({reason}); write it like http://127.0.0.1:8787/webhooks")]
    InvalidUrl { url: String, reason: String },

    #[error("connection to {url} refused: is the receiver running on that port?")]
    ConnectionRefused { url: String },

    #[error("could not reach {url}: {reason}; check the host name and that the receiver is up")]
    Unreachable { url: String, reason: String },

    #[error(
        "no answer from {url} within {timeout}; is the receiver stuck? raise --timeout to wait longer"
    )]
    Timeout { url: String, timeout: String },

    #[error("request to {url} failed: {reason}")]
    Transport { url: String, reason: String },

    #[error("the receiver answered {status}{}", status_hint(*.code))]
    Refused { status: String, code: u16 },

    #[error("could not listen on {address}: {source}; pick another --port or --bind address")]
    Bind { address: String, source: std::io::Error },

    #[error("--bind {bind} already has a port; drop --port {port} or the port in --bind")]
    PortTwice { bind: String, port: u16 },

    #[error("{name} is empty: there is no body to send")]
    EmptyBody { name: String },

    #[error("{name} is larger than {limit}; no webhook body is that large")]
    BodyTooLarge { name: String, limit: String },

    #[error("{flag}: {reason}")]
    BadServerSetting { flag: &'static str, reason: String },

    #[error("{failed} of {total} deliveries failed (listed above)")]
    ReplayFailed { failed: usize, total: usize },

    #[error("{failed} of {total} checks failed (marked above)")]
    DemoFailed { failed: usize, total: usize },

    #[error("{source}{}", media_hint(.source))]
    Media { source: MediaError },

    #[error("could not start the async runtime: {source}")]
    Runtime { source: std::io::Error },

    #[error("could not write the output: {source}")]
    Output { source: std::io::Error },

    #[error("--store `{given}`: {reason}")]
    BadStore { given: String, reason: String },

    #[error("{flag} applies only to redis:// stores; leave it out for redb:PATH")]
    FlagNeedsRedis { flag: &'static str },

    #[error("{flag} applies only to rediss:// (TLS) stores; write rediss:// or leave it out")]
    FlagNeedsTls { flag: &'static str },

    #[error("{flag}: {reason}")]
    BadStoreSetting { flag: &'static str, reason: String },

    #[error(
        "no store at {}: the file does not exist; pass the path the receiver was started with (`listen --store redb:PATH`)",
        .path.display()
    )]
    NoStoreFile { path: PathBuf },

    #[error("{} is a directory: name the store's file, e.g. redb:{}/deliveries.redb", .path.display(), .path.display())]
    StoreIsDirectory { path: PathBuf },

    #[error("{}", locked_message(.path, .holder))]
    StoreLocked { path: PathBuf, holder: LockHolder },

    #[error(
        "{store} did not answer within {}; is the server up and reachable from here? raise --store-timeout to wait longer",
        format_duration(*.after)
    )]
    StoreTimeout { store: String, after: Duration },

    #[error(
        "cannot reach {store}: {reason}; is redis-server running there, and are the address and password right?"
    )]
    StoreUnreachable { store: String, reason: String },

    #[error(
        "the TLS handshake with {store} failed: {reason}; does the server's certificate name its host, and is its CA the one given with --redis-ca-cert (or a public one)? a server that asks for a client certificate needs --redis-client-cert and --redis-client-key"
    )]
    StoreNotTrusted { store: String, reason: String },

    #[error("{store} failed: {reason}{hint}")]
    StoreFailed { store: String, reason: String, hint: &'static str },

    #[error(
        "no event with key `{key}` is stored: it was never received, was handled, or was purged (`cometchat-webhooks queue dead` lists dead letters)"
    )]
    NoSuchEvent { key: String },

    #[error("`{key}` is {state}, not a dead letter: only dead letters are redriven")]
    NotDead { key: String, state: &'static str },
    #[error("{name} is a webhook, but its `data` did not decode typed: {reason}")]
    NotTyped { name: String, reason: String },
}

/// Exit codes scripts can tell apart (also in the README's Queue section).
pub(crate) mod exit_code {
    /// Any other failure (a refused delivery, a body that is not a webhook...).
    pub(crate) const FAILURE: u8 = 1;
    /// The command line is wrong (clap uses 2 for its own usage errors).
    pub(crate) const USAGE: u8 = 2;
    /// The idempotency key names no stored event (or no dead letter).
    pub(crate) const NO_SUCH_KEY: u8 = 3;
    /// The store cannot be opened or reached, or an operation on it failed.
    pub(crate) const STORE: u8 = 4;
    /// `inspect`: the body is a webhook, but its `data` did not decode into
    /// the typed payload (an unknown trigger, or `data` that does not fit).
    pub(crate) const NOT_TYPED: u8 = 5;
}

impl CliError {
    /// The process's exit code for this failure.
    pub(crate) fn exit_code(&self) -> u8 {
        match self {
            Self::BadStore { .. }
            | Self::FlagNeedsRedis { .. }
            | Self::FlagNeedsTls { .. }
            | Self::BadStoreSetting { .. }
            | Self::BadServerSetting { .. } => exit_code::USAGE,
            Self::NoSuchEvent { .. } | Self::NotDead { .. } => exit_code::NO_SUCH_KEY,
            Self::NotTyped { .. } => exit_code::NOT_TYPED,
            Self::NoStoreFile { .. }
            | Self::StoreIsDirectory { .. }
            | Self::StoreLocked { .. }
            | Self::StoreTimeout { .. }
            | Self::StoreUnreachable { .. }
            | Self::StoreNotTrusted { .. }
            | Self::StoreFailed { .. } => exit_code::STORE,
            _ => exit_code::FAILURE,
        }
    }
}

fn locked_message(path: &std::path::Path, holder: &LockHolder) -> String {
    let path = path.display();
    let what_to_do = "an embedded store belongs to one process at a time";
    match holder {
        LockHolder::ThisTool { pid } => format!(
            "{path} is in use by a running cometchat-webhooks (pid {pid}) that serves no operator socket \
             ({path}.sock); {what_to_do}: stop it to run queue commands"
        ),
        LockHolder::OtherProgram { pid, name } => format!(
            "{path} is in use by `{}` (pid {pid}); {what_to_do}: stop that program (or close the store in it) and try again, \
             or have it serve queue commands (OperatorSocket::bind on {path}.sock)",
            crate::terminal_text::one_line(name.as_bytes())
        ),
        LockHolder::Unknown => format!(
            "{path} is in use by another process that is not visible from here (another container or user?); \
             {what_to_do}: find it with `fuser {path}`, stop it, and try again"
        ),
    }
}

fn did_you_mean(suggestions: &[&str]) -> String {
    match suggestions {
        [] => String::new(),
        [only] => format!(": did you mean `{only}`?"),
        several => {
            let quoted: Vec<String> = several.iter().map(|name| format!("`{name}`")).collect();
            format!(": did you mean one of {}?", quoted.join(", "))
        }
    }
}

fn path_problem(error: &PathError, body_name: &str) -> String {
    match error {
        PathError::Missing { missing, .. } => format!("there is no `{missing}` in {body_name}"),
        PathError::Invalid { .. } => {
            "write the path as dotted keys, e.g. data.message.data.text".to_owned()
        }
        other => other.to_string(),
    }
}

fn dry_run_hint(trigger: &Option<&'static str>) -> String {
    match trigger {
        Some(trigger) => {
            format!("; see its fields with `cometchat-webhooks send {trigger} --dry-run`")
        }
        None => String::new(),
    }
}

fn status_hint(code: u16) -> &'static str {
    match code {
        401 | 403 => {
            "; check --username/--password (or COMETCHAT_WEBHOOK_USERNAME/COMETCHAT_WEBHOOK_PASSWORD)"
        }
        404 | 405 => "; check the path in --url",
        400 | 422 => "; the receiver did not accept the body as a webhook (its answer is above)",
        413 => "; the body is larger than the receiver accepts",
        500..=599 => "; the receiver's handler failed (its answer is above)",
        _ => "",
    }
}

fn media_hint(error: &MediaError) -> &'static str {
    match error {
        MediaError::Refused { .. } => {
            "; only CometChat file URLs (https://files-<region>.cometchat.io/...) are pre-signed, \
             or a base passed with --allow-base-url"
        }
        MediaError::InvalidCredentials { .. } => {
            "; check --app-id and --api-key (a REST API key from the CometChat dashboard)"
        }
        MediaError::Timeout { .. } => "; raise --timeout to wait longer",
        MediaError::NotFound => "; check the URL",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_read_as_a_question() {
        let one = CliError::UnknownTrigger {
            name: "mesage_sent".into(),
            suggestions: vec!["message_sent"],
        };
        assert_eq!(
            one.to_string(),
            "unknown trigger `mesage_sent`: did you mean `message_sent`? \
             (`cometchat-webhooks list` shows every trigger)"
        );
        let none = CliError::UnknownTrigger { name: "zzz".into(), suggestions: vec![] };
        assert!(!none.to_string().contains("did you mean"));
    }

    #[test]
    fn every_message_is_one_line() {
        let refused = CliError::Refused { status: "401 Unauthorized".into(), code: 401 };
        assert!(!refused.to_string().contains('\n'));
        assert!(refused.to_string().contains("--password"));
    }
}
