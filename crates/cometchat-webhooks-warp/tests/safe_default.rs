//! `webhook` answers a refused request itself: the contract's 401, 400 and
//! 413 with or without `recover`, and whatever route follows it.

use std::convert::Infallible;

use cometchat_webhooks_warp::testing::{basic_auth_header, sample_body};
use cometchat_webhooks_warp::{
    AuthError, BasicAuth, CometChatEvent, ReceiverConfig, Rejection, Trigger, WebhookResponse,
    recover, webhook,
};
use warp::Filter;
use warp::http::StatusCode;
use warp::hyper::body::Bytes;
use warp::reply::Response;

const LIMIT: usize = 64 * 1024;

fn config() -> ReceiverConfig {
    ReceiverConfig::new(BasicAuth::new("cometchat", "secret").expect("valid credentials"))
        .with_body_limit(LIMIT)
        .expect("a valid limit")
}

fn webhook_route() -> impl Filter<Extract = (Response,), Error = warp::Rejection> + Clone {
    warp::path!("webhooks" / "cometchat")
        .and(warp::post())
        .and(webhook(config(), |event: CometChatEvent| async move { event.trigger().to_owned() }))
}

/// The app's other routes: a page and a catch-all that answers 200.
fn other_routes() -> impl Filter<Extract = (&'static str,), Error = Infallible> + Clone {
    let page = warp::path("page").map(|| "page");
    page.or(warp::any().map(|| "catch-all")).unify()
}

fn post(password: &str, body: impl AsRef<[u8]>) -> warp::test::RequestBuilder {
    warp::test::request()
        .method("POST")
        .path("/webhooks/cometchat")
        .header("authorization", basic_auth_header("cometchat", password))
        .body(body)
}

/// The contract's answer for `rejection`, as the core renders it.
fn contract_answer(rejection: Rejection) -> warp::http::Response<Bytes> {
    WebhookResponse::from(rejection).into_http()
}

fn assert_same(actual: &warp::http::Response<Bytes>, expected: &warp::http::Response<Bytes>) {
    assert_eq!(actual.status(), expected.status());
    assert_eq!(actual.headers(), expected.headers());
    assert_eq!(actual.body(), expected.body());
}

async fn refusals_are_answered_by_the_contract<F>(app: F)
where
    F: Filter + Clone + Send + Sync + 'static,
    F::Extract: warp::Reply + Send,
{
    let wrong = post("guess", sample_body(Trigger::MessageSent)).reply(&app).await;
    assert_same(&wrong, &contract_answer(Rejection::Unauthorized(AuthError::Wrong)));
    assert_eq!(wrong.headers()["www-authenticate"], "Basic realm=\"cometchat-webhooks\"");

    let missing = warp::test::request()
        .method("POST")
        .path("/webhooks/cometchat")
        .body(sample_body(Trigger::MessageSent))
        .reply(&app)
        .await;
    assert_eq!(missing.status(), StatusCode::UNAUTHORIZED);

    let not_json = post("secret", "not json").reply(&app).await;
    assert_eq!(not_json.status(), StatusCode::BAD_REQUEST);
    assert_eq!(not_json.headers()["content-type"], "application/json");
    assert!(not_json.body().starts_with(b"{\"error\""), "{:?}", not_json.body());

    let oversized = post("secret", vec![b' '; LIMIT + 1]).reply(&app).await;
    assert_same(&oversized, &contract_answer(Rejection::PayloadTooLarge { limit: LIMIT }));

    let accepted = post("secret", sample_body(Trigger::MessageSent)).reply(&app).await;
    assert_eq!(accepted.status(), StatusCode::OK);
    assert_eq!(accepted.body(), &Bytes::from_static(b"message_sent"));
}

#[tokio::test]
async fn without_recover_and_with_a_catch_all_after_it() {
    refusals_are_answered_by_the_contract(webhook_route().or(other_routes())).await;
}

#[tokio::test]
async fn with_recover_and_with_a_catch_all_after_it() {
    refusals_are_answered_by_the_contract(webhook_route().recover(recover).or(other_routes()))
        .await;
}

#[tokio::test]
async fn alone_without_recover() {
    refusals_are_answered_by_the_contract(webhook_route()).await;
}

#[tokio::test]
async fn other_paths_and_methods_still_reach_the_other_routes() {
    let app = webhook_route().or(other_routes());
    let page = warp::test::request().path("/page").reply(&app).await;
    assert_eq!(page.body(), &Bytes::from_static(b"page"));
    let get = warp::test::request().path("/webhooks/cometchat").reply(&app).await;
    assert_eq!(get.body(), &Bytes::from_static(b"catch-all"));
}
