//! Decoding every bundled sample into `Event`, against parsing the same bytes
//! into `serde_json::Value` (what a hand-written receiver does), in one run.

use std::hint::black_box;

use cometchat_webhooks::Event;
use cometchat_webhooks::testing::samples;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn decode_every_sample(criterion: &mut Criterion) {
    let bodies: Vec<&[u8]> = samples().map(|(_, body)| body).collect();
    let total: usize = bodies.iter().map(|body| body.len()).sum();
    let mut group = criterion.benchmark_group("decode_every_sample");
    group.throughput(Throughput::Bytes(total as u64));
    group.bench_function("serde_json_value", |bench| {
        bench.iter(|| {
            for body in &bodies {
                black_box(serde_json::from_slice::<serde_json::Value>(black_box(body)).ok());
            }
        })
    });
    group.bench_function("typed_event", |bench| {
        bench.iter(|| {
            for body in &bodies {
                black_box(Event::from_slice(black_box(body)).ok());
            }
        })
    });
    group.finish();
}

criterion_group!(benches, decode_every_sample);
criterion_main!(benches);
