//! A refused request on a real actix-web server over loopback, set up as
//! the examples set it up (`client_disconnect_timeout(Duration::ZERO)`):
//! the 401 comes from the headers alone, carries `Connection: close`, and
//! the connection is closed at once instead of the body being read and
//! discarded.

use std::net::SocketAddr;
use std::time::Duration;

use actix_web::dev::ServerHandle;
use actix_web::{App, HttpResponse, HttpServer, web};
use cometchat_webhooks_actix_web::CometChatEvent;
use cometchat_webhooks_actix_web::testing::conformance::{PATH, receiver_config};
use cometchat_webhooks_actix_web::testing::slow_clients::{self, RawAnswer};

/// A body far larger than the socket buffers, so reading it would show.
const DECLARED: usize = 1024 * 1024;

async fn accept(_event: CometChatEvent) -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn serve() -> (SocketAddr, ServerHandle) {
    let server = HttpServer::new(|| {
        App::new()
            .app_data(receiver_config())
            .service(web::resource(PATH).route(web::post().to(accept)))
    })
    .workers(1)
    .client_disconnect_timeout(Duration::ZERO)
    .bind(("127.0.0.1", 0))
    .expect("bind loopback");
    let address = server.addrs()[0];
    let server = server.run();
    let handle = server.handle();
    actix_rt::spawn(server);
    (address, handle)
}

async fn on_thread(
    client: impl FnOnce() -> std::io::Result<RawAnswer> + Send + 'static,
) -> RawAnswer {
    let client = std::thread::spawn(client);
    // The server runs on this thread's runtime: wait without blocking it.
    while !client.is_finished() {
        actix_rt::time::sleep(Duration::from_millis(20)).await;
    }
    client.join().expect("client thread").expect("an answer")
}

fn check_refused_and_closed(answer: &RawAnswer) {
    assert_eq!(answer.status, 401, "{answer:?}");
    assert_eq!(answer.header("connection"), Some("close"), "{answer:?}");
    assert!(answer.header("www-authenticate").is_some(), "{answer:?}");
    let closed_after = answer.closed_after.expect("the connection is closed");
    // actix-web's default would read and discard the body for up to 1 s.
    assert!(closed_after < Duration::from_millis(500), "closed after {closed_after:?}");
}

#[actix_rt::test]
async fn a_refused_upload_is_answered_and_closed_without_reading_the_body() {
    let (address, server) = serve();
    let answer = on_thread(move || slow_clients::refused_upload(address, DECLARED, false)).await;
    check_refused_and_closed(&answer);
    server.stop(false).await;
}

#[actix_rt::test]
async fn a_client_that_waits_for_100_continue_gets_the_401_and_a_closed_connection() {
    let (address, server) = serve();
    let answer = on_thread(move || slow_clients::refused_upload(address, DECLARED, true)).await;
    check_refused_and_closed(&answer);
    server.stop(false).await;
}
