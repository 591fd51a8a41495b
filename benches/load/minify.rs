//! The bundled samples are indented for reading, while servers send
//! compact JSON: the load is sent minified by default.

/// JSON without the whitespace between tokens, keys in their original order
/// (re-serialising through `serde_json::Value` would sort them): the bundled
/// samples are indented for reading, while servers send compact JSON.
pub(crate) fn minify_json(json: &[u8]) -> Vec<u8> {
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
