//! Load benchmark of the axum receiver, on loopback, in one run:
//!
//! 1. requests/s of `POST /webhooks/cometchat` taking `CometChatEvent`
//!    (valid Basic auth, the `message_sent` sample) against a bare axum
//!    handler that answers 200 without reading the same request's body
//!    (target: ≥ 0.85× its requests/s), and against a handler that reads
//!    the body (axum's `Bytes`), which tells the receiver's own cost apart
//!    from the cost of reading any body; with the server's CPU time per
//!    request and the receiver's steps timed alone;
//! 2. the server's resident memory before, during and after floods of
//!    1 MiB requests without and with wrong credentials (answered 401 from
//!    the headers, bodies never read), and an authenticated flood as the
//!    control that shows what reading them costs.
//!
//! ```sh
//! cargo bench -p cometchat-webhooks-suite --bench load
//! cargo bench -p cometchat-webhooks-suite --bench load -- --seconds 10 --connections 64
//! cargo bench -p cometchat-webhooks-suite --bench load -- --durable
//! cargo bench -p cometchat-webhooks-suite --bench load -- --hostile
//! ```
//!
//! With `--durable` it measures durable delivery instead: requests/s and
//! time to 200 of the router mounted on axum in background mode and in
//! durable mode on redb and on `redis-server`s it starts itself
//! (`appendfsync always` and `everysec`), each server a child process
//! (`serve-durable`). With
//! `--hostile`, the axum, actix-web and warp receivers, each set up as its
//! example, under floods of unauthenticated 1 MiB requests and under a
//! slowloris siege: legitimate success rate and latency, and the server's
//! memory.
//!
//! The server runs as a child process (this binary with the argument
//! `serve`) so its memory is measured alone; this process generates the
//! load with hyper clients.

// A benchmark reports on stdout.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod breakdown;
mod compare_memory;
mod compare_throughput;
mod connection;
mod cpu;
mod durable;
mod durable_load;
mod durable_server;
mod flood;
mod framework_servers;
mod hostile;
mod memory;
mod script_time;
mod server;
mod server_process;
mod settings;
mod slowloris_load;
mod throughput;

use std::process::ExitCode;

use server_process::ServerProcess;
use settings::Settings;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1).peekable();
    if args.peek().map(String::as_str) == Some(server::ROLE) {
        return server::run();
    }
    if args.peek().map(String::as_str) == Some(durable_server::ROLE) {
        return durable_server::run(args.skip(1));
    }
    if args.peek().map(String::as_str) == Some(framework_servers::ROLE) {
        let framework = args.nth(1);
        return framework_servers::run(framework.as_deref());
    }
    let settings = match Settings::from_args(args) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("{error}\n{}", settings::USAGE);
            return ExitCode::FAILURE;
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("no tokio runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(benchmark(&settings)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("load benchmark failed: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn benchmark(settings: &Settings) -> std::io::Result<()> {
    if settings.durable {
        return durable::run(settings).await;
    }
    if settings.hostile {
        return hostile::run(settings).await;
    }
    let server = ServerProcess::start()?;
    let cores = std::thread::available_parallelism().map_or(0, |cores| cores.get());
    println!(
        "Load benchmark{}: loopback 127.0.0.1, {cores} CPUs, server in a child process \
         (axum 0.8, tokio, {cores} workers), load generator in this process (hyper, HTTP/1.1)",
        if settings.full { "" } else { " (smoke run; `cargo bench` for figures)" }
    );
    compare_throughput::run(&server, settings).await?;
    compare_memory::run(&server, settings).await
}
