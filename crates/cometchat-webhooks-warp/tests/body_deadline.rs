//! The 408 row of the contract on a real warp server over loopback: a body
//! that stalls is answered 408 at the body-read deadline, with
//! `Connection: close`, and the connection is closed, both through the
//! filter and through `mount`.

use std::net::SocketAddr;

use cometchat_webhooks_warp::testing::conformance::PATH;
use cometchat_webhooks_warp::testing::slow_clients;
use cometchat_webhooks_warp::{CometChatEvent, cometchat_event, recover};
use warp::Filter;

async fn serve<F>(filter: F) -> SocketAddr
where
    F: Filter + Clone + Send + Sync + 'static,
    F::Extract: warp::Reply,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let address = listener.local_addr().expect("local address");
    tokio::spawn(warp::serve(filter).incoming(listener).run());
    address
}

async fn stalled_body(address: SocketAddr) -> slow_clients::RawAnswer {
    tokio::task::spawn_blocking(move || slow_clients::stalled_body(address))
        .await
        .expect("client thread")
        .expect("an answer")
}

#[tokio::test]
async fn a_stalled_body_gets_408_and_a_closed_connection_through_the_filter() {
    let filter = warp::path!("webhooks" / "cometchat")
        .and(warp::post())
        .and(cometchat_event(slow_clients::receiver_config()))
        .map(|_event: CometChatEvent| "{}")
        .recover(recover);
    assert_eq!(PATH, "/webhooks/cometchat");
    let answer = stalled_body(serve(filter).await).await;
    slow_clients::check_timeout(&answer).unwrap();
}

#[cfg(feature = "router")]
#[tokio::test]
async fn a_stalled_body_gets_408_and_a_closed_connection_through_mount() {
    let router = cometchat_webhooks_warp::router::WebhookRouter::builder().build();
    let filter = cometchat_webhooks_warp::mount(PATH, router, slow_clients::receiver_config());
    let answer = stalled_body(serve(filter).await).await;
    slow_clients::check_timeout(&answer).unwrap();
}
