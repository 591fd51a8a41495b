//! CometChat webhooks in a warp app through the typed router: one handler
//! per trigger, mounted with one line.
//!
//! ```sh
//! COMETCHAT_WEBHOOK_USERNAME=cometchat COMETCHAT_WEBHOOK_PASSWORD=secret \
//!     PORT=3000 cargo run --example router_warp
//! ```
//!
//! Prints one line per webhook, starting with its trigger. The router's
//! handlers are in `shared/mod.rs`, the same for all three frameworks.

// Printing each event is what this example shows.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod shared;

use cometchat_webhooks_warp::ReceiverConfig;
use warp::Filter;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = ReceiverConfig::from_env()?;
    let webhooks = shared::webhook_router();
    let home = warp::path::end().map(|| "the rest of the app");
    // The mounted filter answers everything on its path itself: no `recover`.
    let routes = home.or(cometchat_webhooks_warp::mount("/webhooks/cometchat", webhooks, config));

    let address = cometchat_webhooks_suite::listen_addr()?;
    let listener = tokio::net::TcpListener::bind(address).await?;
    eprintln!("listening on http://{address}/webhooks/cometchat");
    warp::serve(routes).incoming(listener).run().await;
    Ok(())
}
