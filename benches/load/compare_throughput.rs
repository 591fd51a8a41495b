//! The throughput comparison: the receiver, and the router mounted inline
//! and in an acknowledge-first (background) mode, against a bare handler
//! and one that reads the body, on the same server, taking turns, and the
//! report.

use bytes::Bytes;
use cometchat_webhooks::Trigger;
use cometchat_webhooks::testing::conformance::{self, PASSWORD, USERNAME};
use cometchat_webhooks::testing::{basic_auth_header, minify_json, sample_body};

use crate::server_process::ServerProcess;
use crate::settings::Settings;
use crate::throughput::{self, Load, Tally};
use crate::{breakdown, server};

/// The figure the receiver and the acknowledge-first router must reach, as
/// a share of the bare handler's.
const TARGET_RATIO: f64 = 0.85;
/// The figure the inline router must reach, as a share of the bare
/// handler's.
const INLINE_TARGET_RATIO: f64 = 0.8;
/// Where the routes sit in `routes` below.
const BARE: usize = 0;
const READ_BODY: usize = 1;
const RECEIVER: usize = 2;
const INLINE: usize = 3;
const ACK_FIRST: usize = 4;

pub(crate) async fn run(server: &ServerProcess, settings: &Settings) -> std::io::Result<()> {
    let sample = sample_body(Trigger::MessageSent);
    let body = if settings.minified_body {
        let minified = minify_json(sample);
        let parse = |json: &[u8]| serde_json::from_slice::<serde_json::Value>(json).ok();
        assert_eq!(parse(&minified), parse(sample), "minifying keeps the JSON value");
        Bytes::from(minified)
    } else {
        Bytes::from_static(sample)
    };
    let receiver = Load {
        address: server.address(),
        pid: server.pid(),
        path: server::RECEIVER_PATH,
        authorization: basic_auth_header(USERNAME, PASSWORD),
        body: body.clone(),
        connections: settings.connections,
        duration: settings.round,
    };
    // The same request to every route; only what the server does differs.
    // In the order of `BARE`, `READ_BODY`, `RECEIVER`, `INLINE`, `ACK_FIRST`.
    let routes = [
        (
            "bare axum handler (200, body not read)",
            Load { path: server::BARE_PATH, ..receiver.clone() },
        ),
        (
            "axum handler reading the body (Bytes)",
            Load { path: server::READ_BODY_PATH, ..receiver.clone() },
        ),
        ("axum receiver (CometChatEvent)", receiver.clone()),
        ("router mounted, inline mode", Load { path: server::INLINE_PATH, ..receiver.clone() }),
        (
            "router mounted, background (ack-first)",
            Load { path: server::ACK_FIRST_PATH, ..receiver },
        ),
    ];
    println!(
        "\nThroughput: {} keep-alive connections, each POST the message_sent sample ({}, {} bytes) \
         with valid Basic auth; {} round(s) of {:.1} s per route, taking turns, after {:.1} s \
         of warm-up each",
        settings.connections,
        if settings.minified_body { "minified" } else { "indented as bundled" },
        body.len(),
        settings.rounds,
        settings.round.as_secs_f64(),
        settings.warm_up.as_secs_f64(),
    );
    for (_, load) in &routes {
        throughput::measure(&Load { duration: settings.warm_up, ..load.clone() }).await;
    }
    let mut totals = [Tally::default(); 5];
    // Per route, its rounds' ratios to the bare handler's rate.
    let mut round_ratios: [Vec<f64>; 5] = Default::default();
    println!(
        "  req/s per round: bare, reading the body, receiver, inline, ack-first; \
         receiver, inline, ack-first / bare"
    );
    for round in 1..=settings.rounds {
        let mut rates = [0.0; 5];
        for (((_, load), total), rate) in routes.iter().zip(&mut totals).zip(&mut rates) {
            let tally = throughput::measure(load).await;
            *rate = tally.per_second();
            total.add(&tally);
            // Lets a background worker finish what the round queued, so
            // its work is not counted in the next route's round.
            tokio::time::sleep(SETTLE).await;
        }
        for (ratios, rate) in round_ratios.iter_mut().zip(rates) {
            ratios.push(rate / rates[BARE]);
        }
        println!(
            "  round {round:>2}: {:>8.0} {:>8.0} {:>8.0} {:>8.0} {:>8.0}   {:.3} {:.3} {:.3}",
            rates[BARE],
            rates[READ_BODY],
            rates[RECEIVER],
            rates[INLINE],
            rates[ACK_FIRST],
            rates[RECEIVER] / rates[BARE],
            rates[INLINE] / rates[BARE],
            rates[ACK_FIRST] / rates[BARE],
        );
    }
    for ((name, _), total) in routes.iter().zip(&totals) {
        print_tally(name, total);
    }
    let (bare, read_body, receiver) = (totals[BARE], totals[READ_BODY], totals[RECEIVER]);
    // Other work on the machine moves whole rounds; the median of the
    // rounds' ratios is what such noise disturbs least.
    for (route, name, target) in [
        (RECEIVER, "receiver", TARGET_RATIO),
        (INLINE, "router inline", INLINE_TARGET_RATIO),
        (ACK_FIRST, "router ack-first", TARGET_RATIO),
    ] {
        let ratio = median(&mut round_ratios[route]);
        let verdict = match (settings.full, ratio >= target) {
            (false, _) => "no verdict on a smoke run",
            (true, true) => "met",
            (true, false) => "MISSED",
        };
        println!(
            "  {name} / bare: {ratio:.3} median of the rounds, {:.3} over all requests \
             (target ≥ {target}: {verdict})",
            totals[route].per_second() / bare.per_second()
        );
    }
    println!(
        "  receiver / handler reading the body: {:.3}; the receiver's own server CPU: {:.1} µs/request",
        receiver.per_second() / read_body.per_second(),
        (receiver.server_cpu_per_request().as_secs_f64()
            - read_body.server_cpu_per_request().as_secs_f64())
            * 1e6
    );
    let steps = breakdown::measure(
        &conformance::receiver_config(),
        &basic_auth_header(USERNAME, PASSWORD),
        &body,
        settings.round / 4,
    );
    println!(
        "  the receiver's steps, one thread, this process: authorize {:.2} µs, \
         the whole request path {:.2} µs, of which decoding the typed event {:.2} µs",
        steps.authorize.as_secs_f64() * 1e6,
        steps.receive.as_secs_f64() * 1e6,
        steps.decode.as_secs_f64() * 1e6,
    );
    if totals.iter().any(|tally| tally.answered_otherwise + tally.failed > 0) {
        return Err(std::io::Error::other(
            "requests went unanswered or were refused; figures void",
        ));
    }
    Ok(())
}

/// The pause after each route's round.
const SETTLE: std::time::Duration = std::time::Duration::from_millis(100);

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        length if length % 2 == 1 => values[length / 2],
        length => (values[length / 2 - 1] + values[length / 2]) / 2.0,
    }
}

fn print_tally(name: &str, tally: &Tally) {
    println!(
        "  {name:<40} {:>8.0} req/s, server CPU {:>5.1} µs/request  \
         ({} requests in {:.1} s, {} connections opened, {} refused, {} failed)",
        tally.per_second(),
        tally.server_cpu_per_request().as_secs_f64() * 1e6,
        tally.answered_ok,
        tally.elapsed.as_secs_f64(),
        tally.connections,
        tally.answered_otherwise,
        tally.failed,
    );
}
