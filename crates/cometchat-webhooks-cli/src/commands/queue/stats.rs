//! `queue stats`: how many events the store holds, by state.

use serde::Serialize;

use crate::errors::CliError;
use crate::output::{Palette, Table, print_json_pretty, print_line, print_warning};
use crate::queue_args::JsonArg;
use crate::store_open::OpenedStore;
use crate::terminal_text::one_line;

#[derive(Debug, Serialize)]
struct StatsJson {
    store: String,
    waiting: u64,
    in_flight: u64,
    scheduled_retries: u64,
    dead: u64,
}

pub(super) async fn run(store: &OpenedStore, args: &JsonArg) -> Result<(), CliError> {
    let stats = store.queue.stats().await.map_err(|error| store.error(error))?;
    for problem in store.durability_problems().await {
        print_warning(format_args!("{}: {}", store.spec(), one_line(problem.as_bytes())));
    }
    if args.json {
        return print_json_pretty(&StatsJson {
            store: store.spec().to_string(),
            waiting: stats.waiting,
            in_flight: stats.in_flight,
            scheduled_retries: stats.scheduled_retries,
            dead: stats.dead,
        });
    }
    let palette = Palette::for_stdout();
    let mut table = Table::default();
    table.plain_row(["store".to_owned(), store.spec().to_string()]);
    table.plain_row(["waiting".to_owned(), stats.waiting.to_string()]);
    table.plain_row(["in flight".to_owned(), stats.in_flight.to_string()]);
    table.plain_row(["scheduled retries".to_owned(), stats.scheduled_retries.to_string()]);
    let dead = stats.dead.to_string();
    let painted = if stats.dead > 0 { palette.bad(&dead) } else { dead.clone() };
    table.row(vec![("dead".to_owned(), "dead".to_owned()), (dead, painted)]);
    print_line(table.render().trim_end())
}
