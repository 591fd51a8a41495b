//! How an event is kept when its `data` cannot be typed: an unknown trigger,
//! or a known trigger whose `data` does not fit. Nothing is dropped.

use serde::{Deserialize, Serialize};

use crate::decode::raw_json::RawJson;
use crate::trigger::Trigger;

/// A trigger this version does not know.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnknownPayload {
    /// The trigger name as sent.
    pub trigger: String,
    /// `data` as sent (`null` when absent).
    pub data: RawJson,
}

/// A known trigger whose `data` did not fit its type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UndecodablePayload {
    /// The trigger.
    pub trigger: Trigger,
    /// `data` as sent (`null` when absent).
    pub data: RawJson,
    /// Why it did not fit.
    pub error: DataError,
}

/// Why `data` did not fit its type, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("`data` does not fit {expected} at `{path}`: {message}")]
pub struct DataError {
    /// The type `data` was decoded as.
    pub expected: String,
    /// JSON path of the offending value, relative to `data` (`.` for `data` itself).
    pub path: String,
    /// What was wrong.
    pub message: String,
}

impl UndecodablePayload {
    /// Decodes again, tracking the path, to explain a failure. Only runs on
    /// the failure path, so successful decodes pay nothing for the path.
    pub(crate) fn explain<T: serde::de::DeserializeOwned>(trigger: Trigger, data: &str) -> Self {
        let mut deserializer = serde_json::Deserializer::from_str(data);
        let (path, message) = match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
            Err(error) => (error.path().to_string(), error.into_inner().to_string()),
            Ok(_) => (".".to_owned(), "decoding was not repeatable".to_owned()),
        };
        let raw = serde_json::from_str::<&serde_json::value::RawValue>(data)
            .map(RawJson::from_trusted)
            .unwrap_or_else(|_| RawJson::null());
        Self {
            trigger,
            data: raw,
            error: DataError { expected: short_type_name::<T>(), path, message },
        }
    }
}

fn short_type_name<T>() -> String {
    let full = std::any::type_name::<T>();
    full.rsplit("::").next().unwrap_or(full).to_owned()
}
