//! Child processes of the test executable: a test re-runs its own binary
//! with one test selected and a role in the environment, reads what the
//! child prints, and kills it with SIGKILL.

use std::io::{BufRead, BufReader, Lines};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The environment variable that gives a child its role.
pub const ROLE_VAR: &str = "COMETCHAT_DELIVERY_TEST_CHILD";

/// The role this process was started with, if it is a child.
pub fn role() -> Option<String> {
    std::env::var(ROLE_VAR).ok()
}

/// Runs this process's role, when it is a child started with one: on a
/// two-thread runtime, `run(kind, target)` for a role `"KIND TARGET"`. An
/// ordinary test run returns at once.
pub fn run_role<Run, Done>(run: Run)
where
    Run: FnOnce(String, String) -> Done,
    Done: std::future::Future<Output = ()>,
{
    let Some(role) = role() else { return };
    let (kind, target) = role.split_once(' ').expect("a role and its target");
    let (kind, target) = (kind.to_owned(), target.to_owned());
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(run(kind, target));
}

/// A running child and the lines it prints.
pub struct ChildProcess {
    process: Child,
    lines: mpsc::Receiver<String>,
}

impl ChildProcess {
    /// Runs the test named `entry` of this executable with `role`.
    pub fn spawn(entry: &str, role: &str) -> Self {
        let executable = std::env::current_exe().expect("the test executable");
        let mut process = Command::new(executable)
            .args([entry, "--exact", "--nocapture", "--test-threads=1"])
            .env(ROLE_VAR, role)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the test executable starts again as a child");
        let stdout = process.stdout.take().expect("the child's stdout");
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || forward(BufReader::new(stdout).lines(), sender));
        Self { process, lines }
    }

    /// What follows `tag ` in the next line the child prints with it; the
    /// tag may follow the test harness's own text on the same line.
    /// Panics after `deadline`.
    pub fn expect_line(&mut self, tag: &str, deadline: Duration) -> String {
        loop {
            let line = self.lines.recv_timeout(deadline).unwrap_or_else(|_| {
                panic!("the child printed no `{tag}` line within {deadline:?}")
            });
            let marker = format!("{tag} ");
            if let Some(start) = line.find(&marker) {
                return line[start + marker.len()..].to_owned();
            }
        }
    }

    /// SIGKILL, then reap.
    pub fn kill(mut self) {
        self.process.kill().expect("the child can be killed");
        self.process.wait().expect("the killed child is reaped");
    }
}

fn forward(lines: Lines<BufReader<ChildStdout>>, sender: mpsc::Sender<String>) {
    for line in lines.map_while(Result::ok) {
        if sender.send(line).is_err() {
            return;
        }
    }
}
