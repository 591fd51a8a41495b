//! Support shared by the test binaries of the root package: servers of each
//! framework on loopback, a real HTTP client, and the recording webhook apps.

// Every test binary compiles this module and uses only a part of it.
#![allow(dead_code)]

pub(crate) mod client;
pub(crate) mod recording_apps;
pub(crate) mod servers;
