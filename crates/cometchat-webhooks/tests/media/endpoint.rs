//! A loopback stand-in for CometChat's file endpoint: it checks `appId` and
//! `apiKey`, answers `{"data":{"url": …}}` to `?redirect=0` and redirects
//! without it, and misbehaves on request for the file names below. It counts
//! every request, so tests can tell that none was made.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use cometchat_webhooks::media::MediaClientBuilder;

pub(crate) const APP_ID: &str = "app-7f3e";
pub(crate) const API_KEY: &str = "key-0123456789abcdef";

/// What the endpoint saw of one request.
#[derive(Debug, Clone)]
pub(crate) struct SeenRequest {
    pub(crate) path: String,
    pub(crate) query: Option<String>,
    pub(crate) app_id: Option<String>,
    pub(crate) api_key: Option<String>,
}

pub(crate) struct FileEndpoint {
    /// `http://127.0.0.1:<port>/`
    pub(crate) base: String,
    /// Where `always-redirects.png` points.
    redirect_target: Mutex<String>,
    seen: Mutex<Vec<SeenRequest>>,
    requests: AtomicUsize,
}

impl FileEndpoint {
    pub(crate) async fn start() -> Arc<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
        let base = format!("http://{}/", listener.local_addr().expect("a bound address"));
        let endpoint = Arc::new(Self {
            redirect_target: Mutex::new(format!("{base}elsewhere")),
            base,
            seen: Mutex::new(Vec::new()),
            requests: AtomicUsize::new(0),
        });
        let app = Router::new().fallback(answer).with_state(Arc::clone(&endpoint));
        tokio::spawn(async move { axum::serve(listener, app).await });
        endpoint
    }

    /// The URL of a media file of the test app on this endpoint.
    pub(crate) fn media_url(&self, name: &str) -> String {
        format!("{}{APP_ID}/media/{name}", self.base)
    }

    /// A client for the test app that may send its key to this endpoint.
    pub(crate) fn client(&self) -> MediaClientBuilder {
        MediaClientBuilder::new(APP_ID, API_KEY).allow_base_url(&self.base)
    }

    pub(crate) fn redirect_to(&self, target: &str) {
        *self.redirect_target.lock().unwrap_or_else(PoisonError::into_inner) = target.to_owned();
    }

    pub(crate) fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    pub(crate) fn seen(&self) -> Vec<SeenRequest> {
        self.seen.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

async fn answer(
    State(endpoint): State<Arc<FileEndpoint>>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let number = endpoint.requests.fetch_add(1, Ordering::SeqCst) + 1;
    let header_text =
        |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let seen = SeenRequest {
        path: uri.path().to_owned(),
        query: uri.query().map(str::to_owned),
        app_id: header_text("appid"),
        api_key: header_text("apikey"),
    };
    endpoint.seen.lock().unwrap_or_else(PoisonError::into_inner).push(seen.clone());

    let name = uri.path().rsplit('/').next().unwrap_or_default();
    if name == "slow.mp3" {
        tokio::time::sleep(Duration::from_secs(3)).await;
    }
    if seen.app_id.as_deref() != Some(APP_ID) || seen.api_key.as_deref() != Some(API_KEY) {
        return (StatusCode::UNAUTHORIZED, r#"{"error":"unauthorized"}"#).into_response();
    }
    let redirect_target =
        endpoint.redirect_target.lock().unwrap_or_else(PoisonError::into_inner).clone();
    match name {
        "forbidden.png" => StatusCode::FORBIDDEN.into_response(),
        "missing.png" => StatusCode::NOT_FOUND.into_response(),
        "broken.png" => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        "not-json.png" => (StatusCode::OK, "<html>maintenance</html>").into_response(),
        "no-url.png" => (StatusCode::OK, r#"{"data":{"name":"no-url.png"}}"#).into_response(),
        "huge.png" => (StatusCode::OK, " ".repeat(200 * 1024)).into_response(),
        "always-redirects.png" => redirect(&redirect_target),
        "redirect-nowhere.png" => StatusCode::FOUND.into_response(),
        _ => {
            let signed = format!("{}{}?fat=token-{number}", endpoint.base, &uri.path()[1..]);
            let redirect_disabled =
                seen.query.as_deref().unwrap_or_default().split('&').any(|p| p == "redirect=0");
            if redirect_disabled {
                let body = serde_json::json!({ "data": { "url": signed } }).to_string();
                ([(header::CONTENT_TYPE, "application/json")], body).into_response()
            } else {
                redirect(&signed)
            }
        }
    }
}

fn redirect(location: &str) -> Response {
    (StatusCode::FOUND, [(header::LOCATION, location.to_owned())]).into_response()
}
