//! [`Timestamp`] to and from [`SystemTime`] and, behind the features of the
//! same names, the date-time types of `chrono`, `time` and `jiff`.
//!
//! Every conversion is exact (a unit's value is never rounded or saturated)
//! and checked: an instant the target type cannot hold is an error, never a
//! panic or a silently clamped value.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::timestamp::{TimeUnit, Timestamp};

const NANOS_PER_MILLI: u32 = 1_000_000;

/// An instant that the target of a conversion cannot represent: a
/// [`Timestamp`] outside a date-time type's range, or a time that does not
/// fit a [`Timestamp`]'s 64-bit count of its unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[error("the instant is outside the range the target type can represent")]
#[non_exhaustive]
pub struct TimestampOutOfRange;

impl<U: TimeUnit> Timestamp<U> {
    /// The instant as whole seconds since the Unix epoch (rounded towards
    /// negative infinity) and the nanoseconds after that second; exact for
    /// every value, unlike [`unix_millis`](Self::unix_millis), which
    /// saturates.
    fn unix_parts(self) -> (i64, u32) {
        // 1 for seconds, 1000 for milliseconds: never zero, nothing overflows.
        let units_per_second = 1000 / U::MILLIS_PER_UNIT;
        let nanos_per_unit = 1_000_000_000 / units_per_second;
        let seconds = self.value().div_euclid(units_per_second);
        let nanos = self.value().rem_euclid(units_per_second) * nanos_per_unit;
        (seconds, u32::try_from(nanos).unwrap_or(0))
    }

    /// The instant as nanoseconds since the Unix epoch (exact: an `i64`
    /// count of seconds or milliseconds always fits).
    #[cfg(feature = "time")]
    fn unix_nanos(self) -> i128 {
        i128::from(self.value()) * i128::from(U::MILLIS_PER_UNIT) * i128::from(NANOS_PER_MILLI)
    }

    /// The timestamp of an instant given as nanoseconds since the Unix
    /// epoch, truncated (towards negative infinity) to the unit.
    fn from_unix_nanos(nanos: i128) -> Result<Self, TimestampOutOfRange> {
        let per_unit = i128::from(U::MILLIS_PER_UNIT) * i128::from(NANOS_PER_MILLI);
        i64::try_from(nanos.div_euclid(per_unit)).map(Self::new).map_err(|_| TimestampOutOfRange)
    }

    /// The instant as a [`SystemTime`], or `None` where the platform's
    /// `SystemTime` cannot hold it.
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use cometchat_webhooks::model::{Millis, Timestamp};
    ///
    /// let seen = Timestamp::<Millis>::new(1_696_934_912_250);
    /// assert_eq!(seen.to_system_time(), Some(UNIX_EPOCH + Duration::from_millis(1_696_934_912_250)));
    /// ```
    pub fn to_system_time(self) -> Option<SystemTime> {
        let (seconds, nanos) = self.unix_parts();
        let whole = Duration::from_secs(seconds.unsigned_abs());
        let base = if seconds >= 0 {
            UNIX_EPOCH.checked_add(whole)
        } else {
            UNIX_EPOCH.checked_sub(whole)
        };
        base?.checked_add(Duration::from_nanos(u64::from(nanos)))
    }

    /// The timestamp of `time`, truncated to the unit (towards the past), or
    /// an error when the count does not fit 64 bits.
    pub fn from_system_time(time: SystemTime) -> Result<Self, TimestampOutOfRange> {
        let nanos = match time.duration_since(UNIX_EPOCH) {
            Ok(after) => i128::try_from(after.as_nanos()),
            Err(before) => i128::try_from(before.duration().as_nanos()).map(|nanos| -nanos),
        };
        Self::from_unix_nanos(nanos.map_err(|_| TimestampOutOfRange)?)
    }
}

impl<U: TimeUnit> TryFrom<Timestamp<U>> for SystemTime {
    type Error = TimestampOutOfRange;

    fn try_from(timestamp: Timestamp<U>) -> Result<Self, Self::Error> {
        timestamp.to_system_time().ok_or(TimestampOutOfRange)
    }
}

impl<U: TimeUnit> TryFrom<SystemTime> for Timestamp<U> {
    type Error = TimestampOutOfRange;

    fn try_from(time: SystemTime) -> Result<Self, Self::Error> {
        Self::from_system_time(time)
    }
}

#[cfg(feature = "chrono")]
mod chrono_conversions {
    use chrono::{DateTime, TimeZone, Utc};

    use super::{TimeUnit, Timestamp, TimestampOutOfRange};

    impl<U: TimeUnit> Timestamp<U> {
        /// The instant as a `chrono::DateTime<Utc>`, or `None` outside
        /// chrono's range (about ±262,000 years).
        #[cfg_attr(docsrs, doc(cfg(feature = "chrono")))]
        pub fn to_chrono(self) -> Option<DateTime<Utc>> {
            let (seconds, nanos) = self.unix_parts();
            DateTime::from_timestamp(seconds, nanos)
        }
    }

    #[cfg_attr(docsrs, doc(cfg(feature = "chrono")))]
    impl<U: TimeUnit> TryFrom<Timestamp<U>> for DateTime<Utc> {
        type Error = TimestampOutOfRange;

        fn try_from(timestamp: Timestamp<U>) -> Result<Self, Self::Error> {
            timestamp.to_chrono().ok_or(TimestampOutOfRange)
        }
    }

    #[cfg_attr(docsrs, doc(cfg(feature = "chrono")))]
    impl<U: TimeUnit, Z: TimeZone> TryFrom<DateTime<Z>> for Timestamp<U> {
        type Error = TimestampOutOfRange;

        /// Truncated to the unit, towards the past.
        fn try_from(time: DateTime<Z>) -> Result<Self, Self::Error> {
            let nanos = i128::from(time.timestamp()) * 1_000_000_000
                + i128::from(time.timestamp_subsec_nanos());
            Self::from_unix_nanos(nanos)
        }
    }
}

#[cfg(feature = "time")]
mod time_conversions {
    use time::OffsetDateTime;

    use super::{TimeUnit, Timestamp, TimestampOutOfRange};

    impl<U: TimeUnit> Timestamp<U> {
        /// The instant as a `time::OffsetDateTime` in UTC, or `None` outside
        /// `time`'s range (years -9999 to 9999 without its `large-dates`
        /// feature).
        #[cfg_attr(docsrs, doc(cfg(feature = "time")))]
        pub fn to_offset_date_time(self) -> Option<OffsetDateTime> {
            OffsetDateTime::from_unix_timestamp_nanos(self.unix_nanos()).ok()
        }
    }

    #[cfg_attr(docsrs, doc(cfg(feature = "time")))]
    impl<U: TimeUnit> TryFrom<Timestamp<U>> for OffsetDateTime {
        type Error = TimestampOutOfRange;

        fn try_from(timestamp: Timestamp<U>) -> Result<Self, Self::Error> {
            timestamp.to_offset_date_time().ok_or(TimestampOutOfRange)
        }
    }

    #[cfg_attr(docsrs, doc(cfg(feature = "time")))]
    impl<U: TimeUnit> TryFrom<OffsetDateTime> for Timestamp<U> {
        type Error = TimestampOutOfRange;

        /// Truncated to the unit, towards the past.
        fn try_from(time: OffsetDateTime) -> Result<Self, Self::Error> {
            Self::from_unix_nanos(time.unix_timestamp_nanos())
        }
    }
}

#[cfg(feature = "jiff")]
mod jiff_conversions {
    use super::{TimeUnit, Timestamp, TimestampOutOfRange};

    impl<U: TimeUnit> Timestamp<U> {
        /// The instant as a `jiff::Timestamp`, or `None` outside jiff's
        /// range (years -9999 to 9999).
        #[cfg_attr(docsrs, doc(cfg(feature = "jiff")))]
        pub fn to_jiff(self) -> Option<jiff::Timestamp> {
            let (seconds, nanos) = self.unix_parts();
            // `nanos` is below one second, so it always fits an `i32`.
            jiff::Timestamp::new(seconds, i32::try_from(nanos).ok()?).ok()
        }
    }

    #[cfg_attr(docsrs, doc(cfg(feature = "jiff")))]
    impl<U: TimeUnit> TryFrom<Timestamp<U>> for jiff::Timestamp {
        type Error = TimestampOutOfRange;

        fn try_from(timestamp: Timestamp<U>) -> Result<Self, Self::Error> {
            timestamp.to_jiff().ok_or(TimestampOutOfRange)
        }
    }

    #[cfg_attr(docsrs, doc(cfg(feature = "jiff")))]
    impl<U: TimeUnit> TryFrom<jiff::Timestamp> for Timestamp<U> {
        type Error = TimestampOutOfRange;

        /// Truncated to the unit, towards the past.
        fn try_from(time: jiff::Timestamp) -> Result<Self, Self::Error> {
            Self::from_unix_nanos(time.as_nanosecond())
        }
    }
}
