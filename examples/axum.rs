//! CometChat webhooks in an axum app: one route, one handler argument.
//!
//! ```sh
//! COMETCHAT_WEBHOOK_USERNAME=cometchat COMETCHAT_WEBHOOK_PASSWORD=secret \
//!     PORT=3000 cargo run --example axum
//! ```
//!
//! Prints one line per webhook, starting with its trigger. What the sender
//! wrote (trigger, ids, text) is printed escaped (`escape_debug`, `{:?}`),
//! so a control character in a payload cannot forge log lines or drive the
//! terminal. The file stands
//! alone: copy it into a project that depends on `cometchat-webhooks-axum`, `axum`
//! and `tokio`.

// Printing each event is what this example shows.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use axum::Router;
use axum::routing::post;
use cometchat_webhooks_axum::{CometChatEvent, Event, Payload, ReceiverConfig};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = ReceiverConfig::from_env()?;
    let app = Router::new()
        .route("/webhooks/cometchat", post(on_webhook)) // the receiver
        .with_state(config);

    let address = listen_addr()?;
    let listener = TcpListener::bind(address).await?;
    eprintln!("listening on http://{address}/webhooks/cometchat");
    serve(listener, app).await?;
    Ok(())
}

async fn on_webhook(event: CometChatEvent) {
    println!("{}", describe(&event));
}

/// `<trigger> from=<uid>`, and a detail for a few typed events.
fn describe(event: &Event) -> String {
    let detail = match event.payload() {
        Payload::MessageSent(sent) => format!(" text={:?}", sent.message.text().unwrap_or("")),
        Payload::GroupMemberJoined(joined) => format!(" group={:?}", joined.group.guid),
        Payload::Unknown(_) => " (unknown trigger, data kept raw)".to_owned(),
        Payload::Undecodable(undecodable) => {
            format!(" (untyped: {})", undecodable.error.to_string().escape_debug())
        }
        _ => String::new(),
    };
    format!(
        "{} from={}{detail}",
        event.trigger().escape_debug(),
        event.sender_uid().unwrap_or("-").escape_debug()
    )
}

/// The request head must arrive within this time, or the connection is
/// closed (hyper starts this timer whenever it waits for a request head, so
/// it also closes a keep-alive connection left idle this long).
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(5);
/// At most this many connections at once; the next ones wait in the
/// listener's backlog until one closes.
const MAX_CONNECTIONS: usize = 10_000;

/// Serves `service` on `listener` with hyper's HTTP/1 server and the
/// settings above (see the README's "Deploying" section). The body of a
/// webhook has its own deadline, `ReceiverConfig`'s body-read deadline.
async fn serve<S>(listener: TcpListener, service: S) -> std::io::Result<()>
where
    S: tower::Service<
            axum::http::Request<Incoming>,
            Response = axum::response::Response,
            Error = Infallible,
        > + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    let connections = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let Ok(permit) = Arc::clone(&connections).acquire_owned().await else { return Ok(()) };
        let (stream, _) = match listener.accept().await {
            Ok(accepted) => accepted,
            // e.g. out of file descriptors: wait a little rather than spin
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let service = TowerToHyperService::new(service.clone());
        tokio::spawn(async move {
            let connection = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_READ_TIMEOUT)
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service);
            // A connection that fails (a client that went away) is not the
            // server's failure.
            let _ = connection.await;
            drop(permit);
        });
    }
}

/// `127.0.0.1:$PORT`, 3000 by default.
fn listen_addr() -> Result<SocketAddr, std::num::ParseIntError> {
    let port = std::env::var("PORT").map_or(Ok(3000), |port| port.parse())?;
    Ok(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
}
