//! [`GuardedServer`]: an actix-web app served with an [`ExpectGuard`] and
//! the connection settings production needs.

use std::fmt;
use std::io;
use std::net::TcpListener;
use std::time::Duration;

use actix_http::body::MessageBody;
use actix_http::{HttpService, Request, Response};
use actix_service::{IntoServiceFactory, ServiceFactoryExt as _, map_config};
use actix_web::Error;
use actix_web::dev::{AppConfig, Server, Service, ServiceFactory};

use crate::ExpectGuard;
use crate::hold_payload::HoldRefusedBodies;

/// Serves an actix-web `App` like `HttpServer` does, with an
/// [`ExpectGuard`] answering `Expect: 100-continue`: a webhook refused on
/// its headers is answered 401 or 413 without `100 Continue` first.
///
/// It also closes the connection after a refused *chunked* webhook body:
/// actix-http reads a chunked body the handler dropped to its end before
/// the next request (however long the sender takes), so `GuardedServer`
/// keeps the body of a chunked `POST` to a guarded path held until the
/// answer is sent, which makes actix-http close instead. Bodies with a
/// `Content-Length` are closed on by actix-http itself once
/// [`client_disconnect_timeout`](Self::client_disconnect_timeout) is zero.
///
/// actix-web's `HttpServer` builds its `actix_http::HttpService` without a
/// way to install an expect service, so this builds the same service
/// (`HttpService::build()…expect(guard).finish(app)`) on an
/// `actix_server::Server`. The settings default to the ones the README's
/// "Deploying" section lists:
///
/// | setting | default | why |
/// |---|---|---|
/// | [`client_request_timeout`](Self::client_request_timeout) | 5 s | a request head must arrive within it |
/// | [`keep_alive`](Self::keep_alive) | 30 s | an idle keep-alive connection is closed after it |
/// | [`client_disconnect_timeout`](Self::client_disconnect_timeout) | 0 | a refused body is not drained before closing |
/// | [`max_connections`](Self::max_connections) | 10,000 per worker | beyond it new connections wait in the backlog |
/// | [`workers`](Self::workers) | actix-server's (one per core) | |
///
/// HTTP/1 over plain TCP only (put TLS in front, as for any webhook
/// receiver behind a load balancer). The app sees actix-web's default
/// `AppConfig` (`HttpRequest::app_config`): its host is `localhost:8080`,
/// used only when a request has no `Host` header; the request's own
/// `peer_addr` is the real one. SIGINT and SIGTERM stop the server
/// gracefully, as with `HttpServer`.
///
/// ```no_run
/// use actix_web::{App, HttpResponse, web};
/// use cometchat_webhooks_actix_web::{CometChatEvent, ExpectGuard, GuardedServer, ReceiverConfig};
///
/// #[actix_web::main]
/// async fn main() -> Result<(), Box<dyn std::error::Error>> {
///     let config = ReceiverConfig::from_env()?;
///     let guard = ExpectGuard::new("/webhooks/cometchat", config.clone());
///     let listener = std::net::TcpListener::bind("127.0.0.1:3000")?;
///     GuardedServer::new(guard)
///         .listen(listener, move || {
///             App::new().app_data(config.clone()).route(
///                 "/webhooks/cometchat",
///                 web::post().to(|_event: CometChatEvent| async { HttpResponse::Ok() }),
///             )
///         })?
///         .await?;
///     Ok(())
/// }
/// ```
#[derive(Debug, Clone)]
pub struct GuardedServer {
    guard: ExpectGuard,
    client_request_timeout: Duration,
    keep_alive: Duration,
    client_disconnect_timeout: Duration,
    max_connections: usize,
    workers: Option<usize>,
    signals: bool,
}

impl GuardedServer {
    /// A server answering `Expect: 100-continue` with `guard`, with the
    /// default settings above.
    pub fn new(guard: ExpectGuard) -> Self {
        Self {
            guard,
            client_request_timeout: Duration::from_secs(5),
            keep_alive: Duration::from_secs(30),
            client_disconnect_timeout: Duration::ZERO,
            max_connections: 10_000,
            workers: None,
            signals: true,
        }
    }

    /// How long a request head may take to arrive (zero: no limit).
    #[must_use]
    pub fn client_request_timeout(mut self, timeout: Duration) -> Self {
        self.client_request_timeout = timeout;
        self
    }

    /// How long a keep-alive connection may stay idle between requests
    /// (zero: keep-alive off).
    #[must_use]
    pub fn keep_alive(mut self, idle: Duration) -> Self {
        self.keep_alive = idle;
        self
    }

    /// How long a connection whose answer is sent may linger before it is
    /// closed (zero: closed at once, the rest of a refused body unread).
    #[must_use]
    pub fn client_disconnect_timeout(mut self, timeout: Duration) -> Self {
        self.client_disconnect_timeout = timeout;
        self
    }

    /// At most this many connections per worker; more wait in the
    /// listener's backlog.
    #[must_use]
    pub fn max_connections(mut self, connections: usize) -> Self {
        self.max_connections = connections;
        self
    }

    /// The number of worker threads (each runs a copy of the app).
    #[must_use]
    pub fn workers(mut self, workers: usize) -> Self {
        self.workers = Some(workers);
        self
    }

    /// Leaves SIGINT and SIGTERM to the application (stop the server
    /// through its handle), as `HttpServer::disable_signals` does.
    #[must_use]
    pub fn disable_signals(mut self) -> Self {
        self.signals = false;
        self
    }

    /// Serves the apps `app` makes (one per worker, as with
    /// `HttpServer::new`) on `listener`; await the returned server to run
    /// it, or stop it through its handle.
    ///
    /// # Errors
    /// When the listener's address cannot be read or the server cannot
    /// take the listener.
    pub fn listen<F, I, S, B>(self, listener: TcpListener, app: F) -> io::Result<Server>
    where
        F: Fn() -> I + Send + Clone + 'static,
        I: IntoServiceFactory<S, Request>,
        S: ServiceFactory<Request, Config = AppConfig> + 'static,
        S::Error: Into<Error> + 'static,
        S::InitError: fmt::Debug,
        S::Response: Into<Response<B>> + 'static,
        <S::Service as Service<Request>>::Future: 'static,
        S::Service: 'static,
        B: MessageBody + 'static,
    {
        let address = listener.local_addr()?;
        let mut builder = Server::build().max_concurrent_connections(self.max_connections);
        if let Some(workers) = self.workers {
            builder = builder.workers(workers);
        }
        if !self.signals {
            builder = builder.disable_signals();
        }
        let settings = self;
        let server = builder.listen("cometchat-webhooks", listener, move || {
            let app = app().into_factory().map_err(|error| error.into().error_response());
            HttpService::build()
                .client_request_timeout(settings.client_request_timeout)
                .keep_alive(settings.keep_alive)
                .client_disconnect_timeout(settings.client_disconnect_timeout)
                .local_addr(address)
                .expect(settings.guard.clone())
                .finish(HoldRefusedBodies::new(
                    map_config(app, |()| AppConfig::default()),
                    settings.guard.clone(),
                ))
                .tcp()
        })?;
        Ok(server.run())
    }
}
