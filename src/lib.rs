//! Helpers shared by the examples and the cross-framework tests of the
//! cometchat-webhooks workspace.

#![forbid(unsafe_code)]

use std::net::{Ipv4Addr, SocketAddr};

/// The address an example listens on: `127.0.0.1:$PORT`, 3000 by default.
pub fn listen_addr() -> Result<SocketAddr, String> {
    let port = match std::env::var("PORT") {
        Ok(port) => {
            port.parse::<u16>().map_err(|_| format!("PORT must be a port number, got {port:?}"))?
        }
        Err(_) => 3000,
    };
    Ok(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
}
