//! Running the real binary, and real loopback servers for it to talk to.

#![allow(dead_code, unreachable_pub)] // each test file uses a different part

pub mod queue_events;
pub mod relay;

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener as StdListener};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::routing::any;

/// Long enough for a loaded CI machine, short enough to fail fast.
pub const READY_TIMEOUT: Duration = Duration::from_secs(20);

/// The binary, with no credentials or colour settings inherited from the
/// environment running the tests.
pub fn bin() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cometchat-webhooks"));
    for variable in [
        "COMETCHAT_WEBHOOK_USERNAME",
        "COMETCHAT_WEBHOOK_PASSWORD",
        "COMETCHAT_APP_ID",
        "COMETCHAT_API_KEY",
        "COMETCHAT_WEBHOOK_URL",
        "NO_COLOR",
        "CLICOLOR",
        "CLICOLOR_FORCE",
    ] {
        command.env_remove(variable);
    }
    command.env("RUST_BACKTRACE", "1");
    command
}

/// Runs the binary with `args` and no input.
pub fn run(args: &[&str]) -> Output {
    run_with_stdin(args, b"")
}

/// Runs the binary with `args`, feeding `stdin`.
pub fn run_with_stdin(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = bin()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    if let Some(mut input) = child.stdin.take() {
        use std::io::Write;
        // A command that does not read stdin may close it first.
        let _ = input.write_all(stdin);
    }
    child.wait_with_output().expect("the binary runs to the end")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A failure the way every bad input must end: exit code 1 (a panic is
/// 101), exactly one `error: …` line on stderr that mentions `expected`,
/// and no panic or backtrace.
pub fn assert_one_line_error(output: &Output, expected: &str) -> String {
    let stderr = stderr(output);
    assert_eq!(output.status.code(), Some(1), "exit code; stderr: {stderr}");
    assert!(!stderr.contains("panicked") && !stderr.contains("backtrace"), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line on stderr, got: {stderr}");
    assert!(lines[0].starts_with("error: "), "{stderr}");
    assert!(lines[0].contains(expected), "`{expected}` not in: {stderr}");
    stderr
}

/// A free port that nothing listens on (bound, then released).
pub fn closed_port() -> u16 {
    let listener = StdListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local address").port()
}

/// A socket that accepts connections (the kernel does) but never answers.
pub fn silent_listener() -> (StdListener, String) {
    let listener = StdListener::bind("127.0.0.1:0").expect("bind a free port");
    let url = format!("http://{}/", listener.local_addr().expect("local address"));
    (listener, url)
}

/// What a [`RecordingServer`] received.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path_and_query: String,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// How the server answered it.
    pub status: u16,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

/// An HTTP server on 127.0.0.1 that records every request and answers each
/// with a fixed status and body. Runs on its own thread and runtime, so
/// tests stay synchronous.
pub struct RecordingServer {
    pub url: String,
    pub address: SocketAddr,
    received: Arc<Mutex<Vec<Recorded>>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl RecordingServer {
    pub fn answering(status: u16, answer: &'static str) -> Self {
        Self::answering_with(move |_| status, answer)
    }

    /// Answers the `n`th request (from 0) with `plan(n)`, on `127.0.0.1`.
    pub fn answering_with(
        plan: impl Fn(usize) -> u16 + Send + Sync + 'static,
        answer: &'static str,
    ) -> Self {
        Self::on_port(0, Duration::ZERO, plan, answer)
    }

    /// Answers every request with `status`, `delay` after it arrived.
    pub fn answering_after(delay: Duration, status: u16) -> Self {
        Self::on_port(0, delay, move |_| status, "{}")
    }

    /// As [`answering_with`](Self::answering_with), on `port` (0 for any),
    /// each answer `delay` after its request arrived.
    pub fn on_port(
        port: u16,
        delay: Duration,
        plan: impl Fn(usize) -> u16 + Send + Sync + 'static,
        answer: &'static str,
    ) -> Self {
        let plan = Arc::new(plan);
        let listener = StdListener::bind(("127.0.0.1", port)).expect("bind the port");
        listener.set_nonblocking(true).expect("non-blocking listener");
        let address = listener.local_addr().expect("local address");
        let received = Arc::new(Mutex::new(Vec::new()));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let recorder = Arc::clone(&received);
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime");
            runtime.block_on(async move {
                let app = axum::Router::new().fallback(any(
                    move |method: axum::http::Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                        let recorder = Arc::clone(&recorder);
                        let plan = Arc::clone(&plan);
                        async move {
                            let status = {
                                let mut received = recorder.lock().expect("not poisoned");
                                let status = plan(received.len());
                                received.push(Recorded {
                                    method: method.to_string(),
                                    path_and_query: uri
                                        .path_and_query()
                                        .map_or_else(String::new, ToString::to_string),
                                    headers,
                                    body: body.to_vec(),
                                    status,
                                });
                                status
                            };
                            tokio::time::sleep(delay).await;
                            (StatusCode::from_u16(status).expect("a valid status"), answer)
                        }
                    },
                ));
                let listener =
                    tokio::net::TcpListener::from_std(listener).expect("a tokio listener");
                axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = stopped.await;
                    })
                    .await
                    .expect("the recording server runs");
            });
        });
        Self {
            url: format!("http://{address}/webhooks/cometchat"),
            address,
            received,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    pub fn received(&self) -> Vec<Recorded> {
        self.received.lock().expect("not poisoned").clone()
    }
}

impl Drop for RecordingServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A `listen` child process on a free port, with its output read line by
/// line as it comes.
pub struct ListenProcess {
    child: Child,
    pub url: String,
    stdout_lines: Receiver<String>,
    stderr_lines: Receiver<String>,
}

impl ListenProcess {
    /// Starts `listen --port 0` with `args` and waits until it says where.
    pub fn start(args: &[&str]) -> Self {
        let mut with_port = vec!["--port", "0"];
        with_port.extend(args);
        Self::start_with(&with_port)
    }

    /// Starts `listen` with exactly `args` and waits until it says where.
    pub fn start_with(args: &[&str]) -> Self {
        let mut child = bin()
            .arg("listen")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("listen starts");
        let stdout_lines = lines_of(child.stdout.take().expect("piped stdout"));
        let stderr_lines = lines_of(child.stderr.take().expect("piped stderr"));
        let mut process = Self { child, url: String::new(), stdout_lines, stderr_lines };
        let ready = process.stderr_line_containing("Listening on ");
        let start = ready.find("http://").expect("the address is printed");
        let url = ready[start..].split_whitespace().next().expect("a URL");
        process.url = url.to_owned();
        process
    }

    /// The next line on stdout (one per delivery).
    pub fn next_line(&self) -> String {
        match self.stdout_lines.recv_timeout(READY_TIMEOUT) {
            Ok(line) => line,
            Err(RecvTimeoutError::Timeout) => panic!("no line from listen in {READY_TIMEOUT:?}"),
            Err(RecvTimeoutError::Disconnected) => panic!("listen closed its stdout"),
        }
    }

    /// Waits for a stdout line containing `text`.
    pub fn stdout_line_containing(&self, text: &str) -> String {
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.stdout_lines.recv_timeout(left) {
                Ok(line) if line.contains(text) => return line,
                Ok(_) => continue,
                Err(error) => panic!("listen never printed `{text}`: {error:?}"),
            }
        }
    }

    /// Waits for a stderr line containing `text`.
    pub fn stderr_line_containing(&self, text: &str) -> String {
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.stderr_lines.recv_timeout(left) {
                Ok(line) if line.contains(text) => return line,
                Ok(_) => continue,
                Err(error) => panic!("listen never printed `{text}`: {error:?}"),
            }
        }
    }

    /// Sends SIGINT, as Ctrl-C does, and waits for the process to end.
    pub fn interrupt(self) -> ExitStatus {
        self.signal("-INT")
    }

    /// Sends SIGTERM, as a service manager does, and waits for the end.
    pub fn terminate(self) -> ExitStatus {
        self.signal("-TERM")
    }

    /// Sends SIGTERM, waits for a successful exit, and returns every
    /// stderr line printed.
    pub fn terminate_collecting_stderr(mut self) -> Vec<String> {
        let lines = std::mem::replace(&mut self.stderr_lines, mpsc::channel().1);
        let status = self.terminate();
        assert!(status.success(), "a clean stop after SIGTERM: {status}");
        // The process has exited: its stderr is closed, so this ends.
        lines.iter().collect()
    }

    /// Kills the process with SIGKILL: no chance to finish anything.
    pub fn kill_hard(mut self) {
        self.child.kill().expect("SIGKILL delivered");
        self.child.wait().expect("the killed process is reaped");
    }

    /// Every stderr line printed so far (without waiting).
    pub fn stderr_so_far(&self) -> Vec<String> {
        self.stderr_lines.try_iter().collect()
    }

    /// Every stdout line printed so far (without waiting).
    pub fn stdout_so_far(&self) -> Vec<String> {
        self.stdout_lines.try_iter().collect()
    }

    fn signal(mut self, signal: &str) -> ExitStatus {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args([signal, &pid]).status().expect("kill runs");
        assert!(sent.success(), "{signal} delivered");
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for listen") {
                return status;
            }
            assert!(Instant::now() < deadline, "listen did not stop on {signal}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for ListenProcess {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn lines_of(stream: impl std::io::Read + Send + 'static) -> Receiver<String> {
    let (lines_tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    lines
}
