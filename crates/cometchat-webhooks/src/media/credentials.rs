//! The app id and API key, kept as ready-to-send header values. `Debug`
//! shows the app id only, and the key's header value is marked sensitive so
//! the HTTP stack never prints it either.

use std::fmt;

use reqwest::header::HeaderValue;

use super::error::SetupProblem;

#[derive(Clone)]
pub(super) struct ApiCredentials {
    app_id: String,
    app_id_header: HeaderValue,
    api_key_header: HeaderValue,
}

impl ApiCredentials {
    pub(super) fn new(app_id: &str, api_key: &str) -> Result<Self, SetupProblem> {
        let app_id_header = header_value(app_id).ok_or(SetupProblem::InvalidAppId)?;
        let mut api_key_header = header_value(api_key).ok_or(SetupProblem::InvalidApiKey)?;
        api_key_header.set_sensitive(true);
        Ok(Self { app_id: app_id.to_owned(), app_id_header, api_key_header })
    }

    pub(super) fn app_id(&self) -> &str {
        &self.app_id
    }

    pub(super) fn app_id_header(&self) -> HeaderValue {
        self.app_id_header.clone()
    }

    pub(super) fn api_key_header(&self) -> HeaderValue {
        self.api_key_header.clone()
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
        let credentials = ApiCredentials::new("app-1", "secret-key-123").unwrap();
        let shown = format!("{credentials:?}");
        assert!(shown.contains("app-1"));
        assert!(!shown.contains("secret-key-123"));
        assert!(credentials.api_key_header().is_sensitive());
    }

    #[test]
    fn refuses_values_that_cannot_be_headers() {
        assert_eq!(ApiCredentials::new("", "key").unwrap_err(), SetupProblem::InvalidAppId);
        assert_eq!(ApiCredentials::new("app", "").unwrap_err(), SetupProblem::InvalidApiKey);
        assert_eq!(
            ApiCredentials::new("app", "k\r\nX: y").unwrap_err(),
            SetupProblem::InvalidApiKey
        );
        assert_eq!(ApiCredentials::new("app", " key").unwrap_err(), SetupProblem::InvalidApiKey);
        assert_eq!(ApiCredentials::new("äpp", "key").unwrap_err(), SetupProblem::InvalidAppId);
    }
}
