#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(clippy::unwrap_used)]
#![deny(missing_docs)]

mod extract;
mod mount;
mod receive;
mod rejection;
mod response;

pub use extract::CometChatEvent;
pub use mount::mount;
pub use receive::receive;
pub use rejection::CometChatRejection;
pub use response::CometChatResponse;

// The core, so this one dependency is all an app needs: its root items and
// its modules, shown in these docs as links to the core's.
#[doc(no_inline)]
pub use cometchat_webhooks::{
    AuthError, BasicAuth, BodyCollector, Bytes, Category, ConfigError, Credentials, Envelope,
    Event, IdempotencyKey, Origin, ParseError, Payload, RawJson, ReceiverConfig, Recipient,
    Rejection, Trigger, TypedPayload, UnknownTrigger,
};
#[doc(no_inline)]
pub use cometchat_webhooks::{auth, model, payload, router};

#[cfg(feature = "media")]
#[doc(no_inline)]
pub use cometchat_webhooks::media;
#[cfg(feature = "testing")]
#[doc(no_inline)]
pub use cometchat_webhooks::testing;
