//! [`Delivery`]: what a typed handler may want besides its payload.

use std::sync::Arc;

use bytes::Bytes;

use crate::event::Event;
use crate::idempotency::IdempotencyKey;

/// One webhook delivery as a handler sees it: who sent it, its idempotency
/// key, the exact bytes and the whole decoded [`Event`].
///
/// In background and durable mode the request path read only the envelope
/// and the key; the event here is the one decode of the bytes received,
/// made by the worker, and the key is the one the delivery was
/// acknowledged (and, durably, stored) under, equal to
/// [`Event::idempotency_key`].
///
/// Cheap to clone (the event is shared), so a handler can hand it to a task.
#[derive(Debug, Clone)]
pub struct Delivery {
    event: Arc<Event>,
    idempotency_key: IdempotencyKey,
}

impl Delivery {
    pub(crate) fn new(event: Event, idempotency_key: IdempotencyKey) -> Self {
        Self { event: Arc::new(event), idempotency_key }
    }

    /// The trigger name as sent.
    pub fn trigger(&self) -> &str {
        self.event.trigger()
    }

    /// CometChat app id.
    pub fn app_id(&self) -> Option<&str> {
        self.event.app_id()
    }

    /// The webhook's configuration id.
    pub fn webhook_id(&self) -> Option<&str> {
        self.event.webhook_id()
    }

    /// The bot id, on bot callbacks.
    pub fn bot_id(&self) -> Option<&str> {
        self.event.bot_id()
    }

    /// The same for every delivery of this event; see
    /// [`Event::idempotency_key`].
    pub fn idempotency_key(&self) -> &IdempotencyKey {
        &self.idempotency_key
    }

    /// The exact bytes received.
    pub fn raw(&self) -> &Bytes {
        self.event.raw_bytes()
    }

    /// The decoded event.
    pub fn event(&self) -> &Event {
        &self.event
    }
}
