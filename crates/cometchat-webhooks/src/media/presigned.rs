//! [`PresignedUrl`]: a URL that can be downloaded without credentials, and
//! until when.

use std::fmt;
use std::time::{Duration, SystemTime};

/// How long a URL obtained from CometChat's file endpoint works, counted
/// from when the answer arrived (CometChat documents 5 minutes).
pub const EXCHANGED_URL_LIFETIME: Duration = Duration::from_secs(5 * 60);

/// A media URL that can be downloaded now, without credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PresignedUrl {
    /// The URL to download.
    pub url: String,
    /// When it stops working: `Expires` of an already pre-signed URL, or
    /// [`EXCHANGED_URL_LIFETIME`] after the file endpoint answered.
    pub expires_at: SystemTime,
}

impl PresignedUrl {
    pub(super) fn new(url: String, expires_at: SystemTime) -> Self {
        Self { url, expires_at }
    }

    /// The URL to download.
    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// How long it still works; zero once expired.
    pub fn expires_in(&self) -> Duration {
        self.expires_at.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO)
    }

    /// Whether it has expired. An already pre-signed URL from an old payload
    /// can be expired on arrival; CometChat offers no way to renew it.
    pub fn is_expired(&self) -> bool {
        self.expires_in().is_zero()
    }
}

impl fmt::Display for PresignedUrl {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.url)
    }
}
