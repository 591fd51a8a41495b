//! Times shown to people, in UTC (`jiff` does the calendar).

use std::time::{Duration, SystemTime};

use jiff::{SignedDuration, Timestamp};

/// `2023-10-10 10:48:32 UTC` for milliseconds since the Unix epoch; outside
/// the years -9999 to 9999, the number itself.
pub(crate) fn format_unix_millis(millis: i64) -> String {
    match Timestamp::from_millisecond(millis) {
        Ok(at) => at.strftime("%Y-%m-%d %H:%M:%S UTC").to_string(),
        Err(_) => format!("{millis} ms after the Unix epoch"),
    }
}

/// The same for a [`SystemTime`].
pub(crate) fn format_system_time(time: SystemTime) -> String {
    format_unix_millis(unix_millis(time))
}

/// `10:48:32`: the time of day now, in UTC, for one line per delivery.
pub(crate) fn time_of_day_now() -> String {
    Timestamp::now().strftime("%H:%M:%S").to_string()
}

/// Milliseconds since the Unix epoch (negative before it), saturating far
/// outside any date a file or a URL carries.
pub(crate) fn unix_millis(time: SystemTime) -> i64 {
    match SignedDuration::system_until(SystemTime::UNIX_EPOCH, time) {
        Ok(since_epoch) => i64::try_from(since_epoch.as_millis()).unwrap_or(i64::MAX),
        Err(_) if time > SystemTime::UNIX_EPOCH => i64::MAX,
        Err(_) => i64::MIN,
    }
}

/// `4m 59s`, `12s`: how long until something expires, to the second.
pub(crate) fn format_remaining(remaining: Duration) -> String {
    let whole_seconds =
        SignedDuration::from_secs(i64::try_from(remaining.as_secs()).unwrap_or(i64::MAX));
    format!("{whole_seconds:#}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(format_unix_millis(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(format_unix_millis(1_696_934_912_000), "2023-10-10 10:48:32 UTC");
        assert_eq!(format_unix_millis(951_782_400_000), "2000-02-29 00:00:00 UTC");
        assert_eq!(format_unix_millis(-1000), "1969-12-31 23:59:59 UTC");
        assert_eq!(format_unix_millis(i64::MAX), format!("{} ms after the Unix epoch", i64::MAX));
    }

    #[test]
    fn system_times_become_milliseconds() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_millis(1_696_934_912_250);
        assert_eq!(unix_millis(at), 1_696_934_912_250);
        assert_eq!(unix_millis(SystemTime::UNIX_EPOCH - Duration::from_millis(5)), -5);
        assert_eq!(format_system_time(at), "2023-10-10 10:48:32 UTC");
    }

    #[test]
    fn remaining_time_reads_naturally() {
        assert_eq!(format_remaining(Duration::from_secs(299)), "4m 59s");
        assert_eq!(format_remaining(Duration::from_millis(12_900)), "12s");
        assert_eq!(format_remaining(Duration::from_secs(7300)), "2h 1m 40s");
        assert_eq!(format_remaining(Duration::ZERO), "0s");
    }
}
