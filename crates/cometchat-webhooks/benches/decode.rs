//! Decoding every bundled sample into `Event`, against parsing the same bytes
//! into `serde_json::Value` (what a hand-written receiver does), in one run:
//! from a slice (which copies the body, since an `Event` owns it) and from
//! `Bytes` (what the adapters do: the body they read is handed over).

use std::hint::black_box;

use cometchat_webhooks::testing::samples;
use cometchat_webhooks::{Bytes, Event};
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
    let shared: Vec<Bytes> = bodies.iter().map(|body| Bytes::from_static(body)).collect();
    group.bench_function("typed_event_from_bytes", |bench| {
        bench.iter(|| {
            for body in &shared {
                black_box(Event::from_bytes(black_box(body.clone())).ok());
            }
        })
    });
    group.finish();
}

criterion_group!(benches, decode_every_sample);
criterion_main!(benches);
