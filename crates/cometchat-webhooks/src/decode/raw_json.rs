//! `RawJson`: a piece of JSON kept exactly as received, for data this crate
//! does not type (unknown triggers, undecodable data, unknown entity kinds)
//! and for open-ended objects (metadata, custom data, template variables).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

/// JSON text kept byte for byte. Serialises as the same JSON (with
/// `serde_json`), compares by text.
#[derive(Clone)]
pub struct RawJson(Box<RawValue>);

impl RawJson {
    /// The JSON text as received.
    pub fn get(&self) -> &str {
        self.0.get()
    }

    /// The underlying [`RawValue`].
    pub fn as_raw_value(&self) -> &RawValue {
        &self.0
    }

    /// Decodes the JSON into any type, e.g. `serde_json::Value` or a struct of
    /// your own for a trigger this crate does not know yet.
    pub fn decode<'a, T: Deserialize<'a>>(&'a self) -> Result<T, serde_json::Error> {
        serde_json::from_str(self.0.get())
    }

    /// The JSON `null`, for an envelope without `data`.
    pub(crate) fn null() -> Self {
        Self::from_trusted(&RawValue::NULL.to_owned())
    }

    /// Copies JSON text this crate already parsed once.
    pub(crate) fn from_trusted(raw: &RawValue) -> Self {
        Self(raw.to_owned())
    }
}

/// How deep an open-ended field may nest: `serde_json::Value`'s own limit, so
/// every open-ended field can be decoded into a `Value`.
const OPEN_ENDED_DEPTH: usize = 128;

/// An open-ended field (metadata, custom data, …) kept as raw JSON: missing
/// or `null` is `None`; JSON nested deeper than `serde_json::Value` allows
/// does not fit.
pub(crate) fn opt_open_ended<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<RawJson>, D::Error> {
    let raw = Option::<RawJson>::deserialize(deserializer)?;
    match &raw {
        Some(json) if !nests_within(json.get(), OPEN_ENDED_DEPTH) => Err(serde::de::Error::custom(
            format_args!("JSON nested more than {OPEN_ENDED_DEPTH} levels deep"),
        )),
        _ => Ok(raw),
    }
}

/// Whether the arrays and objects of valid JSON `text` nest at most `limit`
/// deep. Text too short to nest that deep, or with too few brackets to, is
/// not walked: counting the opening brackets is one fast pass, while the
/// walk must follow strings byte by byte.
fn nests_within(text: &str, limit: usize) -> bool {
    if text.len() <= 2 * limit {
        return true;
    }
    let openings = text.bytes().filter(|&byte| byte == b'[' || byte == b'{').count();
    if openings <= limit {
        return true;
    }
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &byte in text.as_bytes() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return false;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    true
}

impl From<Box<RawValue>> for RawJson {
    fn from(raw: Box<RawValue>) -> Self {
        Self(raw)
    }
}

impl PartialEq for RawJson {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl Eq for RawJson {}

impl fmt::Debug for RawJson {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.debug_tuple("RawJson").field(&self.get()).finish()
    }
}

impl fmt::Display for RawJson {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.get())
    }
}

impl Serialize for RawJson {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for RawJson {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Box::<RawValue>::deserialize(deserializer).map(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_is_measured_outside_strings() {
        let deep = |depth: usize| format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
        assert!(nests_within(&deep(128), 128));
        assert!(!nests_within(&deep(129), 128));
        let in_string = format!("[\"{}\\\"\"]", "[".repeat(300));
        assert!(nests_within(&in_string, 128));
        assert!(nests_within(r#"{"a": [1, {"b": 2}]}"#, 3));
        assert!(!nests_within(r#"{"a": [1, {"b": 2}]}"#, 2));
        assert!(!nests_within(&format!("{{\"a\": {}}}", deep(300)), 128));
    }
}
