//! `queue redrive KEY|--all`: dead letters back into the queue.

use super::show::state_name;
use crate::errors::CliError;
use crate::output::print_line;
use crate::queue_args::RedriveArgs;
use crate::store_open::OpenedStore;
use crate::terminal_text::one_line;

pub(super) async fn run(store: &OpenedStore, args: &RedriveArgs) -> Result<(), CliError> {
    let Some(key) = &args.key else {
        let count = store.queue.redrive_all().await.map_err(|error| store.error(error))?;
        return print_line(&match count {
            0 => format!("No dead letters to redrive in {}.", store.spec()),
            1 => "Redrove 1 dead letter: it waits for a worker, with a fresh set of attempts."
                .to_owned(),
            _ => format!(
                "Redrove {count} dead letters: they wait for a worker, with a fresh set of attempts."
            ),
        });
    };
    let shown = one_line(key.as_bytes());
    if store.queue.redrive(key).await.map_err(|error| store.error(error))? {
        return print_line(&format!(
            "Redrove `{shown}`: it waits for a worker, with a fresh set of attempts."
        ));
    }
    // Say why: an operator who typed a live event's key learns it is not
    // stuck, one who mistyped learns that nothing has the key.
    match store.queue.show(key).await.map_err(|error| store.error(error))? {
        Some(details) => Err(CliError::NotDead {
            key: shown,
            state: match state_name(&details.state) {
                "in_flight" => "in flight",
                other => other,
            },
        }),
        None => Err(CliError::NoSuchEvent { key: shown }),
    }
}
