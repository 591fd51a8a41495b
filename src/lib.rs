//! Helpers shared by the examples and the cross-framework tests of the
//! cometchat-webhooks workspace.

#![forbid(unsafe_code)]

mod early_answer;

use std::net::{Ipv4Addr, SocketAddr};

pub use early_answer::{EarlyAnswerStream, WriteFailureFlag};

/// JSON without the whitespace between tokens, keys in their original order
/// (re-serialising through `serde_json::Value` would sort them): the bundled
/// samples are indented for reading, while servers send compact JSON.
pub fn minify_json(json: &[u8]) -> Vec<u8> {
    let mut compact = Vec::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for &byte in json {
        if in_string {
            compact.push(byte);
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
        } else if byte == b'"' {
            in_string = true;
            compact.push(byte);
        } else if !byte.is_ascii_whitespace() {
            compact.push(byte);
        }
    }
    compact
}

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

#[cfg(test)]
mod tests {
    use super::minify_json;

    #[test]
    fn minify_keeps_strings_and_key_order() {
        let json = b"{\n  \"b\": \"a \\\" quoted \\\\ b\",\n  \"a\": [1, 2]\n}\n";
        let compact = minify_json(json);
        assert_eq!(compact, br#"{"b":"a \" quoted \\ b","a":[1,2]}"#);
        let original: serde_json::Value = serde_json::from_slice(json).unwrap();
        assert_eq!(serde_json::from_slice::<serde_json::Value>(&compact).unwrap(), original);
    }
}
