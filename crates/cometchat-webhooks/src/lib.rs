// The README is the crate's documentation. Its examples use the features
// `testing` and `router`, so they run as doctests only with both (as the
// workspace's tests always do); without them they are skipped, not failed.
#![cfg_attr(not(doctest), doc = include_str!("../README.md"))]
#![forbid(unsafe_code)]
#![warn(clippy::unwrap_used)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod auth;
pub mod contract;
mod decode;
mod error;
#[cfg(any(feature = "router", feature = "tower"))]
mod error_chain;
mod event;
mod idempotency;
pub mod model;
pub mod payload;
mod trigger;

#[cfg(feature = "testing")]
pub mod testing;

#[cfg(feature = "media")]
pub mod media;

#[cfg(feature = "router")]
pub mod router;

#[cfg(any(feature = "router", feature = "durable"))]
pub mod delivery;

#[cfg(feature = "tower")]
pub mod tower;

#[cfg(all(doctest, feature = "testing", feature = "router"))]
#[doc = include_str!("../README.md")]
mod readme {}

// The event model.
pub use decode::raw_json::RawJson;
pub use decode::{Envelope, KeyedEnvelope, Origin};
pub use event::Event;
pub use idempotency::IdempotencyKey;
pub use model::Recipient;
pub use trigger::{Category, Payload, Trigger, TypedPayload, UnknownTrigger};

// Authentication and errors.
pub use auth::{BasicAuth, Credentials};
pub use error::{AuthError, ConfigError, ParseError};

// The request path: the HTTP contract.
pub use contract::{ReceiverConfig, Rejection, WebhookResponse};

/// Re-exported so users name the same `Bytes` the crate returns.
pub use bytes::Bytes;
