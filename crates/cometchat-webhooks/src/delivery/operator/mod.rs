//! Operating a queue another process holds: an embedded store belongs to
//! the one process that opened it, so a running receiver serves the
//! operator's requests on a Unix socket ([`OperatorSocket`]), and
//! `cometchat-webhooks queue` (or an [`OperatorClient`]) sends them there.

mod client;
mod server;
mod wire;

pub use client::OperatorClient;
pub use server::OperatorSocket;
