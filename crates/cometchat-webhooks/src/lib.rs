#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(clippy::unwrap_used)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod auth;
pub mod contract;
mod decode;
mod error;
mod event;
mod facts;
mod idempotency;
mod model;
mod payload;
mod trigger;

#[cfg(feature = "testing")]
pub mod testing;

#[cfg(feature = "media")]
pub mod media;

#[cfg(feature = "router")]
pub mod router;

pub use auth::{BasicAuth, BasicAuthBuilder, Credentials, PASSWORD_VAR, USERNAME_VAR};
pub use contract::{ReceiverConfig, Rejection, WebhookResponse};
pub use decode::raw_json::RawJson;
pub use decode::{Envelope, Origin};
pub use error::{AuthError, ConfigError, MalformedReason, ParseError};
pub use event::{Event, Receiver};
pub use idempotency::IdempotencyKey;
pub use model::*;
pub use payload::*;
pub use trigger::{Category, Payload, Trigger, TypedPayload, UnknownTrigger};

/// Re-exported so users name the same `Bytes` the crate returns.
pub use bytes::Bytes;
