#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(clippy::unwrap_used)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod auth;
mod decode;
mod error;
mod event;
mod facts;
mod idempotency;
mod model;
mod payload;
mod receiver;
mod trigger;

#[cfg(feature = "testing")]
pub mod testing;

#[cfg(feature = "media")]
pub mod media;

#[cfg(feature = "router")]
pub mod router;

#[cfg(feature = "durable")]
pub mod delivery;

pub use auth::{BasicAuth, BasicAuthBuilder, Credentials, PASSWORD_VAR, USERNAME_VAR};
pub use decode::raw_json::RawJson;
pub use decode::{Envelope, Origin};
pub use error::{
    AuthError, ConfigError, ERROR_CONTENT_TYPE, MalformedReason, ParseError, Rejection,
    WWW_AUTHENTICATE,
};
pub use event::{Event, Receiver};
pub use idempotency::IdempotencyKey;
pub use model::*;
pub use payload::*;
pub use receiver::{BodyCollector, ReceiverConfig};
pub use trigger::{Category, Payload, Trigger, TypedPayload, UnknownTrigger};

/// Re-exported so users name the same `Bytes` the crate returns.
pub use bytes::Bytes;
