//! The durable scenario (`-- --durable`): the router mounted on axum in
//! background mode, then in durable mode on redb and on Redis, each under
//! the same bounded load of distinct deliveries, with requests/s and the
//! time to 200 of every request.

use std::sync::Arc;
use std::time::Duration;

use cometchat_webhooks::delivery::{EventQueue, QueueConfig, RedbStore, RedisConfig, RedisStore};
use cometchat_webhooks::payload::MessageSent;
use cometchat_webhooks::router::{BackgroundConfig, DurableConfig, WebhookRouter};
use cometchat_webhooks::testing::basic_auth_header;
use cometchat_webhooks::testing::conformance::{PASSWORD, USERNAME};

use crate::durable_load::{self, Bodies, Figures};
use crate::redis_process::RedisProcess;
use crate::settings::Settings;

/// Durable requests/s as a share of background mode's.
const TARGET_RATIO: f64 = 0.5;
/// The slowest 1 % of durable answers must come within this.
const TARGET_P99: Duration = Duration::from_millis(50);
/// How long stopping a router may wait for its handlers.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
/// How long the workers may take to empty a durable queue after a round.
const DRAIN_DEADLINE: Duration = Duration::from_secs(120);

/// Where a scenario's router keeps its deliveries.
enum Mode {
    Background,
    Redb,
    Redis,
}

impl Mode {
    fn label(&self) -> &'static str {
        match self {
            Mode::Background => "background (in memory)",
            Mode::Redb => "durable, RedbStore (fsync)",
            Mode::Redis => "durable, RedisStore (appendonly, fsync always)",
        }
    }
}

pub(crate) async fn run(settings: &Settings) -> std::io::Result<()> {
    let per_scenario = settings.durable_rounds * settings.durable_requests;
    let mut bodies = Bodies::new(per_scenario * 3);
    let authorization = basic_auth_header(USERNAME, PASSWORD);
    let redis = RedisProcess::start()?;
    let redb_dir = tempfile::tempdir()?;
    println!(
        "\nDurable delivery: router mounted with cometchat_webhooks_axum::mount, in this process; \
         {} keep-alive connections; {} round(s) of {} requests per mode, taking turns; each \
         request a message_sent with its own data.message.id (no duplicates)",
        settings.connections, settings.durable_rounds, settings.durable_requests,
    );
    let flush = disk_flush(redb_dir.path())?;
    println!(
        "A 4 KiB write + fdatasync in the store's directory, {FLUSH_PROBES} times: p50 {}, p90 {}; \
         every durable 200 waits for at least one, so {} connections cap a durable mode near \
         {:.0} requests/s",
        millis(flush.0),
        millis(flush.1),
        settings.connections,
        settings.connections as f64 / flush.0.as_secs_f64().max(f64::MIN_POSITIVE),
    );
    let modes = [Mode::Background, Mode::Redb, Mode::Redis];
    let mut servers = Vec::new();
    let mut stores = Vec::new();
    for mode in &modes {
        let (router, store) = router(mode, &redb_dir, &redis).await?;
        servers.push(durable_load::Server::start(router).await?);
        stores.push(store);
    }
    let mut figures: Vec<Figures> = modes.iter().map(|_| Figures::default()).collect();
    let mut drains: Vec<Duration> = modes.iter().map(|_| Duration::ZERO).collect();
    for _ in 0..settings.durable_rounds {
        for ((server, store), (figures, drain)) in
            servers.iter().zip(&stores).zip(figures.iter_mut().zip(&mut drains))
        {
            let round = bodies.take(settings.durable_requests);
            figures.add(
                durable_load::send(server.address(), &authorization, round, settings.connections)
                    .await,
            );
            // The workers finish this round's events before the next mode's
            // round starts, so no mode's backlog runs during another's.
            if let Some(store) = store {
                *drain += drain_queue(store.as_ref()).await?;
            }
        }
    }
    for server in servers {
        server.stop(SHUTDOWN_GRACE).await;
    }
    report(&modes, &figures, &drains)
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
async fn drain_queue(store: &dyn EventQueue) -> std::io::Result<Duration> {
    let started = std::time::Instant::now();
    loop {
        let stats = store.stats().await.map_err(std::io::Error::other)?;
        if stats.waiting + stats.in_flight + stats.scheduled_retries == 0 {
            return Ok(started.elapsed());
        }
        if started.elapsed() > DRAIN_DEADLINE {
            return Err(std::io::Error::other(format!(
                "the workers left {stats:?} after {DRAIN_DEADLINE:?}"
            )));
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// The mode's router, and its store (durable modes).
async fn router(
    mode: &Mode,
    redb_dir: &tempfile::TempDir,
    redis: &RedisProcess,
) -> std::io::Result<(WebhookRouter, Option<Arc<dyn EventQueue>>)> {
    let builder = WebhookRouter::builder().on(|sent: MessageSent| async move {
        std::hint::black_box(sent);
        Ok::<_, std::convert::Infallible>(())
    });
    let queue_config = QueueConfig::new();
    let store: Arc<dyn EventQueue> = match mode {
        Mode::Background => return Ok((builder.build_background(BackgroundConfig::new()), None)),
        Mode::Redb => Arc::new(
            RedbStore::open(redb_dir.path().join("deliveries.redb"), &queue_config)
                .map_err(std::io::Error::other)?,
        ),
        Mode::Redis => Arc::new(
            RedisStore::connect(RedisConfig::new(redis.url()), &queue_config)
                .await
                .map_err(std::io::Error::other)?,
        ),
    };
    let router = builder
        .durable(Arc::clone(&store), DurableConfig::from_queue_config(&queue_config))
        .map_err(std::io::Error::other)?;
    Ok((router, Some(store)))
}

fn report(modes: &[Mode], figures: &[Figures], drains: &[Duration]) -> std::io::Result<()> {
    println!("\n{:<48} {:>10} {:>9} {:>9} {:>9}", "mode", "requests/s", "p50", "p99", "max");
    for (mode, figures) in modes.iter().zip(figures) {
        if figures.answered_otherwise > 0 || figures.failed > 0 {
            return Err(std::io::Error::other(format!(
                "{}: {} answers other than 200, {} requests without an answer; figures void",
                mode.label(),
                figures.answered_otherwise,
                figures.failed
            )));
        }
        println!(
            "{:<48} {:>10.0} {:>9} {:>9} {:>9}",
            mode.label(),
            figures.per_second(),
            millis(figures.percentile(0.50)),
            millis(figures.percentile(0.99)),
            millis(figures.percentile(1.0)),
        );
    }
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
