//! The README's trigger table names every trigger with its type, category
//! and idempotency recipe, as the code has them.

use cometchat_webhooks::testing::samples;
use cometchat_webhooks::{Event, Trigger};

const README: &str = include_str!("../README.md");

/// The payload type's name, read off the decoded sample's variant.
fn type_name(trigger: Trigger, body: &[u8]) -> String {
    let event = Event::from_slice(body).unwrap();
    let debug = format!("{:?}", event.payload());
    let name = debug.split('(').next().unwrap().to_owned();
    assert!(event.is_typed(), "{trigger}");
    name
}

#[test]
fn the_trigger_table_matches_the_code() {
    // Trigger rows: a wire name, then a linked payload type and a category.
    let is_trigger_row = |line: &&str| line.starts_with("| `") && line.matches(" | ").count() == 3;
    let table_rows = README.lines().filter(is_trigger_row).count();
    assert_eq!(table_rows, Trigger::ALL.len(), "one row per trigger");
    for (trigger, body) in samples() {
        let legacy = if trigger.is_legacy() { " (legacy)" } else { "" };
        let row = format!(
            "| `{}`{legacy} | [`payload::{}`] | {} | {} |",
            trigger.as_str(),
            type_name(trigger, body),
            trigger.category(),
            trigger.idempotency_recipe()
        );
        assert!(README.contains(&row), "README lacks or misstates:\n{row}");
    }
}
