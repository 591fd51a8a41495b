//! Wall-clock cost of decoding the bundled samples, per family and for the
//! whole corpus, bundled (indented) and minified: validating the JSON
//! (`IgnoredAny`, the floor), building a `serde_json::Value` and decoding the
//! typed `Event` from the received `Bytes`, in one run. Each group is one
//! family in one layout; `scripts/decode-ratios.sh` prints the ratios next to
//! the instruction counts. Short measurements: 72 benchmarks in about two
//! minutes.

#[allow(dead_code)] // Shared with `decode_instructions`, which parses names.
mod corpus;

use std::time::Duration;

use corpus::{Decoder, Layout, bodies, selections};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn decode_by_family(criterion: &mut Criterion) {
    for layout in Layout::ALL {
        for selection in selections() {
            let bodies = bodies(selection, layout).expect("a known selection");
            let mut group =
                criterion.benchmark_group(format!("decode_{}_{selection}", layout.name()));
            group.throughput(Throughput::Elements(bodies.len() as u64));
            for decoder in Decoder::ALL {
                group.bench_function(decoder.name(), |bench| {
                    bench.iter(|| {
                        for body in &bodies {
                            decoder.decode(body);
                        }
                    })
                });
            }
            group.finish();
        }
    }
}

fn quick() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
        .sample_size(20)
}

criterion_group! {
    name = benches;
    config = quick();
    targets = decode_by_family
}
criterion_main!(benches);
