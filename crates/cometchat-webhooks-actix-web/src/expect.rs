//! [`ExpectGuard`]: the answer to `Expect: 100-continue` on the webhook
//! path, decided by the contract before the sender sends the body.

use std::future::{Ready, ready};
use std::sync::Arc;
use std::task::{Context, Poll};

use actix_http::Request;
use actix_web::Error;
use actix_web::dev::{Service, ServiceFactory};
use actix_web::http::Method;
use cometchat_webhooks::ReceiverConfig;
use cometchat_webhooks::contract::{self, RequestHead};

use crate::CometChatRejection;

/// actix-http's `Expect: 100-continue` service for a webhook receiver: a
/// `POST` to one of its paths gets `100 Continue` only when
/// [`contract::check_head`] passes (credentials, declared length); a
/// refused one is answered at once with the contract's 401 or 413 and the
/// connection is closed, so the body is never sent.
///
/// actix-http answers `100 Continue` to every such request unless the
/// server installs an expect service, and actix-web's `HttpServer` has no
/// setting for one: serve the app with [`GuardedServer`](crate::GuardedServer),
/// or pass the guard to `actix_http::HttpService::build().expect(…)`
/// yourself. Requests to other paths, other methods, and requests without
/// `Expect` are passed on untouched; the receiver itself still runs the
/// whole contract on every request.
///
/// ```
/// use cometchat_webhooks_actix_web::{BasicAuth, ExpectGuard, ReceiverConfig};
///
/// let config = ReceiverConfig::new(BasicAuth::new("cometchat", "secret")?);
/// let guard = ExpectGuard::new("/webhooks/cometchat", config).with_path("/webhooks/other");
/// assert!(guard.guards("/webhooks/other"));
/// assert!(!guard.guards("/health"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct ExpectGuard {
    paths: Arc<[String]>,
    config: ReceiverConfig,
}

impl ExpectGuard {
    /// Guards `POST path` (the exact path the receiver is served at) with
    /// the receiver's `config`.
    pub fn new(path: impl Into<String>, config: ReceiverConfig) -> Self {
        Self { paths: Arc::from([path.into()]), config }
    }

    /// Guards `POST path` as well, with the same configuration.
    #[must_use]
    pub fn with_path(self, path: impl Into<String>) -> Self {
        let mut paths = self.paths.to_vec();
        paths.push(path.into());
        Self { paths: paths.into(), config: self.config }
    }

    /// Whether a `POST` to `path` is checked before `100 Continue`.
    pub fn guards(&self, path: &str) -> bool {
        self.paths.iter().any(|guarded| guarded == path)
    }

    /// The request, to be answered `100 Continue` and served, or the
    /// contract's refusal to answer instead.
    fn check(&self, request: Request) -> Result<Request, Error> {
        if request.method() != Method::POST || !self.guards(request.path()) {
            return Ok(request);
        }
        let headers = &request.head().headers;
        let head =
            RequestHead::from_headers(headers.iter().map(|(n, v)| (n.as_str(), v.as_bytes())));
        // Answered as the extractor answers (`CometChatRejection`'s
        // response): the contract's status, headers and body.
        match contract::check_head(&self.config, head) {
            Ok(()) => Ok(request),
            Err(rejection) => Err(CometChatRejection(rejection).into()),
        }
    }
}

impl ServiceFactory<Request> for ExpectGuard {
    type Response = Request;
    type Error = Error;
    type Config = ();
    type Service = ExpectGuard;
    type InitError = ();
    type Future = Ready<Result<ExpectGuard, ()>>;

    fn new_service(&self, (): ()) -> Self::Future {
        ready(Ok(self.clone()))
    }
}

impl Service<Request> for ExpectGuard {
    type Response = Request;
    type Error = Error;
    type Future = Ready<Result<Request, Error>>;

    fn poll_ready(&self, _: &mut Context<'_>) -> Poll<Result<(), Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&self, request: Request) -> Self::Future {
        ready(self.check(request))
    }
}
