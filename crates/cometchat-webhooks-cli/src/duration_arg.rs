//! `--timeout` values: a number of seconds, or a duration as `jiff` reads
//! it (`10s`, `500ms`, `1.5s`, `2m`, `1m 30s`, ISO 8601 `PT10S`); and the
//! same friendly format for showing a duration back.

use std::time::Duration;

use jiff::SignedDuration;

/// Parses `10`, `10s`, `1.5s`, `500ms`, `2m`; zero and negative durations
/// are refused, since a request that may take no time always fails.
pub(crate) fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let hint = || format!("`{text}` is not a duration: write e.g. 10, 10s, 500ms or 1.5s");
    // A bare number is seconds, as in earlier versions and in `curl -m`.
    let parsed = match text.parse::<f64>() {
        Ok(seconds) if seconds.is_finite() => SignedDuration::try_from_secs_f64(seconds).ok(),
        Ok(_) => None,
        Err(_) => text.parse::<SignedDuration>().ok(),
    };
    let positive = parsed.filter(|duration| duration.is_positive()).ok_or_else(hint)?;
    Duration::try_from(positive).map_err(|_| hint())
}

/// `500ms`, `10s`, `1s 500ms`: the way `--timeout` may be written.
pub(crate) fn format_duration(duration: Duration) -> String {
    match SignedDuration::try_from(duration) {
        Ok(signed) => format!("{signed:#}"),
        Err(_) => format!("{duration:?}"),
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
        assert_eq!(parse_duration("1.5"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1m 30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_duration("PT10S"), Ok(Duration::from_secs(10)));
    }

    #[test]
    fn refuses_zero_negative_and_words() {
        for bad in ["0", "0s", "-1", "-1s", "ten", "", "NaN", "inf", "infs", "1e300"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn formats_like_it_parses() {
        for (duration, shown) in [
            (Duration::from_millis(250), "250ms"),
            (Duration::from_secs(10), "10s"),
            (Duration::from_millis(1500), "1s 500ms"),
        ] {
            assert_eq!(format_duration(duration), shown);
            assert_eq!(parse_duration(shown), Ok(duration));
        }
    }
}
