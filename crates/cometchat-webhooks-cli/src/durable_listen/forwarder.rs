//! `--forward-to`: POSTs a stored event to an internal endpoint, exactly
//! as received, and says why an attempt failed so the worker can retry it
//! and a dead letter can show it.

use std::time::Duration;

use cometchat_webhooks::Event;
use reqwest::header::{CONTENT_TYPE, HeaderValue};
use reqwest::{Client, Url};

use crate::duration_arg::format_duration;
use crate::errors::CliError;
use crate::http_client::{parse_url, status_line};
use crate::terminal_text::one_line;

/// The trigger of the forwarded event, e.g. `message_sent`.
pub(crate) const TRIGGER_HEADER: &str = "x-cometchat-trigger";
/// The event's idempotency key: the endpoint de-duplicates with it, since
/// an event can arrive more than once (a worker that died before its ack).
pub(crate) const KEY_HEADER: &str = "idempotency-key";

/// How much of a refusing endpoint's answer is kept in the error.
const ANSWER_EXCERPT: usize = 200;

/// Posts events to one URL. Cheap to clone: clones share the pool.
#[derive(Debug, Clone)]
pub(crate) struct Forwarder {
    client: Client,
    url: Url,
    timeout: Duration,
}

impl Forwarder {
    pub(crate) fn new(url: &str, timeout: Duration) -> Result<Self, CliError> {
        let url = parse_url(url)?;
        let client = Client::builder()
            .timeout(timeout)
            // A redirect is an answer the endpoint did not mean as success.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("cometchat-webhooks-cli/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| CliError::Transport {
                url: url.to_string(),
                reason: error.to_string(),
            })?;
        Ok(Self { client, url, timeout })
    }

    /// One attempt: `Ok` on a 2xx answer; otherwise the reason, one line.
    pub(crate) async fn forward(&self, event: &Event) -> Result<(), String> {
        let response = self
            .client
            .post(self.url.clone())
            .header(CONTENT_TYPE, "application/json")
            .header(TRIGGER_HEADER, header_value(event.trigger()))
            .header(KEY_HEADER, header_value(event.idempotency_key().as_str()))
            .body(event.raw_bytes().clone())
            .send()
            .await
            .map_err(|error| self.explain(&error))?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        // The answer's start helps whoever reads the dead letter; a body
        // that cannot be read adds nothing to the status.
        let answer = response.bytes().await.unwrap_or_default();
        let excerpt = one_line(&answer[..answer.len().min(ANSWER_EXCERPT)]);
        let mut reason = format!("{} answered {}", self.url, status_line(status));
        if !excerpt.trim().is_empty() {
            reason.push_str(": ");
            reason.push_str(excerpt.trim());
        }
        Err(reason)
    }

    fn explain(&self, error: &reqwest::Error) -> String {
        if error.is_timeout() {
            return format!("no answer from {} within {}", self.url, format_duration(self.timeout));
        }
        let mut cause: &dyn std::error::Error = error;
        while let Some(inner) = cause.source() {
            cause = inner;
        }
        let what = if error.is_connect() { "could not connect to" } else { "request to" };
        one_line(format!("{what} {} failed: {cause}", self.url).as_bytes())
    }
}

/// The text as a header value; a key or trigger with bytes a header cannot
/// carry is sent percent-encoded rather than dropped.
fn header_value(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).unwrap_or_else(|_| {
        let encoded: String = url::form_urlencoded::byte_serialize(text.as_bytes()).collect();
        HeaderValue::from_str(&encoded).unwrap_or_else(|_| HeaderValue::from_static("-"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_values_survive_any_text() {
        assert_eq!(
            header_value("message_sent/app/hook/message.id=1"),
            "message_sent/app/hook/message.id=1"
        );
        let odd = header_value("k\r\nInjected: yes");
        let text = odd.to_str().expect("visible ASCII");
        assert!(!text.contains('\r') && !text.contains('\n'), "{text}");
    }
}
