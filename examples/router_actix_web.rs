//! CometChat webhooks in an actix-web app through the typed router: one
//! handler per trigger, mounted with one line.
//!
//! ```sh
//! COMETCHAT_WEBHOOK_USERNAME=cometchat COMETCHAT_WEBHOOK_PASSWORD=secret \
//!     PORT=3000 cargo run --example router_actix_web
//! ```
//!
//! Prints one line per webhook, starting with its trigger. The router's
//! handlers are in `shared/mod.rs`, the same for all three frameworks.

// Printing each event is what this example shows.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod shared;

use actix_web::{App, HttpServer, web};
use cometchat_webhooks_actix_web::ReceiverConfig;

#[actix_web::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = ReceiverConfig::from_env()?;
    let webhooks = shared::webhook_router();

    let address = cometchat_webhooks_suite::listen_addr()?;
    eprintln!("listening on http://{address}/webhooks/cometchat");
    // Each worker builds its app from clones; the router's handlers are shared.
    HttpServer::new(move || {
        App::new().route("/", web::get().to(|| async { "the rest of the app" })).service(
            cometchat_webhooks_actix_web::mount(
                "/webhooks/cometchat",
                webhooks.clone(),
                config.clone(),
            ),
        )
    })
    .bind(address)?
    .run()
    .await?;
    Ok(())
}
