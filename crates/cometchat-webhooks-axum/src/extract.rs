//! [`CometChatEvent`]: the handler argument.

use std::ops::Deref;

use axum::extract::{FromRef, FromRequest, Request};
use cometchat_webhooks::{Event, ReceiverConfig};

use crate::receive::receive;
use crate::rejection::CometChatRejection;

/// A verified, decoded CometChat webhook, taken as a handler argument.
///
/// Extracting it runs [`receive`] with the [`ReceiverConfig`] taken from the
/// router's state through [`FromRef`], so it fits an existing app's state:
/// implement `FromRef<YourState> for ReceiverConfig` (or use the config itself
/// as the state). A refused request is answered with
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

impl<S> FromRequest<S> for CometChatEvent
where
    ReceiverConfig: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = CometChatRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let config = ReceiverConfig::from_ref(state);
        let (parts, body) = request.into_parts();
        let event = receive(&config, &parts.headers, body).await?;
        Ok(Self(event))
    }
}
