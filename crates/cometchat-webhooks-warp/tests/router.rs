//! How a router mounted with `mount` sits among the app's other routes,
//! through warp's test requests in process (`warp::test`). The shared
//! router scenarios run in `conformance.rs`.

use std::convert::Infallible;

use cometchat_webhooks_warp::testing::router_conformance::counting_router;
use cometchat_webhooks_warp::testing::{
    Answer, PATH, Request, RunCount, WRONG_PASSWORD, receiver_config, sample_body,
};
use cometchat_webhooks_warp::{Trigger, mount};
use warp::Filter;
use warp::test::RequestBuilder;

/// The request as warp's test tools build it.
fn test_request(request: Request) -> RequestBuilder {
    let mut builder = warp::test::request().method(request.method).path(&request.path);
    for (name, value) in &request.headers {
        builder = builder.header(*name, value.as_str());
    }
    builder.body(request.body)
}

/// Sends `request` to `filter` and reads the whole answer.
async fn reply<F>(filter: &F, request: Request) -> Answer
where
    F: Filter + Clone + Send + Sync + 'static,
    F::Extract: warp::Reply + Send,
{
    let response = test_request(request).reply(filter).await;
    Answer::new(response.status().as_u16(), response.headers(), response.body().clone())
}

fn message_sent() -> &'static [u8] {
    sample_body(Trigger::MessageSent)
}

/// The app's other routes: one page that echoes its body, and a catch-all.
fn other_routes() -> impl Filter<Extract = (String,), Error = Infallible> + Clone {
    let echo = warp::path!("echo")
        .and(warp::body::bytes())
        .map(|body: warp::hyper::body::Bytes| String::from_utf8_lossy(&body).into_owned());
    echo.or(warp::any().map(|| "catch-all".to_owned())).unify()
}

#[tokio::test]
async fn nothing_on_the_path_falls_through_to_the_other_routes() {
    let runs = RunCount::default();
    let app = mount(PATH, counting_router(&runs), receiver_config()).or(other_routes());

    let refused = reply(&app, Request::signed_with(WRONG_PASSWORD, message_sent())).await;
    assert_eq!(refused.status, 401, "answered, not handed to the catch-all");
    let not_json = reply(&app, Request::webhook("not json")).await;
    assert_eq!(not_json.status, 400);
    let wrong_method = reply(&app, Request::new("GET", PATH)).await;
    assert_eq!(wrong_method.status, 405);
    assert_eq!(runs.get(), 0);
}

#[tokio::test]
async fn other_paths_reach_the_next_route_with_their_body() {
    let runs = RunCount::default();
    let app = mount(PATH, counting_router(&runs), receiver_config()).or(other_routes());

    let echo = Request::new("POST", "/echo").with_body("kept whole");
    assert_eq!(reply(&app, echo).await.text(), "kept whole");
    let nested = Request::new("POST", "/webhooks/cometchat/extra");
    assert_eq!(reply(&app, nested).await.text(), "catch-all");
    assert_eq!(runs.get(), 0);
}

#[tokio::test]
async fn mount_works_under_a_path_prefix() {
    let runs = RunCount::default();
    let app = warp::path("api").and(mount(PATH, counting_router(&runs), receiver_config()));
    let webhook = Request::webhook(message_sent()).at("/api/webhooks/cometchat");
    let answer = reply(&app, webhook).await;
    assert_eq!((answer.status, answer.text().as_ref()), (200, "{}"));
    assert_eq!(runs.get(), 1);
}
