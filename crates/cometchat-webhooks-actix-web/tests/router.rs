//! A typed router mounted with `mount`, through actix-web's test service in
//! process (`actix_web::test`): every scenario of the shared router suite,
//! and a mount inside a scope next to other services.

use actix_web::dev::ServiceResponse;
use actix_web::http::Method;
use actix_web::test::{self, TestRequest};
use actix_web::{App, web};
use cometchat_webhooks_actix_web::router::WebhookRouter;
use cometchat_webhooks_actix_web::testing::conformance::{PATH, receiver_config};
use cometchat_webhooks_actix_web::testing::router_conformance::{
    self, Answer, Request, RunCount, counting_router,
};
use cometchat_webhooks_actix_web::testing::sample_body;
use cometchat_webhooks_actix_web::{Trigger, mount};

/// The request as actix-web's test tools build it.
fn test_request(request: Request) -> TestRequest {
    let method = Method::from_bytes(request.method.as_bytes()).expect("a valid method");
    let mut builder = TestRequest::default().method(method).uri(&request.path);
    for (name, value) in request.headers {
        builder = builder.insert_header((name, value));
    }
    builder.set_payload(request.body)
}

/// The whole answer, read.
async fn read(response: ServiceResponse) -> Answer {
    let (status, headers) = (response.status().as_u16(), response.headers().clone());
    Answer::new(status, &headers, test::read_body(response).await)
}

/// The suite's framework: `router` mounted at `PATH` of a fresh app.
async fn send(router: WebhookRouter, request: Request) -> Answer {
    let app = test::init_service(App::new().service(mount(PATH, router, receiver_config()))).await;
    read(test::call_service(&app, test_request(request).to_request()).await).await
}

#[actix_web::test]
async fn actix_web_passes_every_router_scenario() {
    router_conformance::run(send).await.unwrap_or_else(|failures| panic!("{failures}"));
}

#[actix_web::test]
async fn mount_sits_in_a_scope_next_to_other_services() {
    let runs = RunCount::default();
    let app = test::init_service(
        App::new().app_data(web::Data::new("shop")).service(
            web::scope("/api")
                .route(
                    "/name",
                    web::get().to(|name: web::Data<&'static str>| async move { **name }),
                )
                .service(mount("/webhooks/cometchat", counting_router(&runs), receiver_config())),
        ),
    )
    .await;

    let name = test_request(Request::new("GET", "/api/name")).to_request();
    let name = read(test::call_service(&app, name).await).await;
    assert_eq!((name.status, name.text().as_ref()), (200, "shop"));
    let webhook = Request::webhook(sample_body(Trigger::MessageSent)).at("/api/webhooks/cometchat");
    let webhook = read(test::call_service(&app, test_request(webhook).to_request()).await).await;
    assert_eq!(webhook.status, 200);
    assert_eq!(runs.get(), 1);
}
