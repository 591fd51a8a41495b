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
pub use receive::{receive, receiver_config};
pub use rejection::CometChatRejection;
pub use response::CometChatResponse;

// The core, so this one dependency is all an app needs: events, payload
// types, `ReceiverConfig`, `BasicAuth`.
pub use cometchat_webhooks::*;
