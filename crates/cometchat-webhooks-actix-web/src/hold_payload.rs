//! Keeps a refused chunked body from being drained: actix-http reads a
//! chunked request body to its end once the handler has dropped it (to
//! keep the connection alive), however long the sender takes and however
//! much it sends, even after a 401 or 413 that says `Connection: close`.
//! It closes the connection instead when the body is still held when the
//! answer is sent. So, for chunked `POST`s to the guarded paths, the
//! original body is held by the answer until the answer is sent, and the
//! app reads it through a forwarding stream.

use std::cell::RefCell;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use actix_http::body::{BodySize, BoxBody, EitherBody, MessageBody};
use actix_http::error::PayloadError;
use actix_http::{BoxedPayloadStream, HttpMessage as _, Payload, Request, Response};
use actix_web::dev::{Service, ServiceFactory};
use actix_web::http::Method;
use actix_web::web::Bytes;
use futures_util::Stream;
use futures_util::future::LocalBoxFuture;

use crate::ExpectGuard;

/// The request's own body, shared by the app's forwarding stream and the
/// answer that holds it.
type HeldPayload = Rc<RefCell<Payload>>;

/// Wraps the app's service factory (`F`) for [`GuardedServer`](crate::GuardedServer).
pub(crate) struct HoldRefusedBodies<F, B> {
    app: F,
    guard: ExpectGuard,
    body: PhantomData<fn() -> B>,
}

impl<F, B> HoldRefusedBodies<F, B> {
    /// `app`, holding the chunked bodies of `POST`s to `guard`'s paths.
    pub(crate) fn new(app: F, guard: ExpectGuard) -> Self {
        Self { app, guard, body: PhantomData }
    }
}

impl<F, B> ServiceFactory<Request> for HoldRefusedBodies<F, B>
where
    F: ServiceFactory<Request, Config = ()>,
    F::Response: Into<Response<B>>,
    F::Future: 'static,
    F::Service: 'static,
    <F::Service as Service<Request>>::Future: 'static,
    B: MessageBody + 'static,
{
    type Response = Response<EitherBody<B, BoxBody>>;
    type Error = F::Error;
    type Config = ();
    type Service = HoldingService<F::Service, B>;
    type InitError = F::InitError;
    type Future = LocalBoxFuture<'static, Result<Self::Service, Self::InitError>>;

    fn new_service(&self, (): ()) -> Self::Future {
        let (app, guard) = (self.app.new_service(()), self.guard.clone());
        Box::pin(async move { Ok(HoldingService { app: app.await?, guard, body: PhantomData }) })
    }
}

/// The app's service, holding the bodies of chunked webhook requests.
pub(crate) struct HoldingService<S, B> {
    app: S,
    guard: ExpectGuard,
    body: PhantomData<fn() -> B>,
}

impl<S, B> Service<Request> for HoldingService<S, B>
where
    S: Service<Request>,
    S::Response: Into<Response<B>>,
    S::Future: 'static,
    B: MessageBody + 'static,
{
    type Response = Response<EitherBody<B, BoxBody>>;
    type Error = S::Error;
    type Future = LocalBoxFuture<'static, Result<Self::Response, Self::Error>>;

    actix_web::dev::forward_ready!(app);

    fn call(&self, mut request: Request) -> Self::Future {
        let chunked_webhook = request.method() == Method::POST
            && request.chunked().unwrap_or(false)
            && self.guard.guards(request.path());
        let held = chunked_webhook.then(|| {
            let held: HeldPayload = Rc::new(RefCell::new(request.take_payload()));
            let forward: BoxedPayloadStream = Box::pin(Forward(Rc::clone(&held)));
            *request.payload() = Payload::Stream { payload: forward };
            held
        });
        let answer = self.app.call(request);
        Box::pin(async move {
            let response: Response<B> = answer.await?.into();
            Ok(match held {
                None => response.map_body(|_, body| EitherBody::left(body)),
                Some(held) => response.map_body(|_, body| {
                    EitherBody::right(BoxBody::new(HoldingBody { body: body.boxed(), _held: held }))
                }),
            })
        })
    }
}

/// The app's view of the held body.
struct Forward(HeldPayload);

impl Stream for Forward {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Pin::new(&mut *self.0.borrow_mut()).poll_next(context)
    }
}

/// An answer's body that holds the request's body until it is dropped,
/// after actix-http has decided whether to close the connection.
struct HoldingBody {
    body: BoxBody,
    _held: HeldPayload,
}

impl MessageBody for HoldingBody {
    type Error = Box<dyn std::error::Error>;

    fn size(&self) -> BodySize {
        self.body.size()
    }

    fn poll_next(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        Pin::new(&mut self.body).poll_next(context)
    }
}
