//! A process's memory, as Linux reports it in `/proc/<pid>/status`.

use std::io;

/// Resident memory now and at its peak, in KiB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Memory {
    /// `VmRSS`: resident now.
    pub(crate) resident_kib: u64,
    /// `VmHWM`: the most ever resident.
    pub(crate) peak_kib: u64,
}

pub(crate) fn of_process(pid: u32) -> io::Result<Memory> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| {
                line.strip_prefix(name)?.trim().strip_suffix("kB")?.trim().parse().ok()
            })
            .ok_or_else(|| io::Error::other(format!("no {name} in /proc/{pid}/status")))
    };
    Ok(Memory { resident_kib: field("VmRSS:")?, peak_kib: field("VmHWM:")? })
}

/// KiB as MiB, for reports.
pub(crate) fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}
