//! CometChat webhooks in an actix-web app: one route, one handler argument.
//!
//! ```sh
//! COMETCHAT_WEBHOOK_USERNAME=cometchat COMETCHAT_WEBHOOK_PASSWORD=secret \
//!     PORT=3000 cargo run --example actix_web
//! ```
//!
//! Prints one line per webhook, starting with its trigger. What the sender
//! wrote (trigger, ids, text) is printed escaped (`escape_debug`, `{:?}`),
//! so a control character in a payload cannot forge log lines or drive the
//! terminal. The file stands
//! alone: copy it into a project that depends on
//! `cometchat-webhooks-actix-web` and `actix-web`.

// Printing each event is what this example shows.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::time::Duration;

use actix_web::{App, HttpResponse, web};
use cometchat_webhooks_actix_web::{
    CometChatEvent, Event, ExpectGuard, GuardedServer, Payload, ReceiverConfig,
};

const PATH: &str = "/webhooks/cometchat";

#[actix_web::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = ReceiverConfig::from_env()?;
    let address = listen_addr()?;
    // `Expect: 100-continue` on PATH is answered from the headers: a sender
    // with wrong credentials or a declared length over the limit gets its
    // 401 or 413 instead of `100 Continue`, and never sends the body.
    // actix-web's `HttpServer` cannot take this guard; `GuardedServer`
    // serves the same `App` on actix-web's own HTTP service.
    let guard = ExpectGuard::new(PATH, config.clone());
    // Production settings (see the README's "Deploying" section): a slow or
    // idle client cannot hold a connection, and their number is capped.
    let server = GuardedServer::new(guard)
        .client_request_timeout(Duration::from_secs(5)) // the request head must arrive within 5 s
        .keep_alive(Duration::from_secs(30)) // an idle keep-alive connection is closed after 30 s
        .client_disconnect_timeout(Duration::ZERO) // a refused body is not drained before closing
        .max_connections(10_000) // per worker; beyond it new connections wait in the backlog
        .listen(TcpListener::bind(address)?, move || {
            App::new()
                .app_data(config.clone())
                .service(web::resource(PATH).route(web::post().to(on_webhook))) // the receiver
        })?;
    eprintln!("listening on http://{address}{PATH}");
    server.await?;
    Ok(())
}

async fn on_webhook(event: CometChatEvent) -> HttpResponse {
    println!("{}", describe(&event));
    HttpResponse::Ok().finish()
}

/// `<trigger> from=<uid>`, and a detail for a few typed events.
fn describe(event: &Event) -> String {
    let detail = match event.payload() {
        Payload::MessageSent(sent) => format!(" text={:?}", sent.message.text().unwrap_or("")),
        Payload::GroupMemberJoined(joined) => format!(" group={:?}", joined.group.guid),
        Payload::Unknown(_) => " (unknown trigger, data kept raw)".to_owned(),
        Payload::Undecodable(undecodable) => {
            format!(" (untyped: {})", undecodable.error.to_string().escape_debug())
        }
        _ => String::new(),
    };
    format!(
        "{} from={}{detail}",
        event.trigger().escape_debug(),
        event.sender_uid().unwrap_or("-").escape_debug()
    )
}

/// `127.0.0.1:$PORT`, 3000 by default.
fn listen_addr() -> Result<SocketAddr, std::num::ParseIntError> {
    let port = std::env::var("PORT").map_or(Ok(3000), |port| port.parse())?;
    Ok(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
}
