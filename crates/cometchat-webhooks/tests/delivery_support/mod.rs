//! Shared pieces of the delivery tests: child processes of the test
//! executable that the tests kill. (The real `redis-server` per test is
//! `cometchat_webhooks::testing::RedisServer`.)

#![allow(dead_code, unreachable_pub)]

pub mod child;

/// Opens the queue of `engine` (`redb`, a file path, or `redis`, a URL) at
/// `target`, as a child process does before the parent kills it.
#[cfg(all(feature = "redb", feature = "redis"))]
pub async fn open_queue(
    engine: &str,
    target: &str,
    config: &cometchat_webhooks::delivery::QueueConfig,
) -> std::sync::Arc<dyn cometchat_webhooks::delivery::EventQueue> {
    use cometchat_webhooks::delivery::{RedbStore, RedisConfig, RedisStore};
    match engine {
        "redb" => std::sync::Arc::new(RedbStore::open(target, config).expect("opens")),
        "redis" => std::sync::Arc::new(
            RedisStore::connect(RedisConfig::new(target), config).await.expect("connects"),
        ),
        other => panic!("unknown engine {other}"),
    }
}
