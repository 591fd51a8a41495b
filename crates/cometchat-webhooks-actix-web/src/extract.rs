//! [`CometChatEvent`]: the handler argument.

use std::ops::Deref;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use cometchat_webhooks::Event;
use futures_util::future::LocalBoxFuture;

use crate::receive::{receive, receiver_config};
use crate::rejection::CometChatRejection;

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
        let config = receiver_config(request);
        let request = request.clone();
        let payload = payload.take();
        Box::pin(async move {
            let event = receive(&config?, request.headers(), payload).await?;
            Ok(Self(event))
        })
    }
}
