//! `replay`: send every saved body in a directory, a few at a time.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::cli::ReplayArgs;
use crate::credentials::authorization_header;
use crate::errors::CliError;
use crate::http_client::WebhookSender;
use crate::output::{Palette, print_line};
use crate::saved_bodies::list_saved_bodies;

/// How one file went.
#[derive(Debug)]
enum Outcome {
    /// The receiver answered; 2xx or not.
    Answered { status_line: String, success: bool },
    /// No answer: the file could not be read or the request failed.
    Failed(CliError),
}

pub(crate) async fn run(args: ReplayArgs) -> Result<(), CliError> {
    let authorization = authorization_header(&args.auth, args.no_auth)?;
    let sender = WebhookSender::new(&args.url, authorization, args.timeout.timeout)?;
    let files = list_saved_bodies(&args.dir)?;
    if files.is_empty() {
        return Err(CliError::NothingToReplay { dir: args.dir });
    }

    let progress = progress_bar(files.len());
    let outcomes = send_all(&sender, &files, usize::from(args.concurrency), &progress).await;
    progress.finish_and_clear();

    report(&files, &outcomes, sender.url().as_str())
}

/// Drawn on stderr, and only when it is a terminal.
fn progress_bar(total: usize) -> ProgressBar {
    let progress = ProgressBar::new(total as u64);
    if std::io::stderr().is_terminal() {
        progress.set_draw_target(ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{bar:40.cyan/blue} {pos}/{len} {msg}") {
            progress.set_style(style);
        }
    } else {
        progress.set_draw_target(ProgressDrawTarget::hidden());
    }
    progress
}

/// Sends every file with at most `concurrency` requests in flight; the
/// outcomes come back in file order.
async fn send_all(
    sender: &WebhookSender,
    files: &[PathBuf],
    concurrency: usize,
    progress: &ProgressBar,
) -> Vec<Outcome> {
    let permits = Arc::new(Semaphore::new(concurrency));
    let mut tasks = JoinSet::new();
    for (index, path) in files.iter().cloned().enumerate() {
        // Taking the permit here, before spawning, starts the requests in
        // file order (one at a time with one permit); tasks racing for it
        // would start in whatever order they were scheduled.
        let permit = Arc::clone(&permits).acquire_owned().await;
        let (sender, progress) = (sender.clone(), progress.clone());
        tasks.spawn(async move {
            let _permit = permit;
            let outcome = send_one(&sender, &path).await;
            progress.inc(1);
            (index, outcome)
        });
    }
    let mut outcomes: Vec<Option<Outcome>> = files.iter().map(|_| None).collect();
    while let Some(joined) = tasks.join_next().await {
        if let Ok((index, outcome)) = joined {
            outcomes[index] = Some(outcome);
        }
    }
    outcomes
        .into_iter()
        .map(|outcome| {
            outcome.unwrap_or_else(|| {
                Outcome::Failed(CliError::Transport {
                    url: sender.url().to_string(),
                    reason: "the request was abandoned".to_owned(),
                })
            })
        })
        .collect()
}

async fn send_one(sender: &WebhookSender, path: &Path) -> Outcome {
    let body = match tokio::fs::read(path).await {
        Ok(body) => body,
        Err(source) => return Outcome::Failed(CliError::Read { path: path.to_owned(), source }),
    };
    match sender.post(body).await {
        Ok(answer) => {
            Outcome::Answered { status_line: answer.status_line(), success: answer.is_success() }
        }
        Err(error) => Outcome::Failed(error),
    }
}

/// Lists the failures, then how many got each answer.
fn report(files: &[PathBuf], outcomes: &[Outcome], url: &str) -> Result<(), CliError> {
    let palette = Palette::for_stdout();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut failed = 0;
    for (path, outcome) in files.iter().zip(outcomes) {
        let name = path
            .file_name()
            .map_or_else(|| path.display().to_string(), |name| name.to_string_lossy().into_owned());
        let (label, success) = match outcome {
            Outcome::Answered { status_line, success } => (status_line.clone(), *success),
            Outcome::Failed(error) => (error.to_string(), false),
        };
        if !success {
            failed += 1;
            print_line(&format!("{} {name}: {label}", palette.bad("failed")))?;
        }
        let bucket = match outcome {
            Outcome::Answered { .. } => label,
            Outcome::Failed(_) => "no answer".to_owned(),
        };
        *counts.entry(bucket).or_default() += 1;
    }
    let counts: Vec<String> =
        counts.iter().map(|(label, count)| format!("{count} × {label}")).collect();
    let summary = format!("Replayed {} bodies to {url}: {}", files.len(), counts.join(", "));
    print_line(&if failed == 0 { palette.good(summary) } else { summary })?;
    if failed == 0 { Ok(()) } else { Err(CliError::ReplayFailed { failed, total: files.len() }) }
}
