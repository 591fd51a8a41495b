//! `--timeout` values: a number of seconds, or a number with `ms`, `s` or
//! `m`; and the same format for showing a duration back.

use std::time::Duration;

/// Parses `10`, `10s`, `1.5s`, `500ms` or `2m`; zero is refused, since a
/// request that may take no time always fails.
pub(crate) fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit_seconds) = if let Some(number) = text.strip_suffix("ms") {
        (number, 0.001)
    } else if let Some(number) = text.strip_suffix('s') {
        (number, 1.0)
    } else if let Some(number) = text.strip_suffix('m') {
        (number, 60.0)
    } else {
        (text, 1.0)
    };
    let hint = || format!("`{text}` is not a duration: write e.g. 10, 10s, 500ms or 1.5s");
    let value: f64 = number.trim().parse().map_err(|_| hint())?;
    let seconds = value * unit_seconds;
    if !seconds.is_finite() || seconds <= 0.0 {
        return Err(hint());
    }
    Duration::try_from_secs_f64(seconds).map_err(|_| hint())
}

/// `500ms`, `10s`, `1.5s`: the way `--timeout` is written.
pub(crate) fn format_duration(duration: Duration) -> String {
    if duration < Duration::from_secs(1) {
        format!("{}ms", duration.as_millis())
    } else if duration.subsec_millis() == 0 {
        format!("{}s", duration.as_secs())
    } else {
        format!("{:.1}s", duration.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_documented_forms() {
        assert_eq!(parse_duration("10"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
    }

    #[test]
    fn refuses_zero_negative_and_words() {
        for bad in ["0", "-1", "ten", "", "1h", "NaN", "infs"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn formats_like_it_parses() {
        assert_eq!(format_duration(Duration::from_millis(250)), "250ms");
        assert_eq!(format_duration(Duration::from_secs(10)), "10s");
        assert_eq!(format_duration(Duration::from_millis(1500)), "1.5s");
    }
}
