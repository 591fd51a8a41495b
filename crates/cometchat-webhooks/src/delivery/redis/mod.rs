//! [`RedisStore`]: the queue and dedupe store in Redis, shared by every
//! instance of a receiver.

mod client;
mod config;
mod durability;
mod keys;
mod scripts;
#[cfg(feature = "redis-tls")]
mod tls_settings;

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{RedisError, Value};

pub use self::config::RedisConfig;
pub use self::durability::RedisDurability;
use self::keys::Keys;
use self::scripts::Scripts;
use super::clock::{from_unix_millis, millis};
use super::config::QueueConfig;
use super::dedupe::{DedupeClaim, DedupeStore, DedupeToken};
use super::error::DeliveryError;
use super::event::{
    ClaimedEvent, DeadLetter, EnqueueOutcome, EventDetails, EventState, FailOutcome, Lease,
    QueueStats, StoredEvent,
};
use super::ledger::LEASE_EXPIRED;
use super::queue::{EventQueue, StoreFuture};

/// How many dead letters one redrive or purge script handles, so no
/// script blocks the server for long.
const OPERATOR_PAGE: usize = 500;
/// Events one claim or ack script call handles at most, so one call keeps
/// the server busy for a bounded time.
const MAX_CLAIM_BATCH: usize = 256;
/// The longest an expired lease waits, after it expires, for a claim to
/// hand it out again (when claims come at all): claims look for expired
/// leases once per this or per the lease, whichever is shorter, rather
/// than walking the pending entries on every call.
const MAX_RECLAIM_DELAY: Duration = Duration::from_secs(1);

/// The durable queue and dedupe store in Redis (7.0 or later), for
/// receivers running as several instances.
///
/// - Events wait in a stream read through a consumer group (one per
///   application); each process is a consumer with a unique name. Leases
///   are the group's pending entries: a lease expires when its entry has
///   been idle longer than the claimer's lease, and a later claim (of any
///   instance) hands it out again. Claims look for expired leases once a
///   second (once per lease when the lease is shorter), not on every
///   call, so while claims come an expired lease waits at most that long
///   to be handed out. Renewing resets the idle time.
/// - Each operation is one Lua script, so dedupe + backlog check + append,
///   claim + attempt count + fencing, and ack/fail/renew with their
///   ownership checks (fencing token, entry id and pending-entry owner)
///   are atomic.
/// - Failed events wait in a sorted set until their retry time; dead
///   letters are a second stream, with each event's body, attempts and
///   last error in its own hash.
/// - Every key lives under `<prefix>:{<application>}:` (one cluster slot).
/// - Times (leases, retries, dead-letter ages) come from the server's
///   clock, so instances with skewed clocks agree.
/// - The request path spreads its calls over
///   [`RedisConfig::request_connections`] connections; the workers use
///   one of their own, so claims and acks never queue behind enqueues.
/// - Every command has a deadline: the request budget on the request path
///   (enqueue, dedupe claim), [`RedisConfig::command_timeout`] elsewhere.
///   When the server is down, calls fail with
///   [`DeliveryError::Unavailable`] or [`DeliveryError::Timeout`] and the
///   connection is re-established in the background.
///
/// Durability depends on the server's settings: see the
/// [module documentation](super#redis-settings-durability-needs).
pub struct RedisStore {
    /// The request path's connections, used in turn.
    request_connections: Vec<ConnectionManager>,
    next_request_connection: AtomicUsize,
    /// Workers' and operators' calls.
    connection: ConnectionManager,
    keys: Keys,
    group: String,
    consumer: String,
    scripts: Scripts,
    max_attempts: u32,
    backlog_limit: u64,
    dedupe_window_ms: u64,
    request_budget: Duration,
    command_timeout: Duration,
}

impl RedisStore {
    /// Connects, creates the consumer group if needed, and checks the
    /// server's durability settings (a `tracing` warning for each that
    /// does not match; see [`durability`](Self::durability)).
    pub async fn connect(redis: RedisConfig, queue: &QueueConfig) -> Result<Self, DeliveryError> {
        queue.validate()?;
        redis.validate()?;
        let client = client::build(&redis)?;
        let manager_config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(redis.connect_timeout()))
            .set_response_timeout(Some(redis.command_timeout()))
            .set_number_of_retries(2)
            .set_max_delay(Duration::from_secs(2));
        let connect = async {
            let mut connections = Vec::with_capacity(redis.request_connections() + 1);
            for _ in 0..=redis.request_connections() {
                connections.push(
                    ConnectionManager::new_with_config(client.clone(), manager_config.clone())
                        .await?,
                );
            }
            Ok::<_, RedisError>(connections)
        };
        let mut request_connections = tokio::time::timeout(redis.connect_timeout(), connect)
            .await
            .map_err(|_| DeliveryError::Timeout { after: redis.connect_timeout() })?
            .map_err(unavailable)?;
        let connection = request_connections.pop().expect("at least two connections");
        let store = Self {
            request_connections,
            next_request_connection: AtomicUsize::new(0),
            connection,
            keys: Keys::new(redis.prefix(), redis.application()),
            group: redis.application().to_owned(),
            consumer: redis.consumer_name(),
            scripts: Scripts::new(),
            max_attempts: queue.max_attempts(),
            backlog_limit: queue.backlog_limit(),
            dedupe_window_ms: millis(queue.dedupe_window()),
            request_budget: queue.request_budget(),
            command_timeout: redis.command_timeout(),
        };
        store.create_group().await?;
        match store.durability().await {
            Ok(durability) => {
                for problem in durability.problems() {
                    tracing::warn!(problem, "Redis is not configured for durable delivery");
                }
                for caveat in durability.caveats() {
                    tracing::info!(caveat, "Redis durability");
                }
            }
            Err(error) => {
                tracing::warn!(%error, "could not read the Redis durability settings");
            }
        }
        Ok(store)
    }

    /// This process's consumer name in the application's group.
    pub fn consumer(&self) -> &str {
        &self.consumer
    }

    /// Reads the server settings durability depends on.
    pub async fn durability(&self) -> Result<RedisDurability, DeliveryError> {
        let mut settings = HashMap::new();
        for name in ["appendonly", "appendfsync", "maxmemory-policy"] {
            let mut command = redis::cmd("CONFIG");
            command.arg("GET").arg(name);
            // A server that refuses CONFIG reports nothing rather than an
            // error: the caller learns "unknown".
            let reply: Result<HashMap<String, String>, _> = self.off_request_path(command).await;
            if let Ok(reply) = reply {
                settings.extend(reply);
            }
        }
        Ok(RedisDurability {
            appendonly: settings.remove("appendonly"),
            appendfsync: settings.remove("appendfsync"),
            maxmemory_policy: settings.remove("maxmemory-policy"),
        })
    }

    async fn create_group(&self) -> Result<(), DeliveryError> {
        let mut command = redis::cmd("XGROUP");
        command.arg("CREATE").arg(&self.keys.stream).arg(&self.group).arg("0").arg("MKSTREAM");
        match self.off_request_path::<Value>(command).await {
            Ok(_) => Ok(()),
            Err(DeliveryError::Unavailable { source })
                if source.to_string().contains("BUSYGROUP") =>
            {
                Ok(())
            }
            Err(error) => Err(error),
        }
    }

    async fn off_request_path<T: redis::FromRedisValue>(
        &self,
        command: redis::Cmd,
    ) -> Result<T, DeliveryError> {
        let mut connection = self.connection.clone();
        within(self.command_timeout, async move {
            match command.query_async(&mut connection).await {
                Err(error) if error.is_connection_dropped() => {
                    command.query_async(&mut connection).await
                }
                other => other,
            }
        })
        .await
    }

    /// Runs a script off the request path, within the command timeout.
    ///
    /// The workers' connection may sit idle while the server restarts: its
    /// first call afterwards finds it dropped (and starts reconnecting), so
    /// a call whose connection was found dropped is sent once more, within
    /// the same deadline. Every such script is fenced or harmless to repeat.
    async fn script<T: redis::FromRedisValue>(
        &self,
        invocation: redis::ScriptInvocation<'_>,
    ) -> Result<T, DeliveryError> {
        let mut connection = self.connection.clone();
        within(self.command_timeout, async move {
            match invocation.invoke_async(&mut connection).await {
                Err(error) if error.is_connection_dropped() => {
                    invocation.invoke_async(&mut connection).await
                }
                other => other,
            }
        })
        .await
    }

    /// Runs a script of the request path on the next request connection,
    /// within the request budget.
    async fn request_script<T: redis::FromRedisValue>(
        &self,
        invocation: redis::ScriptInvocation<'_>,
    ) -> Result<T, DeliveryError> {
        let turn = self.next_request_connection.fetch_add(1, Ordering::Relaxed);
        let mut connection =
            self.request_connections[turn % self.request_connections.len()].clone();
        within(self.request_budget, async move { invocation.invoke_async(&mut connection).await })
            .await
    }

    fn fenced<'a>(
        &'a self,
        script: &'a redis::Script,
        lease: &Lease,
    ) -> redis::ScriptInvocation<'a> {
        let mut invocation = script.key(&self.keys.stream);
        invocation
            .key(self.keys.event(lease.key()))
            .arg(&self.group)
            .arg(&self.consumer)
            .arg(lease.fencing_token())
            .arg(lease.locator());
        invocation
    }

    async fn claim_once(
        &self,
        lease: Duration,
        max: usize,
    ) -> Result<Vec<ClaimedEvent>, DeliveryError> {
        let mut invocation = self.scripts.claim.key(&self.keys.stream);
        invocation
            .key(&self.keys.retries)
            .key(&self.keys.dead)
            .key(&self.keys.fence)
            .key(&self.keys.reclaim_due)
            .arg(&self.group)
            .arg(&self.consumer)
            .arg(millis(lease).max(1))
            .arg(self.max_attempts)
            .arg(&self.keys.event_prefix)
            .arg(LEASE_EXPIRED)
            .arg(max.clamp(1, MAX_CLAIM_BATCH))
            .arg(millis(lease.min(MAX_RECLAIM_DELAY)).max(1));
        type Claimed = (String, String, Vec<u8>, u64, u32, u64, String, u64);
        let claimed: Vec<Claimed> = self.script(invocation).await?;
        Ok(claimed
            .into_iter()
            .map(|(key, trigger, body, received_ms, attempt, token, entry, until_ms)| {
                ClaimedEvent {
                    event: StoredEvent {
                        idempotency_key: key.clone(),
                        trigger,
                        body: Bytes::from(body),
                        received_at: from_unix_millis(received_ms),
                    },
                    attempt,
                    lease: Lease::new(key, token, entry),
                    lease_expires_at: from_unix_millis(until_ms),
                }
            })
            .collect())
    }

    /// [`claim_once`](Self::claim_once), creating the consumer group again
    /// when it is gone (the keys were deleted).
    async fn claim_up_to(
        &self,
        lease: Duration,
        max: usize,
    ) -> Result<Vec<ClaimedEvent>, DeliveryError> {
        match self.claim_once(lease, max).await {
            Err(DeliveryError::Unavailable { source })
                if source.to_string().contains("NOGROUP") =>
            {
                self.create_group().await?;
                self.claim_once(lease, max).await
            }
            other => other,
        }
    }

    /// Redrives one key (`Some`) or a page of dead letters (`None`):
    /// `(redriven, looked at)`.
    async fn redrive_page(&self, key: Option<&str>) -> Result<(u64, u64), DeliveryError> {
        let mut invocation = self.scripts.redrive.key(&self.keys.stream);
        invocation
            .key(&self.keys.dead)
            .arg(&self.keys.event_prefix)
            .arg(key.unwrap_or(""))
            .arg(OPERATOR_PAGE);
        self.script(invocation).await
    }

    fn stale(lease: &Lease) -> DeliveryError {
        DeliveryError::StaleLease { key: lease.key().to_owned(), token: lease.fencing_token() }
    }
}

/// Runs a Redis call with a deadline.
async fn within<T>(
    deadline: Duration,
    call: impl Future<Output = Result<T, RedisError>>,
) -> Result<T, DeliveryError> {
    match tokio::time::timeout(deadline, call).await {
        Err(_) => Err(DeliveryError::Timeout { after: deadline }),
        Ok(Err(error)) if error.is_timeout() => Err(DeliveryError::Timeout { after: deadline }),
        Ok(result) => result.map_err(unavailable),
    }
}

fn unavailable(error: RedisError) -> DeliveryError {
    DeliveryError::unavailable(error)
}

impl EventQueue for RedisStore {
    fn enqueue<'a>(&'a self, event: &'a StoredEvent) -> StoreFuture<'a, EnqueueOutcome> {
        Box::pin(async move {
            let key = event.idempotency_key.as_str();
            let mut invocation = self.scripts.enqueue.key(&self.keys.stream);
            invocation
                .key(&self.keys.retries)
                .key(self.keys.event(key))
                .key(self.keys.seen(key))
                .arg(key)
                .arg(&event.trigger)
                .arg(event.body.as_ref())
                .arg(super::clock::unix_millis(event.received_at))
                .arg(self.backlog_limit)
                .arg(self.dedupe_window_ms.max(1));
            let outcome: String = self.request_script(invocation).await?;
            match outcome.as_str() {
                "stored" => Ok(EnqueueOutcome::Stored),
                "duplicate" => Ok(EnqueueOutcome::Duplicate),
                "backlog_full" => Ok(EnqueueOutcome::BacklogFull),
                other => {
                    Err(DeliveryError::Corrupt { reason: format!("enqueue answered `{other}`") })
                }
            }
        })
    }

    fn claim(&self, lease: Duration) -> StoreFuture<'_, Option<ClaimedEvent>> {
        Box::pin(async move { Ok(self.claim_up_to(lease, 1).await?.pop()) })
    }

    fn claim_batch(&self, lease: Duration, max: usize) -> StoreFuture<'_, Vec<ClaimedEvent>> {
        Box::pin(async move {
            if max == 0 {
                return Ok(Vec::new());
            }
            self.claim_up_to(lease, max).await
        })
    }

    fn renew<'a>(&'a self, lease: &'a Lease, length: Duration) -> StoreFuture<'a, SystemTime> {
        Box::pin(async move {
            let mut invocation = self.fenced(&self.scripts.renew, lease);
            invocation.arg(millis(length).max(1));
            let until_ms: i64 = self.script(invocation).await?;
            let until_ms = u64::try_from(until_ms).map_err(|_| Self::stale(lease))?;
            Ok(from_unix_millis(until_ms))
        })
    }

    fn ack<'a>(&'a self, lease: &'a Lease) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let invocation = self.fenced(&self.scripts.ack, lease);
            let acked: i64 = self.script(invocation).await?;
            if acked == 1 { Ok(()) } else { Err(Self::stale(lease)) }
        })
    }

    fn ack_batch<'a>(
        &'a self,
        leases: &'a [Lease],
    ) -> StoreFuture<'a, Vec<Result<(), DeliveryError>>> {
        Box::pin(async move {
            let mut results = Vec::with_capacity(leases.len());
            // One script call per chunk: each call is atomic and, with
            // `appendfsync always`, shares one fsync.
            for chunk in leases.chunks(MAX_CLAIM_BATCH) {
                let mut invocation = self.scripts.ack_batch.key(&self.keys.stream);
                invocation.arg(&self.group).arg(&self.consumer);
                for lease in chunk {
                    invocation
                        .key(self.keys.event(lease.key()))
                        .arg(lease.fencing_token())
                        .arg(lease.locator());
                }
                let acked: Vec<i64> = self.script(invocation).await?;
                if acked.len() != chunk.len() {
                    return Err(DeliveryError::Corrupt {
                        reason: format!(
                            "ack of {} leases answered {} results",
                            chunk.len(),
                            acked.len()
                        ),
                    });
                }
                results.extend(chunk.iter().zip(acked).map(|(lease, acked)| {
                    if acked == 1 { Ok(()) } else { Err(Self::stale(lease)) }
                }));
            }
            Ok(results)
        })
    }

    fn fail<'a>(
        &'a self,
        lease: &'a Lease,
        error: &'a str,
        retry_in: Duration,
    ) -> StoreFuture<'a, FailOutcome> {
        Box::pin(async move {
            let mut invocation = self.fenced(&self.scripts.fail, lease);
            invocation
                .key(&self.keys.retries)
                .key(&self.keys.dead)
                .arg(error)
                .arg(millis(retry_in))
                .arg(self.max_attempts)
                .arg(lease.key());
            let reply: Vec<u64> = self.script(invocation).await?;
            match reply.as_slice() {
                [1, retry_ms] => {
                    Ok(FailOutcome::RetryScheduled { at: from_unix_millis(*retry_ms) })
                }
                [2] => Ok(FailOutcome::DeadLettered),
                _ => Err(Self::stale(lease)),
            }
        })
    }

    fn stats(&self) -> StoreFuture<'_, QueueStats> {
        Box::pin(async move {
            let mut invocation = self.scripts.stats.key(&self.keys.stream);
            invocation.key(&self.keys.retries).key(&self.keys.dead).arg(&self.group);
            let (length, pending, scheduled, dead): (u64, u64, u64, u64) =
                self.script(invocation).await?;
            Ok(QueueStats {
                waiting: length.saturating_sub(pending),
                in_flight: pending,
                scheduled_retries: scheduled,
                dead,
            })
        })
    }

    fn dead_letters(&self, limit: usize) -> StoreFuture<'_, Vec<DeadLetter>> {
        Box::pin(async move {
            let mut invocation = self.scripts.dead_letters.key(&self.keys.dead);
            invocation.arg(&self.keys.event_prefix).arg(limit.min(100_000));
            type Letter = (String, String, u32, Option<String>, u64, u64);
            let letters: Vec<Letter> = self.script(invocation).await?;
            Ok(letters
                .into_iter()
                .map(|(key, trigger, attempts, last_error, received_ms, dead_ms)| DeadLetter {
                    idempotency_key: key,
                    trigger,
                    attempts,
                    last_error,
                    received_at: from_unix_millis(received_ms),
                    dead_since: from_unix_millis(dead_ms),
                })
                .collect())
        })
    }

    fn show<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<EventDetails>> {
        Box::pin(async move {
            let mut command = redis::cmd("HGETALL");
            command.arg(self.keys.event(key));
            let mut fields: HashMap<String, Vec<u8>> = self.off_request_path(command).await?;
            if fields.is_empty() {
                return Ok(None);
            }
            let text = |fields: &mut HashMap<String, Vec<u8>>, name: &str| {
                fields.remove(name).map(|value| String::from_utf8_lossy(&value).into_owned())
            };
            let number = |fields: &mut HashMap<String, Vec<u8>>, name: &str| {
                text(fields, name).and_then(|value| value.parse::<u64>().ok()).unwrap_or(0)
            };
            let state = match text(&mut fields, "state").as_deref() {
                Some("in_flight") => EventState::InFlight {
                    lease_expires_at: from_unix_millis(number(&mut fields, "lease_until")),
                },
                Some("scheduled") => EventState::Scheduled {
                    retry_at: from_unix_millis(number(&mut fields, "retry_ms")),
                },
                Some("dead") => {
                    EventState::Dead { since: from_unix_millis(number(&mut fields, "dead_ms")) }
                }
                Some("waiting") => EventState::Waiting,
                other => {
                    return Err(DeliveryError::Corrupt {
                        reason: format!("event `{key}` has state {other:?}"),
                    });
                }
            };
            Ok(Some(EventDetails {
                event: StoredEvent {
                    idempotency_key: key.to_owned(),
                    trigger: text(&mut fields, "trigger").unwrap_or_default(),
                    body: Bytes::from(fields.remove("body").unwrap_or_default()),
                    received_at: from_unix_millis(number(&mut fields, "received_ms")),
                },
                state,
                attempts: u32::try_from(number(&mut fields, "attempts")).unwrap_or(u32::MAX),
                last_error: text(&mut fields, "last_error"),
            }))
        })
    }

    fn redrive<'a>(&'a self, key: &'a str) -> StoreFuture<'a, bool> {
        Box::pin(async move { Ok(self.redrive_page(Some(key)).await?.0 == 1) })
    }

    fn redrive_all(&self) -> StoreFuture<'_, u64> {
        Box::pin(async move {
            let mut total = 0;
            loop {
                let (redriven, looked_at) = self.redrive_page(None).await?;
                total += redriven;
                if looked_at < OPERATOR_PAGE as u64 {
                    return Ok(total);
                }
            }
        })
    }

    fn purge_dead(&self, older_than: Duration) -> StoreFuture<'_, u64> {
        Box::pin(async move {
            let mut total = 0;
            loop {
                let mut invocation = self.scripts.purge.key(&self.keys.dead);
                invocation.arg(&self.keys.event_prefix).arg(millis(older_than)).arg(OPERATOR_PAGE);
                let (purged, looked_at): (u64, u64) = self.script(invocation).await?;
                total += purged;
                if looked_at < OPERATOR_PAGE as u64 {
                    return Ok(total);
                }
            }
        })
    }
}

impl DedupeStore for RedisStore {
    fn claim<'a>(&'a self, key: &'a str, lease: Duration) -> StoreFuture<'a, DedupeClaim> {
        Box::pin(async move {
            let mut invocation = self.scripts.dedupe_claim.key(self.keys.dedupe(key));
            invocation
                .key(&self.keys.fence)
                .arg(millis(lease).max(1))
                .arg(self.dedupe_window_ms.max(1));
            let reply: Vec<u64> = self.request_script(invocation).await?;
            match reply.as_slice() {
                [1, token] => Ok(DedupeClaim::Acquired(DedupeToken(*token))),
                [2] => Ok(DedupeClaim::Done),
                [3] => Ok(DedupeClaim::InFlight),
                other => Err(DeliveryError::Corrupt {
                    reason: format!("dedupe claim answered {other:?}"),
                }),
            }
        })
    }

    fn complete<'a>(&'a self, key: &'a str, token: DedupeToken) -> StoreFuture<'a, ()> {
        Box::pin(self.settle_dedupe(key, token, "complete"))
    }

    fn release<'a>(&'a self, key: &'a str, token: DedupeToken) -> StoreFuture<'a, ()> {
        Box::pin(self.settle_dedupe(key, token, "release"))
    }
}

impl RedisStore {
    async fn settle_dedupe(
        &self,
        key: &str,
        token: DedupeToken,
        how: &str,
    ) -> Result<(), DeliveryError> {
        let mut invocation = self.scripts.dedupe_settle.key(self.keys.dedupe(key));
        invocation.arg(token.0).arg(how).arg(self.dedupe_window_ms.max(1));
        let settled: i64 = self.script(invocation).await?;
        if settled == 1 {
            Ok(())
        } else {
            Err(DeliveryError::StaleLease { key: key.to_owned(), token: token.0 })
        }
    }
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("RedisStore")
            .field("stream", &self.keys.stream)
            .field("group", &self.group)
            .field("consumer", &self.consumer)
            .field("request_connections", &self.request_connections.len())
            .field("request_budget", &self.request_budget)
            .field("command_timeout", &self.command_timeout)
            .finish_non_exhaustive()
    }
}
