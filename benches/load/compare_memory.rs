//! The memory comparison: floods of 1 MiB requests refused from the
//! headers, then an accepted flood as the control, and the report.

use bytes::Bytes;
use cometchat_webhooks::testing::conformance::{PASSWORD, USERNAME, WRONG_PASSWORD};
use cometchat_webhooks::testing::{basic_auth_header, sample_body};
use cometchat_webhooks::{ReceiverConfig, Trigger};

use crate::flood::{self, Flood, FloodReport};
use crate::memory::mib;
use crate::server;
use crate::server_process::ServerProcess;
use crate::settings::Settings;

pub(crate) async fn run(server: &ServerProcess, settings: &Settings) -> std::io::Result<()> {
    // Exactly the limit, and a valid webhook: the control flood is accepted.
    let mut body = sample_body(Trigger::MessageSent).to_vec();
    body.resize(ReceiverConfig::DEFAULT_BODY_LIMIT, b' ');
    let unauthenticated = Flood {
        path: server::RECEIVER_PATH,
        authorization: None,
        body: Bytes::from(body),
        requests: settings.flood_requests,
        concurrency: settings.flood_concurrency,
        chunked: false,
    };
    let wrong_password = Flood {
        authorization: Some(basic_auth_header(USERNAME, WRONG_PASSWORD)),
        ..unauthenticated.clone()
    };
    let control = Flood {
        authorization: Some(basic_auth_header(USERNAME, PASSWORD)),
        ..unauthenticated.clone()
    };
    println!(
        "\nMemory: floods of {} requests with a 1 MiB body (Content-Length: {}), {} at a time, \
         each on a new connection; server VmRSS from /proc/{}/status, sampled every 5 ms",
        settings.flood_requests,
        unauthenticated.body.len(),
        settings.flood_concurrency,
        server.pid(),
    );
    // The refused floods go first, so nothing the control allocates can
    // hide growth they would cause.
    for (name, flood) in [
        ("no Authorization", &unauthenticated),
        ("wrong password", &wrong_password),
        ("valid password (control: bodies read)", &control),
    ] {
        let report = flood::run(server, flood).await?;
        print_flood(name, &report);
    }
    Ok(())
}

pub(crate) fn print_flood(name: &str, report: &FloodReport) {
    let answers: Vec<String> =
        report.answers.iter().map(|(status, count)| format!("{count}× {status}")).collect();
    println!(
        "  {name}: {} in {:.1} s ({} closed by the server mid-body, {} failed)\n    \
         RSS before {:.1} MiB, peak during {:.1} MiB ({:+.1}), after {:.1} MiB; VmHWM {:.1} MiB",
        answers.join(", "),
        report.elapsed.as_secs_f64(),
        report.cut_short,
        report.failed,
        mib(report.before.resident_kib),
        mib(report.peak_resident_kib),
        mib(report.peak_resident_kib) - mib(report.before.resident_kib),
        mib(report.after.resident_kib),
        mib(report.after.peak_kib),
    );
}
