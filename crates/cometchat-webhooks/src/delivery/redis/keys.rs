//! Key names: everything one application stores lives under
//! `<prefix>:{<application>}:`, so the hash tag puts every key in one
//! cluster slot and the scripts may touch them together.

/// The key names of one application.
#[derive(Debug, Clone)]
pub(super) struct Keys {
    base: String,
    pub(super) stream: String,
    pub(super) retries: String,
    pub(super) dead: String,
    pub(super) fence: String,
    pub(super) reclaim_due: String,
    pub(super) event_prefix: String,
}

impl Keys {
    pub(super) fn new(prefix: &str, application: &str) -> Self {
        let base = format!("{prefix}:{{{application}}}");
        Self {
            stream: format!("{base}:stream"),
            retries: format!("{base}:retries"),
            dead: format!("{base}:dead"),
            fence: format!("{base}:fence"),
            reclaim_due: format!("{base}:reclaim-due"),
            event_prefix: format!("{base}:event:"),
            base,
        }
    }

    /// The hash holding one event.
    pub(super) fn event(&self, key: &str) -> String {
        format!("{}{key}", self.event_prefix)
    }

    /// The marker that makes an accepted key a duplicate for the window.
    pub(super) fn seen(&self, key: &str) -> String {
        format!("{}:seen:{key}", self.base)
    }

    /// The dedupe store's record of a key.
    pub(super) fn dedupe(&self, key: &str) -> String {
        format!("{}:dedupe:{key}", self.base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_carries_the_same_hash_tag() {
        let keys = Keys::new("cometchat-webhooks", "shop");
        for key in [
            &keys.stream,
            &keys.retries,
            &keys.dead,
            &keys.fence,
            &keys.reclaim_due,
            &keys.event("message_sent/a/b/message.id=1"),
            &keys.seen("k"),
            &keys.dedupe("k"),
        ] {
            assert!(key.starts_with("cometchat-webhooks:{shop}:"), "{key}");
        }
    }
}
