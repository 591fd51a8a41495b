//! Reads every bundled sample, minified (as servers send them), 100 times
//! in one of four ways (first argument), for
//! `scripts/ack-first-instructions.sh`, which counts the instructions each
//! takes under callgrind and prints them per body against the floor:
//!
//! - `none`: only prepares the bodies (subtracted from the others);
//! - `floor`: validates the JSON (`serde_json` into `IgnoredAny`), the least
//!   any receiver does;
//! - `ack-first`: the acknowledge-first reading (`KeyedEnvelope::read`: the
//!   envelope and the idempotency key, `data` not typed);
//! - `event`: the eager decode (`Event::from_slice`) and its key.
//!
//! A second argument `recipes` keeps only the bodies whose key is built
//! from their fields rather than the body hash.

// The body count is this program's output, read by the script.
#![allow(clippy::print_stdout)]

use std::hint::black_box;

use cometchat_webhooks::testing::{minify_json, samples};
use cometchat_webhooks::{Event, KeyedEnvelope};
use serde::de::IgnoredAny;

const ROUNDS: usize = 100;

fn is_hash_keyed(body: &[u8]) -> bool {
    let event = Event::from_slice(body).expect("bundled samples decode");
    event.idempotency_key().as_str().contains("/xxh3=")
}

fn main() {
    let Some(mode) = std::env::args().nth(1) else { return };
    let recipes_only = std::env::args().nth(2).as_deref() == Some("recipes");
    let bodies: Vec<Vec<u8>> = samples()
        .map(|(_, body)| minify_json(body))
        .filter(|body| !recipes_only || !is_hash_keyed(body))
        .collect();
    if mode == "count" {
        println!("{}", bodies.len() * ROUNDS);
        return;
    }
    for _ in 0..ROUNDS {
        for body in &bodies {
            let body = black_box(body.as_slice());
            match mode.as_str() {
                "floor" => {
                    black_box(serde_json::from_slice::<IgnoredAny>(body).ok());
                }
                "ack-first" => {
                    black_box(KeyedEnvelope::read(body).ok());
                }
                "event" => {
                    let event = Event::from_slice(body).ok();
                    black_box(event.map(|event| event.idempotency_key()));
                }
                // `cargo bench` runs every bench target with `--bench`.
                _ => return,
            }
        }
    }
}
