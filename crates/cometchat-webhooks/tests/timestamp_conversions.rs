//! `Timestamp` to and from `SystemTime` and the date-time crates: exact in
//! range, an error (never a panic or a clamped value) out of range.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cometchat_webhooks::model::{Millis, Seconds, Timestamp, TimestampOutOfRange};
use proptest::prelude::*;

const SENT: i64 = 1_696_934_912;

#[test]
fn system_time_is_exact_in_both_units() {
    let seconds = Timestamp::<Seconds>::new(SENT);
    let millis = Timestamp::<Millis>::new(SENT * 1000 + 250);
    assert_eq!(seconds.to_system_time(), Some(UNIX_EPOCH + Duration::from_secs(SENT as u64)));
    assert_eq!(
        SystemTime::try_from(millis),
        Ok(UNIX_EPOCH + Duration::from_millis(SENT as u64 * 1000 + 250))
    );
    assert_eq!(
        Timestamp::<Millis>::new(-1).to_system_time(),
        Some(UNIX_EPOCH - Duration::from_millis(1))
    );
}

#[test]
fn system_time_back_to_a_timestamp_truncates_towards_the_past() {
    let time = UNIX_EPOCH + Duration::from_millis(SENT as u64 * 1000 + 999);
    assert_eq!(Timestamp::<Seconds>::try_from(time), Ok(Timestamp::new(SENT)));
    assert_eq!(Timestamp::<Millis>::from_system_time(time), Ok(Timestamp::new(SENT * 1000 + 999)));
    let before = UNIX_EPOCH - Duration::from_millis(1);
    assert_eq!(Timestamp::<Seconds>::from_system_time(before), Ok(Timestamp::new(-1)));
}

#[test]
fn the_extremes_do_not_panic() {
    for value in [i64::MIN, i64::MIN + 1, -1, 0, 1, i64::MAX - 1, i64::MAX] {
        let seconds = Timestamp::<Seconds>::new(value);
        let millis = Timestamp::<Millis>::new(value);
        // Whatever the platform can hold comes back unchanged.
        if let Some(time) = seconds.to_system_time() {
            assert_eq!(Timestamp::<Seconds>::from_system_time(time), Ok(seconds), "{value}");
        }
        if let Some(time) = millis.to_system_time() {
            assert_eq!(Timestamp::<Millis>::from_system_time(time), Ok(millis), "{value}");
        }
    }
}

#[test]
fn a_far_system_time_does_not_fit_milliseconds() {
    // 2^62 seconds fits a SystemTime on Unix but not an i64 of milliseconds.
    if let Some(far) = UNIX_EPOCH.checked_add(Duration::from_secs(1 << 62)) {
        let refused = Timestamp::<Millis>::from_system_time(far);
        assert!(matches!(refused, Err(TimestampOutOfRange { .. })), "{refused:?}");
        let message = refused.err().map(|error| error.to_string()).unwrap_or_default();
        assert!(message.contains("outside the range"), "{message}");
        assert_eq!(Timestamp::<Seconds>::from_system_time(far), Ok(Timestamp::new(1 << 62)));
    }
}

#[cfg(feature = "chrono")]
#[test]
fn chrono_in_range_and_out_of_range() {
    use chrono::{DateTime, FixedOffset, TimeZone, Utc};

    let seen = Timestamp::<Millis>::new(SENT * 1000 + 250);
    let expected = Utc.timestamp_millis_opt(SENT * 1000 + 250).single();
    assert_eq!(seen.to_chrono(), expected);
    assert_eq!(seen.to_chrono().map(|at| at.timestamp_subsec_millis()), Some(250));
    let refused = DateTime::<Utc>::try_from(Timestamp::<Seconds>::new(i64::MAX));
    assert!(matches!(refused, Err(TimestampOutOfRange { .. })));
    assert_eq!(Timestamp::<Seconds>::new(i64::MIN).to_chrono(), None);

    let offset =
        FixedOffset::east_opt(2 * 3600).and_then(|zone| zone.timestamp_opt(SENT, 7).single());
    let offset = offset.expect("a valid instant");
    assert_eq!(Timestamp::<Seconds>::try_from(offset), Ok(Timestamp::new(SENT)));
    assert_eq!(Timestamp::<Millis>::try_from(offset), Ok(Timestamp::new(SENT * 1000)));
}

#[cfg(feature = "time")]
#[test]
fn time_in_range_and_out_of_range() {
    use time::OffsetDateTime;

    let seen = Timestamp::<Millis>::new(SENT * 1000 + 250);
    let converted = seen.to_offset_date_time().expect("in range");
    assert_eq!(converted.unix_timestamp(), SENT);
    assert_eq!(converted.millisecond(), 250);
    assert_eq!(Timestamp::<Millis>::try_from(converted), Ok(seen));
    // Year 10,000 and beyond is outside `time`'s default range.
    let far = Timestamp::<Seconds>::new(253_402_300_800);
    assert!(matches!(OffsetDateTime::try_from(far), Err(TimestampOutOfRange { .. })));
    assert_eq!(Timestamp::<Millis>::new(i64::MIN).to_offset_date_time(), None);
}

#[cfg(feature = "jiff")]
#[test]
fn jiff_in_range_and_out_of_range() {
    let seen = Timestamp::<Millis>::new(SENT * 1000 + 250);
    let converted = seen.to_jiff().expect("in range");
    assert_eq!(converted.to_string(), "2023-10-10T10:48:32.25Z");
    assert_eq!(Timestamp::<Millis>::try_from(converted), Ok(seen));
    assert_eq!(Timestamp::<Seconds>::try_from(converted), Ok(Timestamp::new(SENT)));
    let refused = jiff::Timestamp::try_from(Timestamp::<Seconds>::new(i64::MAX));
    assert!(matches!(refused, Err(TimestampOutOfRange { .. })));
    assert_eq!(Timestamp::<Millis>::new(-1).to_jiff().map(|at| at.as_millisecond()), Some(-1));
}

proptest! {
    /// Any value converts without panicking, and what converts comes back.
    #[test]
    fn every_value_converts_or_is_refused(value in any::<i64>()) {
        let seconds = Timestamp::<Seconds>::new(value);
        let millis = Timestamp::<Millis>::new(value);
        if let Some(time) = seconds.to_system_time() {
            prop_assert_eq!(Timestamp::<Seconds>::from_system_time(time), Ok(seconds));
        }
        if let Some(time) = millis.to_system_time() {
            prop_assert_eq!(Timestamp::<Millis>::from_system_time(time), Ok(millis));
        }
        #[cfg(feature = "chrono")]
        if let Some(time) = millis.to_chrono() {
            prop_assert_eq!(Timestamp::<Millis>::try_from(time), Ok(millis));
        }
        #[cfg(feature = "time")]
        if let Some(time) = millis.to_offset_date_time() {
            prop_assert_eq!(Timestamp::<Millis>::try_from(time), Ok(millis));
        }
        #[cfg(feature = "jiff")]
        if let Some(time) = seconds.to_jiff() {
            prop_assert_eq!(Timestamp::<Seconds>::try_from(time), Ok(seconds));
        }
    }
}
