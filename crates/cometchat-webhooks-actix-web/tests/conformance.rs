//! Every case of the shared conformance suite, through an actix-web app in
//! process (`actix_web::test`).

use std::sync::{Arc, Mutex};

use actix_web::dev::Payload;
use actix_web::http::Method;
use actix_web::test::{self, TestRequest};
use actix_web::web::{self, Bytes};
use actix_web::{App, HttpResponse, error::PayloadError};
use cometchat_webhooks_actix_web::CometChatEvent;
use cometchat_webhooks_actix_web::testing::conformance::{self, Answer, Case, PATH};
use futures_util::{Stream, stream};

/// The trigger the handler saw, if it ran.
type Seen = Arc<Mutex<Option<String>>>;

/// How the app under test holds its receiver.
#[derive(Clone, Copy)]
enum Registration {
    AppData,
    WebData,
    Missing,
}

async fn send_to(case: Case, registration: Registration) -> Answer {
    let seen = Seen::default();
    let recorder = seen.clone();
    let handler = move |event: CometChatEvent| {
        *recorder.lock().expect("no handler panicked") = Some(event.trigger().to_owned());
        async { HttpResponse::Ok().body("handled") }
    };
    let app = match registration {
        Registration::AppData => App::new().app_data(conformance::receiver_config()),
        Registration::WebData => {
            App::new().app_data(web::Data::new(conformance::receiver_config()))
        }
        Registration::Missing => App::new(),
    };
    // A resource with a `post()` route answers other methods with 405;
    // `App::route` would move the guard to the resource and answer 404.
    let app =
        test::init_service(app.service(web::resource(PATH).route(web::post().to(handler)))).await;

    let request = &case.request;
    let method = Method::from_bytes(request.method.as_bytes()).expect("a valid method");
    let mut builder = TestRequest::default().method(method).uri(PATH);
    for (name, value) in &request.headers {
        builder = builder.insert_header((*name, value.as_str()));
    }
    let http_request = if request.is_chunked() {
        let chunks = request.chunks().into_iter().map(Ok);
        builder.to_request().replace_payload(streamed(stream::iter(chunks))).0
    } else {
        builder.set_payload(request.body.clone()).to_request()
    };

    let response = test::call_service(&app, http_request).await;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| (name.as_str().to_owned(), value.as_bytes().to_vec()))
        .collect();
    let body = test::read_body(response).await.to_vec();
    let seen_trigger = seen.lock().expect("no handler panicked").clone();
    Answer { status, headers, body, seen_trigger }
}

/// A payload without `Content-Length`, as a chunked request has.
fn streamed(chunks: impl Stream<Item = Result<Bytes, PayloadError>> + 'static) -> Payload {
    Payload::Stream { payload: Box::pin(chunks) }
}

#[actix_web::test]
async fn actix_web_answers_every_case_of_the_contract() {
    let send = |case| send_to(case, Registration::AppData);
    conformance::run(send).await.unwrap_or_else(|failures| panic!("{failures}"));
}

#[actix_web::test]
async fn a_receiver_registered_as_web_data_answers_every_case_too() {
    let send = |case| send_to(case, Registration::WebData);
    conformance::run(send).await.unwrap_or_else(|failures| panic!("{failures}"));
}

#[actix_web::test]
async fn without_a_registered_receiver_every_webhook_is_a_500_that_says_why() {
    let case = conformance::not_configured();
    let answer = send_to(case.clone(), Registration::Missing).await;
    case.check(&answer).unwrap_or_else(|mismatch| panic!("{mismatch}"));
    let body = String::from_utf8(answer.body).unwrap();
    assert!(body.contains("no ReceiverConfig in the actix-web app data"), "{body}");
}
