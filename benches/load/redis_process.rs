//! A `redis-server` of the durable scenario's own: a free loopback port, a
//! temporary directory, `appendonly yes` with fsync on every write or once
//! a second, the settings durable mode's 200 relies on. Stopped (and its
//! data removed) when dropped.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// How long a starting server may take to answer PING.
const START_DEADLINE: Duration = Duration::from_secs(20);

/// When Redis flushes its append-only file (`appendfsync`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AppendFsync {
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

pub(crate) struct RedisProcess {
    port: u16,
    process: Child,
    // Removed after the process is killed.
    _dir: TempDir,
}

impl RedisProcess {
    pub(crate) fn start(fsync: AppendFsync) -> std::io::Result<Self> {
        let dir = tempfile::tempdir()?;
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?.local_addr()?.port();
        let process = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .arg("--dir")
            .arg(dir.path())
            .args(["--appendonly", "yes", "--appendfsync", fsync.setting(), "--save", ""])
            .args(["--maxmemory-policy", "noeviction", "--daemonize", "no"])
            .arg("--logfile")
            .arg(dir.path().join("redis.log"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|error| {
                std::io::Error::other(format!(
                    "cannot start redis-server ({error}); the durable scenario needs the \
                     Debian package redis-server on PATH"
                ))
            })?;
        let mut server = Self { port, process, _dir: dir };
        server.wait_until_ready()?;
        Ok(server)
    }

    /// The server's process id, for its CPU time.
    pub(crate) fn pid(&self) -> u32 {
        self.process.id()
    }

    pub(crate) fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    fn wait_until_ready(&mut self) -> std::io::Result<()> {
        let started = Instant::now();
        while started.elapsed() < START_DEADLINE {
            if let Some(status) = self.process.try_wait()? {
                return Err(std::io::Error::other(format!(
                    "redis-server exited at start: {status}"
                )));
            }
            if ping(self.port) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Err(std::io::Error::other(format!(
            "redis-server on port {} did not answer PING within {START_DEADLINE:?}",
            self.port
        )))
    }
}

impl Drop for RedisProcess {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

fn ping(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect((Ipv4Addr::LOCALHOST, port)) else { return false };
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    if stream.write_all(b"PING\r\n").is_err() {
        return false;
    }
    let mut reply = [0u8; 7];
    stream.read_exact(&mut reply).is_ok() && &reply == b"+PONG\r\n"
}
