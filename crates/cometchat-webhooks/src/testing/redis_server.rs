//! [`RedisServer`]: a real `redis-server` for the tests of
//! [`RedisStore`](crate::delivery::RedisStore).

use std::fmt;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// How long a starting server may take to answer PING.
const START_DEADLINE: Duration = Duration::from_secs(20);

/// A real `redis-server` on a free loopback port, with its data in a
/// temporary directory, that a test can stop (SIGKILL) and start again.
///
/// Configured for durability: append-only file with fsync on every write
/// (or once a second, [`start_with`]), no eviction. Needs `redis-server` on
/// `PATH`; without it, [`start`] panics rather than letting the test pass
/// without a server.
///
/// The server is killed and its directory removed on drop.
///
/// [`start`]: RedisServer::start
/// [`start_with`]: RedisServer::start_with
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub struct RedisServer {
    port: u16,
    dir: DataDir,
    append_fsync: AppendFsync,
    tls: Option<(ServerTls, u16)>,
    process: Option<Child>,
}

/// What a [`RedisServer`] serves TLS with, on a second port beside its
/// plain one ([`RedisServer::start_with_tls`]). Every field is PEM text.
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
#[derive(Debug, Clone)]
pub struct ServerTls {
    /// The server's certificate (its chain, leaf first).
    pub certificate: String,
    /// The server certificate's private key.
    pub key: String,
    /// The CA that client certificates must chain to.
    pub client_ca: String,
    /// Whether a client must present a certificate (`tls-auth-clients`).
    pub require_client_certificates: bool,
}

/// When a [`RedisServer`] flushes its append-only file (`appendfsync`).
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppendFsync {
    /// Before answering each write: nothing answered is lost.
    Always,
    /// Once a second: a crash of the machine (not of the process) can lose
    /// the last second of answered writes.
    EverySec,
}

impl AppendFsync {
    fn setting(self) -> &'static str {
        match self {
            AppendFsync::Always => "always",
            AppendFsync::EverySec => "everysec",
        }
    }
}

impl RedisServer {
    /// Starts a server and waits until it answers PING.
    ///
    /// # Panics
    ///
    /// When `redis-server` cannot be started, exits at start, or does not
    /// answer within 20 seconds.
    #[must_use]
    pub fn start() -> Self {
        Self::start_with(AppendFsync::Always)
    }

    /// Starts a server that flushes its append-only file as `append_fsync`
    /// says, and waits until it answers PING.
    ///
    /// # Panics
    ///
    /// As [`start`](RedisServer::start).
    #[must_use]
    pub fn start_with(append_fsync: AppendFsync) -> Self {
        Self::launch(append_fsync, None)
    }

    /// Starts a server that also serves TLS, as `tls` says, on a second
    /// port ([`tls_url`](RedisServer::tls_url)); [`url`](RedisServer::url)
    /// stays plain, for the test's own checks.
    ///
    /// # Panics
    ///
    /// As [`start`](RedisServer::start), and when the certificates cannot
    /// be written or the server was built without TLS.
    #[must_use]
    pub fn start_with_tls(tls: ServerTls) -> Self {
        Self::launch(AppendFsync::Always, Some(tls))
    }

    fn launch(append_fsync: AppendFsync, tls: Option<ServerTls>) -> Self {
        let dir = DataDir::create();
        let port = free_port();
        let tls = tls.map(|tls| (tls, free_port()));
        let mut server = Self { port, dir, append_fsync, tls, process: None };
        server.spawn();
        server
    }

    /// The URL to connect to, `redis://127.0.0.1:<port>/`.
    #[must_use]
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// The TLS URL, `rediss://127.0.0.1:<tls port>/`, of a server started
    /// with [`start_with_tls`](RedisServer::start_with_tls).
    ///
    /// # Panics
    ///
    /// When the server serves no TLS.
    #[must_use]
    pub fn tls_url(&self) -> String {
        let (_, port) = self.tls.as_ref().expect("a server started with start_with_tls");
        format!("rediss://127.0.0.1:{port}/")
    }

    /// The loopback port the server listens on.
    #[must_use]
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The server's process id, `None` while it is stopped.
    #[must_use]
    pub fn pid(&self) -> Option<u32> {
        self.process.as_ref().map(Child::id)
    }

    /// Kills the server with SIGKILL: what it acknowledged must be on disk.
    pub fn stop(&mut self) {
        if let Some(mut process) = self.process.take() {
            let _ = process.kill();
            let _ = process.wait();
        }
    }

    /// Starts the server again on the same port and data directory.
    ///
    /// # Panics
    ///
    /// As [`start`](RedisServer::start).
    pub fn restart(&mut self) {
        self.stop();
        self.spawn();
    }

    fn spawn(&mut self) {
        let dir = self.dir.path().to_path_buf();
        let mut command = Command::new("redis-server");
        if let Some((tls, port)) = &self.tls {
            command.args(tls_settings(&dir, tls, *port));
        }
        let process = command
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .arg("--dir")
            .arg(&dir)
            .args(["--appendonly", "yes", "--appendfsync", self.append_fsync.setting()])
            .args(["--save", ""])
            .args(["--maxmemory-policy", "noeviction", "--daemonize", "no"])
            .arg("--logfile")
            .arg(dir.join("redis.log"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| {
                panic!(
                    "cannot start redis-server ({error}). Tests on a real Redis need the Debian \
                     package redis-server on PATH (in this repository: \
                     scripts/install-test-deps.sh)"
                )
            });
        self.process = Some(process);
        self.wait_until_ready(&dir);
    }

    fn wait_until_ready(&mut self, dir: &Path) {
        let started = Instant::now();
        while started.elapsed() < START_DEADLINE {
            if let Some(process) = self.process.as_mut()
                && let Ok(Some(status)) = process.try_wait()
            {
                let log = std::fs::read_to_string(dir.join("redis.log")).unwrap_or_default();
                panic!("redis-server exited at start ({status}):\n{log}");
            }
            if ping(self.port) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("redis-server on port {} did not answer PING within {START_DEADLINE:?}", self.port);
    }
}

impl fmt::Debug for RedisServer {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("RedisServer")
            .field("port", &self.port)
            .field("dir", &self.dir.path())
            .field("running", &self.process.is_some())
            .finish()
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        // Before the directory goes (its field is dropped after this).
        self.stop();
    }
}

/// The server's data directory, removed on drop. Not the `tempfile`
/// crate: it would become a dependency of every build with `testing`,
/// which the command-line tool enables for its samples.
struct DataDir(PathBuf);

impl DataDir {
    fn create() -> Self {
        static CREATED: AtomicU32 = AtomicU32::new(0);
        let parent = std::env::temp_dir();
        loop {
            let number = CREATED.fetch_add(1, Ordering::Relaxed);
            let path = parent.join(format!("redis-server-{}-{number}", std::process::id()));
            // Left behind by an earlier process with the same id: take the next.
            match std::fs::create_dir(&path) {
                Ok(()) => return Self(path),
                Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(error) => {
                    panic!("cannot create a directory for redis-server in {parent:?}: {error}")
                }
            }
        }
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for DataDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Writes `tls`'s files into `dir` and returns the settings that serve
/// them on `port`.
fn tls_settings(dir: &Path, tls: &ServerTls, port: u16) -> Vec<std::ffi::OsString> {
    let write = |name: &str, pem: &str| {
        let path = dir.join(name);
        std::fs::write(&path, pem)
            .unwrap_or_else(|error| panic!("cannot write {}: {error}", path.display()));
        path.into_os_string()
    };
    let auth = if tls.require_client_certificates { "yes" } else { "no" };
    vec![
        "--tls-port".into(),
        port.to_string().into(),
        "--tls-cert-file".into(),
        write("server.crt", &tls.certificate),
        "--tls-key-file".into(),
        write("server.key", &tls.key),
        "--tls-ca-cert-file".into(),
        write("client-ca.crt", &tls.client_ca),
        "--tls-auth-clients".into(),
        auth.into(),
    ]
}

fn ping(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else { return false };
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    if stream.write_all(b"PING\r\n").is_err() {
        return false;
    }
    let mut reply = [0u8; 7];
    // "-LOADING ..." while the append-only file is replayed.
    stream.read_exact(&mut reply).is_ok() && &reply == b"+PONG\r\n"
}

fn free_port() -> u16 {
    let listener = TcpListener::bind(("127.0.0.1", 0)).expect("a free loopback port");
    listener.local_addr().expect("the port's address").port()
}
