//! `listen`'s connection settings (`--header-read-timeout`,
//! `--max-connections`, `--body-read-timeout`) and the HTTP/1 server that
//! applies them: a slow or idle client cannot hold a connection for long,
//! and their number is capped below the open-file limit.

use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::duration_arg::parse_duration;

/// How long to wait before accepting again after `accept` failed (out of
/// file descriptors, most often): long enough not to spin.
const ACCEPT_RETRY: Duration = Duration::from_millis(100);

/// The listener's connection settings.
#[derive(Debug, Clone, Copy, Args)]
pub(crate) struct ServerLimits {
    /// How long a client may take to send a request's headers; also how
    /// long a keep-alive connection may stay idle between requests (the
    /// HTTP server uses one timer for both). Slower connections are closed.
    #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = parse_duration)]
    pub(crate) header_read_timeout: Duration,

    /// How long a client may take to send a request's body once its
    /// headers are in; a slower one is answered 408 and closed.
    #[arg(long, value_name = "DURATION", default_value = "1s", value_parser = parse_duration)]
    pub(crate) body_read_timeout: Duration,

    /// At most this many connections at once; more wait in the listen
    /// backlog until one closes. Keep it below the open-file limit
    /// (`ulimit -n`), so a flood of slow clients cannot starve the
    /// listener of file descriptors.
    #[arg(long, value_name = "N", default_value_t = 512,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) max_connections: u32,
}

impl Default for ServerLimits {
    /// The flags' defaults (for `demo`, which has no flags for them).
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(5),
            body_read_timeout: Duration::from_secs(1),
            max_connections: 512,
        }
    }
}

/// Serves `app` on `listener` with hyper's HTTP/1 server and `limits` until
/// `shutdown` completes; then stops accepting, lets the requests in
/// progress finish and closes idle connections.
pub(crate) async fn serve(
    listener: TcpListener,
    app: axum::Router,
    limits: ServerLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let connections = Arc::new(Semaphore::new(limits.max_connections as usize));
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = Arc::clone(&connections).acquire_owned() => permit,
            () = &mut shutdown => break,
        };
        let Ok(permit) = permit else { break };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let Ok((stream, _)) = accepted else {
            tokio::time::sleep(ACCEPT_RETRY).await;
            continue;
        };
        let connection = http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_read_timeout)
            .keep_alive(true)
            .serve_connection(TokioIo::new(stream), TowerToHyperService::new(app.clone()));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A connection that fails (a client that went away, a head
            // that came too slowly) is not the listener's failure.
            let _ = connection.await;
            drop(permit);
        });
    }
    drop(listener);
    graceful.shutdown().await;
}
