//! How long a redis-server spent running the store's Lua scripts: the
//! `EVALSHA` line of `INFO commandstats`, read over a plain connection.
//! Counted inside the server, so it does not depend on what else the
//! machine runs, as the CPU time of the whole process does.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// The time redis-server on `port` has spent in `EVALSHA` since it
/// started.
pub(crate) fn evalsha_time(port: u16) -> std::io::Result<Duration> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    stream.write_all(b"INFO commandstats\r\n")?;
    let mut reader = BufReader::new(stream);
    let mut header = String::new();
    reader.read_line(&mut header)?;
    let length: usize = header
        .strip_prefix('$')
        .and_then(|length| length.trim().parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("INFO answered {header:?}")))?;
    let mut info = vec![0; length];
    reader.read_exact(&mut info)?;
    let info = String::from_utf8_lossy(&info);
    Ok(Duration::from_micros(usec_of(&info, "cmdstat_evalsha:").unwrap_or(0)))
}

/// The `usec=` field of the line that starts with `prefix`.
fn usec_of(info: &str, prefix: &str) -> Option<u64> {
    let line = info.lines().find(|line| line.starts_with(prefix))?;
    let field = line.split(',').find_map(|field| field.strip_prefix("usec="))?;
    field.parse().ok()
}
