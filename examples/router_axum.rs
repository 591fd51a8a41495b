//! CometChat webhooks in an axum app through the typed router: one handler
//! per trigger, mounted with one line.
//!
//! ```sh
//! COMETCHAT_WEBHOOK_USERNAME=cometchat COMETCHAT_WEBHOOK_PASSWORD=secret \
//!     PORT=3000 cargo run --example router_axum
//! ```
//!
//! Prints one line per webhook, starting with its trigger. The router's
//! handlers are in `shared/mod.rs`, the same for all three frameworks.

// Printing each event is what this example shows.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod shared;

use axum::routing::get;
use cometchat_webhooks_axum::ReceiverConfig;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = ReceiverConfig::from_env()?;
    let webhooks = shared::webhook_router();
    let app = axum::Router::new()
        .route("/", get(|| async { "the rest of the app" }))
        .merge(cometchat_webhooks_axum::mount("/webhooks/cometchat", webhooks, config));

    let address = cometchat_webhooks_suite::listen_addr()?;
    let listener = tokio::net::TcpListener::bind(address).await?;
    eprintln!("listening on http://{address}/webhooks/cometchat");
    axum::serve(listener, app).await?;
    Ok(())
}
