//! The app id and API key. The key is held as a [`SecretString`] (wiped on
//! drop, never printed); `Debug` shows the app id only, and the key's header
//! value is marked sensitive so the HTTP stack never prints it either.

use std::fmt;

use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};

use super::error::SetupProblem;

#[derive(Clone)]
pub(super) struct ApiCredentials {
    app_id: String,
    app_id_header: HeaderValue,
    api_key: SecretString,
}

impl ApiCredentials {
    pub(super) fn new(app_id: &str, api_key: SecretString) -> Result<Self, SetupProblem> {
        let app_id_header = header_value(app_id).ok_or(SetupProblem::InvalidAppId)?;
        header_value(api_key.expose_secret()).ok_or(SetupProblem::InvalidApiKey)?;
        Ok(Self { app_id: app_id.to_owned(), app_id_header, api_key })
    }

    pub(super) fn app_id(&self) -> &str {
        &self.app_id
    }

    pub(super) fn app_id_header(&self) -> HeaderValue {
        self.app_id_header.clone()
    }

    /// Made for each request rather than kept, so the only long-lived copy
    /// of the key is the one that is wiped on drop.
    pub(super) fn api_key_header(&self) -> HeaderValue {
        // The key was checked to be a valid header value when these
        // credentials were made; the empty fallback cannot happen.
        let mut value = header_value(self.api_key.expose_secret())
            .unwrap_or_else(|| HeaderValue::from_static(""));
        value.set_sensitive(true);
        value
    }
}

/// Surrounding whitespace is almost always a copy-and-paste slip, and no
/// header value may carry it, so it is refused rather than trimmed silently.
fn header_value(text: &str) -> Option<HeaderValue> {
    let printable = !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_graphic());
    if printable { HeaderValue::from_str(text).ok() } else { None }
}

impl fmt::Debug for ApiCredentials {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("ApiCredentials")
            .field("app_id", &self.app_id)
            .field("api_key", &"[redacted]")
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_key() {
        let credentials = ApiCredentials::new("app-1", "secret-key-123".into()).unwrap();
        let shown = format!("{credentials:?}");
        assert!(shown.contains("app-1"));
        assert!(!shown.contains("secret-key-123"));
        assert!(credentials.api_key_header().is_sensitive());
        assert_eq!(credentials.api_key_header(), "secret-key-123");
    }

    #[test]
    fn refuses_values_that_cannot_be_headers() {
        let refusal =
            |app_id: &str, key: &str| ApiCredentials::new(app_id, key.into()).unwrap_err();
        assert_eq!(refusal("", "key"), SetupProblem::InvalidAppId);
        assert_eq!(refusal("app", ""), SetupProblem::InvalidApiKey);
        assert_eq!(refusal("app", "k\r\nX: y"), SetupProblem::InvalidApiKey);
        assert_eq!(refusal("app", " key"), SetupProblem::InvalidApiKey);
        assert_eq!(refusal("äpp", "key"), SetupProblem::InvalidAppId);
    }
}
