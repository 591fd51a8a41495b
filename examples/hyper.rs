//! CometChat webhooks in a plain hyper server, no web framework: the typed
//! router as a `tower::Service` (`cometchat_webhooks::tower::RouterService`).
//!
//! ```sh
//! COMETCHAT_WEBHOOK_USERNAME=cometchat COMETCHAT_WEBHOOK_PASSWORD=secret \
//!     PORT=3000 cargo run --example hyper
//! ```
//!
//! Prints one line per webhook, starting with its trigger. What the sender
//! wrote (trigger, ids, text) is printed escaped (`escape_debug`, `{:?}`),
//! so a control character in a payload cannot forge log lines or drive the
//! terminal. On SIGTERM or Ctrl-C it stops accepting connections, lets the
//! requests in progress finish, then shuts the router down. The file stands
//! alone: copy it into a project that depends on `cometchat-webhooks`
//! (features `tower` and `router`), `hyper` (`server`, `http1`),
//! `hyper-util` (`tokio`, `server-graceful`), `http-body-util`,
//! `tower` (`util`) and `tokio`.

// Printing each event is what this example shows.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tower::ServiceExt;

use cometchat_webhooks::payload::{GroupMemberJoined, MessageSent};
use cometchat_webhooks::router::WebhookRouter;
use cometchat_webhooks::tower::RouterService;
use cometchat_webhooks::{Event, ReceiverConfig};

/// Where CometChat posts (the webhook's URL in the CometChat dashboard).
const WEBHOOK_PATH: &str = "/webhooks/cometchat";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = ReceiverConfig::from_env()?;
    let webhooks = RouterService::new(webhook_router(), config);

    let address = listen_addr()?;
    let listener = TcpListener::bind(address).await?;
    eprintln!("listening on http://{address}{WEBHOOK_PATH}");
    serve(listener, webhooks.clone()).await;

    // Inline handlers have finished with their requests; a background or
    // durable router would stop its workers here.
    let report = webhooks.router().shutdown(SHUTDOWN_GRACE).await;
    if !report.is_complete() {
        eprintln!("unfinished deliveries: {report:?}");
    }
    Ok(())
}

/// A handler for two triggers and one for the rest.
fn webhook_router() -> WebhookRouter {
    WebhookRouter::builder()
        .on(|sent: MessageSent| async move {
            let sender = sent.message.sender.as_deref().unwrap_or("-");
            println!(
                "message_sent from={} text={:?}",
                sender.escape_debug(),
                sent.message.text().unwrap_or("")
            );
        })
        .on(|joined: GroupMemberJoined| async move {
            println!("group_member_joined group={:?}", joined.group.guid);
        })
        .fallback(|event: Event| async move {
            println!("{} (no handler of its own)", event.trigger().escape_debug());
        })
        .build()
}

/// The app: the webhook path goes to the receiver (which answers other
/// methods 405 itself), anything else is a 404.
async fn app(
    webhooks: RouterService,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    if request.uri().path() == WEBHOOK_PATH {
        return webhooks.oneshot(request).await;
    }
    let mut not_found = Response::new(Full::new(Bytes::from_static(b"not found\n")));
    *not_found.status_mut() = StatusCode::NOT_FOUND;
    Ok(not_found)
}

/// The request head must arrive within this time, or the connection is
/// closed (hyper starts this timer whenever it waits for a request head, so
/// it also closes a keep-alive connection left idle this long).
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(5);
/// At most this many connections at once; the next ones wait in the
/// listener's backlog until one closes.
const MAX_CONNECTIONS: usize = 10_000;
/// How long requests in progress, then the router's workers, get to finish
/// once the process is asked to stop.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Serves `webhooks` on `listener` with hyper's HTTP/1 server and the
/// settings above (see the README's "Deploying" section) until SIGTERM or
/// Ctrl-C, then waits up to [`SHUTDOWN_GRACE`] for the open connections.
/// The body of a webhook has its own deadline, `ReceiverConfig`'s
/// body-read deadline. A refused request's answer carries `Connection:
/// close`, which hyper honours without reading the rest of the body.
async fn serve(listener: TcpListener, webhooks: RouterService) {
    let connections = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let graceful = GracefulShutdown::new();
    let mut stop = std::pin::pin!(stop_requested());
    loop {
        let (stream, permit) = tokio::select! {
            accepted = accept(&listener, &connections) => accepted,
            () = &mut stop => break,
        };
        let webhooks = webhooks.clone();
        let service = hyper::service::service_fn(move |request| app(webhooks.clone(), request));
        let connection = http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(HEADER_READ_TIMEOUT)
            .keep_alive(true)
            .serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A connection that fails (a client that went away) is not the
            // server's failure.
            let _ = connection.await;
            drop(permit);
        });
    }
    drop(listener);
    eprintln!("stopping: waiting for {} open connections", graceful.count());
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(SHUTDOWN_GRACE) => eprintln!("open connections did not finish"),
    }
}

/// The next connection, once there is room for it.
async fn accept(
    listener: &TcpListener,
    connections: &Arc<Semaphore>,
) -> (TcpStream, OwnedSemaphorePermit) {
    loop {
        let Ok(permit) = Arc::clone(connections).acquire_owned().await else {
            unreachable!("the semaphore is never closed")
        };
        match listener.accept().await {
            Ok((stream, _)) => return (stream, permit),
            // e.g. out of file descriptors: wait a little rather than spin
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

/// SIGTERM (what a container runtime sends) or Ctrl-C.
async fn stop_requested() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut terminate = match signal(SignalKind::terminate()) {
            Ok(terminate) => terminate,
            Err(error) => {
                eprintln!("cannot listen for SIGTERM ({error}); stop with Ctrl-C");
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
        };
        tokio::select! {
            _ = terminate.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}

/// `127.0.0.1:$PORT`, 3000 by default.
fn listen_addr() -> Result<SocketAddr, std::num::ParseIntError> {
    let port = std::env::var("PORT").map_or(Ok(3000), |port| port.parse())?;
    Ok(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
}
