//! The 408 row of the contract on a real axum server over loopback: a body
//! that stalls is answered 408 at the body-read deadline, with
//! `Connection: close`, and the connection is closed, both through the
//! extractor and through `mount`.

use std::net::SocketAddr;

use axum::routing::post;
use cometchat_webhooks_axum::testing::conformance::PATH;
use cometchat_webhooks_axum::testing::slow_clients;
use cometchat_webhooks_axum::{CometChatEvent, ReceiverConfig};

async fn serve(app: axum::Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let address = listener.local_addr().expect("local address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    address
}

async fn stalled_body(address: SocketAddr) -> slow_clients::RawAnswer {
    tokio::task::spawn_blocking(move || slow_clients::stalled_body(address))
        .await
        .expect("client thread")
        .expect("an answer")
}

#[tokio::test]
async fn a_stalled_body_gets_408_and_a_closed_connection_through_the_extractor() {
    let app = axum::Router::new()
        .route(PATH, post(|_event: CometChatEvent| async { "{}" }))
        .with_state::<()>(slow_clients::receiver_config());
    let answer = stalled_body(serve(app).await).await;
    slow_clients::check_timeout(&answer).unwrap();
}

#[cfg(feature = "router")]
#[tokio::test]
async fn a_stalled_body_gets_408_and_a_closed_connection_through_mount() {
    let router = cometchat_webhooks_axum::router::WebhookRouter::builder().build();
    let config: ReceiverConfig = slow_clients::receiver_config();
    let app = cometchat_webhooks_axum::mount(PATH, router, config);
    let answer = stalled_body(serve(app).await).await;
    slow_clients::check_timeout(&answer).unwrap();
}
