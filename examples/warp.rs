//! CometChat webhooks in a warp app: one filter, one `recover`.
//!
//! ```sh
//! COMETCHAT_WEBHOOK_USERNAME=cometchat COMETCHAT_WEBHOOK_PASSWORD=secret \
//!     PORT=3000 cargo run --example warp
//! ```
//!
//! Prints one line per webhook, starting with its trigger (the line is
//! built in `shared/mod.rs`, the same for all three frameworks).

// Printing each event is what this example shows.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod shared;

use cometchat_webhooks_warp::{CometChatEvent, ReceiverConfig, cometchat_event, recover};
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

    let address = cometchat_webhooks_suite::listen_addr()?;
    let listener = tokio::net::TcpListener::bind(address).await?;
    eprintln!("listening on http://{address}/webhooks/cometchat");
    warp::serve(webhooks).incoming(listener).run().await;
    Ok(())
}

fn on_webhook(event: CometChatEvent) -> StatusCode {
    println!("{}", shared::describe(&event));
    StatusCode::OK
}
