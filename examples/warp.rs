//! CometChat webhooks in a warp app: one route, one handler argument.
//!
//! ```sh
//! COMETCHAT_WEBHOOK_USERNAME=cometchat COMETCHAT_WEBHOOK_PASSWORD=secret \
//!     PORT=3000 cargo run --example warp
//! ```
//!
//! Prints one line per webhook, starting with its trigger. The file stands
//! alone: copy it into a project that depends on `cometchat-webhooks-warp`, `warp`
//! and `tokio`.

// Printing each event is what this example shows.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::net::{Ipv4Addr, SocketAddr};

use cometchat_webhooks_warp::{
    CometChatEvent, Event, Payload, ReceiverConfig, cometchat_event, recover,
};
use warp::Filter;
use warp::http::StatusCode;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = ReceiverConfig::from_env()?;
    let webhooks = warp::path!("webhooks" / "cometchat")
        .and(warp::post())
        .and(cometchat_event(config)) // the receiver
        .map(on_webhook)
        .recover(recover); // answers a refused webhook here, not in another route

    let address = listen_addr()?;
    let listener = tokio::net::TcpListener::bind(address).await?;
    eprintln!("listening on http://{address}/webhooks/cometchat");
    warp::serve(webhooks).incoming(listener).run().await;
    Ok(())
}

fn on_webhook(event: CometChatEvent) -> StatusCode {
    println!("{}", describe(&event));
    StatusCode::OK
}

/// `<trigger> from=<uid>`, and a detail for a few typed events.
fn describe(event: &Event) -> String {
    let detail = match event.payload() {
        Payload::MessageSent(sent) => format!(" text={:?}", sent.message.text().unwrap_or("")),
        Payload::GroupMemberJoined(joined) => format!(" group={}", joined.group.guid),
        Payload::Unknown(_) => " (unknown trigger, data kept raw)".to_owned(),
        Payload::Undecodable(undecodable) => format!(" (untyped: {})", undecodable.error),
        _ => String::new(),
    };
    format!("{} from={}{detail}", event.trigger(), event.sender_uid().unwrap_or("-"))
}

/// `127.0.0.1:$PORT`, 3000 by default.
fn listen_addr() -> Result<SocketAddr, std::num::ParseIntError> {
    let port = std::env::var("PORT").map_or(Ok(3000), |port| port.parse())?;
    Ok(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
}
