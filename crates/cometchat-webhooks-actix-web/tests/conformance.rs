//! The adapter test kit through an actix-web app in process
//! (`actix_web::test`): every row of the contract (with the receiver as
//! app data or as `web::Data`), every body-reading row, every router
//! scenario, and the 500 of an app without a receiver.

use actix_web::dev::Payload;
use actix_web::error::PayloadError;
use actix_web::http::Method;
use actix_web::test::{self, TestRequest};
use actix_web::{App, HttpResponse, web};
use cometchat_webhooks_actix_web::router::WebhookRouter;
use cometchat_webhooks_actix_web::testing::{
    Answer, Harness, PATH, Request, Sightings, body_reading, conformance, receiver_config,
    router_conformance,
};
use cometchat_webhooks_actix_web::{CometChatEvent, ReceiverConfig, mount};
use futures_util::StreamExt;

/// How the app under test holds its receiver.
#[derive(Clone, Copy)]
enum Registration {
    AppData,
    WebData,
    Missing,
}

/// actix-web, as the kit drives it.
struct ActixWeb(Registration);

impl Harness for ActixWeb {
    async fn receive(
        &mut self,
        config: &ReceiverConfig,
        seen: &Sightings,
        request: Request,
    ) -> Answer {
        let seen = seen.clone();
        let handler = move |event: CometChatEvent| {
            let trigger = seen.record(&event);
            async { HttpResponse::Ok().body(trigger) }
        };
        let app = match self.0 {
            Registration::AppData => App::new().app_data(config.clone()),
            Registration::WebData => App::new().app_data(web::Data::new(config.clone())),
            Registration::Missing => App::new(),
        };
        // A resource with a `post()` route answers other methods with 405;
        // `App::route` would move the guard to the resource and answer 404.
        let app = app.service(web::resource(PATH).route(web::post().to(handler)));
        let app = test::init_service(app).await;
        let (builder, payload) = test_request(request);
        let request = match payload {
            Some(payload) => builder.to_request().replace_payload(payload).0,
            None => builder.to_request(),
        };
        read(test::call_service(&app, request).await).await
    }

    async fn mount(&mut self, router: &WebhookRouter, request: Request) -> Answer {
        let app = App::new().service(mount(PATH, router.clone(), receiver_config()));
        let app = test::init_service(app).await;
        let (builder, payload) = test_request(request);
        let request = match payload {
            Some(payload) => builder.to_request().replace_payload(payload).0,
            None => builder.to_request(),
        };
        read(test::call_service(&app, request).await).await
    }
}

/// The request as actix-web's test tools build it, every header appended:
/// with the body set when whole, else with the payload stream to put in.
fn test_request(request: Request) -> (TestRequest, Option<Payload>) {
    let method = Method::from_bytes(request.method.as_bytes()).expect("a valid method");
    let mut builder = TestRequest::default().method(method).uri(&request.path);
    for (name, value) in &request.headers {
        builder = builder.append_header((*name, value.as_str()));
    }
    match request.whole_body() {
        Some(body) => (builder.set_payload(body.clone()), None),
        None => {
            let chunks = request.body_stream().map(|chunk| chunk.map_err(PayloadError::Io));
            (builder, Some(Payload::Stream { payload: Box::pin(chunks) }))
        }
    }
}

/// The whole answer, read.
async fn read(response: actix_web::dev::ServiceResponse) -> Answer {
    let (status, headers) = (response.status().as_u16(), response.headers().clone());
    Answer::new(status, &headers, test::read_body(response).await)
}

#[actix_web::test]
async fn actix_web_answers_every_case_of_the_contract() {
    let mut harness = ActixWeb(Registration::AppData);
    conformance::run(&mut harness).await.unwrap_or_else(|failures| panic!("{failures}"));
}

#[actix_web::test]
async fn a_receiver_registered_as_web_data_answers_every_case_too() {
    let mut harness = ActixWeb(Registration::WebData);
    conformance::run(&mut harness).await.unwrap_or_else(|failures| panic!("{failures}"));
}

#[actix_web::test]
async fn actix_web_reads_payloads_as_the_contract_says() {
    let mut harness = ActixWeb(Registration::AppData);
    body_reading::run(&mut harness).await.unwrap_or_else(|failures| panic!("{failures}"));
}

#[actix_web::test]
async fn actix_web_passes_every_router_scenario() {
    let mut harness = ActixWeb(Registration::AppData);
    router_conformance::run(&mut harness).await.unwrap_or_else(|failures| panic!("{failures}"));
}

#[actix_web::test]
async fn without_a_registered_receiver_every_webhook_is_a_500_that_says_why() {
    let case = conformance::not_configured();
    let (answer, checked) = conformance::send(&mut ActixWeb(Registration::Missing), &case).await;
    checked.unwrap_or_else(|mismatch| panic!("{mismatch}"));
    let body = answer.text();
    assert!(body.contains("no ReceiverConfig in the actix-web app data"), "{body}");
}
