//! Which process holds a store file's lock, so "the file is in use" can
//! name it. Linux lists every file lock in `/proc/locks`; elsewhere (or in
//! a container that cannot see the holder) the answer is "unknown".

use std::path::Path;

/// Who holds the lock on a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LockHolder {
    /// Another run of this command (a receiver using the store).
    ThisTool { pid: u32 },
    /// Some other program.
    OtherProgram { pid: u32, name: String },
    /// A process this one cannot see (another PID namespace, or no
    /// `/proc/locks` on this system).
    Unknown,
}

/// Looks the holder of `path`'s lock up.
pub(crate) fn find(path: &Path) -> LockHolder {
    let Some((device, inode)) = file_identity(path) else { return LockHolder::Unknown };
    let Ok(locks) = std::fs::read_to_string("/proc/locks") else { return LockHolder::Unknown };
    let Some(pid) = holder_pid(&locks, device, inode) else { return LockHolder::Unknown };
    match process_name(pid) {
        Some(name) if name.starts_with("cometchat-webho") => LockHolder::ThisTool { pid },
        Some(name) => LockHolder::OtherProgram { pid, name },
        None => LockHolder::Unknown,
    }
}

/// The first lock in `/proc/locks` text on the file with this device
/// (`major:minor`, hexadecimal, as the kernel prints it) and inode.
///
/// A line reads `1: FLOCK  ADVISORY  WRITE 1234 fd:01:5678 0 EOF`; lines
/// of waiters start with `->` and are skipped.
fn holder_pid(locks: &str, device: (u64, u64), inode: u64) -> Option<u32> {
    locks.lines().find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.get(1) == Some(&"->") {
            return None;
        }
        let pid: u32 = fields.get(4)?.parse().ok()?;
        let mut identity = fields.get(5)?.split(':');
        let major = u64::from_str_radix(identity.next()?, 16).ok()?;
        let minor = u64::from_str_radix(identity.next()?, 16).ok()?;
        let file: u64 = identity.next()?.parse().ok()?;
        ((major, minor) == device && file == inode && pid != 0).then_some(pid)
    })
}

#[cfg(target_os = "linux")]
fn file_identity(path: &Path) -> Option<((u64, u64), u64)> {
    use std::os::unix::fs::MetadataExt;
    let metadata = std::fs::metadata(path).ok()?;
    let device = metadata.dev();
    // The kernel's `MAJOR`/`MINOR` of a 64-bit `dev_t` (glibc's layout).
    let major = ((device >> 8) & 0xfff) | ((device >> 32) & !0xfff);
    let minor = (device & 0xff) | ((device >> 12) & !0xff);
    Some(((major, minor), metadata.ino()))
}

#[cfg(not(target_os = "linux"))]
fn file_identity(_path: &Path) -> Option<((u64, u64), u64)> {
    None
}

/// The process's command name, as `ps` shows it.
fn process_name(pid: u32) -> Option<String> {
    let name = std::fs::read_to_string(format!("/proc/{pid}/comm")).ok()?;
    let name = name.trim();
    (!name.is_empty()).then(|| name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCKS: &str = "\
1: POSIX  ADVISORY  WRITE 700 08:01:99 0 EOF
2: FLOCK  ADVISORY  WRITE 4242 fd:01:1234567 0 EOF
2: -> FLOCK  ADVISORY  WRITE 5151 fd:01:1234567 0 EOF
3: OFDLCK ADVISORY  READ  -1 00:05:2 0 EOF
";

    #[test]
    fn finds_the_holder_by_device_and_inode() {
        assert_eq!(holder_pid(LOCKS, (0xfd, 1), 1_234_567), Some(4242));
        assert_eq!(holder_pid(LOCKS, (8, 1), 99), Some(700));
        assert_eq!(holder_pid(LOCKS, (8, 2), 1_234_567), None);
        assert_eq!(holder_pid(LOCKS, (0, 5), 2), None, "no pid for open file locks");
        assert_eq!(holder_pid("garbage\n\n1: x", (0, 0), 0), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn names_a_process_that_holds_a_file() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("held");
        let file = std::fs::File::create(&path).expect("create");
        file.try_lock().expect("lock");
        match find(&path) {
            LockHolder::OtherProgram { pid, .. } | LockHolder::ThisTool { pid } => {
                assert_eq!(pid, std::process::id());
            }
            LockHolder::Unknown => {
                // Only where /proc/locks is hidden (some sandboxes).
                assert!(std::fs::read_to_string("/proc/locks").is_err());
            }
        }
    }
}
