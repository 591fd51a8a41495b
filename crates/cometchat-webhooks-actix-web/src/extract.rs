//! actix-web's request in, the contract's answer out: [`receive`],
//! [`CometChatEvent`] and [`CometChatRejection`].

use std::fmt;
use std::ops::Deref;

use actix_web::dev::Payload;
use actix_web::http::ConnectionType;
use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use actix_web::web::Data;
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError};
use cometchat_webhooks::contract::{self, RequestHead};
use cometchat_webhooks::{Event, ReceiverConfig, Rejection, WebhookResponse};
use futures_util::future::LocalBoxFuture;

/// Said in the 500 answered when no receiver is registered.
const MISSING_CONFIG: &str = "no ReceiverConfig in the actix-web app data; register one with \
                              App::app_data(config) or App::app_data(web::Data::new(config))";

/// The [`ReceiverConfig`] registered with `App::app_data`, as is or in
/// [`web::Data`](Data). Without one every webhook is refused with a 500 that
/// says so, rather than accepted unchecked.
pub fn receiver_config(request: &HttpRequest) -> Result<ReceiverConfig, Rejection> {
    if let Some(config) = request.app_data::<ReceiverConfig>() {
        return Ok(config.clone());
    }
    match request.app_data::<Data<ReceiverConfig>>() {
        Some(config) => Ok(config.get_ref().clone()),
        None => Err(Rejection::NotConfigured(MISSING_CONFIG)),
    }
}

/// Runs [`contract::receive`] on an actix-web request's headers and payload:
/// credentials before any payload byte, the payload read up to the limit
/// (actix-web's `PayloadConfig` does not apply), then decoding.
pub async fn receive(
    config: &ReceiverConfig,
    headers: &HeaderMap,
    payload: Payload,
) -> Result<Event, Rejection> {
    let head = RequestHead::from_headers(headers.iter().map(|(n, v)| (n.as_str(), v.as_bytes())));
    contract::receive(config, head, payload).await
}

/// A verified, decoded CometChat webhook, taken as a handler argument.
///
/// Extracting it runs [`receive`] with the receiver registered in the app
/// data ([`receiver_config`]). A refused request is answered with
/// [`CometChatRejection`] and the handler does not run.
#[derive(Debug, Clone)]
pub struct CometChatEvent(pub Event);

impl CometChatEvent {
    /// The decoded event.
    pub fn into_inner(self) -> Event {
        self.0
    }
}

impl Deref for CometChatEvent {
    type Target = Event;

    fn deref(&self) -> &Event {
        &self.0
    }
}

impl From<CometChatEvent> for Event {
    fn from(event: CometChatEvent) -> Self {
        event.0
    }
}

impl FromRequest for CometChatEvent {
    type Error = CometChatRejection;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let (config, request, payload) =
            (receiver_config(request), request.clone(), payload.take());
        Box::pin(async move { Ok(Self(receive(&config?, request.headers(), payload).await?)) })
    }
}

/// Why [`CometChatEvent`] refused a request, answered as the contract's
/// [`WebhookResponse`] for its [`Rejection`].
#[derive(Debug)]
pub struct CometChatRejection(pub Rejection);

impl CometChatRejection {
    /// The core's rejection.
    pub fn into_inner(self) -> Rejection {
        self.0
    }
}

impl From<Rejection> for CometChatRejection {
    fn from(rejection: Rejection) -> Self {
        Self(rejection)
    }
}

impl fmt::Display for CometChatRejection {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(formatter)
    }
}

impl std::error::Error for CometChatRejection {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

impl ResponseError for CometChatRejection {
    fn status_code(&self) -> StatusCode {
        status_code(self.0.status())
    }

    fn error_response(&self) -> HttpResponse {
        into_response(WebhookResponse::from(&self.0))
    }
}

/// The contract's answer as an actix-web response, nothing added.
///
/// actix-web decides the `Connection` header from the response head, not
/// from the header map, so an answer that closes the connection is marked
/// so there: actix-web then shuts the connection after the answer instead
/// of keeping it alive.
pub(crate) fn into_response(response: WebhookResponse) -> HttpResponse {
    let mut answer = HttpResponse::new(status_code(response.status()));
    if response.closes_connection() {
        answer.head_mut().set_connection_type(ConnectionType::Close);
    }
    for (name, value) in response.headers() {
        if name == "connection" {
            continue;
        }
        if let Ok(value) = HeaderValue::from_str(value) {
            answer.headers_mut().insert(HeaderName::from_static(name), value);
        }
    }
    answer.set_body(response.into_body()).map_into_boxed_body()
}

/// actix-web speaks `http` 0.2; the contract's statuses are all valid codes.
fn status_code(status: u16) -> StatusCode {
    match StatusCode::from_u16(status) {
        Ok(code) => code,
        Err(_) => unreachable!("status {status} is not one the contract answers with"),
    }
}
