//! Idempotency keys. CometChat sends no event id, so a key is composed from
//! fields that identify the event (the recipes CometChat documents where it
//! documents one), prefixed with trigger, app and webhook; when those fields
//! are missing, it falls back to a hash of the exact body, which a retried
//! delivery repeats byte for byte.

use std::fmt::{self, Display, Write as _};

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_128;

use crate::decode::Envelope;
use crate::model::{ConnectionAction, GroupScope, ReceiptAction, TimeUnit, Timestamp, UserStatus};

/// A stable key for de-duplicating deliveries of the same event, e.g.
/// `message_sent/app1/webhook1/message.id=57`.
///
/// Components are separated by `/` and written as `name=value`; `%` and `/`
/// inside values are percent-encoded, so distinct components never produce
/// the same key. An event without the fields of its recipe is keyed by a
/// hash of its exact body: `xxh3=` and 32 hex digits.
///
/// A key's length is bounded whatever the body holds: a component longer
/// than [`MAX_COMPONENT_BYTES`](Self::MAX_COMPONENT_BYTES) (once encoded) is
/// replaced by `%xxh3:` and its 128-bit hash in hex. A `%` in a value is
/// always encoded as `%25`, so a hashed component never equals a value sent
/// as is. A key is then at most a few hundred bytes, which is what a dedupe
/// store holds per event.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// The longest component kept as sent, in bytes once encoded; a longer
    /// one is hashed.
    pub const MAX_COMPONENT_BYTES: usize = 128;

    /// The key as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key as an owned string.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl Display for IdempotencyKey {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl AsRef<str> for IdempotencyKey {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Collects the components of a key; a trigger's recipe calls
/// [`part`](Self::part) for each field it uses.
pub(crate) struct KeyParts {
    key: String,
}

impl KeyParts {
    /// Parts that start with the envelope's prefix, with room for
    /// `components` more bytes.
    fn new(envelope: &Envelope, components: usize) -> Self {
        let webhook_or_bot = envelope.webhook.as_deref().or(envelope.bot.as_deref());
        let scopes = [envelope.app_id.as_deref(), webhook_or_bot].map(|scope| scope.unwrap_or("-"));
        let prefix =
            envelope.trigger.len() + scopes.iter().map(|scope| scope.len() + 1).sum::<usize>();
        let mut parts = Self { key: String::with_capacity(prefix + components) };
        parts.push_bounded(&envelope.trigger);
        for scope in scopes {
            parts.key.push('/');
            parts.push_bounded(scope);
        }
        parts
    }

    /// Parts that hold a recipe's components alone, collected before the
    /// envelope is known (the acknowledge-first reading meets `data` before
    /// the envelope's later fields); see [`key_from_components`].
    pub(crate) fn components_only() -> Self {
        Self { key: String::with_capacity(64) }
    }

    /// The components written so far.
    pub(crate) fn into_components(self) -> String {
        self.key
    }

    /// Adds `value` encoded, hashed when too long.
    fn push_bounded(&mut self, value: &str) {
        let start = self.key.len();
        self.push_escaped(value);
        self.bound_from(start);
    }

    /// Replaces what was written since `start` with its hash when it is
    /// longer than a component may be.
    fn bound_from(&mut self, start: usize) {
        if self.key.len() - start <= IdempotencyKey::MAX_COMPONENT_BYTES {
            return;
        }
        let written = self.key.split_off(start);
        self.key.push_str("%xxh3:");
        ContentHash(written.as_bytes()).write_to(&mut self.key);
    }

    /// Adds `name=value`. A recipe's required field is passed with `?` so a
    /// missing one falls back to the body hash.
    pub(crate) fn part(&mut self, name: &str, value: impl KeyValue) -> &mut Self {
        self.key.push('/');
        self.key.push_str(name);
        self.key.push('=');
        let start = self.key.len();
        value.write_to(&mut self.key);
        if needs_escaping(&self.key.as_bytes()[start..]) {
            let written = self.key.split_off(start);
            self.push_escaped(&written);
        }
        self.bound_from(start);
        self
    }

    // Not the `percent-encoding` crate: it always escapes every non-ASCII
    // byte, which would change the key of every event whose ids or names
    // are not ASCII (so a dedupe store filled before an upgrade would no
    // longer recognise them) and triple those keys' length. Only the two
    // characters that could make components collide need escaping.
    fn push_escaped(&mut self, value: &str) {
        if !needs_escaping(value.as_bytes()) {
            self.key.push_str(value);
            return;
        }
        for character in value.chars() {
            match character {
                '%' => self.key.push_str("%25"),
                '/' => self.key.push_str("%2F"),
                other => self.key.push(other),
            }
        }
    }
}

/// Whether `bytes` hold a `%` or a `/`, the two characters that could make
/// components collide.
fn needs_escaping(bytes: &[u8]) -> bool {
    memchr::memchr2(b'%', b'/', bytes).is_some()
}

/// A value a key component is written from, appended as text.
pub(crate) trait KeyValue {
    /// Appends the value's text to `out`, not yet escaped.
    fn write_to(&self, out: &mut String);
}

impl<T: KeyValue + ?Sized> KeyValue for &T {
    fn write_to(&self, out: &mut String) {
        (**self).write_to(out);
    }
}

impl KeyValue for str {
    fn write_to(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl KeyValue for String {
    fn write_to(&self, out: &mut String) {
        out.push_str(self);
    }
}

/// As its number of units since the epoch, in decimal (what `Display`
/// writes), without the formatting machinery: most keys hold a time.
impl<U: TimeUnit> KeyValue for Timestamp<U> {
    fn write_to(&self, out: &mut String) {
        out.push_str(itoa::Buffer::new().format(self.value()));
    }
}

/// The names CometChat sends, as sent.
macro_rules! key_value_as_sent {
    ($($name:ty),+) => {$(
        impl KeyValue for $name {
            fn write_to(&self, out: &mut String) {
                out.push_str(self.as_str());
            }
        }
    )+};
}

key_value_as_sent!(ConnectionAction, GroupScope, ReceiptAction, UserStatus);

/// The key of an event: the trigger's recipe, or the body hash.
pub(crate) fn idempotency_key(
    envelope: &Envelope,
    raw_body: &[u8],
    recipe: impl FnOnce(&mut KeyParts) -> Option<()>,
) -> IdempotencyKey {
    let mut parts = KeyParts::new(envelope, 64);
    let prefix = parts.key.len();
    if recipe(&mut parts).is_none() {
        parts.key.truncate(prefix);
        parts.part(ContentHash::NAME, ContentHash(raw_body));
    }
    IdempotencyKey(parts.key)
}

/// The key of an event whose recipe components were collected apart by
/// [`KeyParts::components_only`]; `None` is the body hash. Equal to
/// [`idempotency_key`] with the same components, since a component is
/// written independently of what precedes it.
pub(crate) fn key_from_components(
    envelope: &Envelope,
    raw_body: &[u8],
    components: Option<&str>,
) -> IdempotencyKey {
    const HASH_PART: usize = ContentHash::NAME.len() + 2 + ContentHash::HEX_DIGITS;
    let mut parts = KeyParts::new(envelope, components.map_or(HASH_PART, str::len));
    match components {
        Some(components) => parts.key.push_str(components),
        None => {
            parts.part(ContentHash::NAME, ContentHash(raw_body));
        }
    }
    IdempotencyKey(parts.key)
}

/// The 128-bit hash, in hex, of a body (for the events keyed by it) or of a
/// component too long to keep.
///
/// XXH3, not a cryptographic hash: a key is only compared, never trusted
/// (a body is authenticated before it is keyed, and its handler reads the
/// body, not the key), so the hash must tell apart the bodies a webhook
/// sends, not resist someone searching for a collision; 128 bits make an
/// accidental one negligible. A cryptographic hash (SHA-256 was used
/// before) cost a fifth of the acknowledge-first reading on processors
/// without SHA instructions; XXH3 costs a few instructions per byte.
struct ContentHash<'a>(&'a [u8]);

impl ContentHash<'_> {
    /// The component name of a body hash.
    const NAME: &'static str = "xxh3";
    const HEX_DIGITS: usize = 32;
}

impl KeyValue for ContentHash<'_> {
    fn write_to(&self, out: &mut String) {
        let hash = xxh3_128(self.0);
        // Writing to a `String` cannot fail.
        let _ = write!(out, "{hash:0width$x}", width = ContentHash::HEX_DIGITS);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope(trigger: &str, app: &str) -> Envelope {
        let body = serde_json::json!({ "trigger": trigger, "appId": app, "data": {} });
        serde_json::from_value(body).unwrap()
    }

    fn key(envelope: &Envelope, id: &str) -> IdempotencyKey {
        idempotency_key(envelope, b"{}", |parts| {
            parts.part("message.id", id);
            Some(())
        })
    }

    #[test]
    fn only_a_percent_sign_or_a_slash_needs_escaping() {
        assert!(!needs_escaping(b""));
        // Other characters, non-ASCII ones included, are kept as sent.
        assert!(!needs_escaping(r#"message-1 é.0 :?#\""#.as_bytes()));
        for separator in ["%", "/"] {
            for value in
                [format!("{separator}ab"), format!("a{separator}b"), format!("ab{separator}")]
            {
                assert!(needs_escaping(value.as_bytes()), "{value}");
            }
        }
    }

    #[test]
    fn a_hash_is_written_as_32_lowercase_hex_digits_with_leading_zeros() {
        // A key written before keeps its value: this body's hash begins
        // with zeros, which must not be dropped.
        let mut written = String::new();
        ContentHash(b"5235").write_to(&mut written);
        assert_eq!(written, "000263298059fbb1808a4ed124f54e08");
    }

    #[test]
    fn a_component_at_the_bound_is_kept_and_a_longer_one_hashed() {
        let envelope = envelope("message_sent", "app");
        let at_bound = "7".repeat(IdempotencyKey::MAX_COMPONENT_BYTES);
        assert!(key(&envelope, &at_bound).as_str().ends_with(&format!("message.id={at_bound}")));
        let over = "7".repeat(IdempotencyKey::MAX_COMPONENT_BYTES + 1);
        let hashed = key(&envelope, &over);
        let (_, hash) = hashed.as_str().split_once("message.id=%xxh3:").unwrap();
        assert_eq!(hash.len(), 32);
        assert!(hash.bytes().all(|byte| byte.is_ascii_hexdigit()));
    }

    #[test]
    fn a_huge_id_makes_a_short_key_that_still_tells_ids_apart() {
        let envelope = envelope("message_sent", "app");
        let huge = "x".repeat(900_000);
        let other = format!("{}y", &huge[1..]);
        let first = key(&envelope, &huge);
        assert!(first.as_str().len() < 200, "{}", first.as_str().len());
        assert_eq!(first, key(&envelope, &huge), "the same id gives the same key");
        assert_ne!(first, key(&envelope, &other));
    }

    #[test]
    fn a_hashed_component_never_equals_a_value_sent_as_is() {
        let envelope = envelope("message_sent", "app");
        let hashed = key(&envelope, &"z".repeat(500));
        let (_, value) = hashed.as_str().split_once("message.id=").unwrap();
        let literal = key(&envelope, value);
        assert_ne!(literal, hashed);
        assert!(literal.as_str().contains("message.id=%25xxh3:"));
    }

    #[test]
    fn long_trigger_and_scope_components_are_bounded_too() {
        let long = "a".repeat(10_000);
        let key = key(&envelope(&long, &long), "1");
        assert!(key.as_str().len() < 200, "{}", key.as_str().len());
        assert!(key.as_str().starts_with("%xxh3:"));
    }
}
