//! `queue purge --dead [--older-than AGE]`: dead letters deleted for good.

use std::time::Duration;

use crate::age_arg::format_age;
use crate::errors::CliError;
use crate::output::print_line;
use crate::queue_args::PurgeArgs;
use crate::store_open::OpenedStore;

pub(super) async fn run(store: &OpenedStore, args: &PurgeArgs) -> Result<(), CliError> {
    // `--dead` is required by the parser: it names what is deleted.
    debug_assert!(args.dead);
    let older_than = args.older_than.unwrap_or(Duration::ZERO);
    let count = store.queue.purge_dead(older_than).await.map_err(|error| store.error(error))?;
    let which = match args.older_than {
        Some(age) => format!(" dead for more than {}", format_age(age)),
        None => String::new(),
    };
    let noun = if count == 1 { "dead letter" } else { "dead letters" };
    print_line(&format!("Purged {count} {noun}{which} from {}.", store.spec()))
}
