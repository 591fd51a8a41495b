//! `listen --store`: the router's durable mode answers 200 only for
//! stored deliveries and runs the handler from its workers, with retries
//! and dead letters; the handler here prints, saves, or forwards to
//! `--forward-to`, so neither a crash after the 200 nor a failing endpoint
//! loses an event.

mod forwarder;
mod handling;

pub(crate) use forwarder::Forwarder;
pub(crate) use handling::Handling;
