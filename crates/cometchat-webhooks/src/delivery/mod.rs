//! Delivery: a queue that keeps every accepted event until a handler
//! succeeded ([`EventQueue`]), and a dedupe store that remembers which
//! deliveries were handled ([`DedupeStore`]), shared by every instance
//! that uses the same store. One trait pair for every engine.
//!
//! The `router` feature brings [`DedupeStore`] and [`MemoryDeduper`] (the
//! router de-duplicates over them); the `durable` feature adds the queue,
//! its configuration and [`MemoryStore`] (both traits in memory, for
//! tests); the engines come with `redb` (one machine) and `redis` (several
//! instances), each implementing both traits.
//!
//! # Guarantees
//!
//! At-least-once delivery plus an idempotency key, as Svix, Convoy and
//! Hookdeck ingest webhooks:
//!
//! - [`EventQueue::enqueue`] returns [`EnqueueOutcome::Stored`] only once
//!   the event is stored (with redb: fsynced; with Redis: written to a
//!   server configured as below), so a receiver answers 200 only for what
//!   it will not lose. De-duplication by idempotency key, the backlog bound
//!   and the append are one atomic step. Anything else (the store slow,
//!   down, or full) is an error or [`EnqueueOutcome::BacklogFull`], for
//!   which the receiver answers 503 with `Retry-After`, never 200.
//! - An idempotency key accepted once is a [`EnqueueOutcome::Duplicate`]
//!   while its event is stored and for the dedupe window after it was
//!   accepted (default 24 h), whichever is longer.
//! - Workers [`claim`](EventQueue::claim) events under a lease and
//!   [`renew`](EventQueue::renew) it while the handler runs. A worker that
//!   dies loses its lease; the event is claimed again (by another instance,
//!   or this one after a restart). Each claim carries a fencing token: a
//!   worker whose lease was taken over cannot ack, fail or renew.
//! - Attempts are counted at claim time. A failed attempt is retried after
//!   an exponential, jittered [`Backoff`]; after `max_attempts` claims
//!   (default 5) the event becomes a dead letter with its body, attempts
//!   and last error, until an operator [redrives](EventQueue::redrive) or
//!   [purges](EventQueue::purge_dead) it.
//! - A handler may therefore run more than once for one event (a worker
//!   that finished but died before its ack): make side effects idempotent
//!   with the event's idempotency key.
//!
//! # Choosing an engine
//!
//! | Engine | Feature | Use when | Durability |
//! |---|---|---|---|
//! | [`MemoryStore`] | `durable` | tests, development | none: a restart loses everything |
//! | [`RedbStore`] | `redb` | one instance on one machine | one file, fsync on every commit; concurrent enqueues share a commit |
//! | [`RedisStore`] | `redis` (`redis-tls` for `rediss://`) | several instances | as configured on the server (see below) |
//!
//! An embedded store belongs to one process: a second process opening the
//! same file gets [`DeliveryError::Locked`]. Several instances behind a
//! load balancer share one Redis.
//!
//! # De-duplication across instances
//!
//! The router's `.deduplicate(store)` (inline and background modes) claims
//! each delivery's idempotency key in a [`DedupeStore`] before its handler
//! runs: one claim at a time per key, a lease so a claim held by an
//! instance that died ends, a fencing token so a holder whose claim was
//! taken over cannot settle it. Every engine implements it:
//!
//! | Store | Shared by |
//! |---|---|
//! | [`MemoryDeduper`] (feature `router`) | the routers of one process; bounded in entries and bytes |
//! | [`MemoryStore`] | the same, for tests of an engine's rules |
//! | [`RedbStore`] | the routers of one process, through one file (kept for the dedupe window) |
//! | [`RedisStore`] | every instance on one Redis |
//!
//! # Redis settings durability needs
//!
//! Redis acknowledges a write before it reaches the disk unless told
//! otherwise, and evicts keys under memory pressure unless told otherwise.
//! For the guarantees above, run the server with:
//!
//! - `appendonly yes` and `appendfsync always` (or `everysec`, which can
//!   lose the last second of accepted events if the server machine
//!   crashes);
//! - `maxmemory-policy noeviction`, so a full server refuses writes (the
//!   receiver answers 503) instead of silently dropping stored events.
//!
//! [`RedisStore`] reads these settings when it connects and logs a warning
//! (through `tracing`) for each one that does not match, and an info line
//! when `appendfsync` is `everysec`, saying what it can lose.
//!
//! # Redis over TLS
//!
//! With the `redis-tls` feature, a `rediss://` URL connects through rustls
//! (no system OpenSSL). The server's certificate must name the URL's host
//! and chain to one of the Mozilla roots built in, or to the CA given with
//! [`RedisConfig::with_tls_root_certificates`] (a private CA, a managed
//! service's own); a server that asks clients for a certificate
//! (`tls-auth-clients yes`) gets the one given with
//! [`RedisConfig::with_tls_client_certificate`]. Certificates that cannot
//! be read are a [`DeliveryConfigError`] when the store connects; a server
//! that cannot be trusted is [`DeliveryError::Unavailable`], saying why.
//!
//! ```no_run
//! # #[cfg(feature = "redis-tls")]
//! # async fn connect() -> Result<(), Box<dyn std::error::Error>> {
//! use cometchat_webhooks::delivery::{QueueConfig, RedisConfig, RedisStore};
//!
//! let ca = std::fs::read("/etc/cometchat/redis-ca.pem")?;
//! let redis = RedisConfig::new("rediss://:password@redis.internal:6380/0")
//!     .with_tls_root_certificates(ca);
//! let store = RedisStore::connect(redis, &QueueConfig::new()).await?;
//! # drop(store);
//! # Ok(())
//! # }
//! ```
//!
//! # Operating a running receiver's store
//!
//! An embedded store belongs to the process that opened it, so operator
//! commands on it go through that process: with the `operator-socket`
//! feature (Unix), [`OperatorSocket::bind`] serves a queue's stats, dead
//! letters, `show`, redrive and purge on a socket next to the store's file
//! ([`OperatorSocket::path_for`]), where `cometchat-webhooks queue --store
//! redb:PATH` finds it when the file is locked. `cometchat-webhooks listen
//! --store redb:PATH` serves one. Redis needs none: every instance and
//! operator connects to the server.
//!
//! # A worker, in outline
//!
//! The router's durable mode runs loops like this one; a user may run
//! their own on any engine:
//!
//! ```
//! use std::time::Duration;
//!
//! use cometchat_webhooks::Bytes;
//! use cometchat_webhooks::delivery::{
//!     EnqueueOutcome, EventQueue, FailOutcome, MemoryStore, QueueConfig, StoredEvent,
//! };
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let config = QueueConfig::new().with_max_attempts(2);
//! let queue = MemoryStore::new(&config)?;
//!
//! // The request path: answer 200 only for `Stored` or `Duplicate`.
//! let body = Bytes::from_static(br#"{"trigger":"message_sent","data":{}}"#);
//! let event = StoredEvent::new("message_sent/app/hook/message.id=1", "message_sent", body);
//! assert_eq!(queue.enqueue(&event).await?, EnqueueOutcome::Stored);
//! assert_eq!(queue.enqueue(&event).await?, EnqueueOutcome::Duplicate);
//!
//! // A worker: claim, handle (renewing the lease meanwhile), report.
//! while let Some(claimed) = queue.claim(config.lease()).await? {
//!     let handled: Result<(), String> = Err("downstream is down".into());
//!     match handled {
//!         Ok(()) => queue.ack(&claimed.lease).await?,
//!         Err(error) => {
//!             let retry_in = config.backoff().delay(claimed.attempt);
//!             match queue.fail(&claimed.lease, &error, retry_in).await? {
//!                 FailOutcome::RetryScheduled { .. } => {}
//!                 FailOutcome::DeadLettered => {}
//!                 _ => {}
//!             }
//!         }
//!     }
//! }
//! assert_eq!(queue.stats().await?.scheduled_retries, 1);
//! # Ok(())
//! # }
//! ```
//!
//! # Writing an engine
//!
//! Implement [`EventQueue`] and [`DedupeStore`] with the semantics their
//! documentation states; [`MemoryStore`] is the reference. Methods return a
//! boxed [`StoreFuture`], so both traits work as trait objects.

#[cfg(feature = "durable")]
mod clock;
#[cfg(feature = "durable")]
mod config;
mod dedupe;
mod error;
#[cfg(feature = "durable")]
mod event;
mod future;
#[cfg(feature = "durable")]
mod ledger;
#[cfg(feature = "durable")]
mod memory;
mod memory_deduper;
#[cfg(all(feature = "operator-socket", unix))]
mod operator;
#[cfg(feature = "durable")]
mod queue;
#[cfg(feature = "redb")]
mod redb;
#[cfg(feature = "redis")]
mod redis;

#[cfg(feature = "durable")]
pub use clock::{Clock, ManualClock, SystemClock};
#[cfg(feature = "durable")]
pub use config::{Backoff, QueueConfig};
pub use dedupe::{DedupeClaim, DedupeStore, DedupeToken};
pub use error::{BoxedError, DeliveryConfigError, DeliveryError};
#[cfg(feature = "durable")]
pub use event::{
    ClaimedEvent, DeadLetter, EnqueueOutcome, EventDetails, EventState, FailOutcome, Lease,
    QueueStats, StoredEvent, WorkerTurn,
};
pub use future::StoreFuture;
#[cfg(feature = "durable")]
pub use memory::MemoryStore;
pub use memory_deduper::MemoryDeduper;
#[cfg(all(feature = "operator-socket", unix))]
#[cfg_attr(docsrs, doc(cfg(all(feature = "operator-socket", unix))))]
pub use operator::{OperatorClient, OperatorSocket};
#[cfg(feature = "durable")]
pub use queue::EventQueue;
#[cfg(feature = "redb")]
pub use redb::RedbStore;
#[cfg(feature = "redis")]
pub use redis::{RedisConfig, RedisDurability, RedisStore};
