//! [`Recipient`]: whom an event is addressed to.

use super::kinds::ReceiverType;

/// Whom an event is addressed to: a user or a group.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Recipient<'a> {
    /// The uid or guid.
    pub id: &'a str,
    /// Whether `id` is a user or a group (CometChat's `receiverType`).
    pub receiver_type: ReceiverType,
}
