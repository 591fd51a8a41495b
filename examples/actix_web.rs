//! CometChat webhooks in an actix-web app: one resource, one handler argument.
//!
//! ```sh
//! COMETCHAT_WEBHOOK_USERNAME=cometchat COMETCHAT_WEBHOOK_PASSWORD=secret \
//!     PORT=3000 cargo run --example actix_web
//! ```
//!
//! Prints one line per webhook, starting with its trigger.

// Printing each event is what this example shows.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use actix_web::{App, HttpResponse, HttpServer, web};
use cometchat_webhooks_actix_web::{CometChatEvent, Event, Payload, ReceiverConfig};

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
    println!("{}", describe(&event));
    HttpResponse::Ok().finish()
}

/// `<trigger> from=<uid>` and a detail for a few typed events.
fn describe(event: &Event) -> String {
    let detail = match event.payload() {
        Payload::MessageSent(sent) => format!(" text={:?}", sent.message.text().unwrap_or("")),
        Payload::MessageReactionAdded(added) => {
            format!(" reaction={}", added.reaction.reaction.as_deref().unwrap_or("?"))
        }
        Payload::GroupMemberJoined(joined) => format!(" group={}", joined.group.guid),
        Payload::Unknown(_) => " (unknown trigger, data kept raw)".to_owned(),
        Payload::Undecodable(undecodable) => format!(" (untyped: {})", undecodable.error),
        _ => String::new(),
    };
    format!("{} from={}{detail}", event.trigger(), event.sender_uid().unwrap_or("-"))
}
