//! [`EventBuilder`]: realistic events for tests, starting from the bundled
//! sample of a trigger and overriding fields by path.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

use super::json_path::{PathError, set_path};
use super::samples::sample_body;
use crate::event::Event;
use crate::trigger::Trigger;

/// `Basic <base64(user:pass)>`, the header CometChat sends.
///
/// ```
/// use cometchat_webhooks::testing::basic_auth_header;
/// assert_eq!(basic_auth_header("user", "pass"), "Basic dXNlcjpwYXNz");
/// ```
pub fn basic_auth_header(username: &str, password: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{username}:{password}")))
}

/// Builds a webhook body from a trigger's bundled sample.
///
/// ```
/// use cometchat_webhooks::testing::EventBuilder;
/// use cometchat_webhooks::Trigger;
/// use cometchat_webhooks::payload::MessageSent;
///
/// let event = EventBuilder::new(Trigger::MessageSent)
///     .app_id("my-app")
///     .set("data.message.data.text", "hello")
///     .build();
/// assert_eq!(event.app_id(), Some("my-app"));
/// assert_eq!(event.typed::<MessageSent>().unwrap().message.text(), Some("hello"));
/// ```
#[derive(Debug, Clone)]
pub struct EventBuilder {
    body: Value,
}

impl EventBuilder {
    /// Starts from the bundled sample of `trigger`.
    pub fn new(trigger: Trigger) -> Self {
        let body = serde_json::from_slice(sample_body(trigger)).unwrap_or(Value::Null);
        Self { body }
    }

    /// Starts from any JSON body.
    pub fn from_json(body: Value) -> Self {
        Self { body }
    }

    /// Replaces the value at an existing dotted path.
    ///
    /// # Panics
    /// When the path does not exist in the sample; use
    /// [`try_set`](Self::try_set) to handle that.
    #[track_caller]
    pub fn set(self, path: &str, value: impl Into<Value>) -> Self {
        match self.try_set(path, value) {
            Ok(builder) => builder,
            Err(error) => panic!("EventBuilder::set: {error}"),
        }
    }

    /// Replaces the value at an existing dotted path, or says why not.
    pub fn try_set(mut self, path: &str, value: impl Into<Value>) -> Result<Self, PathError> {
        set_path(&mut self.body, path, value.into())?;
        Ok(self)
    }

    /// Sets a top-level envelope field, adding it when absent.
    pub fn envelope(mut self, key: &str, value: impl Into<Value>) -> Self {
        if let Value::Object(map) = &mut self.body {
            map.insert(key.to_owned(), value.into());
        }
        self
    }

    /// Sets `appId`.
    pub fn app_id(self, app_id: &str) -> Self {
        self.envelope("appId", app_id)
    }

    /// Sets `webhook`.
    pub fn webhook(self, webhook_id: &str) -> Self {
        self.envelope("webhook", webhook_id)
    }

    /// Sets `region`.
    pub fn region(self, region: &str) -> Self {
        self.envelope("region", region)
    }

    /// The body as JSON.
    pub fn json(&self) -> &Value {
        &self.body
    }

    /// The body as bytes, ready to POST.
    pub fn body(&self) -> Vec<u8> {
        self.body.to_string().into_bytes()
    }

    /// The decoded event.
    ///
    /// # Panics
    /// When the body is no longer a webhook (a test set `trigger` to a number).
    #[track_caller]
    pub fn build(&self) -> Event {
        match Event::from_slice(&self.body()) {
            Ok(event) => event,
            Err(error) => panic!("EventBuilder::build: {error}"),
        }
    }
}
