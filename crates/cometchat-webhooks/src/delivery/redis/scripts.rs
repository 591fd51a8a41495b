//! The Lua scripts that make each Redis operation atomic, loaded once per
//! store (redis-rs sends `EVALSHA` and falls back to `EVAL` after a server
//! restart emptied the script cache).

use redis::Script;

const NOW: &str = include_str!("lua/now.lua");
const HELD: &str = include_str!("lua/held.lua");

/// Every script of the engine.
pub(super) struct Scripts {
    pub(super) enqueue: Script,
    pub(super) claim: Script,
    pub(super) renew: Script,
    pub(super) ack: Script,
    pub(super) ack_batch: Script,
    pub(super) fail: Script,
    pub(super) stats: Script,
    pub(super) dead_letters: Script,
    pub(super) redrive: Script,
    pub(super) purge: Script,
    pub(super) dedupe_claim: Script,
    pub(super) dedupe_settle: Script,
}

impl Scripts {
    pub(super) fn new() -> Self {
        // Helpers are prepended, so each script stays one self-contained
        // unit on the server.
        let with_helpers = |body: &str| Script::new(&format!("{NOW}\n{HELD}\n{body}"));
        Self {
            enqueue: Script::new(include_str!("lua/enqueue.lua")),
            claim: with_helpers(include_str!("lua/claim.lua")),
            renew: with_helpers(include_str!("lua/renew.lua")),
            ack: with_helpers(include_str!("lua/ack.lua")),
            ack_batch: with_helpers(include_str!("lua/ack_batch.lua")),
            fail: with_helpers(include_str!("lua/fail.lua")),
            stats: Script::new(include_str!("lua/stats.lua")),
            dead_letters: Script::new(include_str!("lua/dead_letters.lua")),
            redrive: Script::new(include_str!("lua/redrive.lua")),
            purge: with_helpers(include_str!("lua/purge.lua")),
            dedupe_claim: with_helpers(include_str!("lua/dedupe_claim.lua")),
            dedupe_settle: Script::new(include_str!("lua/dedupe_settle.lua")),
        }
    }
}
