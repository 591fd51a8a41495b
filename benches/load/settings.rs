//! How long and how hard to measure, from the command line.

use std::time::Duration;

/// The measurement's size. `cargo bench` passes `--bench`; without it (a
/// `cargo test --benches` run) everything shrinks to a quick smoke run.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    /// Whether this is a full measurement rather than a smoke run.
    pub(crate) full: bool,
    /// Rounds per handler, alternating bare and receiver so drift in the
    /// machine's load hits both alike.
    pub(crate) rounds: u32,
    pub(crate) round: Duration,
    pub(crate) warm_up: Duration,
    pub(crate) connections: usize,
    /// 1 MiB requests per flood.
    pub(crate) flood_requests: usize,
    pub(crate) flood_concurrency: usize,
    /// Send the sample minified, as a server serialises JSON, rather than
    /// indented as it is bundled for reading.
    pub(crate) minified_body: bool,
    /// Measure durable delivery (`--durable`) instead of the receiver's
    /// throughput and memory.
    pub(crate) durable: bool,
    /// Rounds per mode of the durable scenario.
    pub(crate) durable_rounds: usize,
    /// Distinct deliveries per round of the durable scenario.
    pub(crate) durable_requests: usize,
    /// Measure the three frameworks under hostile load (`--hostile`)
    /// instead.
    pub(crate) hostile: bool,
    /// Unauthenticated 1 MiB requests per flood of the hostile run.
    pub(crate) hostile_flood: usize,
    /// The concurrencies of the hostile run's floods.
    pub(crate) hostile_concurrency: Vec<usize>,
    /// Slow connections held at once in the slowloris scenario.
    pub(crate) slow_connections: usize,
    /// The pause between two bytes of a slow sender.
    pub(crate) slow_byte_pause: Duration,
    /// How long the slowloris siege lasts.
    pub(crate) slow_duration: Duration,
}

pub(crate) const USAGE: &str = "options: --rounds N  --seconds S (per round and handler)  \
                                --connections N  --flood N (requests per flood)  \
                                --flood-concurrency N  --body minified|pretty  \
                                --durable (durable delivery instead)  --durable-requests N \
                                (per round and mode)  --hostile (the three frameworks under \
                                floods and slowloris instead)  --hostile-flood N  \
                                --slow-connections N  --slow-seconds S";

impl Settings {
    pub(crate) fn from_args(args: impl IntoIterator<Item = String>) -> Result<Self, String> {
        let args: Vec<String> = args.into_iter().collect();
        let full = args.iter().any(|arg| arg == "--bench");
        let mut settings = if full { Self::full() } else { Self::smoke() };
        let mut args = args.into_iter().filter(|arg| arg != "--bench");
        while let Some(flag) = args.next() {
            if flag == "--durable" {
                settings.durable = true;
                continue;
            }
            if flag == "--hostile" {
                settings.hostile = true;
                continue;
            }
            let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
            let number =
                || value.parse::<f64>().map_err(|_| format!("{flag}: not a number: {value}"));
            let count = || number().map(|number| number.max(1.0) as usize);
            match flag.as_str() {
                "--rounds" => settings.rounds = count()? as u32,
                "--seconds" => settings.round = Duration::from_secs_f64(number()?.max(0.1)),
                "--connections" => settings.connections = count()?,
                "--flood" => settings.flood_requests = count()?,
                "--durable-requests" => settings.durable_requests = count()?,
                "--flood-concurrency" => settings.flood_concurrency = count()?,
                "--hostile-flood" => settings.hostile_flood = count()?,
                "--slow-connections" => settings.slow_connections = count()?,
                "--slow-seconds" => {
                    settings.slow_duration = Duration::from_secs_f64(number()?.max(1.0));
                }
                "--body" => {
                    settings.minified_body = match value.as_str() {
                        "minified" => true,
                        "pretty" => false,
                        _ => return Err(format!("--body: minified or pretty, not {value}")),
                    }
                }
                _ => return Err(format!("unknown option {flag}")),
            }
        }
        Ok(settings)
    }

    fn full() -> Self {
        Self {
            full: true,
            rounds: 10,
            round: Duration::from_secs(2),
            warm_up: Duration::from_secs(1),
            connections: 32,
            flood_requests: 2000,
            flood_concurrency: 32,
            minified_body: true,
            durable: false,
            durable_rounds: 3,
            durable_requests: 2000,
            hostile: false,
            hostile_flood: 4000,
            hostile_concurrency: vec![200, 800],
            slow_connections: 1000,
            slow_byte_pause: Duration::from_secs(1),
            slow_duration: Duration::from_secs(10),
        }
    }

    fn smoke() -> Self {
        Self {
            full: false,
            rounds: 1,
            round: Duration::from_millis(300),
            warm_up: Duration::from_millis(100),
            connections: 4,
            flood_requests: 40,
            flood_concurrency: 4,
            minified_body: true,
            durable: false,
            durable_rounds: 1,
            durable_requests: 40,
            hostile: false,
            hostile_flood: 20,
            hostile_concurrency: vec![4, 8],
            slow_connections: 12,
            slow_byte_pause: Duration::from_millis(200),
            slow_duration: Duration::from_secs(2),
        }
    }
}
