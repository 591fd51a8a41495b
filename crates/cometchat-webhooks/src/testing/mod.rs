//! Test support (feature `testing`): the bundled sample body of every
//! trigger, an [`EventBuilder`] that overrides fields of a sample,
//! [`basic_auth_header`], the adapter test kit, and (feature `redis`) a
//! real `redis-server` to run a `RedisStore` against (`RedisServer`).
//!
//! # The adapter test kit
//!
//! An adapter implements [`Harness`] once in its tests: send a [`Request`]
//! through the framework's in-process test tools to an app that serves
//! [`PATH`] with its extractor ([`Harness::receive`]) or its router mount
//! ([`Harness::mount`], feature `router`), and hand back the [`Answer`].
//! Then it runs each suite over that harness, one call each:
//!
//! - [`conformance::run`]: every row of the HTTP contract (and every
//!   bundled sample) through the extractor;
//! - [`body_reading::run`]: how much of a body is read (nothing before the
//!   headers are accepted, never more than the limit), counted by the kit;
//! - [`router_conformance::run`]: every router scenario through the mount.
//!
//! The handlers of the suites, the core's router tests and the
//! cross-framework tests record what they saw with the same recorders
//! ([`RunCount`], [`TriggerLog`], [`Sightings`]) and are held with one
//! [`Gate`].

pub mod body_reading;
mod builder;
pub mod conformance;
mod harness;
mod json_path;
mod minify;
mod recorders;
#[cfg(feature = "redis")]
mod redis_server;
pub mod router_conformance;
// A typed handler for every trigger, for tests of a mounted router.
#[cfg(test)]
mod reference;
#[cfg(feature = "router")]
pub mod routing;
mod samples;
pub mod slow_clients;

pub use builder::{EventBuilder, basic_auth_header};
pub use harness::{
    Answer, BodyStream, ChunkCount, Delivery, Failure, Failures, Harness, PASSWORD, PATH, Request,
    USERNAME, WRONG_PASSWORD, receiver_config,
};
pub use json_path::{PathError, set_path};
pub use minify::minify_json;
#[cfg(any(feature = "router", feature = "durable"))]
pub use recorders::{Gate, NotStarted};
pub use recorders::{RunCount, Sighting, Sightings, TriggerLog};
#[cfg(feature = "redis")]
pub use redis_server::{AppendFsync, RedisServer, ServerTls};
pub use samples::{SHAPE_VARIANTS, ShapeVariant, sample_body, samples};
