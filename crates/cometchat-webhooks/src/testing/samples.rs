//! A sample body for every trigger, bundled into the crate (the trigger table
//! names each one). Most are CometChat's documented samples verbatim; the few
//! CometChat documents no sample for (pins, `group_member_removed`) and the
//! live-observed shapes are assembled from the reference and marked
//! "inferred".

use crate::trigger::{SAMPLES, Trigger};

/// A body that shows another shape of a trigger CometChat is known to send.
#[derive(Debug, Clone, Copy)]
pub struct ShapeVariant {
    /// What the shape is.
    pub name: &'static str,
    /// The trigger it decodes to.
    pub trigger: Trigger,
    /// The body.
    pub body: &'static [u8],
}

/// Other shapes seen live: edits and deletes where `data.message` is the
/// message itself, a bot callback, media events with occupant uids.
pub static SHAPE_VARIANTS: &[ShapeVariant] = &[
    ShapeVariant {
        name: "message_edited, live shape (data.message is the edited message)",
        trigger: Trigger::MessageEdited,
        body: include_bytes!("../../fixtures/inferred/message_edited_live.json"),
    },
    ShapeVariant {
        name: "message_deleted, live shape (data.message is the deleted message)",
        trigger: Trigger::MessageDeleted,
        body: include_bytes!("../../fixtures/inferred/message_deleted_live.json"),
    },
    ShapeVariant {
        name: "after_message to a bot (bot instead of webhook)",
        trigger: Trigger::AfterMessage,
        body: include_bytes!("../../fixtures/inferred/bot_after_message.json"),
    },
    ShapeVariant {
        name: "call_ended with occupant uids",
        trigger: Trigger::CallEnded,
        body: include_bytes!("../../fixtures/inferred/call_ended_live.json"),
    },
];

/// The bundled sample body for `trigger`.
pub fn sample_body(trigger: Trigger) -> &'static [u8] {
    SAMPLES.iter().find(|(sample, _)| *sample == trigger).map(|(_, body)| *body).unwrap_or(b"{}")
}

/// Every trigger with its bundled sample body.
pub fn samples() -> impl Iterator<Item = (Trigger, &'static [u8])> {
    SAMPLES.iter().copied()
}
