//! Why `recover` belongs on the webhook route: a refused webhook must be
//! answered, not handed to the app's other routes.

use std::convert::Infallible;

use cometchat_webhooks_warp::testing::{basic_auth_header, sample_body};
use cometchat_webhooks_warp::{
    BasicAuth, CometChatEvent, ReceiverConfig, Trigger, cometchat_event, recover,
};
use warp::Filter;
use warp::http::StatusCode;
use warp::hyper::body::Bytes;

fn config() -> ReceiverConfig {
    ReceiverConfig::new(BasicAuth::new("cometchat", "secret").expect("valid credentials"))
}

fn webhook_route() -> impl Filter<Extract = (String,), Error = warp::Rejection> + Clone {
    warp::path!("webhooks" / "cometchat")
        .and(warp::post())
        .and(cometchat_event(config()))
        .map(|event: CometChatEvent| event.trigger().to_owned())
}

/// The app's other routes: a page and a catch-all.
fn other_routes() -> impl Filter<Extract = (&'static str,), Error = Infallible> + Clone {
    let page = warp::path("page").map(|| "page");
    page.or(warp::any().map(|| "catch-all")).unify()
}

fn unauthenticated_webhook() -> warp::test::RequestBuilder {
    warp::test::request()
        .method("POST")
        .path("/webhooks/cometchat")
        .header("authorization", basic_auth_header("cometchat", "guess"))
        .body(sample_body(Trigger::MessageSent))
}

#[tokio::test]
async fn without_recover_a_refused_webhook_falls_through_to_a_catch_all() {
    let app = webhook_route().or(other_routes());
    let response = unauthenticated_webhook().reply(&app).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.body(), &Bytes::from_static(b"catch-all"));
}

#[tokio::test]
async fn with_recover_on_the_webhook_route_it_is_answered_401() {
    let app = webhook_route().recover(recover).or(other_routes());
    let response = unauthenticated_webhook().reply(&app).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(response.headers()["www-authenticate"], "Basic realm=\"cometchat-webhooks\"");
    assert_eq!(response.headers()["content-type"], "application/json");
}

#[tokio::test]
async fn recover_passes_other_rejections_on() {
    let app = webhook_route().recover(recover).or(other_routes());
    let page = warp::test::request().path("/page").reply(&app).await;
    assert_eq!(page.body(), &Bytes::from_static(b"page"));

    let alone = webhook_route().recover(recover);
    let get = warp::test::request().path("/webhooks/cometchat").reply(&alone).await;
    assert_eq!(get.status(), StatusCode::METHOD_NOT_ALLOWED);
    let elsewhere = warp::test::request().method("POST").path("/nowhere").reply(&alone).await;
    assert_eq!(elsewhere.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn without_recover_and_without_other_routes_warp_answers_500_not_401() {
    let response = unauthenticated_webhook().reply(&webhook_route()).await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
}
