//! A process's CPU time, as Linux reports it in `/proc/<pid>/stat`.
//!
//! Requests per second on a shared two-core machine move with whatever else
//! runs; the server's CPU time per request does much less, so the report
//! gives both.

use std::io;
use std::time::Duration;

/// `/proc` counts CPU time in ticks of `USER_HZ`, which Linux fixes at 100
/// per second for user space on every architecture it runs on.
const TICKS_PER_SECOND: u64 = 100;

/// User plus system time of every thread of `pid` so far.
pub(crate) fn of_process(pid: u32) -> io::Result<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // The command name (field 2) is in parentheses and may hold spaces;
    // fields are counted after its closing parenthesis.
    let after_name = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or_default();
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // Fields 14 (utime) and 15 (stime), i.e. 12 and 13 after the name.
    let ticks = |index: usize| -> io::Result<u64> {
        fields
            .get(index)
            .and_then(|field| field.parse().ok())
            .ok_or_else(|| io::Error::other(format!("unreadable /proc/{pid}/stat")))
    };
    let total = ticks(11)? + ticks(12)?;
    Ok(Duration::from_millis(total * 1000 / TICKS_PER_SECOND))
}
