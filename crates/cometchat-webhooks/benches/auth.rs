//! The Basic-auth check on the request path: accepted, wrong and malformed
//! headers, with one and with three configured pairs.

use std::hint::black_box;

use cometchat_webhooks::BasicAuth;
use cometchat_webhooks::testing::basic_auth_header;
use criterion::{Criterion, criterion_group, criterion_main};

fn verify(criterion: &mut Criterion) {
    let one = BasicAuth::new("cometchat-webhook", "Xk2f9QwLm3Rt7Vb1").unwrap();
    let rotating = BasicAuth::builder()
        .credentials("cometchat-webhook", "Xk2f9QwLm3Rt7Vb1")
        .and_then(|b| b.credentials("cometchat-webhook", "previous-password"))
        .and_then(|b| b.credentials("staging", "another-password"))
        .and_then(|b| b.build())
        .unwrap();
    let accepted = basic_auth_header("cometchat-webhook", "Xk2f9QwLm3Rt7Vb1");
    let wrong = basic_auth_header("cometchat-webhook", "Xk2f9QwLm3Rt7Vb2");
    let malformed = "Bearer eyJhbGciOiJIUzI1NiJ9";

    let mut group = criterion.benchmark_group("basic_auth");
    for (name, auth, header) in [
        ("accepted", &one, accepted.as_str()),
        ("wrong", &one, wrong.as_str()),
        ("malformed", &one, malformed),
        ("accepted_of_three", &rotating, accepted.as_str()),
    ] {
        group.bench_function(name, |bench| {
            bench.iter(|| black_box(auth.verify(black_box(Some(header.as_bytes())))))
        });
    }
    group.finish();
}

criterion_group!(benches, verify);
criterion_main!(benches);
