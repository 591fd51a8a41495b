//! `--hostile`: the three frameworks set up as their examples are, under
//! floods of unauthenticated 1 MiB requests (with `Content-Length` and
//! chunked, at two concurrencies) and under a slowloris siege, each server
//! a child process whose memory is read from `/proc/<pid>/status`.

use bytes::Bytes;
use cometchat_webhooks::testing::conformance::{self, PASSWORD, USERNAME};
use cometchat_webhooks::testing::{basic_auth_header, sample_body};
use cometchat_webhooks::{ReceiverConfig, Trigger};

use crate::compare_memory::print_flood;
use crate::flood::{self, Flood};
use crate::framework_servers::{self, FRAMEWORKS};
use crate::memory::mib;
use crate::server_process::ServerProcess;
use crate::settings::Settings;
use crate::slowloris_load::{self, Slowloris, SlowlorisReport};

/// Peak RSS growth of each framework's floods, in MiB, in flood order.
type Growth = Vec<(String, f64)>;

pub(crate) async fn run(settings: &Settings) -> std::io::Result<()> {
    let cores = std::thread::available_parallelism().map_or(0, |cores| cores.get());
    println!(
        "Hostile load{}: loopback 127.0.0.1, {cores} CPUs; each server a child process set up as \
         its example (axum and warp: hyper HTTP/1, header-read timeout 5 s, 10,000 connections; \
         actix-web: GuardedServer, request-head timeout 5 s, no lingering, 10,000 connections \
         per worker); body-read deadline 1 s",
        if settings.full { "" } else { " (smoke run; `cargo bench` for figures)" }
    );
    let mut growth: Vec<(&str, Growth)> = Vec::new();
    for framework in FRAMEWORKS {
        let server = ServerProcess::start_with(&[framework_servers::ROLE, framework])?;
        println!("\n{framework} (pid {}):", server.pid());
        growth.push((framework, floods(&server, settings).await?));
        drop(server);
        let server = ServerProcess::start_with(&[framework_servers::ROLE, framework])?;
        siege(&server, settings).await?;
    }
    summarise(&growth);
    Ok(())
}

/// The unauthenticated floods, one after another on the same server.
async fn floods(server: &ServerProcess, settings: &Settings) -> std::io::Result<Growth> {
    let mut body = sample_body(Trigger::MessageSent).to_vec();
    body.resize(ReceiverConfig::DEFAULT_BODY_LIMIT, b' ');
    let body = Bytes::from(body);
    // Warm-up, not reported: the runtime's first allocations are not the
    // floods' doing.
    let smallest = settings.hostile_concurrency.iter().copied().min().unwrap_or(1);
    let warm_up = Flood {
        path: conformance::PATH,
        authorization: None,
        body: body.clone(),
        requests: smallest * 2,
        concurrency: smallest,
        chunked: false,
    };
    flood::run(server, &warm_up).await?;
    let mut growth = Vec::new();
    for chunked in [false, true] {
        for &concurrency in &settings.hostile_concurrency {
            let flood = Flood {
                path: conformance::PATH,
                authorization: None,
                body: body.clone(),
                requests: settings.hostile_flood,
                concurrency,
                chunked,
            };
            let name = format!(
                "{} unauthenticated 1 MiB requests, {}, {concurrency} at a time",
                settings.hostile_flood,
                if chunked { "chunked" } else { "Content-Length" }
            );
            let report = flood::run(server, &flood).await?;
            print_flood(&name, &report);
            let grew = mib(report.peak_resident_kib) - mib(report.before.resident_kib);
            let label = format!("{}, {concurrency}", if chunked { "chunked" } else { "length" });
            growth.push((label, grew));
        }
    }
    Ok(growth)
}

async fn siege(server: &ServerProcess, settings: &Settings) -> std::io::Result<()> {
    let siege = Slowloris {
        connections: settings.slow_connections,
        byte_pause: settings.slow_byte_pause,
        duration: settings.slow_duration,
        authorization: basic_auth_header(USERNAME, PASSWORD),
        path: conformance::PATH,
        body: Bytes::from_static(sample_body(Trigger::MessageSent)),
    };
    let report = slowloris_load::run(server, &siege).await?;
    print_siege(&siege, &report);
    Ok(())
}

fn print_siege(siege: &Slowloris, report: &SlowlorisReport) {
    println!(
        "  slowloris: {} slow connections (2/3 heads, 1/3 bodies, a byte every {:.1} s, reopened \
         when closed) for {:.0} s, 8 legitimate senders on new connections\n    \
         legitimate: {}/{} answered 200 ({:.1} %), latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms\n    \
         slow connections opened {}, closed by the server {}\n    \
         RSS before {:.1} MiB, peak during {:.1} MiB ({:+.1}), after {:.1} MiB",
        siege.connections,
        siege.byte_pause.as_secs_f64(),
        siege.duration.as_secs_f64(),
        report.legitimate_ok,
        report.legitimate,
        report.success_rate() * 100.0,
        millis(report.percentile(0.5)),
        millis(report.percentile(0.99)),
        millis(report.latencies.last().copied().unwrap_or_default()),
        report.slow_opened,
        report.slow_closed_by_server,
        mib(report.before.resident_kib),
        mib(report.peak_resident_kib),
        mib(report.peak_resident_kib) - mib(report.before.resident_kib),
        mib(report.after.resident_kib),
    );
}

fn millis(duration: std::time::Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// Peak RSS growth per flood, side by side, and actix-web's against the
/// larger of axum's and warp's (target: flat like them).
fn summarise(growth: &[(&str, Growth)]) {
    println!("\nPeak RSS growth during the unauthenticated floods (MiB):");
    let Some((_, first)) = growth.first() else { return };
    let labels: Vec<&str> = first.iter().map(|(label, _)| label.as_str()).collect();
    println!("  {:<12}{}", "", labels.iter().map(|l| format!("{l:>16}")).collect::<String>());
    for (framework, floods) in growth {
        let cells: String = floods.iter().map(|(_, grew)| format!("{grew:>16.1}")).collect();
        println!("  {framework:<12}{cells}");
    }
    let of = |name: &str| growth.iter().find(|(framework, _)| *framework == name);
    if let (Some((_, actix)), Some((_, axum)), Some((_, warp))) =
        (of("actix-web"), of("axum"), of("warp"))
    {
        let worst = |floods: &Growth| floods.iter().map(|(_, grew)| *grew).fold(0.0, f64::max);
        let (actix, others) = (worst(actix), worst(axum).max(worst(warp)));
        let flat = actix <= others + 1.0;
        println!(
            "  actix-web's largest growth {actix:+.1} MiB, axum's and warp's {others:+.1} MiB \
             (target: as flat as axum and warp, within 1 MiB: {})",
            if flat { "met" } else { "MISSED" }
        );
    }
}
