//! A typed router mounted with `mount` inside a scope next to other
//! services, through actix-web's test service in process
//! (`actix_web::test`). The shared router scenarios run in
//! `conformance.rs`.

use actix_web::test::{self, TestRequest};
use actix_web::{App, web};
use cometchat_webhooks_actix_web::testing::router_conformance::counting_router;
use cometchat_webhooks_actix_web::testing::{Request, RunCount, receiver_config, sample_body};
use cometchat_webhooks_actix_web::{Trigger, mount};

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

    let name = test::call_service(&app, TestRequest::get().uri("/api/name").to_request()).await;
    assert_eq!(name.status(), 200);
    assert_eq!(test::read_body(name).await, "shop");
    let webhook = Request::webhook(sample_body(Trigger::MessageSent));
    let mut request = TestRequest::post().uri("/api/webhooks/cometchat");
    for (name, value) in webhook.headers {
        request = request.append_header((name, value));
    }
    let answer = test::call_service(&app, request.set_payload(webhook.body).to_request()).await;
    assert_eq!(answer.status(), 200);
    assert_eq!(runs.get(), 1);
}
