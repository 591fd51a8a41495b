//! [`cometchat_event`]: the filter, and [`CometChatEvent`], what it extracts.

use std::ops::Deref;

use cometchat_webhooks::{Event, ReceiverConfig};
use warp::Filter;
use warp::http::HeaderMap;

use crate::receive::receive;
use crate::rejection::CometChatRejection;

/// A verified, decoded CometChat webhook, extracted by [`cometchat_event`].
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

/// A filter that extracts a [`CometChatEvent`] by running [`receive`] with
/// `config`, or rejects with a [`CometChatRejection`].
///
/// Put [`recover`](crate::recover) on the route that uses it: a warp
/// rejection is not an answer, and without `recover` the request would go on
/// to the app's other routes, or end as warp's own 404/405 or 500.
pub fn cometchat_event(
    config: ReceiverConfig,
) -> impl Filter<Extract = (CometChatEvent,), Error = warp::Rejection> + Clone {
    warp::header::headers_cloned().and(warp::body::stream()).and_then(
        move |headers: HeaderMap, body| {
            let config = config.clone();
            async move {
                match receive(&config, &headers, body).await {
                    Ok(event) => Ok(CometChatEvent(event)),
                    Err(rejection) => Err(warp::reject::custom(CometChatRejection(rejection))),
                }
            }
        },
    )
}
