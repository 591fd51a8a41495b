//! The durable scenario's server, run as a child process like the default
//! run's server, so the load generator and the server do not share a
//! runtime: the router mounted with `cometchat_webhooks_axum::mount`,
//! routing `message_sent` to a handler that does nothing, in background
//! mode or durable mode on redb or Redis. A second route answers the
//! store's backlog (waiting + in flight + scheduled retries) as a number,
//! so the parent can wait for the workers between rounds.

use std::net::Ipv4Addr;
use std::process::ExitCode;
use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use cometchat_webhooks::delivery::{EventQueue, QueueConfig, RedbStore, RedisConfig, RedisStore};
use cometchat_webhooks::payload::MessageSent;
use cometchat_webhooks::router::{BackgroundConfig, DurableConfig, WebhookRouter};
use cometchat_webhooks::testing::conformance;

/// The first argument that makes this binary the durable scenario's
/// server; then the engine (`background`, `redb PATH`, `redis URL`).
pub(crate) const ROLE: &str = "serve-durable";
/// `GET` here answers the store's backlog as a decimal number (0 in
/// background mode, whose queue the scenario does not wait for).
pub(crate) const BACKLOG_PATH: &str = "/backlog";

pub(crate) fn run(mut args: impl Iterator<Item = String>) -> ExitCode {
    let engine = args.next();
    let location = args.next();
    // The default runtime, as the default run's server uses.
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => return fail(&format!("no tokio runtime: {error}")),
    };
    runtime.block_on(async move {
        let (router, store) = match router(engine.as_deref(), location.as_deref()).await {
            Ok(built) => built,
            Err(error) => return fail(&error),
        };
        let backlog = axum::Router::new().route(BACKLOG_PATH, get(backlog)).with_state(store);
        let app = cometchat_webhooks_axum::mount(
            conformance::PATH,
            router,
            conformance::receiver_config(),
        )
        .merge(backlog);
        let listener = match tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await {
            Ok(listener) => listener,
            Err(error) => return fail(&format!("cannot listen on 127.0.0.1: {error}")),
        };
        match listener.local_addr() {
            Ok(address) => println!("{address}"),
            Err(error) => return fail(&format!("no local address: {error}")),
        }
        // No orphan server: the parent holds the other end of stdin.
        std::thread::spawn(|| {
            let _ = std::io::copy(&mut std::io::stdin(), &mut std::io::sink());
            std::process::exit(0);
        });
        match axum::serve(listener, app).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => fail(&format!("server stopped: {error}")),
        }
    })
}

type Store = Option<Arc<dyn EventQueue>>;

async fn backlog(State(store): State<Store>) -> (StatusCode, String) {
    let Some(store) = store else { return (StatusCode::OK, "0".to_owned()) };
    match store.stats().await {
        Ok(stats) => (
            StatusCode::OK,
            (stats.waiting + stats.in_flight + stats.scheduled_retries).to_string(),
        ),
        Err(error) => (StatusCode::SERVICE_UNAVAILABLE, error.to_string()),
    }
}

/// The engine's router, and its store (durable modes).
async fn router(
    engine: Option<&str>,
    location: Option<&str>,
) -> Result<(WebhookRouter, Store), String> {
    let builder = WebhookRouter::builder().on(|sent: MessageSent| async move {
        std::hint::black_box(sent);
        Ok::<_, std::convert::Infallible>(())
    });
    let queue_config = QueueConfig::new();
    let store: Arc<dyn EventQueue> = match (engine, location) {
        (Some("background"), _) => {
            return Ok((builder.build_background(BackgroundConfig::new()), None));
        }
        (Some("redb"), Some(path)) => Arc::new(
            RedbStore::open(path, &queue_config).map_err(|error| format!("redb: {error}"))?,
        ),
        (Some("redis"), Some(url)) => Arc::new(
            RedisStore::connect(RedisConfig::new(url), &queue_config)
                .await
                .map_err(|error| format!("redis: {error}"))?,
        ),
        other => return Err(format!("no such engine: {other:?}")),
    };
    let router = builder
        .durable(Arc::clone(&store), DurableConfig::from_queue_config(&queue_config))
        .map_err(|error| format!("durable router: {error}"))?;
    Ok((router, Some(store)))
}

fn fail(message: &str) -> ExitCode {
    eprintln!("durable load server: {message}");
    ExitCode::FAILURE
}
