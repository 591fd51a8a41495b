//! The extractor as a handler argument, beyond the contract's defaults.

use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use actix_web::{App, HttpResponse, web};
use cometchat_webhooks_actix_web::testing::{basic_auth_header, sample_body};
use cometchat_webhooks_actix_web::{
    BasicAuth, CometChatEvent, CometChatRejection, ReceiverConfig, Rejection, Trigger,
};

#[actix_web::test]
async fn a_handler_taking_a_result_answers_refusals_itself() {
    let handler = |event: Result<CometChatEvent, CometChatRejection>| async move {
        match event {
            Ok(event) => HttpResponse::Ok().body(event.trigger().to_owned()),
            Err(CometChatRejection(Rejection::Unauthorized(_))) => {
                HttpResponse::NotFound().body("nothing here")
            }
            Err(other) => HttpResponse::InternalServerError().body(other.to_string()),
        }
    };
    let config = ReceiverConfig::new(BasicAuth::new("cometchat", "secret").unwrap());
    let app =
        test::init_service(App::new().app_data(config).route("/hook", web::post().to(handler)))
            .await;
    let request = |authorization: String| {
        TestRequest::post()
            .uri("/hook")
            .insert_header(("authorization", authorization))
            .set_payload(sample_body(Trigger::MessageSent))
            .to_request()
    };

    let refused = test::call_service(&app, request(basic_auth_header("cometchat", "guess"))).await;
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    assert_eq!(test::read_body(refused).await, "nothing here");

    let accepted =
        test::call_service(&app, request(basic_auth_header("cometchat", "secret"))).await;
    assert_eq!(accepted.status(), StatusCode::OK);
    assert_eq!(test::read_body(accepted).await, "message_sent");
}
