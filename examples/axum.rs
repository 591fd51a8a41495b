//! CometChat webhooks in an axum app: one route, one handler argument.
//!
//! ```sh
//! COMETCHAT_WEBHOOK_USERNAME=cometchat COMETCHAT_WEBHOOK_PASSWORD=secret \
//!     PORT=3000 cargo run --example axum
//! ```
//!
//! Prints one line per webhook, starting with its trigger (the line is
//! built in `shared/mod.rs`, the same for all three frameworks).

// Printing each event is what this example shows.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod shared;

use axum::Router;
use axum::routing::post;
use cometchat_webhooks_axum::{CometChatEvent, ReceiverConfig};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = ReceiverConfig::from_env()?;
    let app = Router::new()
        .route("/webhooks/cometchat", post(on_webhook)) // the receiver
        .with_state(config);

    let address = cometchat_webhooks_suite::listen_addr()?;
    let listener = tokio::net::TcpListener::bind(address).await?;
    eprintln!("listening on http://{address}/webhooks/cometchat");
    axum::serve(listener, app).await?;
    Ok(())
}

async fn on_webhook(event: CometChatEvent) {
    println!("{}", shared::describe(&event));
}
