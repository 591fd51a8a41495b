//! An app of each framework served on `127.0.0.1` at a port the OS picks, on
//! a thread and runtime of its own: tests talk to it over a real socket with
//! their own runtime, and dropping the [`RunningServer`] stops it.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::mpsc;
use std::thread::{self, JoinHandle};

use actix_web::dev::ServerHandle;
use actix_web::web::ServiceConfig;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use warp::{Filter, Reply};

/// Port 0: the OS picks a free port, so tests can run in parallel.
const EPHEMERAL: (Ipv4Addr, u16) = (Ipv4Addr::LOCALHOST, 0);

/// A server listening on loopback; stopped and joined on drop.
#[derive(Debug)]
pub(crate) struct RunningServer {
    address: SocketAddr,
    stop: Stop,
    thread: Option<JoinHandle<()>>,
}

#[derive(Debug)]
enum Stop {
    Tokio(Option<oneshot::Sender<()>>),
    ActixWeb(ServerHandle),
}

impl RunningServer {
    /// Where the server listens.
    pub(crate) fn address(&self) -> SocketAddr {
        self.address
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        match &mut self.stop {
            Stop::Tokio(stop) => {
                if let Some(stop) = stop.take() {
                    let _ = stop.send(());
                }
            }
            // `stop` sends the command at once; the future it returns only
            // waits for the workers to finish, which the join below does.
            Stop::ActixWeb(handle) => drop(handle.stop(false)),
        }
        if let Some(thread) = self.thread.take() {
            // A server thread that panicked already failed its test loudly.
            let _ = thread.join();
        }
    }
}

/// Serves an axum app.
pub(crate) fn serve_axum(app: axum::Router) -> RunningServer {
    serve_on_tokio("axum server", move |listener| async move {
        axum::serve(listener, app).await.expect("axum serves until stopped");
    })
}

/// Serves a `tower` service with hyper's HTTP/1 server, with no framework
/// around it (as `examples/hyper.rs` does).
pub(crate) fn serve_hyper<S>(service: S) -> RunningServer
where
    S: tower::Service<
            hyper::Request<hyper::body::Incoming>,
            Response = cometchat_webhooks::tower::Response,
            Error = std::convert::Infallible,
        > + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    serve_on_tokio("hyper server", move |listener| async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { continue };
            let service = hyper_util::service::TowerToHyperService::new(service.clone());
            tokio::spawn(async move {
                let connection = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
                // A client that goes away is not the server's failure.
                let _ = connection.await;
            });
        }
    })
}

/// Serves a warp filter, e.g. a route with `.recover(…)` on it.
pub(crate) fn serve_warp<F, R>(filter: F) -> RunningServer
where
    F: Filter<Extract = (R,), Error = warp::Rejection> + Clone + Send + Sync + 'static,
    R: Reply,
{
    serve_on_tokio("warp server", move |listener| warp::serve(filter).incoming(listener).run())
}

/// Serves an actix-web app whose services and app data `configure` adds.
/// actix-web runs on its own `System` (a single-threaded runtime per
/// worker), so it gets a thread of its own and one worker.
pub(crate) fn serve_actix_web<F>(configure: F) -> RunningServer
where
    F: Fn(&mut ServiceConfig) + Send + Clone + 'static,
{
    let (ready, started) = mpsc::channel();
    let thread = spawn("actix-web server", move || {
        actix_web::rt::System::new().block_on(async move {
            let bound = actix_web::HttpServer::new(move || {
                actix_web::App::new().configure(configure.clone())
            })
            .workers(1)
            .disable_signals()
            .shutdown_timeout(0)
            .bind(EPHEMERAL);
            let server = match bound {
                Ok(server) => server,
                Err(error) => return drop(ready.send(Err(error))),
            };
            let address = server.addrs()[0];
            let server = server.run();
            let _ = ready.send(Ok((address, server.handle())));
            server.await.expect("actix-web serves until stopped");
        });
    });
    let (address, handle) = wait_until_listening(&started);
    RunningServer { address, stop: Stop::ActixWeb(handle), thread: Some(thread) }
}

/// Binds a listener on a current-thread tokio runtime and runs `serve` on
/// it until the server is dropped; dropping the runtime then ends every
/// connection it still holds.
fn serve_on_tokio<Serve, Serving>(name: &str, serve: Serve) -> RunningServer
where
    Serve: FnOnce(TcpListener) -> Serving + Send + 'static,
    Serving: Future<Output = ()>,
{
    let (ready, started) = mpsc::channel();
    let (stop, stopped) = oneshot::channel::<()>();
    let thread = spawn(name, move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime for the server");
        runtime.block_on(async move {
            let listener = match TcpListener::bind(EPHEMERAL).await {
                Ok(listener) => listener,
                Err(error) => return drop(ready.send(Err(error))),
            };
            match listener.local_addr() {
                Ok(address) => drop(ready.send(Ok((address, ())))),
                Err(error) => return drop(ready.send(Err(error))),
            }
            tokio::select! {
                () = serve(listener) => {}
                _ = stopped => {}
            }
        });
    });
    let (address, ()) = wait_until_listening(&started);
    RunningServer { address, stop: Stop::Tokio(Some(stop)), thread: Some(thread) }
}

fn spawn(name: &str, run: impl FnOnce() + Send + 'static) -> JoinHandle<()> {
    thread::Builder::new().name(name.to_owned()).spawn(run).expect("a thread for the server")
}

fn wait_until_listening<T>(
    started: &mpsc::Receiver<std::io::Result<(SocketAddr, T)>>,
) -> (SocketAddr, T) {
    match started.recv() {
        Ok(Ok(listening)) => listening,
        Ok(Err(error)) => panic!("the server could not listen on 127.0.0.1: {error}"),
        Err(_) => panic!("the server thread ended before listening"),
    }
}
