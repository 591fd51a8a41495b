//! The answer to a legacy `before_message` webhook. CometChat waits for the
//! response and uses its body (reference §2.6): `{}` delivers the message
//! unchanged, `{"action":"do_not_propagate"}` drops it, and any other JSON is
//! merged into the message's metadata under
//! `@injected.webhooks.<webhook id>`.

use bytes::Bytes;
use serde::Serialize;
use serde_json::{Map, Value};

/// What should happen to a message announced by `before_message`.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub enum BeforeMessageOutcome {
    /// Deliver the message unchanged. Body: `{}`.
    #[default]
    Deliver,
    /// Drop the message. Body: `{"action":"do_not_propagate"}`.
    DoNotPropagate,
    /// Deliver the message with these fields merged into its metadata. The
    /// body is this object; an `"action":"do_not_propagate"` member in it
    /// drops the message like [`DoNotPropagate`](Self::DoNotPropagate).
    Inject(Map<String, Value>),
}

impl BeforeMessageOutcome {
    /// Deliver with `fields` merged into the metadata. `fields` must
    /// serialise to a JSON object.
    ///
    /// ```
    /// use cometchat_webhooks::router::BeforeMessageOutcome;
    ///
    /// let outcome = BeforeMessageOutcome::inject(serde_json::json!({ "score": 0.2 }))?;
    /// assert_eq!(&outcome.body()[..], br#"{"score":0.2}"#);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn inject(fields: impl Serialize) -> Result<Self, serde_json::Error> {
        match serde_json::to_value(fields)? {
            Value::Object(map) => Ok(BeforeMessageOutcome::Inject(map)),
            _ => Err(serde::ser::Error::custom("injected fields must be a JSON object")),
        }
    }

    /// The response body CometChat reads.
    pub fn body(&self) -> Bytes {
        match self {
            BeforeMessageOutcome::Deliver => Bytes::from_static(b"{}"),
            BeforeMessageOutcome::DoNotPropagate => {
                Bytes::from_static(br#"{"action":"do_not_propagate"}"#)
            }
            // Rendering a map of JSON values cannot fail.
            BeforeMessageOutcome::Inject(fields) => Bytes::from(fields_to_string(fields)),
        }
    }
}

fn fields_to_string(fields: &Map<String, Value>) -> String {
    serde_json::to_string(fields).unwrap_or_else(|_| "{}".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_outcome_renders_the_body_cometchat_expects() {
        assert_eq!(&BeforeMessageOutcome::Deliver.body()[..], b"{}");
        assert_eq!(
            &BeforeMessageOutcome::DoNotPropagate.body()[..],
            br#"{"action":"do_not_propagate"}"#
        );
        let inject = BeforeMessageOutcome::inject(serde_json::json!({"flag": true})).unwrap();
        assert_eq!(&inject.body()[..], br#"{"flag":true}"#);
    }

    #[test]
    fn injecting_anything_but_an_object_is_refused() {
        assert!(BeforeMessageOutcome::inject(42).is_err());
        assert!(BeforeMessageOutcome::inject(["a"]).is_err());
    }
}
