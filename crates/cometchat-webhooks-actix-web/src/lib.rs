// The README is the crate's documentation. Its examples use the `testing`
// feature, which the published crate's tests do not turn on, so they run as
// doctests only with it (the workspace's tests always have it).
#![cfg_attr(not(doctest), doc = include_str!("../README.md"))]
#![forbid(unsafe_code)]
#![warn(clippy::unwrap_used)]
#![deny(missing_docs)]

mod expect;
mod extract;
mod hold_payload;
#[cfg(feature = "router")]
mod mount;
mod server;

pub use expect::ExpectGuard;
pub use extract::{CometChatEvent, CometChatRejection, receive, receiver_config};
#[cfg(feature = "router")]
pub use mount::mount;
pub use server::GuardedServer;

// The core, so this one dependency is all an app needs: its root items and
// its modules, shown in these docs as links to the core's.
#[doc(no_inline)]
pub use cometchat_webhooks::{
    AuthError, BasicAuth, Bytes, Category, ConfigError, Credentials, Envelope, Event,
    IdempotencyKey, Origin, ParseError, Payload, RawJson, ReceiverConfig, Recipient, Rejection,
    Trigger, TypedPayload, UnknownTrigger, WebhookResponse,
};
#[doc(no_inline)]
pub use cometchat_webhooks::{auth, contract, model, payload};

#[cfg(feature = "router")]
#[doc(no_inline)]
pub use cometchat_webhooks::router;

#[cfg(feature = "media")]
#[doc(no_inline)]
pub use cometchat_webhooks::media;

/// Delivery: the queue and dedupe-store traits and their engines.
#[cfg(any(feature = "router", feature = "durable"))]
pub use cometchat_webhooks::delivery;
#[cfg(feature = "testing")]
#[doc(no_inline)]
pub use cometchat_webhooks::testing;

#[cfg(all(doctest, feature = "testing"))]
#[doc = include_str!("../README.md")]
mod readme {}
