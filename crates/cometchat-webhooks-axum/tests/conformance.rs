//! Every case of the shared conformance suite, through axum's router in
//! process (`tower::ServiceExt::oneshot`).

use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use axum::routing::post;
use cometchat_webhooks_axum::CometChatEvent;
use cometchat_webhooks_axum::testing::conformance::{self, Answer, Case, PATH};
use futures_util::stream;
use http_body_util::BodyExt;
use tower::ServiceExt;

/// The trigger the handler saw, if it ran.
type Seen = Arc<Mutex<Option<String>>>;

fn app(seen: Seen) -> Router {
    let handler = move |event: CometChatEvent| async move {
        *seen.lock().expect("no handler panicked") = Some(event.trigger().to_owned());
        "handled"
    };
    Router::new().route(PATH, post(handler)).with_state(conformance::receiver_config())
}

async fn send(case: Case) -> Answer {
    let request = &case.request;
    let mut builder = Request::builder().method(request.method).uri(PATH);
    for (name, value) in &request.headers {
        builder = builder.header(*name, value);
    }
    let body = if request.is_chunked() {
        Body::from_stream(stream::iter(request.chunks().into_iter().map(Ok::<_, Infallible>)))
    } else {
        Body::from(request.body.clone())
    };
    let seen = Seen::default();
    let response =
        app(seen.clone()).oneshot(builder.body(body).expect("a valid request")).await.unwrap();
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| (name.as_str().to_owned(), value.as_bytes().to_vec()))
        .collect();
    let body =
        response.into_body().collect().await.expect("a readable response").to_bytes().to_vec();
    let seen_trigger = seen.lock().expect("no handler panicked").clone();
    Answer { status, headers, body, seen_trigger }
}

#[tokio::test]
async fn axum_answers_every_case_of_the_contract() {
    conformance::run(send).await.unwrap_or_else(|failures| panic!("{failures}"));
}
