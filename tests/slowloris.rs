//! Slow senders against servers set up as the examples set them up (hyper's
//! HTTP/1 server with a header-read timeout and a connection cap for axum
//! and warp; actix-web's own timeouts and cap), over loopback: while
//! slowloris connections send headers or bodies a byte at a time,
//! legitimate requests still succeed, slow heads are cut off by the
//! header-read timeout, slow bodies are answered 408 and closed, and an idle
//! keep-alive connection is closed. Bounded: a fixed number of connections,
//! each giving up after a few seconds.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use cometchat_webhooks::Trigger;
use cometchat_webhooks::testing::conformance::PATH;
use cometchat_webhooks::testing::sample_body;
use cometchat_webhooks::testing::slow_clients::{self, Siege};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// Shorter than the examples' 5 s, so the test is quick.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(1);
const MAX_CONNECTIONS: usize = 1_000;
const SLOW_HEADS: usize = 40;
const SLOW_BODIES: usize = 20;
const LEGITIMATE: usize = 20;
const BYTE_PAUSE: Duration = Duration::from_millis(100);
const GIVE_UP: Duration = Duration::from_secs(4);

/// The examples' hyper server loop, with the test's settings.
async fn serve_with_hyper<S, B>(listener: TcpListener, service: S)
where
    S: tower::Service<hyper::Request<Incoming>, Response = hyper::Response<B>, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    B: hyper::body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let connections = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let Ok(permit) = Arc::clone(&connections).acquire_owned().await else { return };
        let Ok((stream, _)) = listener.accept().await else { continue };
        let service = TowerToHyperService::new(service.clone());
        tokio::spawn(async move {
            let _ = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_READ_TIMEOUT)
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service)
                .await;
            drop(permit);
        });
    }
}

/// Runs every kind of slow sender and the legitimate ones at once against
/// `address`, and checks what each got.
fn hold_slow_connections_and_serve(address: SocketAddr, framework: &str) {
    let siege = Siege {
        slow_heads: SLOW_HEADS,
        slow_bodies: SLOW_BODIES,
        legitimate: LEGITIMATE,
        byte_pause: BYTE_PAUSE,
        give_up: GIVE_UP,
        header_read_timeout: HEADER_READ_TIMEOUT,
    };
    if let Err(wrong) = slow_clients::outlast(address, &siege, sample_body(Trigger::MessageSent)) {
        panic!("{framework}: {wrong}");
    }
}

/// A keep-alive connection left idle after one answer is closed by the
/// server within a bounded time.
fn idle_connection_is_closed(address: SocketAddr, framework: &str, within: Duration) {
    use std::io::{Read, Write};
    let mut stream = slow_clients::connect(address).expect("connect");
    let body = sample_body(Trigger::MessageSent);
    let mut request =
        slow_clients::request_head(None, &[&format!("content-length: {}", body.len())])
            .into_bytes();
    request.extend_from_slice(body);
    stream.write_all(&request).expect("send");
    let started = std::time::Instant::now();
    let mut received = Vec::new();
    let mut buffer = [0_u8; 4096];
    stream.set_read_timeout(Some(within + Duration::from_secs(2))).expect("timeout");
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => break,
            Ok(read) => received.extend_from_slice(&buffer[..read]),
            Err(error) => panic!("{framework}: idle connection still open: {error}"),
        }
    }
    assert!(received.starts_with(b"HTTP/1.1 200"), "{framework}: {received:?}");
    assert!(
        started.elapsed() < within + Duration::from_secs(1),
        "{framework}: {:?}",
        started.elapsed()
    );
}

fn axum_app() -> axum::Router {
    use axum::routing::post;
    use cometchat_webhooks_axum::CometChatEvent;
    axum::Router::new()
        .route(PATH, post(|_event: CometChatEvent| async { "{}" }))
        .with_state(slow_clients::receiver_config())
}

async fn listen() -> (TcpListener, SocketAddr) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let address = listener.local_addr().expect("address");
    (listener, address)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axum_behind_hyper_settings_outlasts_slow_senders() {
    let (listener, address) = listen().await;
    tokio::spawn(serve_with_hyper(listener, axum_app()));
    tokio::task::spawn_blocking(move || {
        hold_slow_connections_and_serve(address, "axum");
        idle_connection_is_closed(address, "axum", HEADER_READ_TIMEOUT);
    })
    .await
    .expect("clients");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn warp_behind_hyper_settings_outlasts_slow_senders() {
    use cometchat_webhooks_warp::{CometChatEvent, cometchat_event, recover};
    use warp::Filter;
    let filter = warp::path!("webhooks" / "cometchat")
        .and(warp::post())
        .and(cometchat_event(slow_clients::receiver_config()))
        .map(|_event: CometChatEvent| "{}")
        .recover(recover);
    let (listener, address) = listen().await;
    tokio::spawn(serve_with_hyper(listener, warp::service(filter)));
    tokio::task::spawn_blocking(move || {
        hold_slow_connections_and_serve(address, "warp");
        idle_connection_is_closed(address, "warp", HEADER_READ_TIMEOUT);
    })
    .await
    .expect("clients");
}

#[test]
fn actix_web_with_its_own_settings_outlasts_slow_senders() {
    use actix_web::{App, HttpResponse, web};
    use cometchat_webhooks_actix_web::{CometChatEvent, ExpectGuard, GuardedServer};
    let (sender, receiver) = std::sync::mpsc::channel();
    let server_thread = thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
            let address = listener.local_addr().expect("an address");
            let guard = ExpectGuard::new(PATH, slow_clients::receiver_config());
            let server = GuardedServer::new(guard)
                .workers(1)
                .client_request_timeout(HEADER_READ_TIMEOUT)
                .keep_alive(HEADER_READ_TIMEOUT)
                .client_disconnect_timeout(Duration::ZERO)
                .max_connections(MAX_CONNECTIONS)
                .disable_signals()
                .listen(listener, || {
                    App::new().app_data(slow_clients::receiver_config()).service(
                        web::resource(PATH)
                            .route(web::post().to(|_event: CometChatEvent| async {
                                HttpResponse::Ok().finish()
                            })),
                    )
                })
                .expect("listen");
            sender.send((address, server.handle())).expect("hand over");
            server.await
        })
    });
    let (address, handle) = receiver.recv().expect("server started");
    hold_slow_connections_and_serve(address, "actix-web");
    idle_connection_is_closed(address, "actix-web", HEADER_READ_TIMEOUT);
    actix_web::rt::System::new().block_on(handle.stop(false));
    server_thread.join().expect("server thread").expect("server ran");
}
