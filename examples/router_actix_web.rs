//! CometChat webhooks in an actix-web app through the typed router: one
//! handler per trigger, mounted with one line.
//!
//! ```sh
//! COMETCHAT_WEBHOOK_USERNAME=cometchat COMETCHAT_WEBHOOK_PASSWORD=secret \
//!     PORT=3000 cargo run --example router_actix_web
//! ```
//!
//! Prints one line per webhook, starting with its trigger. What the sender
//! wrote (trigger, ids, text) is printed escaped (`escape_debug`, `{:?}`),
//! so a control character in a payload cannot forge log lines or drive the
//! terminal. The file stands
//! alone: copy it into a project that depends on
//! `cometchat-webhooks-actix-web` and `actix-web`.

// Printing each event is what this example shows.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::time::Duration;

use actix_web::{App, web};
use cometchat_webhooks_actix_web::payload::{BeforeMessage, GroupMemberJoined, MessageSent};
use cometchat_webhooks_actix_web::router::{BeforeMessageOutcome, WebhookRouter};
use cometchat_webhooks_actix_web::{Category, Event, ExpectGuard, GuardedServer, ReceiverConfig};

#[actix_web::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = ReceiverConfig::from_env()?;
    let webhooks = webhook_router();

    let address = listen_addr()?;
    eprintln!("listening on http://{address}/webhooks/cometchat");
    // `Expect: 100-continue` on the webhook path is answered from the
    // headers (401/413 instead of `100 Continue`), which actix-web's
    // `HttpServer` cannot do; `GuardedServer` serves the same `App`.
    let guard = ExpectGuard::new("/webhooks/cometchat", config.clone());
    // Production settings (see the README's "Deploying" section): a slow or
    // idle client cannot hold a connection, and their number is capped.
    GuardedServer::new(guard)
        .client_request_timeout(Duration::from_secs(5)) // the request head must arrive within 5 s
        .keep_alive(Duration::from_secs(30)) // an idle keep-alive connection is closed after 30 s
        .client_disconnect_timeout(Duration::ZERO) // a refused body is not drained before closing
        .max_connections(10_000) // per worker; beyond it new connections wait in the backlog
        // Each worker builds its app from clones; the router's handlers are shared.
        .listen(TcpListener::bind(address)?, move || {
            App::new().route("/", web::get().to(|| async { "the rest of the app" })).service(
                cometchat_webhooks_actix_web::mount(
                    "/webhooks/cometchat",
                    webhooks.clone(),
                    config.clone(),
                ),
            )
        })?
        .await?;
    Ok(())
}

/// A handler for two triggers, one for every call event, one for the rest,
/// and the verdict on messages announced by `before_message`.
fn webhook_router() -> WebhookRouter {
    WebhookRouter::builder()
        .on(|sent: MessageSent| async move {
            let sender = sent.message.sender.as_deref().unwrap_or("-");
            println!(
                "message_sent from={} text={:?}",
                sender.escape_debug(),
                sent.message.text().unwrap_or("")
            );
            Ok::<_, Infallible>(())
        })
        .on(|joined: GroupMemberJoined| async move {
            println!("group_member_joined group={:?}", joined.group.guid);
            Ok::<_, Infallible>(())
        })
        .on_category(Category::Call, |event: Event| async move {
            println!("{} (a call event)", event.trigger().escape_debug());
            Ok::<_, Infallible>(())
        })
        .fallback(|event: Event| async move {
            println!("{} (no handler of its own)", event.trigger().escape_debug());
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
