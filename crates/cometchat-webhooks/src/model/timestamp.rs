//! A point in time as CometChat sends it: a Unix time that is in seconds in
//! most fields and in milliseconds in a few (reference §3.5), as a number or a
//! numeric string. The unit is part of the type so it cannot be mixed up.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// The unit a [`Timestamp`] field is sent in.
pub trait TimeUnit: Copy + fmt::Debug + Send + Sync + 'static {
    /// How many of this unit make one millisecond's multiple: 1000 for
    /// seconds, 1 for milliseconds.
    const MILLIS_PER_UNIT: i64;
    /// A short suffix for display (`s`, `ms`).
    const SUFFIX: &'static str;
}

/// Unix time in seconds: message, user, group, call and campaign times.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Seconds;

/// Unix time in milliseconds: connection-status times and push `sentAt`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Millis;

impl TimeUnit for Seconds {
    const MILLIS_PER_UNIT: i64 = 1000;
    const SUFFIX: &'static str = "s";
}

impl TimeUnit for Millis {
    const MILLIS_PER_UNIT: i64 = 1;
    const SUFFIX: &'static str = "ms";
}

/// A Unix time whose unit ([`Seconds`] or [`Millis`]) is known from the field
/// it came from. Decodes from an integer, a whole float or a numeric string.
///
/// ```
/// use cometchat_webhooks::model::{Millis, Seconds, Timestamp};
///
/// let sent: Timestamp<Seconds> = serde_json::from_str("1696934912").unwrap();
/// let seen: Timestamp<Millis> = serde_json::from_str("\"1696934912000\"").unwrap();
/// assert_eq!(sent.unix_millis(), seen.unix_millis());
/// assert_eq!(sent, seen.to_unit::<Seconds>());
/// ```
pub struct Timestamp<U: TimeUnit = Seconds> {
    value: i64,
    unit: PhantomData<U>,
}

impl<U: TimeUnit> Timestamp<U> {
    /// A timestamp of `value` in unit `U`.
    pub const fn new(value: i64) -> Self {
        Self { value, unit: PhantomData }
    }

    /// The number as sent, in unit `U`.
    pub const fn value(self) -> i64 {
        self.value
    }

    /// Whole seconds since the Unix epoch (rounded towards negative infinity).
    pub const fn unix_seconds(self) -> i64 {
        self.unix_millis().div_euclid(1000)
    }

    /// Milliseconds since the Unix epoch (saturating on overflow).
    pub const fn unix_millis(self) -> i64 {
        self.value.saturating_mul(U::MILLIS_PER_UNIT)
    }

    /// The same instant in another unit (truncated when going to a coarser one).
    pub const fn to_unit<V: TimeUnit>(self) -> Timestamp<V> {
        Timestamp::new(self.unix_millis().div_euclid(V::MILLIS_PER_UNIT))
    }
}

// Manual impls: derives would demand `U: Clone`/`U: PartialEq` bounds for no reason.
impl<U: TimeUnit> Clone for Timestamp<U> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<U: TimeUnit> Copy for Timestamp<U> {}

impl<U: TimeUnit> PartialEq for Timestamp<U> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<U: TimeUnit> Eq for Timestamp<U> {}

impl<U: TimeUnit> PartialOrd for Timestamp<U> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<U: TimeUnit> Ord for Timestamp<U> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.value.cmp(&other.value)
    }
}

impl<U: TimeUnit> Hash for Timestamp<U> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

impl<U: TimeUnit> fmt::Debug for Timestamp<U> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "Timestamp({}{})", self.value, U::SUFFIX)
    }
}

impl<U: TimeUnit> fmt::Display for Timestamp<U> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.value, formatter)
    }
}

impl<U: TimeUnit> Serialize for Timestamp<U> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.value)
    }
}

impl<'de, U: TimeUnit> Deserialize<'de> for Timestamp<U> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TimestampVisitor(PhantomData))
    }
}

struct TimestampVisitor<U>(PhantomData<U>);

impl<U: TimeUnit> Visitor<'_> for TimestampVisitor<U> {
    type Value = Timestamp<U>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "a Unix time in {} as a number or a numeric string", U::SUFFIX)
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
        Ok(Timestamp::new(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
        i64::try_from(value)
            .map(Timestamp::new)
            .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(value), &self))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Self::Value, E> {
        let whole = value.is_finite()
            && value.fract() == 0.0
            && value >= i64::MIN as f64
            && value < i64::MAX as f64;
        if whole {
            Ok(Timestamp::new(value as i64))
        } else {
            Err(E::invalid_value(de::Unexpected::Float(value), &self))
        }
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        let trimmed = value.trim();
        if let Ok(parsed) = trimmed.parse::<i64>() {
            return Ok(Timestamp::new(parsed));
        }
        match trimmed.parse::<f64>() {
            Ok(parsed) => self.visit_f64(parsed),
            Err(_) => Err(E::invalid_value(de::Unexpected::Str(value), &self)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_convert_both_ways() {
        let seconds = Timestamp::<Seconds>::new(1_696_934_912);
        assert_eq!(seconds.unix_millis(), 1_696_934_912_000);
        assert_eq!(seconds.to_unit::<Millis>().value(), 1_696_934_912_000);
        assert_eq!(Timestamp::<Millis>::new(1_696_934_912_999).unix_seconds(), 1_696_934_912);
    }

    #[test]
    fn decodes_numbers_and_numeric_strings() {
        for json in ["1696937627", "\"1696937627\"", "1696937627.0", "\" 1696937627 \""] {
            let parsed: Timestamp = serde_json::from_str(json).unwrap();
            assert_eq!(parsed.value(), 1_696_937_627, "{json}");
        }
        for json in ["\"soon\"", "1.5", "true", "{}", "18446744073709551615", "\"NaN\""] {
            assert!(serde_json::from_str::<Timestamp>(json).is_err(), "{json}");
        }
    }

    #[test]
    fn serialises_as_a_number() {
        let stamp = Timestamp::<Millis>::new(5);
        assert_eq!(serde_json::to_string(&stamp).unwrap(), "5");
        assert_eq!(format!("{stamp:?}"), "Timestamp(5ms)");
    }
}
