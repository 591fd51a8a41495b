//! Every case of the shared conformance suite, through a warp route in
//! process: `warp::test::request()` for bodies sent whole, and the route as
//! a `warp::service` for chunked bodies, which `warp::test` cannot send
//! (it always sets `Content-Length`).

use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use cometchat_webhooks_warp::testing::conformance::{self, Answer, Case};
use cometchat_webhooks_warp::{CometChatEvent, cometchat_event, recover};
use futures_util::stream;
use http_body_util::{BodyExt, StreamBody};
use tower::ServiceExt;
use warp::http::{HeaderMap, Request};
use warp::hyper::body::Frame;
use warp::{Filter, Rejection, Reply};

/// The trigger the handler saw, if it ran.
type Seen = Arc<Mutex<Option<String>>>;

/// `POST /webhooks/cometchat` (the suite's `PATH`), as an app would mount it.
fn route(seen: Seen) -> impl Filter<Extract = (impl Reply,), Error = Rejection> + Clone {
    warp::path!("webhooks" / "cometchat")
        .and(warp::post())
        .and(cometchat_event(conformance::receiver_config()))
        .map(move |event: CometChatEvent| {
            *seen.lock().expect("no handler panicked") = Some(event.trigger().to_owned());
            "handled"
        })
        .recover(recover)
}

async fn send(case: Case) -> Answer {
    assert_eq!(conformance::PATH, "/webhooks/cometchat", "the route above serves this path");
    let seen = Seen::default();
    let (status, headers, body) = if case.request.is_chunked() {
        send_chunked(&case, route(seen.clone())).await
    } else {
        send_whole(&case, route(seen.clone())).await
    };
    let headers = headers
        .iter()
        .map(|(name, value)| (name.as_str().to_owned(), value.as_bytes().to_vec()))
        .collect();
    let seen_trigger = seen.lock().expect("no handler panicked").clone();
    Answer { status, headers, body, seen_trigger }
}

async fn send_whole<F>(case: &Case, route: F) -> (u16, HeaderMap, Vec<u8>)
where
    F: Filter + Clone + Send + Sync + 'static,
    F::Extract: Reply + Send,
{
    let request = &case.request;
    let mut builder = warp::test::request().method(request.method).path(conformance::PATH);
    for (name, value) in &request.headers {
        builder = builder.header(*name, value.as_str());
    }
    let response = builder.body(&request.body).reply(&route).await;
    (response.status().as_u16(), response.headers().clone(), response.body().to_vec())
}

async fn send_chunked<F>(case: &Case, route: F) -> (u16, HeaderMap, Vec<u8>)
where
    F: Filter + Clone + Send + Sync + 'static,
    F::Extract: Reply + Send,
{
    let request = &case.request;
    let mut builder = Request::builder().method(request.method).uri(conformance::PATH);
    for (name, value) in &request.headers {
        builder = builder.header(*name, value);
    }
    let frames = request.chunks().into_iter().map(|chunk| Ok::<_, Infallible>(Frame::data(chunk)));
    let body = StreamBody::new(stream::iter(frames));
    let response = warp::service(route)
        .oneshot(builder.body(body).expect("a valid request"))
        .await
        .unwrap_or_else(|never| match never {});
    let (parts, body) = response.into_parts();
    let body = body.collect().await.expect("a readable response").to_bytes().to_vec();
    (parts.status.as_u16(), parts.headers, body)
}

#[tokio::test]
async fn warp_answers_every_case_of_the_contract() {
    conformance::run(send).await.unwrap_or_else(|failures| panic!("{failures}"));
}
