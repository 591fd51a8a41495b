//! Basic-auth verification of CometChat's `Authorization` header.
//!
//! The decoded `user:password` is hashed and compared against the digest of
//! every configured pair in constant time, so neither the position of the
//! first wrong byte, nor the secret's length, nor which pair matched shows in
//! the timing. Several pairs may be configured so credentials can be rotated.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use subtle::{Choice, ConstantTimeEq};
use zeroize::{Zeroize, Zeroizing};

/// Why a header is malformed, the detail of [`AuthError::Malformed`].
pub use crate::error::MalformedReason;
use crate::error::{AuthError, ConfigError};

/// Environment variable holding the webhook username.
pub const USERNAME_VAR: &str = "COMETCHAT_WEBHOOK_USERNAME";
/// Environment variable holding the webhook password.
pub const PASSWORD_VAR: &str = "COMETCHAT_WEBHOOK_PASSWORD";

/// Longest `Authorization` value examined; CometChat's limits (50 + 100
/// characters) encode to about 200.
const MAX_HEADER_LEN: usize = 4096;
/// Largest decoded `user:password` (base64 is 4 characters for 3 bytes).
const MAX_DECODED_LEN: usize = MAX_HEADER_LEN / 4 * 3;

/// One username and password pair. The password is held as a
/// [`SecretString`]: wiped from memory when dropped, and never printed
/// (`Debug` shows the username only).
#[derive(Clone)]
pub struct Credentials {
    username: String,
    password: SecretString,
}

impl Credentials {
    /// A pair; the username must be non-empty and free of `:`. The password
    /// is copied into a [`SecretString`] and the `String` it came in is
    /// wiped.
    pub fn new(
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> Result<Self, ConfigError> {
        let mut password = password.into();
        // Copied rather than moved: moving keeps the spare capacity, and
        // shrinking it would leave the old allocation unwiped.
        let secret = SecretString::from(password.as_str());
        password.zeroize();
        Self::from_secret(username, secret)
    }

    /// A pair whose password is already a [`SecretString`].
    pub fn from_secret(
        username: impl Into<String>,
        password: SecretString,
    ) -> Result<Self, ConfigError> {
        let username = username.into();
        if username.is_empty() {
            return Err(ConfigError::EmptyUsername);
        }
        if username.contains(':') {
            return Err(ConfigError::UsernameHasColon);
        }
        Ok(Self { username, password })
    }

    /// The username.
    pub fn username(&self) -> &str {
        &self.username
    }

    fn digest(&self) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(self.username.as_bytes());
        hasher.update(b":");
        hasher.update(self.password.expose_secret().as_bytes());
        hasher.finalize().into()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &"[redacted]")
            .finish()
    }
}

/// Verifies `Authorization: Basic …` against one or more credential pairs.
///
/// ```
/// use cometchat_webhooks::BasicAuth;
///
/// let auth = BasicAuth::builder()
///     .credentials("cometchat", "new-secret")?
///     .credentials("cometchat", "old-secret")? // still accepted while rotating
///     .build()?;
/// // "cometchat:old-secret" in base64:
/// assert!(auth.verify(Some(b"Basic Y29tZXRjaGF0Om9sZC1zZWNyZXQ=")).is_ok());
/// assert!(auth.verify(None).is_err());
/// # Ok::<(), cometchat_webhooks::ConfigError>(())
/// ```
#[derive(Clone)]
pub struct BasicAuth {
    /// SHA-256 of each `user:password`: as good as the password to anyone
    /// who can try passwords offline, so wiped on drop too.
    digests: Zeroizing<Vec<[u8; 32]>>,
    usernames: Vec<String>,
    unauthenticated: bool,
}

impl BasicAuth {
    /// Accepts exactly one pair.
    pub fn new(
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> Result<Self, ConfigError> {
        Self::builder().credentials(username, password)?.build()
    }

    /// Starts a verifier with several pairs.
    pub fn builder() -> BasicAuthBuilder {
        BasicAuthBuilder::default()
    }

    /// Reads one pair from `COMETCHAT_WEBHOOK_USERNAME` and
    /// `COMETCHAT_WEBHOOK_PASSWORD`.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::builder().credentials_from_env()?.build()
    }

    /// Accepts every request, with or without credentials. Logs a warning:
    /// anyone who finds the URL can then post events.
    pub fn allow_unauthenticated() -> Self {
        tracing::warn!(
            "cometchat-webhooks: accepting webhooks WITHOUT authentication; \
             anyone who knows the URL can post events"
        );
        Self { digests: Zeroizing::default(), usernames: Vec::new(), unauthenticated: true }
    }

    /// Whether every request is accepted.
    pub fn is_unauthenticated(&self) -> bool {
        self.unauthenticated
    }

    /// Checks an `Authorization` header value (`None` when absent). The
    /// scheme is case-insensitive and surrounding whitespace is ignored; the
    /// base64 must be strict and padded.
    pub fn verify(&self, authorization: Option<&[u8]>) -> Result<(), AuthError> {
        if self.unauthenticated {
            return Ok(());
        }
        let mut decoded = [0_u8; MAX_DECODED_LEN];
        let candidate = decode_basic(authorization.ok_or(AuthError::Missing)?, &mut decoded)?;
        let mut digest: [u8; 32] = Sha256::digest(&*candidate.0).into();
        // Compare against every pair, without stopping at a match.
        let matched = self
            .digests
            .iter()
            .fold(Choice::from(0), |matched, expected| matched | expected.ct_eq(&digest));
        digest.zeroize();
        if bool::from(matched) { Ok(()) } else { Err(AuthError::Wrong) }
    }

    /// [`verify`](Self::verify) for a header value held as text.
    pub fn verify_str(&self, authorization: Option<&str>) -> Result<(), AuthError> {
        self.verify(authorization.map(str::as_bytes))
    }

    /// [`verify`](Self::verify) for an [`http::HeaderValue`].
    #[cfg(feature = "http")]
    pub fn verify_header(
        &self,
        authorization: Option<&http::HeaderValue>,
    ) -> Result<(), AuthError> {
        self.verify(authorization.map(http::HeaderValue::as_bytes))
    }
}

impl fmt::Debug for BasicAuth {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("BasicAuth")
            .field("usernames", &self.usernames)
            .field("passwords", &"[redacted]")
            .field("unauthenticated", &self.unauthenticated)
            .finish()
    }
}

/// Builds a [`BasicAuth`] with one or more pairs.
#[derive(Debug, Default, Clone)]
pub struct BasicAuthBuilder {
    credentials: Vec<Credentials>,
}

impl BasicAuthBuilder {
    /// Adds a pair.
    pub fn credentials(
        self,
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> Result<Self, ConfigError> {
        Ok(self.with_credentials(Credentials::new(username, password)?))
    }

    /// Adds a pair built earlier.
    pub fn with_credentials(mut self, credentials: Credentials) -> Self {
        self.credentials.push(credentials);
        self
    }

    /// Adds the pair in `COMETCHAT_WEBHOOK_USERNAME` / `_PASSWORD`, if set.
    /// One without the other is an error.
    pub fn credentials_from_env(self) -> Result<Self, ConfigError> {
        match (env_var(USERNAME_VAR)?, env_var(PASSWORD_VAR)?) {
            (Some(username), Some(password)) => self.credentials(username, password),
            (None, None) => Ok(self),
            (Some(_), None) => {
                Err(ConfigError::IncompleteEnvironment { set: USERNAME_VAR, missing: PASSWORD_VAR })
            }
            (None, Some(_)) => {
                Err(ConfigError::IncompleteEnvironment { set: PASSWORD_VAR, missing: USERNAME_VAR })
            }
        }
    }

    /// The verifier; an error when no pair was added.
    pub fn build(self) -> Result<BasicAuth, ConfigError> {
        if self.credentials.is_empty() {
            return Err(ConfigError::NoCredentials);
        }
        Ok(BasicAuth {
            digests: Zeroizing::new(self.credentials.iter().map(Credentials::digest).collect()),
            usernames: self.credentials.iter().map(|c| c.username.clone()).collect(),
            unauthenticated: false,
        })
    }
}

fn env_var(name: &'static str) -> Result<Option<String>, ConfigError> {
    match std::env::var(name) {
        Ok(value) => Ok(Some(value)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(ConfigError::NotUnicode(name)),
    }
}

/// Decoded `user:password` bytes, wiped when dropped. Only the decoded
/// bytes are wiped, not the whole buffer: that would cost more than the
/// check itself.
struct DecodedCredentials<'b>(&'b mut [u8]);

impl Drop for DecodedCredentials<'_> {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// Splits `Basic <token>` and decodes the token into `buffer`.
fn decode_basic<'b>(
    header: &[u8],
    buffer: &'b mut [u8],
) -> Result<DecodedCredentials<'b>, AuthError> {
    let malformed = AuthError::Malformed;
    let header = header.trim_ascii();
    if header.is_empty() {
        return Err(malformed(MalformedReason::Empty));
    }
    if header.len() > MAX_HEADER_LEN {
        return Err(malformed(MalformedReason::TooLong));
    }
    let scheme_end = header.iter().position(|&b| b == b' ' || b == b'\t').unwrap_or(header.len());
    let (scheme, rest) = header.split_at(scheme_end);
    if !scheme.eq_ignore_ascii_case(b"basic") {
        return Err(malformed(MalformedReason::NotBasic));
    }
    let token = rest.trim_ascii_start();
    if token.is_empty() {
        return Err(malformed(MalformedReason::NoCredentials));
    }
    let length =
        STANDARD.decode_slice(token, buffer).map_err(|_| malformed(MalformedReason::NotBase64))?;
    let decoded = DecodedCredentials(&mut buffer[..length]);
    if !decoded.0.contains(&b':') {
        return Err(malformed(MalformedReason::NoColon));
    }
    Ok(decoded)
}
