//! `listen --store`: a listener that answers 200 only for stored
//! deliveries and handles them from workers (print, save, or forward to
//! `--forward-to`), with retries and dead letters, so that neither a crash
//! after the 200 nor a failing endpoint loses an event.

mod forwarder;
mod handling;
mod intake;
mod workers;

pub(crate) use forwarder::Forwarder;
pub(crate) use handling::Handling;
pub(crate) use intake::{Intake, Intaken};
pub(crate) use workers::{Drained, Workers};
