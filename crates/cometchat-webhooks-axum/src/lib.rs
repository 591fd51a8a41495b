// The README is the crate's documentation. Its examples use the `testing`
// and `tower` features, which the published crate's tests do not turn on,
// so they run as doctests only with both (the workspace's tests always have
// them).
#![cfg_attr(not(doctest), doc = include_str!("../README.md"))]
#![forbid(unsafe_code)]
#![warn(clippy::unwrap_used)]
#![deny(missing_docs)]

mod extract;
#[cfg(feature = "router")]
mod mount;

pub use extract::{CometChatEvent, CometChatRejection, receive};
#[cfg(feature = "router")]
pub use mount::mount;

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

#[cfg(feature = "tower")]
#[doc(no_inline)]
pub use cometchat_webhooks::tower;

/// Delivery: the queue and dedupe-store traits and their engines.
#[cfg(any(feature = "router", feature = "durable"))]
pub use cometchat_webhooks::delivery;
#[cfg(feature = "testing")]
#[doc(no_inline)]
pub use cometchat_webhooks::testing;

// The workspace's guides, whose examples depend on an adapter alone, run
// as this crate's doctests (the files are in the repository, not in the
// published crate; doctests build only there).
#[cfg(all(doctest, feature = "durable"))]
#[doc = include_str!("../../cometchat-webhooks/ROUTER.md")]
mod router_guide {}

#[cfg(all(doctest, feature = "media"))]
#[doc = include_str!("../../cometchat-webhooks/MEDIA.md")]
mod media_guide {}

#[cfg(all(doctest, feature = "tower"))]
#[doc = include_str!("../../../README.md")]
mod workspace_readme {}

#[cfg(all(doctest, feature = "testing", feature = "tower"))]
#[doc = include_str!("../README.md")]
mod readme {}
