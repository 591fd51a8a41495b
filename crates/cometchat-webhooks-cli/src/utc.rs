//! Times shown to people, in UTC, without a date-time dependency.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// `2023-10-10 10:48:32 UTC` for milliseconds since the Unix epoch.
pub(crate) fn format_unix_millis(millis: i64) -> String {
    let seconds = millis.div_euclid(1000);
    let (days, second_of_day) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    let (hour, minute, second) =
        (second_of_day / 3600, second_of_day % 3600 / 60, second_of_day % 60);
    format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02} UTC")
}

/// The same for a [`SystemTime`].
pub(crate) fn format_system_time(time: SystemTime) -> String {
    format_unix_millis(unix_millis(time))
}

/// `10:48:32`: the time of day now, in UTC, for one line per delivery.
pub(crate) fn time_of_day_now() -> String {
    let second_of_day = unix_millis(SystemTime::now()).div_euclid(1000).rem_euclid(86_400);
    format!(
        "{:02}:{:02}:{:02}",
        second_of_day / 3600,
        second_of_day % 3600 / 60,
        second_of_day % 60
    )
}

/// Milliseconds since the Unix epoch (negative before it).
pub(crate) fn unix_millis(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => saturating_millis(after),
        Err(before) => -saturating_millis(before.duration()),
    }
}

/// `4m 59s`, `12s`: how long until something expires.
pub(crate) fn format_remaining(remaining: Duration) -> String {
    let seconds = remaining.as_secs();
    match (seconds / 3600, seconds % 3600 / 60, seconds % 60) {
        (0, 0, seconds) => format!("{seconds}s"),
        (0, minutes, seconds) => format!("{minutes}m {seconds}s"),
        (hours, minutes, _) => format!("{hours}h {minutes}m"),
    }
}

fn saturating_millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// Year, month, day of a day count since 1970-01-01 (Howard Hinnant's
/// `civil_from_days`, proleptic Gregorian calendar).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 { shifted_month + 3 } else { shifted_month - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
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
    }

    #[test]
    fn remaining_time_reads_naturally() {
        assert_eq!(format_remaining(Duration::from_secs(299)), "4m 59s");
        assert_eq!(format_remaining(Duration::from_secs(12)), "12s");
        assert_eq!(format_remaining(Duration::from_secs(7300)), "2h 1m");
    }
}
