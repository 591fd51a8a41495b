//! The flags that make `listen` durable: where deliveries are stored, and
//! what the workers do with them (print, or forward to an internal URL).

use std::time::Duration;

use clap::Args;
use cometchat_webhooks::delivery::QueueConfig;

use crate::duration_arg::{format_duration, parse_duration};
use crate::errors::CliError;
use crate::redis_tls_args::RedisTlsArgs;
use crate::store_spec::{STORE_VAR, StoreArgs};

/// `listen --store …` and the flags that only mean something with it.
#[derive(Debug, Clone, Args)]
pub(crate) struct DurableArgs {
    /// Store every delivery before answering 200 (503 when it cannot be
    /// stored), then print, save or forward it from a worker: `redb:PATH`
    /// (one machine, created on first start) or
    /// `redis://[:PASSWORD@]HOST[:PORT][/DB]` (several instances; `rediss://`
    /// for TLS).
    #[arg(long, env = STORE_VAR, hide_env_values = true, value_name = "STORE")]
    pub(crate) store: Option<String>,

    /// The prefix of every Redis key [default: cometchat-webhooks].
    #[arg(long, value_name = "PREFIX", requires = "store")]
    pub(crate) redis_prefix: Option<String>,

    /// The application whose queue to use, on a Redis server several share
    /// [default: default].
    #[arg(long, value_name = "NAME", requires = "store")]
    pub(crate) app: Option<String>,

    /// How long to wait for a Redis server to connect and to answer each
    /// command.
    #[arg(long = "store-timeout", default_value = "3s", value_parser = parse_duration)]
    pub(crate) store_timeout: Duration,

    #[command(flatten)]
    pub(crate) tls: RedisTlsArgs,

    /// POST each stored event to this internal URL (exact body, its trigger
    /// in `X-CometChat-Trigger`, its key in `Idempotency-Key`); a non-2xx
    /// answer, a timeout or a connection error is retried, then
    /// dead-lettered.
    #[arg(long, value_name = "URL", requires = "store")]
    pub(crate) forward_to: Option<String>,

    /// How long one forward (or print and save) may take before it counts
    /// as failed.
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    pub(crate) forward_timeout: Duration,

    /// How long a worker's claim on an event lasts without renewal (it is
    /// renewed while the event is handled); after a crash, the events being
    /// handled wait this long before they are claimed again. Longer than
    /// --forward-timeout [default: twice --forward-timeout, at least 60s].
    #[arg(long, value_parser = parse_duration)]
    pub(crate) lease: Option<Duration>,

    /// How many events are handled at once.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub(crate) workers: u16,

    /// How many attempts an event gets before it becomes a dead letter.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub(crate) max_attempts: u32,

    /// The wait before the first retry; it doubles with each attempt (up
    /// to one hour), with jitter.
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    pub(crate) retry_delay: Duration,

    /// On Ctrl-C or SIGTERM, how long events being handled get to finish;
    /// whatever is not finished by then stays stored for the next start.
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    pub(crate) grace: Duration,
}

impl DurableArgs {
    /// The lease: as given (when longer than an attempt may take), or
    /// twice the attempt timeout and at least the library's default.
    pub(crate) fn lease(&self) -> Result<Duration, CliError> {
        match self.lease {
            Some(lease) if lease <= self.forward_timeout => Err(CliError::BadStoreSetting {
                flag: "--lease",
                reason: format!(
                    "{} is not longer than --forward-timeout {}: an attempt still running would \
                     be claimed again",
                    format_duration(lease),
                    format_duration(self.forward_timeout)
                ),
            }),
            Some(lease) => Ok(lease),
            None => Ok((self.forward_timeout * 2).max(QueueConfig::DEFAULT_LEASE)),
        }
    }

    /// The store flags as `queue` takes them, when `--store` is given.
    pub(crate) fn store_args(&self) -> Option<StoreArgs> {
        Some(StoreArgs {
            store: self.store.clone()?,
            redis_prefix: self.redis_prefix.clone(),
            app: self.app.clone(),
            timeout: self.store_timeout,
            tls: self.tls.clone(),
        })
    }
}
