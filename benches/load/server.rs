//! The server under load, run as a child process so that its memory is its
//! own: one axum app serving the receiver, the router mounted inline and in
//! background (acknowledge-first) mode, and a bare handler side by side, so
//! all are measured on the same server, runtime and sockets.

use std::convert::Infallible;
use std::net::Ipv4Addr;
use std::process::ExitCode;

use axum::Router;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::routing::post;
use cometchat_webhooks::payload::MessageSent;
use cometchat_webhooks::router::{BackgroundConfig, RouterBuilder, WebhookRouter};
use cometchat_webhooks::testing::conformance;
use cometchat_webhooks_axum::CometChatEvent;

/// The first argument that makes this binary the server.
pub(crate) const ROLE: &str = "serve";
/// `POST` here runs the receiver: Basic auth, bounded body read, decoding.
pub(crate) const RECEIVER_PATH: &str = conformance::PATH;
/// `POST` here answers 200 without reading the body: axum's own cost.
pub(crate) const BARE_PATH: &str = "/bare";
/// `POST` here reads the whole body (axum's `Bytes`) and answers 200: what
/// any handler that reads a body pays before doing anything with it.
pub(crate) const READ_BODY_PATH: &str = "/read-body";
/// `POST` here runs `mount` with an inline router: the handler runs (and
/// the payload is decoded) before the answer.
pub(crate) const INLINE_PATH: &str = "/inline";
/// `POST` here runs `mount` with a background router: the answer needs only
/// the envelope and the idempotency key; a worker decodes the payload and
/// runs the handler after it, in the same process.
pub(crate) const ACK_FIRST_PATH: &str = "/ack-first";

/// Serves until the parent closes this process's stdin (or dies), after
/// printing the address it listens on as the first line of stdout.
pub(crate) fn run() -> ExitCode {
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => return fail(&format!("no tokio runtime: {error}")),
    };
    runtime.block_on(async {
        let config = conformance::receiver_config();
        // Queue bounds far above what a round sends, so a worker falling
        // behind shows as CPU time, not as 503s that would void the run.
        let background =
            BackgroundConfig::new().with_queue_capacity(1 << 20).with_queue_bytes(1 << 30);
        let app = Router::new()
            .route(RECEIVER_PATH, post(receiver))
            .route(BARE_PATH, post(bare))
            .route(READ_BODY_PATH, post(read_body))
            .merge(cometchat_webhooks_axum::mount(INLINE_PATH, routed().build(), config.clone()))
            .merge(cometchat_webhooks_axum::mount(
                ACK_FIRST_PATH,
                routed().build_background(background),
                config.clone(),
            ))
            .with_state(config);
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

async fn receiver(event: CometChatEvent) -> StatusCode {
    // Extraction has checked, read and decoded everything; touching the
    // event keeps the work from looking unused.
    std::hint::black_box(event.trigger());
    StatusCode::OK
}

/// A router whose `message_sent` handler takes the typed payload and does
/// nothing else.
fn routed() -> RouterBuilder {
    WebhookRouter::builder().on(|sent: MessageSent| async move {
        std::hint::black_box(sent.message.id.as_deref());
        Ok::<_, Infallible>(())
    })
}

async fn bare() -> StatusCode {
    StatusCode::OK
}

async fn read_body(body: Bytes) -> StatusCode {
    std::hint::black_box(body.len());
    StatusCode::OK
}

fn fail(message: &str) -> ExitCode {
    eprintln!("load server: {message}");
    ExitCode::FAILURE
}
