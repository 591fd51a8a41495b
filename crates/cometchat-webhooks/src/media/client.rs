//! [`MediaClient`]: pre-signs media URLs with the app's API key, and its
//! builder.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;
use url::Url;

use super::cache::PresignCache;
use super::credentials::ApiCredentials;
use super::error::{MediaError, SetupProblem};
use super::event_urls::{MediaOutcome, PresignedMedia, event_media_urls};
use super::exchange::exchange;
use super::presigned::PresignedUrl;
use super::url_policy::{MediaUrl, UrlPolicy, is_region, parse_allowed_base};
use crate::event::Event;

/// Environment variable holding the CometChat app id.
pub const APP_ID_VAR: &str = "COMETCHAT_APP_ID";
/// Environment variable holding the CometChat REST API key.
pub const API_KEY_VAR: &str = "COMETCHAT_API_KEY";

/// How long a request may take when no timeout is configured.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Turns media URLs from webhook payloads into URLs that can be downloaded
/// now. Cheap to clone; clones share the connection pool and the cache.
///
/// The API key is sent only to `https://files-<region>.cometchat.io` and to
/// base URLs allowed with [`MediaClientBuilder::allow_base_url`]; any other
/// URL is refused before a request is made. `Debug` does not show the key.
#[derive(Clone)]
pub struct MediaClient {
    inner: Arc<Inner>,
}

struct Inner {
    credentials: ApiCredentials,
    policy: UrlPolicy,
    timeout: Duration,
    cache: Option<PresignCache>,
    http: reqwest::Client,
}

impl MediaClient {
    /// A client with the defaults: any region, 10 s timeout, no cache.
    pub fn new(app_id: &str, api_key: &str) -> Result<Self, MediaError> {
        Self::builder(app_id, api_key).build()
    }

    /// A client configured from `COMETCHAT_APP_ID` and `COMETCHAT_API_KEY`,
    /// with the defaults.
    pub fn from_env() -> Result<Self, MediaError> {
        MediaClientBuilder::from_env()?.build()
    }

    /// Starts a client for this app id and API key.
    pub fn builder(app_id: &str, api_key: &str) -> MediaClientBuilder {
        MediaClientBuilder::new(app_id, api_key)
    }

    /// The app id the client sends.
    pub fn app_id(&self) -> &str {
        self.inner.credentials.app_id()
    }

    /// A URL that can be downloaded now for the media URL `url`.
    ///
    /// - An already pre-signed URL (`Expires`, `Signature` and `Key-Pair-Id`
    ///   in its query) is returned as it is, without a request; it expires
    ///   at `Expires`.
    /// - A token-based file URL (`https://files-<region>.cometchat.io/…`) is
    ///   fetched once as `<url>?redirect=0` (other query parameters kept)
    ///   with the headers `appId` and `apiKey`; the answer's `data.url` is
    ///   returned and expires 5 minutes after the answer. Redirects are not
    ///   followed: should the endpoint redirect anyway, its `Location` is
    ///   returned, unrequested, with the same lifetime.
    /// - Anything else is refused with [`MediaError::Refused`] before any
    ///   request.
    ///
    /// With a cache, a URL exchanged earlier is answered from the cache
    /// while it is valid for at least [`CACHE_REFRESH_MARGIN`] more.
    ///
    /// [`CACHE_REFRESH_MARGIN`]: super::CACHE_REFRESH_MARGIN
    pub async fn presign(&self, url: &str) -> Result<PresignedUrl, MediaError> {
        let request = match self.inner.policy.classify(url)? {
            MediaUrl::Signed { expires_at } => {
                return Ok(PresignedUrl::new(url.to_owned(), expires_at));
            }
            MediaUrl::Exchange { request } => request,
        };
        let cache = self.inner.cache.as_ref();
        if let Some(hit) = cache.and_then(|cache| cache.get(url)) {
            return Ok(hit);
        }
        let inner = &self.inner;
        let presigned = exchange(&inner.http, &inner.credentials, request, inner.timeout).await?;
        if let Some(cache) = cache {
            cache.insert(url, &presigned);
        }
        Ok(presigned)
    }

    /// Pre-signs every media URL `event` carries (see
    /// [`event_media_urls`](super::event_media_urls)), one after the other,
    /// and says for each whether it worked and why not.
    pub async fn presign_all(&self, event: &Event) -> PresignedMedia {
        let mut outcomes = Vec::new();
        for url in event_media_urls(event) {
            let result = self.presign(url).await;
            outcomes.push(MediaOutcome { original_url: url.to_owned(), result });
        }
        PresignedMedia { outcomes }
    }
}

impl fmt::Debug for MediaClient {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        let bases: Vec<&str> = inner.policy.allowed_bases().iter().map(Url::as_str).collect();
        formatter
            .debug_struct("MediaClient")
            .field("app_id", &inner.credentials.app_id())
            .field("api_key", &"[redacted]")
            .field("region", &inner.policy.region())
            .field("allowed_base_urls", &bases)
            .field("timeout", &inner.timeout)
            .field("cache_capacity", &inner.cache.as_ref().map(PresignCache::capacity))
            .finish()
    }
}

/// Configures a [`MediaClient`]; every setting is checked by
/// [`build`](Self::build).
#[derive(Clone)]
pub struct MediaClientBuilder {
    app_id: String,
    /// Wiped on drop, never printed.
    api_key: SecretString,
    region: Option<String>,
    allowed_bases: Vec<String>,
    timeout: Duration,
    cache_capacity: usize,
}

impl MediaClientBuilder {
    /// Starts with this app id and API key (CometChat dashboard → API & Auth
    /// Keys; a REST API key, never the auth key used by clients). The key
    /// is copied into a [`SecretString`].
    pub fn new(app_id: &str, api_key: &str) -> Self {
        Self::with_secret_key(app_id, SecretString::from(api_key))
    }

    /// Starts with this app id and an API key that is already a
    /// [`SecretString`].
    pub fn with_secret_key(app_id: &str, api_key: SecretString) -> Self {
        Self {
            app_id: app_id.to_owned(),
            api_key,
            region: None,
            allowed_bases: Vec::new(),
            timeout: DEFAULT_TIMEOUT,
            cache_capacity: 0,
        }
    }

    /// Starts with the app id and API key from `COMETCHAT_APP_ID` and
    /// `COMETCHAT_API_KEY`.
    pub fn from_env() -> Result<Self, MediaError> {
        let read = |name: &'static str| {
            std::env::var(name).map_err(|_| MediaError::from(SetupProblem::MissingVar { name }))
        };
        Ok(Self::with_secret_key(&read(APP_ID_VAR)?, read(API_KEY_VAR)?.into()))
    }

    /// Sends the key only to this region's file host
    /// (`files-<region>.cometchat.io`) instead of any region's; URLs of
    /// other regions are refused. Pre-signed URLs of any region are still
    /// returned, since they need no key.
    pub fn region(mut self, region: &str) -> Self {
        self.region = Some(region.to_ascii_lowercase());
        self
    }

    /// How long one request may take, connecting included (default 10 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Also sends the key to URLs under `base` (same scheme, host and port,
    /// path starting with the base's path), e.g. a proxy or a local stand-in
    /// in tests. May be called several times. Plain `http` is allowed here
    /// because the caller chose it; the key then travels unencrypted.
    pub fn allow_base_url(mut self, base: &str) -> Self {
        self.allowed_bases.push(base.to_owned());
        self
    }

    /// Remembers up to `capacity` exchanged URLs and answers repeats from
    /// memory while they stay valid; when full, the URLs asked for least
    /// often make room. `0` (the default) turns caching off.
    pub fn cache(mut self, capacity: usize) -> Self {
        self.cache_capacity = capacity;
        self
    }

    /// The client, or the first setting that is wrong.
    pub fn build(self) -> Result<MediaClient, MediaError> {
        let credentials = ApiCredentials::new(&self.app_id, self.api_key)?;
        if let Some(region) = self.region.as_deref().filter(|region| !is_region(region)) {
            return Err(SetupProblem::InvalidRegion { region: region.to_owned() }.into());
        }
        let allowed_bases = self
            .allowed_bases
            .iter()
            .map(|base| parse_allowed_base(base))
            .collect::<Result<Vec<_>, _>>()?;
        let http = reqwest::Client::builder()
            // Following a redirect would carry the key to the redirect's host.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(self.timeout)
            .user_agent(concat!("cometchat-webhooks/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| SetupProblem::HttpClient { reason: error.to_string() })?;
        let cache = (self.cache_capacity > 0).then(|| PresignCache::new(self.cache_capacity));
        let inner = Inner {
            credentials,
            policy: UrlPolicy::new(self.region, allowed_bases),
            timeout: self.timeout,
            cache,
            http,
        };
        Ok(MediaClient { inner: Arc::new(inner) })
    }
}

impl fmt::Debug for MediaClientBuilder {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("MediaClientBuilder")
            .field("app_id", &self.app_id)
            .field("api_key", &"[redacted]")
            .field("region", &self.region)
            .field("allowed_base_urls", &self.allowed_bases)
            .field("timeout", &self.timeout)
            .field("cache_capacity", &self.cache_capacity)
            .finish()
    }
}
