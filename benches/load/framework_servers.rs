//! The hostile-load servers, each a child process set up as its example
//! sets it up for production: axum and warp behind hyper's HTTP/1 server
//! with a 5 s header-read timeout and a cap of 10,000 connections; actix-web
//! through `GuardedServer` (its `ExpectGuard`, 5 s request-head timeout,
//! 30 s keep-alive, no lingering after a refusal, 10,000 connections per
//! worker). Each serves the receiver at `conformance::PATH` with the
//! conformance credentials and answers 200.

use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use cometchat_webhooks::testing::conformance;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// The first argument that makes this binary one of these servers; the
/// second names the framework.
pub(crate) const ROLE: &str = "serve-framework";
/// The frameworks, in report order.
pub(crate) const FRAMEWORKS: [&str; 3] = ["axum", "actix-web", "warp"];

/// The examples' settings.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(5);
const MAX_CONNECTIONS: usize = 10_000;

pub(crate) fn run(framework: Option<&str>) -> ExitCode {
    match framework {
        Some("axum") => on_tokio(|listener| serve_hyper(listener, axum_app())),
        Some("warp") => on_tokio(|listener| serve_hyper(listener, warp_service())),
        Some("actix-web") => serve_actix(),
        other => fail(&format!("no such framework: {other:?}")),
    }
}

fn on_tokio<F, Fut>(serve: F) -> ExitCode
where
    F: FnOnce(TcpListener) -> Fut,
    Fut: Future<Output = ()>,
{
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => return fail(&format!("no tokio runtime: {error}")),
    };
    runtime.block_on(async {
        let listener = match TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await {
            Ok(listener) => listener,
            Err(error) => return fail(&format!("cannot listen on 127.0.0.1: {error}")),
        };
        match listener.local_addr() {
            Ok(address) => announce(address),
            Err(error) => return fail(&format!("no local address: {error}")),
        }
        serve(listener).await;
        ExitCode::SUCCESS
    })
}

/// Prints the address and exits when the parent closes stdin (or dies).
fn announce(address: SocketAddr) {
    println!("{address}");
    std::thread::spawn(|| {
        let _ = std::io::copy(&mut std::io::stdin(), &mut std::io::sink());
        std::process::exit(0);
    });
}

fn axum_app() -> axum::Router {
    use axum::routing::post;
    use cometchat_webhooks_axum::CometChatEvent;
    axum::Router::new()
        .route(
            conformance::PATH,
            post(|event: CometChatEvent| async move {
                std::hint::black_box(event.trigger());
            }),
        )
        .with_state(conformance::receiver_config())
}

fn warp_service() -> impl tower::Service<
    hyper::Request<Incoming>,
    Response = warp::reply::Response,
    Error = Infallible,
    Future = impl Send,
> + Clone
+ Send
+ 'static {
    use cometchat_webhooks_warp::{CometChatEvent, cometchat_event, recover};
    use warp::Filter;
    let filter = warp::path!("webhooks" / "cometchat")
        .and(warp::post())
        .and(cometchat_event(conformance::receiver_config()))
        .map(|event: CometChatEvent| {
            std::hint::black_box(event.trigger());
            warp::http::StatusCode::OK
        })
        .recover(recover);
    warp::service(filter)
}

/// The examples' hyper server loop.
async fn serve_hyper<S, B>(listener: TcpListener, service: S)
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
        let Ok((stream, _)) = listener.accept().await else {
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
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

fn serve_actix() -> ExitCode {
    use actix_web::{App, HttpResponse, web};
    use cometchat_webhooks_actix_web::{CometChatEvent, ExpectGuard, GuardedServer};
    let listener = match std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)) {
        Ok(listener) => listener,
        Err(error) => return fail(&format!("cannot listen on 127.0.0.1: {error}")),
    };
    match listener.local_addr() {
        Ok(address) => announce(address),
        Err(error) => return fail(&format!("no local address: {error}")),
    }
    let config = conformance::receiver_config();
    let guard = ExpectGuard::new(conformance::PATH, config.clone());
    let served = actix_web::rt::System::new().block_on(async move {
        GuardedServer::new(guard)
            .client_request_timeout(HEADER_READ_TIMEOUT)
            .keep_alive(Duration::from_secs(30))
            .client_disconnect_timeout(Duration::ZERO)
            .max_connections(MAX_CONNECTIONS)
            .disable_signals()
            .listen(listener, move || {
                App::new().app_data(config.clone()).service(web::resource(conformance::PATH).route(
                    web::post().to(|event: CometChatEvent| async move {
                        std::hint::black_box(event.trigger());
                        HttpResponse::Ok().finish()
                    }),
                ))
            })?
            .await
    });
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(&format!("server stopped: {error}")),
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("load server: {message}");
    ExitCode::FAILURE
}
