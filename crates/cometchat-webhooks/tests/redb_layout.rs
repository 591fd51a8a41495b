//! A redb file written in an earlier layout of the store (the event table
//! keyed by `&str`, the body inside the record) is refused when opened,
//! with an error that says so, and its data is left as it was.

#![cfg(feature = "redb")]

use cometchat_webhooks::delivery::{DeliveryError, QueueConfig, RedbStore};
use redb::{Database, ReadableDatabase, TableDefinition};

/// The event table of the earlier layout.
const EARLIER_EVENTS: TableDefinition<'_, &str, &[u8]> = TableDefinition::new("events");

#[test]
fn a_file_in_an_earlier_layout_is_refused_with_a_clear_error_and_left_intact() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.redb");
    {
        let database = Database::create(&path).unwrap();
        let txn = database.begin_write().unwrap();
        txn.open_table(EARLIER_EVENTS).unwrap().insert("message_sent/app/1", &b"{}"[..]).unwrap();
        txn.commit().unwrap();
    }

    let error = RedbStore::open(&path, &QueueConfig::new()).expect_err("the file is refused");
    assert!(matches!(error, DeliveryError::Storage { .. }), "{error:?}");
    let message = error.to_string();
    for expected in [
        &format!("cannot open {}", path.display()),
        "written by an incompatible version of the store",
        "events",
    ] {
        assert!(message.contains(expected), "`{expected}` not in: {message}");
    }

    let database = Database::open(&path).unwrap();
    let txn = database.begin_read().unwrap();
    let events = txn.open_table(EARLIER_EVENTS).unwrap();
    assert_eq!(events.get("message_sent/app/1").unwrap().unwrap().value(), b"{}");
}
