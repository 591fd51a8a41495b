//! Why a media URL could not be pre-signed. No variant carries the API key,
//! and none is built from a request's headers, so printing an error or
//! logging it never leaks the key.

use std::error::Error as StdError;
use std::time::Duration;

/// Why [`MediaClient::presign`](super::MediaClient::presign) (or building a
/// client) failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MediaError {
    /// The URL is not one this client exchanges, so no request was made.
    #[error("refused before any request: {reason}")]
    Refused {
        /// What is wrong with the URL.
        reason: RefusalReason,
    },
    /// The file host rejected the app id or API key (HTTP 401 or 403).
    #[error("CometChat rejected the app id or API key (HTTP {status})")]
    InvalidCredentials {
        /// 401 or 403.
        status: u16,
    },
    /// The file host has no such file (HTTP 404).
    #[error("CometChat has no such media file (HTTP 404)")]
    NotFound,
    /// Any other answer that is not a success: 5xx, 429, other 4xx, and a
    /// redirect without a usable `Location`.
    #[error("CometChat answered HTTP {status}")]
    Status {
        /// The HTTP status.
        status: u16,
    },
    /// A success whose body is not the expected `{"data":{"url": …}}`.
    #[error("unexpected answer from the file host: {problem}")]
    Decode {
        /// What is missing or wrong in the body.
        problem: AnswerProblem,
    },
    /// No complete answer within the configured timeout.
    #[error("no answer from the file host within {timeout:?}")]
    Timeout {
        /// The configured timeout.
        timeout: Duration,
    },
    /// The request could not be made: DNS, connection, TLS.
    #[error("request to the file host failed: {source}")]
    Transport {
        /// The client's error (it names the URL, never the headers).
        source: Box<dyn StdError + Send + Sync>,
    },
    /// The client could not be built from the given settings.
    #[error("media client not configured: {problem}")]
    Setup {
        /// Which setting is wrong.
        problem: SetupProblem,
    },
}

/// Why a URL was refused before any request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RefusalReason {
    /// Not an absolute URL with a host.
    #[error("not an absolute URL with a host")]
    NotAUrl,
    /// The host is neither a CometChat file host
    /// (`files-<region>.cometchat.io`), a pre-signed CometChat media host
    /// (`media-<region>.cometchat.io`), nor an allowed base URL.
    #[error(
        "`{host}` is not a CometChat file host (files-<region>.cometchat.io) nor an allowed base URL"
    )]
    NotCometChatHost {
        /// The URL's host.
        host: String,
    },
    /// A CometChat host over something other than HTTPS; the API key is
    /// never sent in clear text.
    #[error("CometChat file hosts are reached over https only, not `{scheme}`")]
    NotHttps {
        /// The URL's scheme.
        scheme: String,
    },
    /// A CometChat host with a port other than 443.
    #[error("CometChat file hosts are reached on port 443 only, not {port}")]
    UnexpectedPort {
        /// The URL's port.
        port: u16,
    },
    /// The URL carries a user name or password.
    #[error("the URL carries a user name or password")]
    HasUserInfo,
    /// A CometChat host of another region than the client's.
    #[error("the URL is in region `{found}`, this client is for region `{expected}`")]
    OtherRegion {
        /// The region in the URL's host.
        found: String,
        /// The region the client was built for.
        expected: String,
    },
    /// A `media-<region>.cometchat.io` URL without `Expires`, `Signature`
    /// and `Key-Pair-Id`: not pre-signed, and not a file URL to exchange.
    #[error("a media-<region>.cometchat.io URL without Expires, Signature and Key-Pair-Id")]
    UnsignedMediaUrl,
    /// A pre-signed URL whose `Expires` is not a unix time in seconds.
    #[error("the pre-signed URL's `Expires` is not a unix time in seconds")]
    BadExpires,
}

/// What is wrong with a success answer's body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AnswerProblem {
    /// The body is not JSON.
    #[error("the body is not JSON ({reason})")]
    NotJson {
        /// serde_json's description, with line and column.
        reason: String,
    },
    /// The JSON has no `data` object.
    #[error("the body lacks the `data` object")]
    MissingData,
    /// `data` has no `url`.
    #[error("the body lacks `data.url`")]
    MissingUrl,
    /// `data.url` is not a string.
    #[error("`data.url` is not a string")]
    UrlNotString,
    /// `data.url` is not an absolute `http`/`https` URL.
    #[error("`data.url` is not an absolute http(s) URL")]
    UrlNotAbsolute,
    /// The body is larger than any such answer should be.
    #[error("the body is larger than {limit} bytes")]
    TooLarge {
        /// The most bytes read.
        limit: usize,
    },
}

/// Which client setting is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SetupProblem {
    /// The app id is empty or cannot be sent as a header value.
    #[error("the app id is empty or not printable ASCII")]
    InvalidAppId,
    /// The API key is empty or cannot be sent as a header value. The key
    /// itself is not shown.
    #[error("the API key is empty or not printable ASCII")]
    InvalidApiKey,
    /// The region is not a lower-case host label such as `us`, `eu`, `in`.
    #[error("`{region}` is not a region such as us, eu or in")]
    InvalidRegion {
        /// The region as given.
        region: String,
    },
    /// An allowed base URL is not an absolute `http`/`https` URL with a host
    /// and without user name, password, query or fragment.
    #[error("`{base}` is not usable as an allowed base URL")]
    InvalidBaseUrl {
        /// The base as given.
        base: String,
    },
    /// An environment variable is missing or not UTF-8.
    #[error("environment variable {name} is not set")]
    MissingVar {
        /// The variable's name.
        name: &'static str,
    },
    /// The HTTP client could not be created (TLS setup).
    #[error("the HTTP client could not be created ({reason})")]
    HttpClient {
        /// The client's description.
        reason: String,
    },
}

impl From<RefusalReason> for MediaError {
    fn from(reason: RefusalReason) -> Self {
        MediaError::Refused { reason }
    }
}

impl From<AnswerProblem> for MediaError {
    fn from(problem: AnswerProblem) -> Self {
        MediaError::Decode { problem }
    }
}

impl From<SetupProblem> for MediaError {
    fn from(problem: SetupProblem) -> Self {
        MediaError::Setup { problem }
    }
}
