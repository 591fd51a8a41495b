//! One request to CometChat's file endpoint: GET the file URL (with
//! `redirect=0`) carrying `appId` and `apiKey`, and turn the answer into a
//! [`PresignedUrl`] or a [`MediaError`].
//!
//! Redirects are never followed: the HTTP client is built without them, so
//! the key cannot travel on to wherever a `Location` points. If the endpoint
//! redirects anyway, the `Location` is the download URL and is returned as
//! it is, unrequested.

use std::time::{Duration, SystemTime};

use reqwest::header::LOCATION;
use reqwest::{Client, Response, StatusCode};
use url::Url;

use super::answer::{ANSWER_LIMIT, download_url};
use super::credentials::ApiCredentials;
use super::error::{AnswerProblem, MediaError};
use super::presigned::{EXCHANGED_URL_LIFETIME, PresignedUrl};

pub(super) async fn exchange(
    http: &Client,
    credentials: &ApiCredentials,
    request: Url,
    timeout: Duration,
) -> Result<PresignedUrl, MediaError> {
    let host = request.host_str().unwrap_or_default().to_owned();
    let response = http
        .get(request.clone())
        .header("appId", credentials.app_id_header())
        .header("apiKey", credentials.api_key_header())
        .send()
        .await
        .map_err(|error| transport_error(error, timeout))?;
    let answered_at = SystemTime::now();
    let status = response.status();
    tracing::debug!(%host, status = status.as_u16(), "cometchat-webhooks: media URL exchange answered");
    let expires_at = answered_at.checked_add(EXCHANGED_URL_LIFETIME).unwrap_or(answered_at);

    if status.is_redirection() {
        let location = redirect_target(&request, &response)
            .ok_or(MediaError::Status { status: status.as_u16() })?;
        return Ok(PresignedUrl::new(location, expires_at));
    }
    match status {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
            return Err(MediaError::InvalidCredentials { status: status.as_u16() });
        }
        StatusCode::NOT_FOUND => return Err(MediaError::NotFound),
        status if !status.is_success() => {
            return Err(MediaError::Status { status: status.as_u16() });
        }
        _ => {}
    }
    let body = read_limited(response, timeout).await?;
    Ok(PresignedUrl::new(download_url(&body)?, expires_at))
}

/// The redirect's target, resolved against the request, when it is an
/// http(s) URL.
fn redirect_target(request: &Url, response: &Response) -> Option<String> {
    let location = response.headers().get(LOCATION)?.to_str().ok()?;
    let target = request.join(location).ok()?;
    matches!(target.scheme(), "http" | "https").then(|| target.into())
}

async fn read_limited(mut response: Response, timeout: Duration) -> Result<Vec<u8>, MediaError> {
    let mut body = Vec::new();
    while let Some(chunk) =
        response.chunk().await.map_err(|error| transport_error(error, timeout))?
    {
        if body.len() + chunk.len() > ANSWER_LIMIT {
            return Err(AnswerProblem::TooLarge { limit: ANSWER_LIMIT }.into());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn transport_error(error: reqwest::Error, timeout: Duration) -> MediaError {
    if error.is_timeout() {
        MediaError::Timeout { timeout }
    } else {
        MediaError::Transport { source: Box::new(error) }
    }
}
