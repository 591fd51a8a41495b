//! [`minify_json`]: a body as servers send it.

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

#[cfg(test)]
mod tests {
    use super::minify_json;

    #[test]
    fn whitespace_between_tokens_goes_and_whitespace_in_strings_stays() {
        let pretty = b"{\n  \"a\" : \"x y\\\" z\",\n  \"b\": [1, 2]\n}";
        assert_eq!(minify_json(pretty), b"{\"a\":\"x y\\\" z\",\"b\":[1,2]}");
    }

    #[test]
    fn every_sample_minified_is_the_same_json() {
        for (trigger, body) in crate::testing::samples() {
            let minified = minify_json(body);
            let parse = |body: &[u8]| serde_json::from_slice::<serde_json::Value>(body).unwrap();
            assert_eq!(parse(&minified), parse(body), "{trigger}");
        }
    }
}
