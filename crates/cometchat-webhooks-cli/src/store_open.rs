//! Opens the store a `--store` value names, as the engine-neutral queue
//! and dedupe store the commands and the router work with, and turns what
//! can go wrong into one line that says what to do.

use std::path::Path;
use std::sync::Arc;
#[cfg(unix)]
use std::time::Duration;

use cometchat_webhooks::delivery::{
    DedupeStore, DeliveryConfigError, DeliveryError, EventQueue, QueueConfig, RedbStore,
    RedisConfig, RedisStore,
};
#[cfg(unix)]
use cometchat_webhooks::delivery::{OperatorClient, OperatorSocket};

use crate::duration_arg::format_duration;
use crate::errors::CliError;
use crate::lock_holder;
use crate::store_spec::{RedisSpec, StoreSpec};
use crate::terminal_text;

/// What to do when an embedded store's file does not exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IfMissing {
    /// Refuse: an operator command on a mistyped path would otherwise look
    /// at a new, empty store and report that nothing is queued.
    Refuse,
    /// Create it, as a receiver does on its first start.
    Create,
}

/// An open store: one engine seen as a queue and as a dedupe store.
pub(crate) struct OpenedStore {
    /// The durable queue.
    pub(crate) queue: Arc<dyn EventQueue>,
    /// The dedupe store, in the same engine as the queue; `None` through
    /// a receiver's operator socket.
    #[allow(dead_code, reason = "the queue's enqueue de-duplicates; kept for a router deduper")]
    pub(crate) dedupe: Option<Arc<dyn DedupeStore>>,
    spec: StoreSpec,
    engine: Engine,
}

enum Engine {
    Redb(Arc<RedbStore>),
    Redis(Arc<RedisStore>),
    /// An embedded store a running receiver holds, reached through its
    /// operator socket.
    #[cfg(unix)]
    Operator,
}

/// How long one operator request to a running receiver may take: a
/// redrive or purge of many dead letters is one request.
#[cfg(unix)]
const OPERATOR_TIMEOUT: Duration = Duration::from_secs(30);

impl std::fmt::Debug for OpenedStore {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("OpenedStore").field("spec", &self.spec).finish_non_exhaustive()
    }
}

impl OpenedStore {
    /// The store as `redb:PATH` or `redis://HOST:PORT/DB` (no password).
    pub(crate) fn spec(&self) -> &StoreSpec {
        &self.spec
    }

    /// Turns a failed operation into the command's error.
    pub(crate) fn error(&self, error: DeliveryError) -> CliError {
        store_error(&self.spec, error)
    }

    /// What in the server's settings can lose accepted events, one line
    /// each (Redis without `appendonly yes` or with eviction); empty for an
    /// embedded store, which fsyncs every commit. The engine logs these
    /// through `tracing`, which this command does not print.
    pub(crate) async fn durability_problems(&self) -> Vec<String> {
        match &self.engine {
            Engine::Redb(_) => Vec::new(),
            #[cfg(unix)]
            Engine::Operator => Vec::new(),
            Engine::Redis(store) => match store.durability().await {
                Ok(durability) => durability.problems(),
                Err(error) => {
                    vec![format!("the durability settings could not be read: {}", reason(&error))]
                }
            },
        }
    }

    /// For an embedded store, serves operator commands on the socket next
    /// to its file, so `queue --store redb:PATH` works while this process
    /// holds the store; `None` for Redis, which needs none.
    #[cfg(unix)]
    pub(crate) fn serve_operators(&self) -> Option<Result<OperatorSocket, CliError>> {
        let StoreSpec::Redb { path } = &self.spec else { return None };
        let socket = OperatorSocket::path_for(path);
        Some(OperatorSocket::bind(&socket, Arc::clone(&self.queue)).map_err(|error| {
            CliError::StoreFailed {
                store: socket.display().to_string(),
                reason: format!("cannot serve operator commands: {error}"),
                hint: "; `queue` on this store needs the receiver stopped",
            }
        }))
    }

    /// Closes the store: an embedded store's file is released once this
    /// returns (when nothing else holds the store any more).
    pub(crate) async fn close(self) {
        let Self { queue, dedupe, engine, .. } = self;
        drop((queue, dedupe));
        if let Engine::Redb(store) = engine
            && let Ok(store) = Arc::try_unwrap(store)
        {
            store.close().await;
        }
    }
}

/// Opens the store `spec` names with `config`.
///
/// redb: blocks a worker thread while the file is opened (and repaired
/// after a crash). Redis: connects within the `--store-timeout`, creating
/// the application's stream and consumer group when they do not exist.
pub(crate) async fn open_store(
    spec: &StoreSpec,
    config: &QueueConfig,
    if_missing: IfMissing,
) -> Result<OpenedStore, CliError> {
    match spec {
        StoreSpec::Redb { path } => {
            check_redb_path(path, if_missing)?;
            let (owned_path, config) = (path.clone(), config.clone());
            let opened = tokio::task::spawn_blocking(move || RedbStore::open(owned_path, &config))
                .await
                .map_err(|join| CliError::StoreFailed {
                    store: spec.to_string(),
                    reason: join.to_string(),
                    hint: "",
                })?;
            let store = match opened {
                Ok(store) => Arc::new(store),
                #[cfg(unix)]
                Err(DeliveryError::Locked { .. })
                    if if_missing == IfMissing::Refuse
                        && OperatorSocket::path_for(path).exists() =>
                {
                    return Ok(through_operator_socket(spec, path));
                }
                Err(error) => return Err(store_error(spec, error)),
            };
            Ok(OpenedStore {
                queue: store.clone(),
                dedupe: Some(store.clone()),
                spec: spec.clone(),
                engine: Engine::Redb(store),
            })
        }
        StoreSpec::Redis(redis) => {
            let store = RedisStore::connect(redis_config(redis)?, config)
                .await
                .map_err(|error| store_error(spec, error))?;
            let store = Arc::new(store);
            Ok(OpenedStore {
                queue: store.clone(),
                dedupe: Some(store.clone()),
                spec: spec.clone(),
                engine: Engine::Redis(store),
            })
        }
    }
}

/// The store at `path` as the receiver holding it serves it to operators.
/// Used for operator commands only (`IfMissing::Refuse`): a receiver
/// never shares its store with another receiver.
#[cfg(unix)]
fn through_operator_socket(spec: &StoreSpec, path: &Path) -> OpenedStore {
    let client = OperatorClient::new(OperatorSocket::path_for(path), OPERATOR_TIMEOUT);
    OpenedStore {
        queue: Arc::new(client),
        dedupe: None,
        spec: spec.clone(),
        engine: Engine::Operator,
    }
}

fn redis_config(redis: &RedisSpec) -> Result<RedisConfig, CliError> {
    let mut config = RedisConfig::new(&redis.url)
        .with_connect_timeout(redis.timeout)
        .with_command_timeout(redis.timeout);
    if let Some(prefix) = &redis.prefix {
        config = config.with_prefix(prefix);
    }
    if let Some(app) = &redis.app {
        config = config.with_application(app);
    }
    redis.certificates.apply(config)
}

fn check_redb_path(path: &Path, if_missing: IfMissing) -> Result<(), CliError> {
    match std::fs::metadata(path) {
        Ok(metadata) if metadata.is_dir() => {
            Err(CliError::StoreIsDirectory { path: path.to_path_buf() })
        }
        Ok(_) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => match if_missing {
            IfMissing::Refuse => Err(CliError::NoStoreFile { path: path.to_path_buf() }),
            IfMissing::Create => Ok(()),
        },
        // Permission problems and the like: let the engine report them.
        Err(_) => Ok(()),
    }
}

/// One line for a failed store operation, with what to do about it.
pub(crate) fn store_error(spec: &StoreSpec, error: DeliveryError) -> CliError {
    let store = spec.to_string();
    match error {
        DeliveryError::Locked { path } => {
            CliError::StoreLocked { holder: lock_holder::find(&path), path }
        }
        // An operator command on an embedded store is slow or unavailable
        // only through the operator socket of the receiver holding the file.
        DeliveryError::Timeout { after } if matches!(spec, StoreSpec::Redb { .. }) => {
            CliError::StoreFailed {
                store,
                reason: format!("no answer within {}", format_duration(after)),
                hint: "; the receiver holding the file did not answer on its operator socket: \
                       is it stuck?",
            }
        }
        DeliveryError::Unavailable { source } if matches!(spec, StoreSpec::Redb { .. }) => {
            CliError::StoreFailed {
                store,
                reason: reason(&*source),
                hint: "; the receiver holding the file did not answer on its operator socket: \
                       is it still running?",
            }
        }
        DeliveryError::Timeout { after } => CliError::StoreTimeout { store, after },
        DeliveryError::Unavailable { source } => {
            let reason = reason(&*source);
            if matches!(spec, StoreSpec::Redis(redis) if redis.tls) && is_handshake_refusal(&reason)
            {
                CliError::StoreNotTrusted { store, reason }
            } else {
                CliError::StoreUnreachable { store, reason }
            }
        }
        DeliveryError::Config(DeliveryConfigError::Invalid { name, reason }) => {
            let flag = match name {
                "prefix" => "--redis-prefix",
                "application" => "--app",
                "tls_root_certificates" => "--redis-ca-cert",
                "tls_client_certificate" => "--redis-client-cert",
                "tls_client_key" => "--redis-client-key",
                _ => "--store",
            };
            CliError::BadStoreSetting { flag, reason: one_line(&reason) }
        }
        DeliveryError::Storage { source } => CliError::StoreFailed {
            store,
            reason: reason(&*source),
            hint: match spec {
                StoreSpec::Redb { .. } => {
                    "; is it a store file (made by `cometchat-webhooks listen --store redb:…` \
                     or `RedbStore::open`), readable and writable, on a disk with space left?"
                }
                StoreSpec::Redis(_) => "",
            },
        },
        DeliveryError::Corrupt { reason } => CliError::StoreFailed {
            store,
            reason: format!("a stored record is damaged: {}", one_line(&reason)),
            hint: "; it was written by an incompatible version, or the data was changed \
                   behind the store's back",
        },
        other => CliError::StoreFailed { store, reason: one_line(&other.to_string()), hint: "" },
    }
}

/// Whether a failed connection was a TLS handshake one side refused: a
/// certificate rustls rejected, or the server's alert about the client's.
fn is_handshake_refusal(reason: &str) -> bool {
    reason.contains("invalid peer certificate") || reason.contains("received fatal alert")
}

/// An error and its causes, on one line, safe for a terminal.
fn reason(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        let inner_text = inner.to_string();
        if !text.contains(&inner_text) {
            text.push_str(": ");
            text.push_str(&inner_text);
        }
        cause = inner.source();
    }
    one_line(&text)
}

fn one_line(text: &str) -> String {
    terminal_text::one_line(text.trim().as_bytes())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use cometchat_webhooks::delivery::DedupeClaim;

    use super::*;

    #[tokio::test]
    async fn one_redb_file_serves_queue_and_dedupe_and_is_released_on_close() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let spec = StoreSpec::Redb { path: dir.path().join("store.redb") };
        let config = QueueConfig::new();
        let missing = open_store(&spec, &config, IfMissing::Refuse).await.expect_err("no file");
        assert!(matches!(missing, CliError::NoStoreFile { .. }), "{missing}");

        let store = open_store(&spec, &config, IfMissing::Create).await.expect("created");
        let lease = Duration::from_secs(60);
        let DedupeClaim::Acquired(token) =
            store.dedupe.as_ref().unwrap().claim("k", lease).await.expect("claim")
        else {
            panic!("a new key is free");
        };
        store.dedupe.as_ref().unwrap().complete("k", token).await.expect("complete");
        assert_eq!(store.queue.stats().await.expect("stats"), Default::default());
        store.close().await;

        let again = open_store(&spec, &config, IfMissing::Refuse).await.expect("reopened");
        assert_eq!(
            again.dedupe.as_ref().unwrap().claim("k", lease).await.expect("claim"),
            DedupeClaim::Done
        );
    }

    #[test]
    fn a_silent_or_gone_operator_socket_is_named_as_the_receivers() {
        let spec = StoreSpec::Redb { path: "deliveries.redb".into() };
        let timeout = store_error(&spec, DeliveryError::Timeout { after: Duration::from_secs(30) });
        let text = timeout.to_string();
        assert!(text.contains("no answer within 30s") && text.contains("is it stuck?"), "{text}");
        assert!(!text.contains("--store-timeout"), "{text}");
        let gone =
            store_error(&spec, DeliveryError::Unavailable { source: "connection refused".into() });
        assert!(gone.to_string().contains("is it still running?"), "{gone}");
    }
}
