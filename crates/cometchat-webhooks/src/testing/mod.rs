//! Test support (feature `testing`): the bundled sample body of every
//! trigger, an [`EventBuilder`] that overrides fields of a sample,
//! [`basic_auth_header`], and the conformance suite every adapter runs.

mod builder;
pub mod conformance;
mod json_path;
pub mod router_conformance;
// A typed handler for every trigger, for tests of a mounted router.
#[cfg(feature = "router")]
pub mod routing;
mod samples;
pub mod slow_clients;

pub use builder::{EventBuilder, basic_auth_header};
pub use json_path::{PathError, set_path};
pub use samples::{SHAPE_VARIANTS, ShapeVariant, sample_body, samples};
