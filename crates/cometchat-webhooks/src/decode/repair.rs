//! Field-level fault isolation, on the failure path only. When `data` does
//! not fit its type, the value that does not fit is found (its JSON path),
//! set aside (first as `null`, then removed), and `data` decoded again,
//! until it fits or the misfit is one that cannot be set aside: an identity
//! field ([`IDENTITY_FIELDS`]), a missing required field, or `data` itself.
//! Payloads that fit never come here, so the single pass keeps its speed.
//!
//! A payload typed here was decoded from `data` re-encoded (keys sorted,
//! numbers in serde_json's spelling), so its raw-JSON fields hold that
//! re-encoding; [`Event::raw`](crate::Event::raw) still has the body as sent.

use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_path_to_error::Segment;

use crate::payload::{IDENTITY_FIELDS, SetAside};

/// At most this many values are set aside in one payload; a payload that
/// needs more is not typed.
const MAX_SET_ASIDE: usize = 64;

/// One step of a JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
}

/// Why `data` could not be typed even with values set aside.
pub(super) struct Fatal {
    /// JSON path relative to `data` (`.` for `data` itself).
    pub(super) path: String,
    /// What was wrong.
    pub(super) message: String,
}

/// Decodes `data` as `T`, setting aside each value that does not fit.
pub(super) fn decode_setting_aside<T: DeserializeOwned>(
    data: &str,
) -> Result<(T, Vec<SetAside>), Fatal> {
    let mut value: Value = serde_json::from_str(data)
        .map_err(|error| Fatal { path: ".".to_owned(), message: error.to_string() })?;
    let mut set_aside = Vec::new();
    // The path last set to `null`: a second misfit there removes the value.
    let mut nulled: Option<Vec<Step>> = None;
    loop {
        let text = value.to_string();
        let mut deserializer = serde_json::Deserializer::from_str(&text);
        let error = match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
            Ok(typed) => return Ok((typed, set_aside)),
            Err(error) => error,
        };
        let path_text = error.path().to_string();
        let message = without_position(&error.inner().to_string());
        let steps = steps(error.path());
        let fatal = || Fatal { path: path_text.clone(), message: message.clone() };
        let Some(steps) = steps else { return Err(fatal()) };
        let cannot_set_aside = steps.is_empty()
            || is_identity(&steps)
            || message.starts_with("missing field")
            || set_aside.len() >= MAX_SET_ASIDE;
        if cannot_set_aside {
            return Err(fatal());
        }
        if nulled.as_ref() == Some(&steps) {
            if !remove(&mut value, &steps) {
                return Err(fatal());
            }
            nulled = None;
        } else {
            let Some(node) = node_mut(&mut value, &steps) else { return Err(fatal()) };
            if node.is_null() {
                // `null` itself does not fit: remove it straight away.
                if !remove(&mut value, &steps) {
                    return Err(fatal());
                }
            } else {
                *node = Value::Null;
                nulled = Some(steps);
            }
            set_aside.push(SetAside { path: path_text, reason: message });
        }
    }
}

fn steps(path: &serde_path_to_error::Path) -> Option<Vec<Step>> {
    path.iter()
        .map(|segment| match segment {
            Segment::Map { key } => Some(Step::Key(key.clone())),
            Segment::Seq { index } => Some(Step::Index(*index)),
            _ => None,
        })
        .collect()
}

fn is_identity(steps: &[Step]) -> bool {
    matches!(steps.last(), Some(Step::Key(key)) if IDENTITY_FIELDS.contains(&key.as_str()))
}

fn node_mut<'a>(value: &'a mut Value, steps: &[Step]) -> Option<&'a mut Value> {
    steps.iter().try_fold(value, |node, step| match step {
        Step::Key(key) => node.as_object_mut()?.get_mut(key),
        Step::Index(index) => node.as_array_mut()?.get_mut(*index),
    })
}

/// Removes the value at `steps` (a key from its object, an element from its
/// array); `false` when there is none.
fn remove(value: &mut Value, steps: &[Step]) -> bool {
    let Some((last, parent)) = steps.split_last() else { return false };
    match (node_mut(value, parent), last) {
        (Some(Value::Object(map)), Step::Key(key)) => map.remove(key).is_some(),
        (Some(Value::Array(items)), Step::Index(index)) if *index < items.len() => {
            items.remove(*index);
            true
        }
        _ => false,
    }
}

/// serde_json's message without its ` at line L column C` suffix, which
/// points into the re-encoded text, not the body.
fn without_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}
