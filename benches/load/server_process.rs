//! The parent's handle on the server child process (see `server`).

use std::io::{self, BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};

use crate::server::ROLE;

/// The server, running as a child of this process; killed on drop.
#[derive(Debug)]
pub(crate) struct ServerProcess {
    child: Child,
    address: SocketAddr,
}

impl ServerProcess {
    /// Starts this same binary as the server and waits until it listens.
    pub(crate) fn start() -> io::Result<Self> {
        Self::start_with(&[ROLE])
    }

    /// Starts this binary with `args` (a server role) and waits until it
    /// listens.
    pub(crate) fn start_with(args: &[&str]) -> io::Result<Self> {
        let mut child = Command::new(std::env::current_exe()?)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?;
        let announced = child.stdout.take().map(|stdout| {
            let mut line = String::new();
            BufReader::new(stdout).read_line(&mut line).map(|_| line)
        });
        let address = match announced {
            Some(Ok(line)) => line.trim().parse().ok(),
            _ => None,
        };
        match address {
            Some(address) => Ok(Self { child, address }),
            None => {
                let _ = child.kill();
                let _ = child.wait();
                Err(io::Error::other("the server did not say where it listens"))
            }
        }
    }

    pub(crate) fn address(&self) -> SocketAddr {
        self.address
    }

    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
