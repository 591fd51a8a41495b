//! `listen --bind`: an IP address, or an address and port.

use std::net::{IpAddr, SocketAddr};

use crate::errors::CliError;

/// The port `listen` uses when neither `--port` nor `--bind` names one.
pub(crate) const DEFAULT_PORT: u16 = 8787;

/// What `--bind` said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ListenAddress {
    /// An address; the port comes from `--port`.
    Ip(IpAddr),
    /// An address and a port.
    Socket(SocketAddr),
}

/// `127.0.0.1`, `0.0.0.0`, `::1`, `127.0.0.1:3000` or `[::1]:3000`.
pub(crate) fn parse_listen_address(text: &str) -> Result<ListenAddress, String> {
    let text = text.trim();
    if let Ok(socket) = text.parse::<SocketAddr>() {
        return Ok(ListenAddress::Socket(socket));
    }
    text.parse::<IpAddr>().map(ListenAddress::Ip).map_err(|_| {
        format!(
            "`{text}` is not an IP address or IP:PORT: write e.g. 127.0.0.1, 0.0.0.0, \
             127.0.0.1:3000 or [::1]:3000"
        )
    })
}

impl ListenAddress {
    /// The socket address to bind, with `--port` if given.
    pub(crate) fn with_port(self, port: Option<u16>) -> Result<SocketAddr, CliError> {
        match (self, port) {
            (ListenAddress::Socket(socket), None) => Ok(socket),
            (ListenAddress::Socket(socket), Some(port)) => {
                Err(CliError::PortTwice { bind: socket.to_string(), port })
            }
            (ListenAddress::Ip(ip), port) => Ok(SocketAddr::new(ip, port.unwrap_or(DEFAULT_PORT))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_with_and_without_ports() {
        let local = parse_listen_address("127.0.0.1").map(|address| address.with_port(None));
        assert_eq!(local.ok().and_then(Result::ok), "127.0.0.1:8787".parse().ok());
        let any = parse_listen_address("0.0.0.0").map(|address| address.with_port(Some(3000)));
        assert_eq!(any.ok().and_then(Result::ok), "0.0.0.0:3000".parse().ok());
        let v6 = parse_listen_address("[::1]:0").map(|address| address.with_port(None));
        assert_eq!(v6.ok().and_then(Result::ok), "[::1]:0".parse().ok());
        assert_eq!(
            parse_listen_address("::1"),
            Ok(ListenAddress::Ip(IpAddr::V6(std::net::Ipv6Addr::LOCALHOST)))
        );
    }

    #[test]
    fn names_and_double_ports_are_refused() {
        for bad in ["localhost", "", "127.0.0.1:", "127.0.0.1:99999", "http://127.0.0.1"] {
            let message = parse_listen_address(bad).unwrap_err();
            assert!(message.contains("127.0.0.1:3000"), "{bad}: {message}");
        }
        let twice =
            parse_listen_address("127.0.0.1:3000").map(|address| address.with_port(Some(1)));
        let message = twice.ok().and_then(Result::err).map(|error| error.to_string());
        assert!(message.is_some_and(|message| message.contains("--port")));
    }
}
