//! Ages like `7d`, `12h` or `1d12h` (`--older-than`), and the same format
//! for showing how long ago something happened.

use std::time::Duration;

const UNITS: [(char, u64); 5] =
    [('w', 7 * 86_400), ('d', 86_400), ('h', 3_600), ('m', 60), ('s', 1)];

/// Parses one or more `<whole number><unit>` parts, units `w`, `d`, `h`,
/// `m`, `s`: `7d`, `12h`, `1d12h`, `90m`. A bare number is refused (days?
/// seconds?), and so is zero.
pub(crate) fn parse_age(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let hint = |why: &str| format!("`{text}` {why}: write e.g. 7d, 12h, 1d12h or 30m");
    if text.is_empty() {
        return Err(hint("is empty"));
    }
    let mut seconds: u64 = 0;
    let mut digits = String::new();
    for character in text.chars() {
        if character.is_ascii_digit() {
            digits.push(character);
            continue;
        }
        let Some((_, unit)) = UNITS.iter().find(|(name, _)| *name == character) else {
            return Err(hint(&format!("has an unknown unit `{character}`")));
        };
        if digits.is_empty() {
            return Err(hint("needs a number before each unit"));
        }
        let count: u64 = digits.parse().map_err(|_| hint("is too long"))?;
        seconds = count
            .checked_mul(*unit)
            .and_then(|part| seconds.checked_add(part))
            .ok_or_else(|| hint("is too long"))?;
        digits.clear();
    }
    if !digits.is_empty() {
        return Err(hint("needs a unit after the number"));
    }
    if seconds == 0 {
        return Err(hint("is zero (leave --older-than out to include every age)"));
    }
    Ok(Duration::from_secs(seconds))
}

/// `3d 4h`, `12m 5s`, `40s`: the two largest units, for "… ago".
pub(crate) fn format_age(age: Duration) -> String {
    let mut rest = age.as_secs();
    let mut parts = Vec::new();
    for (name, unit) in UNITS.iter().skip(1) {
        if rest >= *unit || (parts.is_empty() && *name == 's') {
            parts.push(format!("{}{name}", rest / unit));
            rest %= unit;
        } else if !parts.is_empty() {
            // Keep the two units adjacent: `3d 0h`, never `3d 5m`.
            parts.push(format!("0{name}"));
        }
        if parts.len() == 2 {
            break;
        }
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ages_in_whole_units() {
        assert_eq!(parse_age("7d"), Ok(Duration::from_secs(7 * 86_400)));
        assert_eq!(parse_age("12h"), Ok(Duration::from_secs(12 * 3600)));
        assert_eq!(parse_age("1d12h"), Ok(Duration::from_secs(36 * 3600)));
        assert_eq!(parse_age("2w"), Ok(Duration::from_secs(14 * 86_400)));
        assert_eq!(parse_age(" 90m "), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_age("45s"), Ok(Duration::from_secs(45)));
    }

    #[test]
    fn refuses_what_is_ambiguous_or_empty() {
        let cases = [
            ("7", "needs a unit"),
            ("d", "needs a number"),
            ("7x", "unknown unit `x`"),
            ("1.5d", "unknown unit `.`"),
            ("0d", "is zero"),
            ("", "is empty"),
            ("-1d", "unknown unit `-`"),
            ("99999999999999999999d", "too long"),
            ("999999999999999w", "too long"),
        ];
        for (given, expected) in cases {
            let error = parse_age(given).expect_err(given);
            assert!(error.contains(expected), "{given}: {error}");
        }
    }

    #[test]
    fn ages_read_in_two_units() {
        assert_eq!(format_age(Duration::from_secs(0)), "0s");
        assert_eq!(format_age(Duration::from_secs(40)), "40s");
        assert_eq!(format_age(Duration::from_secs(725)), "12m 5s");
        assert_eq!(format_age(Duration::from_secs(3 * 86_400 + 4 * 3600 + 7)), "3d 4h");
        assert_eq!(format_age(Duration::from_secs(3 * 86_400 + 300)), "3d 0h");
        assert_eq!(format_age(Duration::from_secs(3600)), "1h 0m");
    }
}
