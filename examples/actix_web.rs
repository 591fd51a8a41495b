//! CometChat webhooks in an actix-web app: one resource, one handler argument.
//!
//! ```sh
//! COMETCHAT_WEBHOOK_USERNAME=cometchat COMETCHAT_WEBHOOK_PASSWORD=secret \
//!     PORT=3000 cargo run --example actix_web
//! ```
//!
//! Prints one line per webhook, starting with its trigger (the line is
//! built in `shared/mod.rs`, the same for all three frameworks).

// Printing each event is what this example shows.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod shared;

use actix_web::{App, HttpResponse, HttpServer, web};
use cometchat_webhooks_actix_web::{CometChatEvent, ReceiverConfig};

#[actix_web::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = ReceiverConfig::from_env()?;
    let address = cometchat_webhooks_suite::listen_addr()?;
    let server = HttpServer::new(move || {
        App::new()
            .app_data(config.clone())
            .service(web::resource("/webhooks/cometchat").route(web::post().to(on_webhook))) // the receiver
    })
    .bind(address)?;
    eprintln!("listening on http://{address}/webhooks/cometchat");
    server.run().await?;
    Ok(())
}

async fn on_webhook(event: CometChatEvent) -> HttpResponse {
    println!("{}", shared::describe(&event));
    HttpResponse::Ok().finish()
}
