//! Dotted paths into a JSON body (`data.message.data.text`,
//! `data.all_occupants.0.name`), to override fields of a sample.

use serde_json::Value;

/// Why a path could not be set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PathError {
    /// The path is empty or has an empty segment.
    #[error("`{path}` is not a path: use dotted keys like data.message.data.text")]
    Invalid {
        /// The path as given.
        path: String,
    },
    /// A segment names nothing in the body.
    #[error("`{path}` does not exist in the body: `{missing}` is not there")]
    Missing {
        /// The path as given.
        path: String,
        /// The path up to and including the first missing segment.
        missing: String,
    },
}

/// Replaces the value at `path`, which must already exist. Segments are
/// object keys, or indexes into arrays.
pub fn set_path(body: &mut Value, path: &str, value: Value) -> Result<(), PathError> {
    if path.is_empty() || path.split('.').any(str::is_empty) {
        return Err(PathError::Invalid { path: path.to_owned() });
    }
    let mut current = body;
    let mut walked = 0;
    for segment in path.split('.') {
        walked += segment.len() + usize::from(walked > 0);
        let next = match current {
            Value::Object(map) => map.get_mut(segment),
            Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
            _ => None,
        };
        current = next.ok_or_else(|| PathError::Missing {
            path: path.to_owned(),
            missing: path[..walked].to_owned(),
        })?;
    }
    *current = value;
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn sets_nested_keys_and_array_items() {
        let mut body = json!({"data": {"list": [{"name": "a"}], "text": "x"}});
        set_path(&mut body, "data.text", json!("y")).unwrap();
        set_path(&mut body, "data.list.0.name", json!(5)).unwrap();
        assert_eq!(body, json!({"data": {"list": [{"name": 5}], "text": "y"}}));
    }

    #[test]
    fn names_the_first_missing_segment() {
        let mut body = json!({"data": {"text": "x"}});
        let error = set_path(&mut body, "data.txt.more", json!(1)).unwrap_err();
        assert_eq!(
            error,
            PathError::Missing { path: "data.txt.more".into(), missing: "data.txt".into() }
        );
        assert!(matches!(
            set_path(&mut body, "data..text", json!(1)),
            Err(PathError::Invalid { .. })
        ));
        assert!(matches!(set_path(&mut body, "", json!(1)), Err(PathError::Invalid { .. })));
        assert!(matches!(
            set_path(&mut body, "data.text.0", json!(1)),
            Err(PathError::Missing { .. })
        ));
    }
}
