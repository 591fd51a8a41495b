//! Saved deliveries: `listen --save` writes each body to its own file, named
//! so that name order is arrival order, and `replay` reads them back.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use cometchat_webhooks::Event;

use crate::errors::CliError;
use crate::summary::EventSummary;
use crate::utc::unix_millis;

/// Writes each body to `<dir>/<unix millis>-<sequence>-<trigger>.json`, so
/// name order is arrival order.
pub(crate) struct BodySaver {
    dir: PathBuf,
    /// The last name's time and sequence number. Taken together under one
    /// lock, with the time never going back, so concurrent deliveries cannot
    /// get names that sort out of their arrival order.
    last: Mutex<(i64, u64)>,
}

impl BodySaver {
    pub(crate) fn new(dir: PathBuf) -> Self {
        Self { dir, last: Mutex::new((0, 0)) }
    }

    /// The next name's time and sequence number.
    fn next_stamp(&self) -> (i64, u64) {
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        let now = unix_millis(std::time::SystemTime::now());
        *last = (now.max(last.0), last.1 + 1);
        *last
    }

    pub(crate) async fn save(
        &self,
        event: &Event,
        summary: &EventSummary,
    ) -> Result<PathBuf, (PathBuf, std::io::Error)> {
        let (millis, sequence) = self.next_stamp();
        let trigger =
            summary.known_trigger.map_or_else(|| file_safe(&summary.trigger), str::to_owned);
        let path = self.dir.join(format!("{millis:013}-{sequence:04}-{trigger}.json"));
        match tokio::fs::write(&path, event.raw()).await {
            Ok(()) => Ok(path),
            Err(error) => Err((path, error)),
        }
    }
}

/// An unknown trigger's name, safe as part of a file name.
fn file_safe(trigger: &str) -> String {
    let safe: String = trigger
        .chars()
        .take(64)
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
        .collect();
    if safe.is_empty() { "unnamed".to_owned() } else { safe }
}

/// Every `*.json` file directly in `dir`, in name order (the order `listen
/// --save` received them in).
pub(crate) fn list_saved_bodies(dir: &Path) -> Result<Vec<PathBuf>, CliError> {
    let read_error = |source| CliError::Read { path: dir.to_owned(), source };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(read_error)? {
        let path = entry.map_err(read_error)?.path();
        if path.is_file() && path.extension().is_some_and(|extension| extension == "json") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_trigger_cannot_leave_the_directory() {
        assert_eq!(file_safe("../../etc/passwd"), "______etc_passwd");
        assert_eq!(file_safe("brand-new_trigger"), "brand-new_trigger");
        assert_eq!(file_safe(""), "unnamed");
        assert_eq!(file_safe(&"x".repeat(500)).len(), 64);
    }

    #[test]
    fn lists_only_json_files_in_name_order() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        for name in ["0002-b.json", "0001-a.json", "notes.txt", "0003-c.JSON"] {
            std::fs::write(dir.path().join(name), "{}")?;
        }
        std::fs::create_dir(dir.path().join("0000-dir.json"))?;
        let names: Vec<String> = list_saved_bodies(dir.path())?
            .iter()
            .filter_map(|path| path.file_name()?.to_str().map(str::to_owned))
            .collect();
        assert_eq!(names, ["0001-a.json", "0002-b.json"]);
        Ok(())
    }
}
