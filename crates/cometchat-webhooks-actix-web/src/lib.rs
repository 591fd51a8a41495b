#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(clippy::unwrap_used)]
#![deny(missing_docs)]

mod extract;
#[cfg(feature = "router")]
mod mount;

pub use extract::{CometChatEvent, CometChatRejection, receive, receiver_config};
#[cfg(feature = "router")]
pub use mount::mount;

// The core, so this one dependency is all an app needs: events, payload
// types, `ReceiverConfig`, `BasicAuth`.
pub use cometchat_webhooks::*;
