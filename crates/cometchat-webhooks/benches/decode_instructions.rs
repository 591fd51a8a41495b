//! Decodes every bundled sample 100 times, either into `Event` or into
//! `serde_json::Value` (first argument: `event` or `value`), for
//! `scripts/decode-instructions.sh`, which counts the instructions each
//! takes under callgrind. Instruction counts do not vary with the machine's
//! load, unlike the wall-clock figures of `benches/decode.rs`.

use std::hint::black_box;

use cometchat_webhooks::Event;
use cometchat_webhooks::testing::samples;

const ROUNDS: usize = 100;

fn main() {
    let decode_into_event = match std::env::args().nth(1).as_deref() {
        Some("event") => true,
        Some("value") => false,
        // `cargo bench` runs every bench target with `--bench`: nothing to do.
        _ => return,
    };
    let bodies: Vec<&[u8]> = samples().map(|(_, body)| body).collect();
    for _ in 0..ROUNDS {
        for body in &bodies {
            if decode_into_event {
                black_box(Event::from_slice(black_box(body)).ok());
            } else {
                black_box(serde_json::from_slice::<serde_json::Value>(black_box(body)).ok());
            }
        }
    }
}
