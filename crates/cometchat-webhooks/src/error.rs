//! Why a body is not a webhook, why credentials are refused, and why a
//! receiver cannot be built. How each is answered is decided by
//! [`Rejection`](crate::contract::Rejection).

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
    /// More than one `Authorization` header: which one to check is not
    /// clear, so neither is.
    #[error("more than one Authorization header")]
    Repeated,
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
    /// A zero body-read deadline (use `without_body_read_deadline` to have
    /// none).
    #[error("the body-read deadline must be longer than zero")]
    ZeroBodyReadDeadline,
    /// A budget of body bytes in flight smaller than the body limit: a body
    /// of the largest accepted size could never be read.
    #[error("the budget of body bytes in flight ({budget}) is below the body limit ({limit})")]
    BudgetBelowBodyLimit {
        /// The budget, in bytes.
        budget: usize,
        /// The body limit, in bytes.
        limit: usize,
    },
}

impl std::fmt::Debug for ConfigError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, formatter)
    }
}
