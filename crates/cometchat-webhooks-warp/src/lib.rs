#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(clippy::unwrap_used)]
#![deny(missing_docs)]

mod filter;
mod mount;
mod receive;
mod rejection;
mod response;

pub use filter::{CometChatEvent, cometchat_event};
pub use mount::mount;
pub use receive::receive;
pub use rejection::{CometChatRejection, recover};
pub use response::CometChatResponse;

// The core, so this one dependency is all an app needs: events, payload
// types, `ReceiverConfig`, `BasicAuth`.
pub use cometchat_webhooks::*;
