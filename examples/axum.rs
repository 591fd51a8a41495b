//! CometChat webhooks in an axum app: one route, one handler argument.
//!
//! ```sh
//! COMETCHAT_WEBHOOK_USERNAME=cometchat COMETCHAT_WEBHOOK_PASSWORD=secret \
//!     PORT=3000 cargo run --example axum
//! ```
//!
//! Prints one line per webhook, starting with its trigger. The file stands
//! alone: copy it into a project that depends on `cometchat-webhooks-axum`, `axum`
//! and `tokio`.

// Printing each event is what this example shows.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::net::{Ipv4Addr, SocketAddr};

use axum::Router;
use axum::routing::post;
use cometchat_webhooks_axum::{CometChatEvent, Event, Payload, ReceiverConfig};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = ReceiverConfig::from_env()?;
    let app = Router::new()
        .route("/webhooks/cometchat", post(on_webhook)) // the receiver
        .with_state(config);

    let address = listen_addr()?;
    let listener = tokio::net::TcpListener::bind(address).await?;
    eprintln!("listening on http://{address}/webhooks/cometchat");
    axum::serve(listener, app).await?;
    Ok(())
}

async fn on_webhook(event: CometChatEvent) {
    println!("{}", describe(&event));
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
