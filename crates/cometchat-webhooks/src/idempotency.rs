//! Idempotency keys. CometChat sends no event id, so a key is composed from
//! fields that identify the event (the recipes CometChat documents where it
//! documents one), prefixed with trigger, app and webhook; when those fields
//! are missing, it falls back to a hash of the exact body, which a retried
//! delivery repeats byte for byte.

use std::fmt::{self, Display, Write};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::decode::Envelope;

/// A stable key for de-duplicating deliveries of the same event, e.g.
/// `message_sent/app1/webhook1/message.id=57`.
///
/// Components are separated by `/` and written as `name=value`; `%` and `/`
/// inside values are percent-encoded, so distinct components never produce
/// the same key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
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
    fn new(envelope: &Envelope) -> Self {
        let mut parts = Self { key: String::with_capacity(96) };
        parts.push_escaped(&envelope.trigger);
        let webhook_or_bot = envelope.webhook.as_deref().or(envelope.bot.as_deref());
        for scope in [envelope.app_id.as_deref(), webhook_or_bot] {
            parts.key.push('/');
            parts.push_escaped(scope.unwrap_or("-"));
        }
        parts
    }

    /// Adds `name=value`. A recipe's required field is passed with `?` so a
    /// missing one falls back to the body hash.
    pub(crate) fn part(&mut self, name: &str, value: impl Display) -> &mut Self {
        self.key.push('/');
        self.key.push_str(name);
        self.key.push('=');
        let start = self.key.len();
        let _ = write!(self.key, "{value}");
        if self.key[start..].contains(['%', '/']) {
            let written = self.key.split_off(start);
            self.push_escaped(&written);
        }
        self
    }

    // Not the `percent-encoding` crate: it always escapes every non-ASCII
    // byte, which would change the key of every event whose ids or names
    // are not ASCII (so a dedupe store filled before an upgrade would no
    // longer recognise them) and triple those keys' length. Only the two
    // characters that could make components collide need escaping.
    fn push_escaped(&mut self, value: &str) {
        for character in value.chars() {
            match character {
                '%' => self.key.push_str("%25"),
                '/' => self.key.push_str("%2F"),
                other => self.key.push(other),
            }
        }
    }
}

/// The key of an event: the trigger's recipe, or the body hash.
pub(crate) fn idempotency_key(
    envelope: &Envelope,
    raw_body: &[u8],
    recipe: impl FnOnce(&mut KeyParts) -> Option<()>,
) -> IdempotencyKey {
    let mut parts = KeyParts::new(envelope);
    if recipe(&mut parts).is_none() {
        parts = KeyParts::new(envelope);
        parts.part("sha256", BodyHash(raw_body));
    }
    IdempotencyKey(parts.key)
}

/// First 128 bits of the body's SHA-256, in hex: ample to tell bodies apart.
struct BodyHash<'a>(&'a [u8]);

impl Display for BodyHash<'_> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The digest's own lower-hex formatting; the precision keeps the
        // first 32 digits (128 bits).
        write!(formatter, "{:.32x}", Sha256::digest(self.0))
    }
}
