//! The request path, from the framework's request to the answer: the one
//! place that decides how a webhook request is answered.
//!
//! An adapter hands [`receive`] the request's headers ([`RequestHead`]) and
//! its body as a stream of [`Bytes`](bytes::Bytes) chunks; `receive` checks
//! the credentials (before any body byte is read), reads the body up to the
//! limit, within the body-read deadline and the receiver's budget of body
//! bytes in flight, and decodes it. A refusal is a [`Rejection`], the only type that
//! decides an HTTP status, and every answer, refusal or router outcome, is a
//! [`WebhookResponse`] (status, headers, JSON body) the adapter copies into
//! its framework's response.
//!
//! The table of what is answered when is in the repository's
//! `ARCHITECTURE.md`, under "The HTTP contract".

mod budget;
mod config;
mod head;
mod receive;
mod rejection;
mod response;
mod trace;

pub use config::ReceiverConfig;
pub use head::RequestHead;
#[cfg(feature = "router")]
pub(crate) use receive::not_a_webhook;
pub use receive::{check_head, receive, receive_body};
pub use rejection::{Rejection, WWW_AUTHENTICATE};
pub use response::{JSON_CONTENT_TYPE, WebhookResponse};
