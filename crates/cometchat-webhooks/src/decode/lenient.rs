//! Field decoders for the places where CometChat is inconsistent (ids sent as
//! strings or numbers, booleans sent as `true` or `"true"`, counts sent as
//! numbers or numeric strings). Each accepts every form seen in the wild and
//! `null`, and still rejects values that make no sense for the field.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer};

/// An id (`"57"` or `57`) or any text field that sometimes arrives as a number.
pub(crate) fn string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    deserializer.deserialize_any(TextVisitor)
}

/// [`string`] for optional fields: missing or `null` is `None`.
pub(crate) fn opt_string<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    deserializer.deserialize_any(OptionVisitor(TextVisitor))
}

/// `true`, `"true"`, `1` and their opposites; missing or `null` is `None`.
pub(crate) fn opt_bool<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<bool>, D::Error> {
    deserializer.deserialize_any(OptionVisitor(BoolVisitor))
}

/// A non-negative count sent as a number or a numeric string.
pub(crate) fn opt_u64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    deserializer.deserialize_any(OptionVisitor(UnsignedVisitor))
}

/// A decimal quantity (a duration in seconds, say) sent as a number or a string.
pub(crate) fn opt_f64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
    deserializer.deserialize_any(OptionVisitor(FloatVisitor))
}

/// A struct field that CometChat sometimes sends as `null`: `null` decodes as
/// the type's default instead of failing the event.
pub(crate) fn default_on_null<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Option::<T>::deserialize(deserializer).map(Option::unwrap_or_default)
}

/// A struct field that CometChat sometimes sends as `null`: an object
/// decodes as the struct, `null` as its default, and anything else is a
/// misfit. Unlike [`default_on_null`], an array is refused rather than read
/// as the struct's fields by position (which serde's derive allows), so an
/// array sent where an object belongs never fills fields with the wrong
/// values.
pub(crate) fn object_or_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    deserializer.deserialize_any(ObjectOrDefault(std::marker::PhantomData))
}

struct ObjectOrDefault<T>(std::marker::PhantomData<T>);

impl<'de, T: Deserialize<'de> + Default> Visitor<'de> for ObjectOrDefault<T> {
    type Value = T;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("an object or null")
    }

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::deserialize(de::value::MapAccessDeserializer::new(map))
    }

    fn visit_unit<E: de::Error>(self) -> Result<T, E> {
        Ok(T::default())
    }

    fn visit_none<E: de::Error>(self) -> Result<T, E> {
        Ok(T::default())
    }
}

/// Wraps a visitor so that `null` (or a unit) becomes `None`.
struct OptionVisitor<V>(V);

macro_rules! forward_to_inner {
    ($($method:ident($ty:ty)),* $(,)?) => {
        $(fn $method<E: de::Error>(self, value: $ty) -> Result<Self::Value, E> {
            self.0.$method(value).map(Some)
        })*
    };
}

impl<'de, V: Visitor<'de>> Visitor<'de> for OptionVisitor<V> {
    type Value = Option<V::Value>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(formatter)?;
        formatter.write_str(" or null")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    forward_to_inner!(
        visit_bool(bool),
        visit_i64(i64),
        visit_u64(u64),
        visit_f64(f64),
        visit_str(&str),
        visit_borrowed_str(&'de str),
        visit_string(String),
    );
}

struct TextVisitor;

impl Visitor<'_> for TextVisitor {
    type Value = String;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a string or a number")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<String, E> {
        Ok(value.to_owned())
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<String, E> {
        Ok(value)
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<String, E> {
        Ok(value.to_string())
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<String, E> {
        Ok(value.to_string())
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<String, E> {
        Ok(value.to_string())
    }
}

struct BoolVisitor;

impl Visitor<'_> for BoolVisitor {
    type Value = bool;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a boolean, \"true\"/\"false\" or 0/1")
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<bool, E> {
        Ok(value)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<bool, E> {
        match value {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(E::invalid_value(de::Unexpected::Unsigned(value), &self)),
        }
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<bool, E> {
        match u64::try_from(value) {
            Ok(value) => self.visit_u64(value),
            Err(_) => Err(E::invalid_value(de::Unexpected::Signed(value), &self)),
        }
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<bool, E> {
        if value.eq_ignore_ascii_case("true") || value == "1" {
            Ok(true)
        } else if value.eq_ignore_ascii_case("false") || value == "0" {
            Ok(false)
        } else {
            Err(E::invalid_value(de::Unexpected::Str(value), &self))
        }
    }
}

struct UnsignedVisitor;

impl Visitor<'_> for UnsignedVisitor {
    type Value = u64;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a non-negative integer or a numeric string")
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<u64, E> {
        Ok(value)
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<u64, E> {
        u64::try_from(value).map_err(|_| E::invalid_value(de::Unexpected::Signed(value), &self))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<u64, E> {
        whole_number(value).ok_or_else(|| E::invalid_value(de::Unexpected::Float(value), &self))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<u64, E> {
        let trimmed = value.trim();
        trimmed
            .parse::<u64>()
            .ok()
            .or_else(|| trimmed.parse::<f64>().ok().and_then(whole_number))
            .ok_or_else(|| E::invalid_value(de::Unexpected::Str(value), &self))
    }
}

/// `3.0` is a count; `3.5`, `-1`, `NaN` and `1e30` are not.
fn whole_number(value: f64) -> Option<u64> {
    let in_range = value.is_finite() && value >= 0.0 && value < u64::MAX as f64;
    (in_range && value.fract() == 0.0).then_some(value as u64)
}

struct FloatVisitor;

impl Visitor<'_> for FloatVisitor {
    type Value = f64;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a number or a numeric string")
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<f64, E> {
        Ok(value)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<f64, E> {
        Ok(value as f64)
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<f64, E> {
        Ok(value as f64)
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<f64, E> {
        value
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|parsed| parsed.is_finite())
            .ok_or_else(|| E::invalid_value(de::Unexpected::Str(value), &self))
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize, Debug, PartialEq)]
    struct Fields {
        #[serde(default, deserialize_with = "super::opt_string")]
        id: Option<String>,
        #[serde(default, deserialize_with = "super::opt_bool")]
        flag: Option<bool>,
        #[serde(default, deserialize_with = "super::opt_u64")]
        count: Option<u64>,
        #[serde(default, deserialize_with = "super::opt_f64")]
        seconds: Option<f64>,
    }

    fn fields(json: &str) -> Result<Fields, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn accepts_every_form_cometchat_uses() {
        let parsed =
            fields(r#"{"id": 57, "flag": "true", "count": "12", "seconds": "21.433000"}"#).unwrap();
        assert_eq!(parsed.id.as_deref(), Some("57"));
        assert_eq!(parsed.flag, Some(true));
        assert_eq!(parsed.count, Some(12));
        assert_eq!(parsed.seconds, Some(21.433));

        let parsed = fields(r#"{"id": "57", "flag": false, "count": 12.0, "seconds": 3}"#).unwrap();
        assert_eq!(parsed.id.as_deref(), Some("57"));
        assert_eq!(parsed.flag, Some(false));
        assert_eq!(parsed.count, Some(12));
        assert_eq!(parsed.seconds, Some(3.0));
    }

    #[test]
    fn null_and_missing_are_none() {
        let all_null = r#"{"id": null, "flag": null, "count": null, "seconds": null}"#;
        let expected = Fields { id: None, flag: None, count: None, seconds: None };
        assert_eq!(fields(all_null).unwrap(), expected);
        assert_eq!(fields("{}").unwrap(), expected);
    }

    #[test]
    fn rejects_values_that_make_no_sense() {
        for json in [
            r#"{"flag": "yes"}"#,
            r#"{"flag": 2}"#,
            r#"{"count": -1}"#,
            r#"{"count": 1.5}"#,
            r#"{"count": "twelve"}"#,
            r#"{"seconds": "NaN"}"#,
            r#"{"id": {"nested": true}}"#,
            r#"{"id": [1]}"#,
        ] {
            assert!(fields(json).is_err(), "{json} should not decode");
        }
    }
}
