//! Stored times shown to people: an instant in UTC and how far from now.

use std::time::SystemTime;

use crate::age_arg::format_age;
use crate::utc::{format_system_time, unix_millis};

/// `2024-05-01 10:00:00 UTC (3h 2m ago)` or `… (in 40s)`.
pub(super) fn when(time: SystemTime, now: SystemTime) -> String {
    let relative = match now.duration_since(time) {
        Ok(ago) => format!("{} ago", format_age(ago)),
        Err(ahead) => format!("in {}", format_age(ahead.duration())),
    };
    format!("{} ({relative})", format_system_time(time))
}

/// Milliseconds since the Unix epoch, for JSON.
pub(super) fn millis(time: SystemTime) -> i64 {
    unix_millis(time)
}
