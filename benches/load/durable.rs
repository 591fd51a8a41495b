//! The durable scenario (`-- --durable`): the router mounted on axum in
//! background mode, then in durable mode on redb and on Redis (fsync on
//! every write, then once a second), each server a child process, each
//! under the same bounded load of distinct deliveries, with requests/s, the
//! time to 200 of every request and the server's CPU time per request.

use std::time::Duration;

use cometchat_webhooks::testing::conformance::{PASSWORD, USERNAME};
use cometchat_webhooks::testing::{AppendFsync, RedisServer, basic_auth_header};

use crate::durable_load::{self, Bodies, Figures};
use crate::durable_server;
use crate::server_process::ServerProcess;
use crate::settings::Settings;

/// Durable requests/s as a share of background mode's.
const TARGET_RATIO: f64 = 0.5;
/// The slowest 1 % of durable answers must come within this.
const TARGET_P99: Duration = Duration::from_millis(50);
/// How long the workers may take to empty a durable queue after a round.
const DRAIN_DEADLINE: Duration = Duration::from_secs(120);

/// Where a scenario's router keeps its deliveries.
#[derive(Clone, Copy)]
enum Mode {
    Background,
    Redb,
    Redis(AppendFsync),
}

impl Mode {
    fn label(self) -> &'static str {
        match self {
            Mode::Background => "background (in memory)",
            Mode::Redb => "durable, RedbStore (fsync)",
            Mode::Redis(AppendFsync::Always) => "durable, RedisStore (appendfsync always)",
            Mode::Redis(AppendFsync::EverySec) => "durable, RedisStore (appendfsync everysec)",
        }
    }
}

/// One mode's server child process, and what it needs kept alive.
struct Scenario {
    mode: Mode,
    server: ServerProcess,
    // Stopped (and removed) after the server.
    redis: Option<RedisServer>,
}

impl Scenario {
    fn start(mode: Mode, redb_dir: &tempfile::TempDir) -> std::io::Result<Self> {
        let (server, redis) = match mode {
            Mode::Background => {
                (ServerProcess::start_with(&[durable_server::ROLE, "background"])?, None)
            }
            Mode::Redb => {
                let path = redb_dir.path().join("deliveries.redb");
                let path = path.to_str().ok_or_else(|| {
                    std::io::Error::other("the temporary directory's path is not UTF-8")
                })?;
                (ServerProcess::start_with(&[durable_server::ROLE, "redb", path])?, None)
            }
            Mode::Redis(fsync) => {
                // Panics with what is missing when redis-server cannot start.
                let redis = RedisServer::start_with(fsync);
                let server =
                    ServerProcess::start_with(&[durable_server::ROLE, "redis", &redis.url()])?;
                (server, Some(redis))
            }
        };
        Ok(Self { mode, server, redis })
    }

    /// How long redis-server has run the store's scripts so far; zero for
    /// the other modes.
    fn script_time(&self) -> std::io::Result<Duration> {
        match &self.redis {
            Some(redis) => crate::script_time::evalsha_time(redis.port()),
            None => Ok(Duration::ZERO),
        }
    }

    /// The CPU time of the store's own process so far: redis-server's; zero
    /// for the modes whose store runs inside the server.
    fn store_cpu(&self) -> std::io::Result<Duration> {
        match self.redis.as_ref().and_then(RedisServer::pid) {
            Some(pid) => crate::cpu::of_process(pid),
            None => Ok(Duration::ZERO),
        }
    }
}

pub(crate) async fn run(settings: &Settings) -> std::io::Result<()> {
    let modes = [
        Mode::Background,
        Mode::Redb,
        Mode::Redis(AppendFsync::Always),
        Mode::Redis(AppendFsync::EverySec),
    ];
    let per_scenario = settings.durable_rounds * settings.durable_requests;
    let mut bodies = Bodies::new(per_scenario * modes.len());
    let authorization = basic_auth_header(USERNAME, PASSWORD);
    let redb_dir = tempfile::tempdir()?;
    let cores = std::thread::available_parallelism().map_or(0, |cores| cores.get());
    println!(
        "\nDurable delivery: {cores} CPUs; each mode's router mounted with \
         cometchat_webhooks_axum::mount in a server child process (tokio, {cores} workers), \
         load generator in this process; {} keep-alive connections; {} round(s) of {} requests \
         per mode, taking turns; each request a message_sent with its own data.message.id (no \
         duplicates)",
        settings.connections, settings.durable_rounds, settings.durable_requests,
    );
    let flush = disk_flush(redb_dir.path())?;
    println!(
        "A 4 KiB write + fdatasync in the store's directory, {FLUSH_PROBES} times: p50 {}, p90 {}; \
         every durable 200 with fsync per write waits for at least one, so {} connections cap \
         such a mode near {:.0} requests/s",
        millis(flush.0),
        millis(flush.1),
        settings.connections,
        settings.connections as f64 / flush.0.as_secs_f64().max(f64::MIN_POSITIVE),
    );
    let scenarios = modes
        .iter()
        .map(|mode| Scenario::start(*mode, &redb_dir))
        .collect::<Result<Vec<_>, _>>()?;
    let mut figures: Vec<Figures> = modes.iter().map(|_| Figures::default()).collect();
    let mut drains: Vec<Duration> = modes.iter().map(|_| Duration::ZERO).collect();
    let mut cpu: Vec<Duration> = modes.iter().map(|_| Duration::ZERO).collect();
    let mut store_cpu: Vec<Duration> = modes.iter().map(|_| Duration::ZERO).collect();
    for _ in 0..settings.durable_rounds {
        for (scenario, (((figures, drain), cpu), store_cpu)) in scenarios
            .iter()
            .zip(figures.iter_mut().zip(&mut drains).zip(&mut cpu).zip(&mut store_cpu))
        {
            let round = bodies.take(settings.durable_requests);
            let address = scenario.server.address();
            let cpu_before = crate::cpu::of_process(scenario.server.pid())?;
            let store_cpu_before = scenario.store_cpu()?;
            figures.add(
                durable_load::send(address, &authorization, round, settings.connections).await,
            );
            // The workers finish this round's events before the next mode's
            // round starts, so no mode's backlog runs during another's.
            *drain += drain_queue(address).await?;
            *cpu += crate::cpu::of_process(scenario.server.pid())?.saturating_sub(cpu_before);
            *store_cpu += scenario.store_cpu()?.saturating_sub(store_cpu_before);
        }
    }
    let modes: Vec<Mode> = scenarios.iter().map(|scenario| scenario.mode).collect();
    // Every round and its drain: the scripts of enqueues, claims and acks.
    let scripts = scenarios.iter().map(Scenario::script_time).collect::<Result<Vec<_>, _>>()?;
    drop(scenarios);
    report(&modes, &figures, &drains, &cpu, &store_cpu)?;
    for ((mode, figures), scripts) in modes.iter().zip(&figures).zip(&scripts) {
        if let Mode::Redis(_) = mode {
            println!(
                "{}: redis-server ran the store's scripts {:.1} µs per request (INFO \
                 commandstats, EVALSHA: enqueue, claims, acks)",
                mode.label(),
                scripts.as_secs_f64() * 1e6 / figures.answered().max(1) as f64,
            );
        }
    }
    Ok(())
}

/// How many flushes the disk probe times.
const FLUSH_PROBES: usize = 50;

/// The median and 90th percentile of a small write followed by
/// `fdatasync` in `dir`: the floor under every durable answer (a redb
/// commit and Redis's `appendfsync always` end with one).
fn disk_flush(dir: &std::path::Path) -> std::io::Result<(Duration, Duration)> {
    use std::io::{Seek, SeekFrom, Write};
    let path = dir.join("flush-probe");
    let mut file = std::fs::File::create(&path)?;
    let mut times = Vec::with_capacity(FLUSH_PROBES);
    for _ in 0..FLUSH_PROBES {
        file.seek(SeekFrom::Start(0))?;
        file.write_all(&[7u8; 4096])?;
        let started = std::time::Instant::now();
        file.sync_data()?;
        times.push(started.elapsed());
    }
    drop(file);
    std::fs::remove_file(&path)?;
    times.sort_unstable();
    Ok((times[FLUSH_PROBES / 2], times[FLUSH_PROBES * 9 / 10]))
}

/// Waits until the workers have handled every stored event; returns how
/// long that took.
async fn drain_queue(address: std::net::SocketAddr) -> std::io::Result<Duration> {
    let started = std::time::Instant::now();
    loop {
        let backlog = durable_load::backlog(address).await?;
        if backlog == 0 {
            return Ok(started.elapsed());
        }
        if started.elapsed() > DRAIN_DEADLINE {
            return Err(std::io::Error::other(format!(
                "the workers left {backlog} events after {DRAIN_DEADLINE:?}"
            )));
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn report(
    modes: &[Mode],
    figures: &[Figures],
    drains: &[Duration],
    cpu: &[Duration],
    store_cpu: &[Duration],
) -> std::io::Result<()> {
    println!(
        "\n{:<44} {:>10} {:>9} {:>9} {:>9} {:>14} {:>14}",
        "mode", "requests/s", "p50", "p99", "max", "server CPU", "redis-server"
    );
    for (((mode, figures), cpu), store_cpu) in modes.iter().zip(figures).zip(cpu).zip(store_cpu) {
        let per_request =
            |time: &Duration| time.as_secs_f64() * 1e6 / (figures.answered().max(1) as f64);
        if figures.answered_otherwise > 0 || figures.failed > 0 {
            return Err(std::io::Error::other(format!(
                "{}: {} answers other than 200, {} requests without an answer; figures void",
                mode.label(),
                figures.answered_otherwise,
                figures.failed
            )));
        }
        let redis_cpu = match mode {
            Mode::Redis(_) => format!("{:.1} µs/req", per_request(store_cpu)),
            _ => "-".to_owned(),
        };
        println!(
            "{:<44} {:>10.0} {:>9} {:>9} {:>9} {:>7.1} µs/req {:>14}",
            mode.label(),
            figures.per_second(),
            millis(figures.percentile(0.50)),
            millis(figures.percentile(0.99)),
            millis(figures.percentile(1.0)),
            per_request(cpu),
            redis_cpu,
        );
    }
    println!(
        "(server CPU: the server process's user + system time over the rounds and the \
         workers' handling after them, per request answered; redis-server: the same for the \
         Redis modes' server, which the redb and background modes do not have)"
    );
    let background = figures[0].per_second();
    for ((mode, figures), drain) in modes.iter().zip(figures).zip(drains).skip(1) {
        let handled = figures.answered() as f64;
        println!(
            "{}: the workers needed {} after the rounds to handle what was stored; \
             {:.0} deliveries/s handled from first request to empty queue",
            mode.label(),
            millis(*drain),
            handled / (figures.elapsed().as_secs_f64() + drain.as_secs_f64()),
        );
    }
    for (mode, figures) in modes.iter().zip(figures).skip(1) {
        let ratio = figures.per_second() / background;
        let p99 = figures.percentile(0.99);
        println!(
            "{}: {ratio:.2}x background's requests/s (target >= {TARGET_RATIO}x: {}), p99 {} \
             (target < {} ms: {})",
            mode.label(),
            met(ratio >= TARGET_RATIO),
            millis(p99),
            TARGET_P99.as_millis(),
            met(p99 < TARGET_P99),
        );
    }
    Ok(())
}

fn millis(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1000.0)
}

fn met(met: bool) -> &'static str {
    if met { "met" } else { "MISSED" }
}
