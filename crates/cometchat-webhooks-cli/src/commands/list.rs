//! `list`: every trigger the library knows.

use cometchat_webhooks::Trigger;
use serde::Serialize;

use crate::cli::ListArgs;
use crate::errors::CliError;
use crate::output::{Palette, Table, print_json_pretty, print_line};

#[derive(Debug, Serialize)]
struct TriggerInfo {
    /// Accepted by `send`; unique even for legacy receipts.
    name: &'static str,
    /// The `trigger` field CometChat sends.
    wire_name: &'static str,
    category: &'static str,
    legacy: bool,
    idempotency_key: &'static str,
}

impl TriggerInfo {
    fn of(trigger: Trigger) -> Self {
        Self {
            name: trigger.unique_name(),
            wire_name: trigger.as_str(),
            category: trigger.category().as_str(),
            legacy: trigger.is_legacy(),
            idempotency_key: trigger.idempotency_recipe(),
        }
    }
}

pub(crate) fn run(args: &ListArgs) -> Result<(), CliError> {
    let triggers: Vec<TriggerInfo> = Trigger::ALL.iter().copied().map(TriggerInfo::of).collect();
    if args.json {
        return print_json_pretty(&triggers);
    }
    let palette = Palette::for_stdout();
    let mut table = Table::default();
    table.plain_row([
        "TRIGGER",
        "CATEGORY",
        "LEGACY",
        "IDEMPOTENCY KEY (after trigger/appId/webhook)",
    ]);
    for info in &triggers {
        let legacy = if info.legacy { "legacy" } else { "" };
        table.row(vec![
            (info.name.to_owned(), palette.strong(info.name)),
            (info.category.to_owned(), info.category.to_owned()),
            (legacy.to_owned(), palette.warn(legacy)),
            (info.idempotency_key.to_owned(), palette.dim(info.idempotency_key)),
        ]);
    }
    print_line(table.render().trim_end())
}
