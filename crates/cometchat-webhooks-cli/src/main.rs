#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
// A command-line tool's job is to print: results go to stdout, errors and
// progress to stderr.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod age_arg;
mod body;
mod cli;
mod commands;
mod credentials;
mod delivery_lines;
mod durable_args;
mod durable_listen;
mod duration_arg;
mod errors;
mod http_client;
mod listen_address;
mod lock_holder;
mod output;
mod queue_args;
mod receiver;
mod redis_tls_args;
mod saved_bodies;
mod server_limits;
mod store_open;
mod store_spec;
mod summary;
mod terminal_text;
mod triggers;
mod utc;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::errors::CliError;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            output::print_error(&error);
            ExitCode::from(error.exit_code())
        }
    }
}

fn run(command: Command) -> Result<(), CliError> {
    match command {
        // These never touch the network, so they start no runtime.
        Command::List(args) => commands::list::run(&args),
        Command::Inspect(args) => commands::inspect::run(&args),
        Command::Completions(args) => commands::completions::run(&args),
        Command::Send(args) => block_on(commands::send::run(args)),
        Command::Listen(args) => block_on(commands::listen::run(*args)),
        Command::Replay(args) => block_on(commands::replay::run(args)),
        Command::Demo(args) => block_on(commands::demo::run(args)),
        Command::Media(command) => block_on(commands::media::run(command)),
        Command::Queue(args) => block_on(commands::queue::run(args)),
    }
}

fn block_on(command: impl Future<Output = Result<(), CliError>>) -> Result<(), CliError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|source| CliError::Runtime { source })?;
    runtime.block_on(command)
}
