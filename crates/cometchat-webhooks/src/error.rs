//! Errors, each with the HTTP status and public message of the contract in
//! the README, so every adapter answers a failure identically.

use std::time::Duration;

/// Why a body is not a CometChat webhook at all (answered with 400).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The body is empty.
    #[error("body is empty")]
    Empty,
    /// The body is not UTF-8, so it cannot be JSON.
    #[error("body is not UTF-8 (invalid byte at offset {valid_up_to})")]
    NotUtf8 {
        /// How many leading bytes are valid UTF-8.
        valid_up_to: usize,
    },
    /// The body ends in the middle of a JSON value.
    #[error("body is truncated JSON ({reason})")]
    Truncated {
        /// serde_json's description, with line and column.
        reason: String,
    },
    /// The body is not valid JSON.
    #[error("body is not valid JSON ({reason})")]
    Syntax {
        /// serde_json's description, with line and column.
        reason: String,
    },
    /// The body is JSON, but not an object.
    #[error("body is not a JSON object")]
    NotAnObject,
    /// The object has no `trigger`.
    #[error("body has no `trigger` field")]
    MissingTrigger,
    /// `trigger` is not a string.
    #[error("`trigger` is not a string")]
    TriggerNotString,
}

impl ParseError {
    pub(crate) fn from_json(error: serde_json::Error) -> Self {
        use serde_json::error::Category;
        let reason = error.to_string();
        match error.classify() {
            Category::Eof => ParseError::Truncated { reason },
            // The envelope reader's only type check is "is it an object".
            Category::Data => ParseError::NotAnObject,
            Category::Syntax | Category::Io => ParseError::Syntax { reason },
        }
    }

    /// HTTP status: always 400.
    pub fn status(&self) -> u16 {
        400
    }
}

/// Why a request's `Authorization` header was refused (answered with 401).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// No `Authorization` header.
    #[error("missing Authorization header")]
    Missing,
    /// The header is not `Basic <base64 of user:password>`.
    #[error("malformed Authorization header: {0}")]
    Malformed(MalformedReason),
    /// Well-formed, but not one of the configured credentials.
    #[error("wrong credentials")]
    Wrong,
}

/// What is wrong with a malformed `Authorization` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MalformedReason {
    /// Empty or only whitespace.
    #[error("empty")]
    Empty,
    /// Another scheme than `Basic` (e.g. `Bearer`).
    #[error("scheme is not Basic")]
    NotBasic,
    /// `Basic` without credentials after it.
    #[error("no credentials after the scheme")]
    NoCredentials,
    /// Longer than any credentials this crate accepts.
    #[error("too long")]
    TooLong,
    /// The credentials are not strict, padded, standard base64.
    #[error("credentials are not valid base64")]
    NotBase64,
    /// The decoded credentials have no `:` between user and password.
    #[error("credentials have no ':'")]
    NoColon,
}

impl AuthError {
    /// HTTP status: always 401.
    pub fn status(&self) -> u16 {
        401
    }
}

/// A receiver that cannot be built as configured.
///
/// `Debug` shows the same message as `Display`, so that `?` in a `main`
/// returning `Result` prints what to do rather than a variant name.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// No credentials, and unauthenticated access was not allowed explicitly.
    #[error(
        "no webhook credentials configured: set COMETCHAT_WEBHOOK_USERNAME and \
         COMETCHAT_WEBHOOK_PASSWORD, add credentials in code, or call allow_unauthenticated()"
    )]
    NoCredentials,
    /// An empty username.
    #[error("the webhook username is empty")]
    EmptyUsername,
    /// A username with `:`, which Basic auth cannot carry.
    #[error("the webhook username contains ':', which Basic auth cannot carry")]
    UsernameHasColon,
    /// Only one of the two environment variables is set.
    #[error("{set} is set but {missing} is not")]
    IncompleteEnvironment {
        /// The variable that is set.
        set: &'static str,
        /// The variable that is missing.
        missing: &'static str,
    },
    /// An environment variable is not valid Unicode.
    #[error("{0} is not valid Unicode")]
    NotUnicode(&'static str),
    /// A zero body limit.
    #[error("the body limit must be at least 1 byte")]
    ZeroBodyLimit,
}

impl std::fmt::Debug for ConfigError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, formatter)
    }
}

/// Why a webhook request is answered with something other than the handler's
/// outcome. Adapters render it with [`status`](Self::status),
/// [`headers`](Self::headers) and [`body`](Self::body), and nothing else.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Rejection {
    /// 401: the `Authorization` header is missing, malformed or wrong.
    #[error(transparent)]
    Unauthorized(#[from] AuthError),
    /// 413: the body is larger than the configured limit.
    #[error("body is larger than the {limit}-byte limit")]
    PayloadTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// 400: the body could not be read to the end (the client went away).
    #[error("body could not be read")]
    BodyRead,
    /// 400: the body is not a CometChat webhook.
    #[error(transparent)]
    BadRequest(#[from] ParseError),
    /// 500: the receiver is not configured (e.g. missing app data).
    #[error("webhook receiver is not configured: {0}")]
    NotConfigured(&'static str),
    /// 500: the event's handler returned an error or panicked.
    #[error("the webhook handler failed")]
    HandlerFailed,
    /// 503: the background queue is full; CometChat should retry.
    #[error("the webhook queue is full")]
    QueueFull {
        /// How long to wait before retrying.
        retry_after: Duration,
    },
}

/// `WWW-Authenticate` value sent with every 401.
pub const WWW_AUTHENTICATE: &str = "Basic realm=\"cometchat-webhooks\"";

/// `Content-Type` of every error body.
pub const ERROR_CONTENT_TYPE: &str = "application/json";

impl Rejection {
    /// The HTTP status to answer with.
    pub fn status(&self) -> u16 {
        match self {
            Rejection::Unauthorized(_) => 401,
            Rejection::PayloadTooLarge { .. } => 413,
            Rejection::BodyRead | Rejection::BadRequest(_) => 400,
            Rejection::NotConfigured(_) | Rejection::HandlerFailed => 500,
            Rejection::QueueFull { .. } => 503,
        }
    }

    /// A short public reason. Never contains credentials or `Debug` output.
    pub fn public_message(&self) -> String {
        self.to_string()
    }

    /// The JSON error body: `{"error": "<public message>"}`.
    pub fn body(&self) -> String {
        serde_json::json!({ "error": self.public_message() }).to_string()
    }

    /// Headers to send besides `Content-Type`: `WWW-Authenticate` with a
    /// 401, `Retry-After` with a 503.
    pub fn headers(&self) -> Vec<(&'static str, String)> {
        match self {
            Rejection::Unauthorized(_) => vec![("www-authenticate", WWW_AUTHENTICATE.to_owned())],
            Rejection::QueueFull { retry_after } => {
                vec![("retry-after", retry_after.as_secs().max(1).to_string())]
            }
            _ => Vec::new(),
        }
    }

    /// The status as an [`http::StatusCode`].
    #[cfg(feature = "http")]
    pub fn status_code(&self) -> http::StatusCode {
        http::StatusCode::from_u16(self.status()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rejection_has_its_contract_status_and_headers() {
        let cases: Vec<(Rejection, u16, Option<&str>)> = vec![
            (AuthError::Missing.into(), 401, Some("www-authenticate")),
            (Rejection::PayloadTooLarge { limit: 10 }, 413, None),
            (ParseError::MissingTrigger.into(), 400, None),
            (Rejection::BodyRead, 400, None),
            (Rejection::NotConfigured("no receiver config"), 500, None),
            (Rejection::HandlerFailed, 500, None),
            (
                Rejection::QueueFull { retry_after: Duration::from_secs(5) },
                503,
                Some("retry-after"),
            ),
        ];
        for (rejection, status, header) in cases {
            assert_eq!(rejection.status(), status, "{rejection}");
            let headers = rejection.headers();
            assert_eq!(headers.first().map(|(name, _)| *name), header, "{rejection}");
            let body: serde_json::Value = serde_json::from_str(&rejection.body()).unwrap();
            assert_eq!(body["error"], rejection.to_string());
        }
    }

    #[test]
    fn retry_after_is_at_least_one_second() {
        let rejection = Rejection::QueueFull { retry_after: Duration::from_millis(10) };
        assert_eq!(rejection.headers(), vec![("retry-after", "1".to_owned())]);
    }
}
