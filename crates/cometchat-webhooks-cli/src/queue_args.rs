//! The arguments of `queue`: a store and what to do with it.

use std::time::Duration;

use clap::{ArgGroup, Args, Subcommand};

use crate::age_arg::parse_age;
use crate::store_spec::StoreArgs;

#[derive(Debug, Args)]
pub(crate) struct QueueArgs {
    #[command(flatten)]
    pub(crate) store: StoreArgs,

    #[command(subcommand)]
    pub(crate) command: QueueCommand,
}

#[derive(Debug, Subcommand)]
pub(crate) enum QueueCommand {
    /// Count the stored events: waiting, in flight, scheduled retries, dead.
    Stats(JsonArg),

    /// List dead letters, oldest first: key, trigger, attempts, since when,
    /// last error.
    Dead(DeadArgs),

    /// Everything stored about one event: state, attempts, last error, body.
    Show(ShowArgs),

    /// Put dead letters back in the queue, with a fresh set of attempts.
    Redrive(RedriveArgs),

    /// Delete dead letters for good.
    Purge(PurgeArgs),
}

#[derive(Debug, Args)]
pub(crate) struct JsonArg {
    /// Print JSON instead of text.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct DeadArgs {
    /// Show at most this many.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub(crate) limit: u32,

    /// Print a JSON array (keys and errors in full) instead of a table.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ShowArgs {
    /// The event's idempotency key, as `queue dead` lists it.
    pub(crate) key: String,

    /// Print a JSON object (the body as a string, or base64 when it is not
    /// UTF-8) instead of text.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("which").required(true).args(["key", "all"])))]
pub(crate) struct RedriveArgs {
    /// The dead letter's idempotency key.
    pub(crate) key: Option<String>,

    /// Every dead letter.
    #[arg(long)]
    pub(crate) all: bool,
}

#[derive(Debug, Args)]
pub(crate) struct PurgeArgs {
    /// Delete dead letters (the only kind of event an operator deletes).
    #[arg(long, required = true)]
    pub(crate) dead: bool,

    /// Only those dead for longer than this: `7d`, `12h`, `1d12h`, `30m`.
    #[arg(long, value_name = "AGE", value_parser = parse_age)]
    pub(crate) older_than: Option<Duration>,
}
