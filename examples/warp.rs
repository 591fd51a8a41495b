//! CometChat webhooks in a warp app: one filter, one `recover`.
//!
//! ```sh
//! COMETCHAT_WEBHOOK_USERNAME=cometchat COMETCHAT_WEBHOOK_PASSWORD=secret \
//!     PORT=3000 cargo run --example warp
//! ```
//!
//! Prints one line per webhook, starting with its trigger.

// Printing each event is what this example shows.
#![allow(clippy::print_stdout, clippy::print_stderr)]

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

    let address = cometchat_webhooks_suite::listen_addr()?;
    let listener = tokio::net::TcpListener::bind(address).await?;
    eprintln!("listening on http://{address}/webhooks/cometchat");
    warp::serve(webhooks).incoming(listener).run().await;
    Ok(())
}

fn on_webhook(event: CometChatEvent) -> StatusCode {
    println!("{}", describe(&event));
    StatusCode::OK
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
