//! Text that came from outside (idempotency keys, bodies, handler errors)
//! made safe to print on a terminal: control characters could move the
//! cursor, rewrite earlier lines or retitle the window, and bidirectional
//! overrides could make text read differently from what it is.

use std::fmt::Write;

/// Escapes `text` for one line: every control character (newlines
/// included), every bidirectional control and every byte that is not
/// UTF-8 is written as a visible escape (`\n`, `\u{1b}`, `\xff`).
pub(crate) fn one_line(text: &[u8]) -> String {
    escape(text, false)
}

/// Like [`one_line`], but keeps newlines and tabs, for a body shown as a
/// block.
pub(crate) fn block(text: &[u8]) -> String {
    escape(text, true)
}

/// [`one_line`], cut to `max` characters (counting escapes as written),
/// ending in `…` when something was left out.
pub(crate) fn one_line_truncated(text: &[u8], max: usize) -> String {
    let escaped = one_line(text);
    if escaped.chars().count() <= max {
        return escaped;
    }
    let mut cut: String = escaped.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

fn escape(text: &[u8], keep_layout: bool) -> String {
    let mut escaped = String::with_capacity(text.len());
    for chunk in text.utf8_chunks() {
        for character in chunk.valid().chars() {
            push_char(&mut escaped, character, keep_layout);
        }
        for byte in chunk.invalid() {
            let _ = write!(escaped, "\\x{byte:02x}");
        }
    }
    escaped
}

fn push_char(escaped: &mut String, character: char, keep_layout: bool) {
    match character {
        '\n' | '\t' if keep_layout => escaped.push(character),
        '\n' => escaped.push_str("\\n"),
        '\r' => escaped.push_str("\\r"),
        '\t' => escaped.push_str("\\t"),
        _ if character.is_control() || is_bidi_control(character) => {
            let _ = write!(escaped, "\\u{{{:x}}}", u32::from(character));
        }
        _ => escaped.push(character),
    }
}

/// The characters that reorder text (Unicode's bidi embedding, override
/// and isolate controls, and the implicit marks).
fn is_bidi_control(character: char) -> bool {
    matches!(character, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{061c}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_become_visible() {
        assert_eq!(one_line(b"a\x1b[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(one_line(b"line\nnext\r\tend\x7f"), "line\\nnext\\r\\tend\\u{7f}");
        assert_eq!(one_line("\u{9b}31m".as_bytes()), "\\u{9b}31m", "C1 CSI");
        assert_eq!(one_line("x\u{202e}y".as_bytes()), "x\\u{202e}y");
        assert_eq!(one_line(b"\xff\xfeok"), "\\xff\\xfeok");
        assert_eq!(one_line("naïve ✓".as_bytes()), "naïve ✓");
    }

    #[test]
    fn blocks_keep_their_lines() {
        assert_eq!(block(b"{\n\t\"a\": 1\r\n}\x07"), "{\n\t\"a\": 1\\r\n}\\u{7}");
    }

    #[test]
    fn truncation_counts_characters_and_marks_the_cut() {
        assert_eq!(one_line_truncated(b"short", 10), "short");
        assert_eq!(one_line_truncated(b"0123456789ab", 10), "012345678…");
        assert_eq!(one_line_truncated("ééééé".as_bytes(), 3), "éé…");
        let escaped = one_line_truncated(b"\x1b\x1b\x1b", 8);
        assert!(!escaped.contains('\x1b') && escaped.ends_with('…'), "{escaped}");
    }
}
