//! CometChat webhooks in an axum app through the typed router: one
//! handler per trigger, mounted with one line.
//!
//! ```sh
//! COMETCHAT_WEBHOOK_USERNAME=cometchat COMETCHAT_WEBHOOK_PASSWORD=secret \
//!     PORT=3000 cargo run --example router_axum
//! ```
//!
//! Prints one line per webhook, starting with its trigger. The file stands
//! alone: copy it into a project that depends on `cometchat-webhooks-axum`, `axum`
//! and `tokio`.

// Printing each event is what this example shows.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};

use axum::routing::get;
use cometchat_webhooks_axum::payload::{BeforeMessage, GroupMemberJoined, MessageSent};
use cometchat_webhooks_axum::router::{BeforeMessageOutcome, WebhookRouter};
use cometchat_webhooks_axum::{Category, Event, ReceiverConfig};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = ReceiverConfig::from_env()?;
    let app = axum::Router::new()
        .route("/", get(|| async { "the rest of the app" }))
        .merge(cometchat_webhooks_axum::mount("/webhooks/cometchat", webhook_router(), config));

    let address = listen_addr()?;
    let listener = tokio::net::TcpListener::bind(address).await?;
    eprintln!("listening on http://{address}/webhooks/cometchat");
    axum::serve(listener, app).await?;
    Ok(())
}

/// A handler for two triggers, one for every call event, one for the rest,
/// and the verdict on messages announced by `before_message`.
fn webhook_router() -> WebhookRouter {
    WebhookRouter::builder()
        .on(|sent: MessageSent| async move {
            let sender = sent.message.sender.as_deref().unwrap_or("-");
            println!("message_sent from={sender} text={:?}", sent.message.text().unwrap_or(""));
            Ok::<_, Infallible>(())
        })
        .on(|joined: GroupMemberJoined| async move {
            println!("group_member_joined group={}", joined.group.guid);
            Ok::<_, Infallible>(())
        })
        .on_category(Category::Call, |event: Event| async move {
            println!("{} (a call event)", event.trigger());
            Ok::<_, Infallible>(())
        })
        .fallback(|event: Event| async move {
            println!("{} (no handler of its own)", event.trigger());
            Ok::<_, Infallible>(())
        })
        .on_before_message(|message: BeforeMessage| async move {
            // The body of the answer decides: `{}` delivers, this drops.
            let outcome = match message.text() {
                Some(text) if text.contains("forbidden") => BeforeMessageOutcome::DoNotPropagate,
                _ => BeforeMessageOutcome::Deliver,
            };
            println!("before_message outcome={outcome:?}");
            Ok::<_, Infallible>(outcome)
        })
        .build()
}

/// `127.0.0.1:$PORT`, 3000 by default.
fn listen_addr() -> Result<SocketAddr, std::num::ParseIntError> {
    let port = std::env::var("PORT").map_or(Ok(3000), |port| port.parse())?;
    Ok(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
}
