//! POSTing webhook bodies the way CometChat does, and turning transport
//! failures into messages that say what to check.

use std::error::Error as StdError;
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Client, StatusCode, Url};

use crate::duration_arg::format_duration;
use crate::errors::CliError;

/// Sends bodies to one receiver URL, with the same credentials each time.
/// Cheap to clone: clones share the connection pool.
#[derive(Debug, Clone)]
pub(crate) struct WebhookSender {
    client: Client,
    url: Url,
    authorization: Option<String>,
    timeout: Duration,
}

/// How the receiver answered.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) body: String,
}

impl Answer {
    pub(crate) fn is_success(&self) -> bool {
        self.status.is_success()
    }

    /// `200 OK`, `401 Unauthorized`.
    pub(crate) fn status_line(&self) -> String {
        status_line(self.status)
    }

    /// The error a non-2xx answer makes a command end with.
    pub(crate) fn refusal(&self) -> CliError {
        CliError::Refused { status: self.status_line(), code: self.status.as_u16() }
    }
}

impl WebhookSender {
    pub(crate) fn new(
        url: &str,
        authorization: Option<String>,
        timeout: Duration,
    ) -> Result<Self, CliError> {
        let url = parse_url(url)?;
        let client = Client::builder()
            .timeout(timeout)
            // A redirect is the receiver's answer, shown as it is, not followed.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("cometchat-webhooks-cli/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| CliError::Transport {
                url: url.to_string(),
                reason: root_cause(&error),
            })?;
        Ok(Self { client, url, authorization, timeout })
    }

    pub(crate) fn url(&self) -> &Url {
        &self.url
    }

    /// POSTs `body` as `application/json` with the configured credentials.
    pub(crate) async fn post(&self, body: Vec<u8>) -> Result<Answer, CliError> {
        let mut request =
            self.client.post(self.url.clone()).header(CONTENT_TYPE, "application/json").body(body);
        if let Some(authorization) = &self.authorization {
            request = request.header(AUTHORIZATION, authorization);
        }
        let response = request.send().await.map_err(|error| self.explain(&error))?;
        let status = response.status();
        let body = response.bytes().await.map_err(|error| self.explain(&error))?;
        Ok(Answer { status, body: String::from_utf8_lossy(&body).into_owned() })
    }

    fn explain(&self, error: &reqwest::Error) -> CliError {
        explain_transport_error(error, &self.url, self.timeout)
    }
}

/// An absolute `http` or `https` URL, or an error that shows the form.
pub(crate) fn parse_url(url: &str) -> Result<Url, CliError> {
    let invalid =
        |reason: &str| CliError::InvalidUrl { url: url.to_owned(), reason: reason.to_owned() };
    let parsed = Url::parse(url).map_err(|error| match error {
        url::ParseError::RelativeUrlWithoutBase => invalid("it has no http:// or https://"),
        other => invalid(&other.to_string()),
    })?;
    match parsed.scheme() {
        "http" | "https" if parsed.host().is_some() => Ok(parsed),
        "http" | "https" => Err(invalid("it has no host")),
        // `localhost:3000` parses with the scheme `localhost`.
        _ => Err(invalid("it has no http:// or https://")),
    }
}

/// `200 OK`, or the bare number for a status without a reason phrase.
pub(crate) fn status_line(status: StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("{} {reason}", status.as_u16()),
        None => status.as_u16().to_string(),
    }
}

/// Timeout, refused connection, unreachable host, or anything else, with
/// the innermost cause (reqwest's own message only names the URL).
pub(crate) fn explain_transport_error(
    error: &reqwest::Error,
    url: &Url,
    timeout: Duration,
) -> CliError {
    let url = url.to_string();
    if error.is_timeout() {
        return CliError::Timeout { url, timeout: format_duration(timeout) };
    }
    if error.is_connect() {
        if io_error_kind(error) == Some(std::io::ErrorKind::ConnectionRefused) {
            return CliError::ConnectionRefused { url };
        }
        return CliError::Unreachable { url, reason: root_cause(error) };
    }
    CliError::Transport { url, reason: root_cause(error) }
}

fn io_error_kind(error: &(dyn StdError + 'static)) -> Option<std::io::ErrorKind> {
    let mut current = Some(error);
    while let Some(error) = current {
        if let Some(io) = error.downcast_ref::<std::io::Error>() {
            return Some(io.kind());
        }
        current = error.source();
    }
    None
}

/// The message of the innermost error in the chain.
fn root_cause(error: &(dyn StdError + 'static)) -> String {
    let mut innermost = error;
    while let Some(source) = innermost.source() {
        innermost = source;
    }
    innermost.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_without_a_scheme_say_so() {
        for bad in ["localhost:3000/hook", "127.0.0.1:3000", "/webhooks", "ftp://host/x"] {
            let message = parse_url(bad).map(|_| ()).unwrap_err().to_string();
            assert!(message.contains("http://"), "{bad}: {message}");
        }
        assert!(parse_url("http://127.0.0.1:3000/webhooks").is_ok());
    }

    #[test]
    fn status_lines_carry_the_reason() {
        assert_eq!(status_line(StatusCode::UNAUTHORIZED), "401 Unauthorized");
        assert_eq!(status_line(StatusCode::from_u16(599).unwrap_or_default()), "599");
    }
}
