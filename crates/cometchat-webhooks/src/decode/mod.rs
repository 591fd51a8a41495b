//! Turning request bytes into the parts of an [`Event`](crate::Event), read
//! top to bottom:
//!
//! 1. [`decode_body`] (here): the bytes must be non-empty UTF-8;
//! 2. `wire`: one pass over the body reads the envelope and, when `trigger`
//!    came first, reads `data` as the caller asks: `envelope` types it
//!    straight into its payload (receipts, whose shape decides the trigger,
//!    through `receipt_shape`), `ack_first` views only its key's fields;
//! 3. `data`: otherwise `data` was kept raw and is decoded now, by trigger
//!    (resolving the legacy receipts by shape), or kept as unknown or
//!    undecodable with the reason;
//! 4. `repair` (only when `data` did not fit): each value that does not fit
//!    and does not identify the event is set aside, and `data` decoded again;
//! 5. `lenient` and `raw_json`: the field decoders for CometChat's
//!    inconsistent fields, and JSON kept byte for byte.

mod ack_first;
mod data;
mod envelope;
pub(crate) mod key_view;
pub(crate) mod lenient;
pub(crate) mod raw_json;
mod receipt_shape;
mod repair;
mod wire;

pub use ack_first::KeyedEnvelope;
pub(crate) use ack_first::view_key_of_data;
pub use envelope::{Envelope, Origin};

use crate::error::ParseError;
use crate::payload::SetAside;
use crate::trigger::Payload;

/// Decodes a webhook body into its envelope, typed payload and the values
/// set aside to type it. Fails only when the body is not a JSON object with a
/// string `trigger`.
// Inlined into `Event::from_bytes`, so the envelope and payload are built in
// place instead of being moved through a returned tuple.
#[inline]
pub(crate) fn decode_body(body: &[u8]) -> Result<(Envelope, Payload, Vec<SetAside>), ParseError> {
    let (envelope, data) = wire::read_body(wire::body_text(body)?, &envelope::TypedData)?;
    let (payload, set_aside) = match data {
        wire::Data::InPass(payload) => (payload, Vec::new()),
        wire::Data::Raw(raw) => data::decode_raw(&envelope.trigger, raw),
    };
    for value in &set_aside {
        tracing::debug!(
            trigger = %envelope.trigger,
            path = %value.path,
            reason = %value.reason,
            "value set aside: it does not fit its field"
        );
    }
    Ok((envelope, payload, set_aside))
}
