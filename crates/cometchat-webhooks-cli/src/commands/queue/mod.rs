//! `queue`: look into a durable store and operate on it.

mod dead;
mod purge;
mod redrive;
mod show;
mod stats;
mod times;

use cometchat_webhooks::delivery::QueueConfig;

use crate::errors::CliError;
use crate::queue_args::{QueueArgs, QueueCommand};
use crate::store_open::{IfMissing, OpenedStore, open_store};
use crate::store_spec::StoreSpec;

pub(crate) async fn run(args: QueueArgs) -> Result<(), CliError> {
    let spec = StoreSpec::from_args(&args.store)?;
    // Operator commands neither claim nor enqueue, so the queue settings
    // (leases, attempts, backlog) do not change what they do.
    let store = open_store(&spec, &QueueConfig::new(), IfMissing::Refuse).await?;
    let result = dispatch(&store, args.command).await;
    store.close().await;
    result
}

async fn dispatch(store: &OpenedStore, command: QueueCommand) -> Result<(), CliError> {
    match command {
        QueueCommand::Stats(args) => stats::run(store, &args).await,
        QueueCommand::Dead(args) => dead::run(store, &args).await,
        QueueCommand::Show(args) => show::run(store, &args).await,
        QueueCommand::Redrive(args) => redrive::run(store, &args).await,
        QueueCommand::Purge(args) => purge::run(store, &args).await,
    }
}
