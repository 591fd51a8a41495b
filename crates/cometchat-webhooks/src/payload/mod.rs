//! One typed `data` per trigger, grouped by family.

mod call;
mod campaign;
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
