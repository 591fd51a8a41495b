//! The typed `data` of every trigger, one file per family. Each family file
//! holds its payload types and, next to them, what each type says about its
//! event (sender, recipient, conversation, message, time) and how its
//! idempotency key is built, with the recipe in words.
//!
//! Several triggers share one shape (the twelve group triggers, the four
//! receipts, …); each still has its own type, a newtype that derefs to the
//! shape, so a router can pick a handler by argument type.
//!
//! Messages and users inside payloads are boxed (`Box<Message>`,
//! `Option<Box<User>>`, maps of `Box<User>`): they are hundreds of bytes
//! each, and serde moves a decoded value several times on its way into its
//! parent, so boxed they cost one allocation instead of copying kilobytes.
//! `Box` derefs, so reading them looks the same.

mod call;
mod campaign;
pub(crate) mod event_facts;
mod group;
mod legacy;
mod message;
mod moderation;
mod notification;
mod receipt;
mod shared_shape;
mod untyped;
mod user;

pub use call::*;
pub use campaign::*;
pub use group::*;
pub use legacy::*;
pub use message::*;
pub use moderation::*;
pub use notification::*;
pub use receipt::*;
pub use untyped::*;
pub use user::*;
