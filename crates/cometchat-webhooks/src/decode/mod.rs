//! Turning request bytes into an [`Event`](crate::Event): the envelope first,
//! then `data` by trigger.

mod envelope;
pub(crate) mod lenient;
pub(crate) mod raw_json;

pub(crate) use envelope::{Data, read_body};
pub use envelope::{Envelope, Origin};
