//! The command line: every subcommand, its arguments and an example.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use clap_complete::Shell;
use cometchat_webhooks::auth::{PASSWORD_VAR, USERNAME_VAR};
use cometchat_webhooks::media::{API_KEY_VAR, APP_ID_VAR};

use crate::durable_args::DurableArgs;
use crate::duration_arg::parse_duration;
use crate::listen_address::{ListenAddress, parse_listen_address};

/// Environment variable holding the receiver URL `send` and `replay` post to
/// when `--url` is not given.
pub(crate) const URL_VAR: &str = "COMETCHAT_WEBHOOK_URL";
use crate::queue_args::QueueArgs;
use crate::server_limits::ServerLimits;

/// Develop a CometChat webhook receiver locally: send sample deliveries,
/// receive them, inspect and replay them.
#[derive(Debug, Parser)]
#[command(name = "cometchat-webhooks", version, propagate_version = true)]
#[command(after_help = "\
Start here:
  cometchat-webhooks demo                      # a receiver and every sample, in one process
  cometchat-webhooks list                      # every trigger and its idempotency key
  cometchat-webhooks send message_sent --url http://127.0.0.1:3000/webhooks/cometchat")]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// List every trigger: its category, whether it is legacy, and how its
    /// idempotency key is built.
    #[command(after_help = "\
Examples:
  cometchat-webhooks list
  cometchat-webhooks list --json")]
    List(ListArgs),

    /// POST the bundled sample of a trigger (or a file) to a receiver, with
    /// Basic auth.
    #[command(after_help = "\
Examples:
  export COMETCHAT_WEBHOOK_USERNAME=cometchat COMETCHAT_WEBHOOK_PASSWORD=s3cret
  cometchat-webhooks send message_sent --url http://127.0.0.1:3000/webhooks/cometchat
  cometchat-webhooks send message_sent --url http://127.0.0.1:3000/webhooks/cometchat \\
      --set 'data.message.data.text=\"hello\"' --set 'data.message.sender=\"alice\"'
  cometchat-webhooks send message_sent --dry-run        # show the body and its paths
  cometchat-webhooks send --file body.json --url http://127.0.0.1:3000/webhooks/cometchat
  cometchat-webhooks send --raw not-json.txt    # a body the receiver must refuse with 400
  export COMETCHAT_WEBHOOK_URL=http://127.0.0.1:3000/webhooks/cometchat
  cometchat-webhooks send message_sent          # --url from COMETCHAT_WEBHOOK_URL")]
    Send(SendArgs),

    /// Receive webhooks (on 127.0.0.1 unless --bind says otherwise) and
    /// print one line per delivery.
    #[command(after_help = "\
Examples:
  cometchat-webhooks listen --port 3000 --username cometchat --password s3cret
  cometchat-webhooks listen --allow-unauthenticated --save ./deliveries --json
  cometchat-webhooks listen --bind 0.0.0.0:3000 ...   # reachable from other machines
  cometchat-webhooks listen --store redb:./deliveries.redb ...   # 200 only once stored
  cometchat-webhooks listen --store redis://127.0.0.1:6379/0 --app shop \
      --forward-to http://127.0.0.1:8080/internal/cometchat ...  # a durable relay

With --store, every delivery is stored before it is answered 200 (503 when it cannot
be), then printed, saved or forwarded by a worker, with retries and dead letters
(see `cometchat-webhooks queue`). Ctrl-C or SIGTERM stops taking deliveries, gives
the events being handled --grace to finish, and leaves everything else stored.")]
    Listen(Box<ListenArgs>),

    /// Decode a webhook body and show what it carries.
    #[command(after_help = "\
Examples:
  cometchat-webhooks inspect deliveries/1700000000000-0001-message_sent.json
  cometchat-webhooks send message_sent --dry-run | cometchat-webhooks inspect --json")]
    Inspect(InspectArgs),

    /// Send every saved body in a directory (as saved by `listen --save`).
    #[command(after_help = "\
Example:
  cometchat-webhooks replay ./deliveries --url http://127.0.0.1:3000/webhooks/cometchat --concurrency 8")]
    Replay(ReplayArgs),

    /// Start a receiver in this process, send it every bundled sample over
    /// HTTP, and show how each was answered and decoded.
    #[command(after_help = "\
Example:
  cometchat-webhooks demo
Exits 0 only when every sample was accepted (2xx) and decoded into its typed payload.")]
    Demo(DemoArgs),

    /// Media URLs from webhook payloads.
    #[command(subcommand)]
    Media(MediaCommand),

    /// Look into a durable store and operate on it: counts, dead letters,
    /// one event, redrive, purge.
    #[command(after_help = "\
Examples:
  cometchat-webhooks queue --store redb:./deliveries.redb stats
  cometchat-webhooks queue --store redis://127.0.0.1:6379/0 --app shop dead
  cometchat-webhooks queue --store redb:./deliveries.redb show 'message_sent/APP/HOOK/message.id=1'
  cometchat-webhooks queue --store redb:./deliveries.redb redrive --all
  cometchat-webhooks queue --store redb:./deliveries.redb purge --dead --older-than 7d

--store may also come from COMETCHAT_WEBHOOKS_STORE (keeps a Redis password out of the
process list). Exit codes: 0 done, 1 other failure, 2 bad command line or --store,
3 no such key (or no dead letter with it), 4 the store cannot be opened, reached or used.")]
    Queue(QueueArgs),
    /// Print a completion script for a shell.
    #[command(after_help = "\
Examples:
  cometchat-webhooks completions bash > ~/.local/share/bash-completion/completions/cometchat-webhooks
  cometchat-webhooks completions zsh > ~/.zfunc/_cometchat-webhooks
  cometchat-webhooks completions fish > ~/.config/fish/completions/cometchat-webhooks.fish")]
    Completions(CompletionsArgs),
}

#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub(crate) shell: Shell,
}

#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    /// Print a JSON array instead of a table.
    #[arg(long)]
    pub(crate) json: bool,
}

/// Basic-auth credentials, as configured for the webhook in CometChat.
#[derive(Debug, Clone, Args)]
pub(crate) struct AuthArgs {
    /// The webhook's Basic-auth username.
    #[arg(long, env = USERNAME_VAR)]
    pub(crate) username: Option<String>,

    /// The webhook's Basic-auth password.
    #[arg(long, env = PASSWORD_VAR, hide_env_values = true)]
    pub(crate) password: Option<String>,
}

#[derive(Debug, Clone, Copy, Args)]
pub(crate) struct TimeoutArg {
    /// How long to wait for each answer: `10`, `10s`, `500ms`, `1.5s`.
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    pub(crate) timeout: Duration,
}

#[derive(Debug, Args)]
pub(crate) struct SendArgs {
    /// The trigger whose sample to send: a wire name (`message_sent`) or a
    /// unique name (`legacy_message_read_receipt`).
    #[arg(required_unless_present_any = ["file", "raw"], conflicts_with_all = ["file", "raw"])]
    pub(crate) trigger: Option<String>,

    /// The receiver's URL.
    #[arg(long, env = URL_VAR, required_unless_present = "dry_run")]
    pub(crate) url: Option<String>,

    /// Override a field: `PATH=JSON`, e.g. `data.message.data.text="hi"`.
    /// The path must exist; the value must be JSON (quote strings).
    #[arg(long = "set", value_name = "PATH=JSON", conflicts_with = "raw")]
    pub(crate) sets: Vec<String>,

    /// Send this file instead of a sample (`-` reads standard input).
    #[arg(long, value_name = "FILE", conflicts_with = "raw")]
    pub(crate) file: Option<PathBuf>,

    /// Send this file's bytes as they are, JSON or not (`-` reads standard
    /// input), to see how a receiver answers a body CometChat would never
    /// send. Empty files and files over 16 MiB are refused.
    #[arg(long, value_name = "FILE")]
    pub(crate) raw: Option<PathBuf>,

    /// Print the body instead of sending it.
    #[arg(long)]
    pub(crate) dry_run: bool,

    /// Send no Authorization header (to see a receiver refuse it); any
    /// credentials given are ignored.
    #[arg(long)]
    pub(crate) no_auth: bool,

    #[command(flatten)]
    pub(crate) auth: AuthArgs,

    #[command(flatten)]
    pub(crate) timeout: TimeoutArg,
}

#[derive(Debug, Args)]
pub(crate) struct ListenArgs {
    /// The address to listen on: an IP address (`0.0.0.0` for every
    /// interface, `::1`) or an address and port (`127.0.0.1:3000`).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1", value_parser = parse_listen_address)]
    pub(crate) bind: ListenAddress,

    /// The port (0 picks a free one); not with a --bind that has a port.
    #[arg(long)]
    pub(crate) port: Option<u16>,

    /// Write each delivery's exact body to a file in this directory, for `replay`.
    #[arg(long, value_name = "DIR")]
    pub(crate) save: Option<PathBuf>,

    /// Print one JSON object per line instead of text.
    #[arg(long)]
    pub(crate) json: bool,

    /// Accept deliveries without checking credentials; any credentials
    /// given are ignored.
    #[arg(long)]
    pub(crate) allow_unauthenticated: bool,

    #[command(flatten)]
    pub(crate) auth: AuthArgs,

    #[command(flatten)]
    pub(crate) limits: ServerLimits,

    #[command(flatten)]
    pub(crate) durable: DurableArgs,
}

#[derive(Debug, Args)]
pub(crate) struct InspectArgs {
    /// The body to decode; `-` or nothing reads standard input.
    #[arg(value_name = "FILE", default_value = "-")]
    pub(crate) file: PathBuf,

    /// Print a JSON object instead of text.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ReplayArgs {
    /// The directory of saved bodies; every `*.json` file is sent, in name order.
    #[arg(value_name = "DIR")]
    pub(crate) dir: PathBuf,

    /// The receiver's URL.
    #[arg(long, env = URL_VAR)]
    pub(crate) url: String,

    /// How many requests may be in flight at once.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub(crate) concurrency: u16,

    /// Send no Authorization header; any credentials given are ignored.
    #[arg(long)]
    pub(crate) no_auth: bool,

    #[command(flatten)]
    pub(crate) auth: AuthArgs,

    #[command(flatten)]
    pub(crate) timeout: TimeoutArg,
}

#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    #[command(flatten)]
    pub(crate) timeout: TimeoutArg,
}

#[derive(Debug, Subcommand)]
pub(crate) enum MediaCommand {
    /// Turn a media URL from a webhook into a URL that can be downloaded now.
    #[command(after_help = "\
Example:
  export COMETCHAT_APP_ID=... COMETCHAT_API_KEY=...
  cometchat-webhooks media presign https://files-us.cometchat.io/APP_ID/media/photo.png

The API key is sent only to https://files-<region>.cometchat.io, and to base
URLs passed with --allow-base-url.")]
    Presign(PresignArgs),
}

#[derive(Debug, Args)]
pub(crate) struct PresignArgs {
    /// The media URL, as the webhook carries it.
    pub(crate) url: String,

    /// The CometChat app id.
    #[arg(long, env = APP_ID_VAR)]
    pub(crate) app_id: Option<String>,

    /// A CometChat REST API key.
    #[arg(long, env = API_KEY_VAR, hide_env_values = true)]
    pub(crate) api_key: Option<String>,

    /// Send the key only to this region's file host (`us`, `eu`, `in`).
    #[arg(long)]
    pub(crate) region: Option<String>,

    /// Also send the key to URLs under this base (a proxy, or a local
    /// stand-in); over plain http the key travels unencrypted.
    #[arg(long, value_name = "BASE_URL")]
    pub(crate) allow_base_url: Vec<String>,

    /// Print a JSON object instead of text.
    #[arg(long)]
    pub(crate) json: bool,

    #[command(flatten)]
    pub(crate) timeout: TimeoutArg,
}
