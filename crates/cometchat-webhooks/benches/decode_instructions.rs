//! Decodes a group of bundled samples a number of times with one decoder, for
//! `scripts/decode-ratios.sh` and `scripts/decode-instructions.sh`, which
//! count the instructions of `measured_decoding` alone under callgrind
//! (`--toggle-collect`). Instruction counts do not vary with the machine's
//! load, unlike the wall-clock figures of `benches/decode.rs`.
//!
//! Arguments: `DECODER LAYOUT SELECTION [ROUNDS]`, e.g.
//! `typed_event minified message_sent 20`; `list` prints the selections.

// Its output is read by the scripts.
#![allow(clippy::print_stdout)]

mod corpus;

use corpus::{Decoder, Layout, bodies, selections};

use cometchat_webhooks::Bytes;

const DEFAULT_ROUNDS: usize = 20;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `cargo bench` runs every bench target with `--bench`: nothing to do.
    if args.first().is_none_or(|arg| arg.starts_with("--")) {
        return;
    }
    if args[0] == "list" {
        for selection in selections() {
            println!("{selection}");
        }
        return;
    }
    let usage = "usage: decode_instructions DECODER LAYOUT SELECTION [ROUNDS]";
    let decoder = args.first().and_then(|name| Decoder::from_name(name)).expect(usage);
    let layout = args.get(1).and_then(|name| Layout::from_name(name)).expect(usage);
    let bodies = args.get(2).and_then(|name| bodies(name, layout)).expect(usage);
    let rounds = args.get(3).map_or(DEFAULT_ROUNDS, |rounds| rounds.parse().expect(usage));
    // One round outside the count: first-use costs (allocator pools, lazy
    // statics) are not part of decoding a body.
    warm_up_decoding(decoder, &bodies);
    measured_decoding(decoder, &bodies, rounds);
    println!("bodies={} bytes={}", bodies.len(), bodies.iter().map(Bytes::len).sum::<usize>());
}

/// The only function callgrind counts.
#[inline(never)]
fn measured_decoding(decoder: Decoder, bodies: &[Bytes], rounds: usize) {
    for _ in 0..rounds {
        for body in bodies {
            decoder.decode(body);
        }
    }
}

#[inline(never)]
fn warm_up_decoding(decoder: Decoder, bodies: &[Bytes]) {
    for body in bodies {
        decoder.decode(body);
    }
}
