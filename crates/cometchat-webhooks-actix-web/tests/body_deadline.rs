//! The 408 row of the contract on a real actix-web server over loopback: a
//! body that stalls is answered 408 at the body-read deadline, with
//! `Connection: close`, and the connection is closed, both through the
//! extractor and through `mount`.

use std::net::SocketAddr;

use actix_web::dev::ServerHandle;
use actix_web::{App, HttpResponse, HttpServer, web};
use cometchat_webhooks_actix_web::CometChatEvent;
use cometchat_webhooks_actix_web::testing::conformance::PATH;
use cometchat_webhooks_actix_web::testing::slow_clients;

/// Runs the app factory on one worker on a loopback port: its address and
/// the handle that stops it.
macro_rules! serve {
    ($factory:expr) => {{
        let server =
            HttpServer::new($factory).workers(1).bind(("127.0.0.1", 0)).expect("bind loopback");
        let address: SocketAddr = server.addrs()[0];
        let server = server.run();
        let handle: ServerHandle = server.handle();
        actix_rt::spawn(server);
        (address, handle)
    }};
}

async fn stalled_body(address: SocketAddr) -> slow_clients::RawAnswer {
    let client = std::thread::spawn(move || slow_clients::stalled_body(address));
    // The server runs on this thread's runtime: wait without blocking it.
    while !client.is_finished() {
        actix_rt::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    client.join().expect("client thread").expect("an answer")
}

async fn accept(_event: CometChatEvent) -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[actix_rt::test]
async fn a_stalled_body_gets_408_and_a_closed_connection_through_the_extractor() {
    let (address, server) = serve!(|| {
        App::new()
            .app_data(slow_clients::receiver_config())
            .service(web::resource(PATH).route(web::post().to(accept)))
    });
    let answer = stalled_body(address).await;
    server.stop(false).await;
    slow_clients::check_timeout(&answer).unwrap();
}

#[cfg(feature = "router")]
#[actix_rt::test]
async fn a_stalled_body_gets_408_and_a_closed_connection_through_mount() {
    let router = cometchat_webhooks_actix_web::router::WebhookRouter::builder().build();
    let config = slow_clients::receiver_config();
    let (address, server) = serve!(move || {
        App::new().service(cometchat_webhooks_actix_web::mount(
            PATH,
            router.clone(),
            config.clone(),
        ))
    });
    let answer = stalled_body(address).await;
    server.stop(false).await;
    slow_clients::check_timeout(&answer).unwrap();
}
