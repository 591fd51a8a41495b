//! What the examples share, so each example file shows only its
//! framework's setup and its one mount line: the typed router the three
//! router examples mount, and the line the three plain examples print per
//! webhook.
//!
//! The types come from the core crate, which every adapter re-exports whole
//! (`cometchat_webhooks_axum::router::Router` is this `Router`): an app
//! depends on its adapter alone.

// Each example uses one half: the router or the description.
#![allow(dead_code)]

use std::convert::Infallible;

use cometchat_webhooks::payload::{BeforeMessage, GroupMemberJoined, MessageSent};
use cometchat_webhooks::router::{BeforeMessageOutcome, Router};
use cometchat_webhooks::{Category, Event, Payload};

/// A handler for two triggers, one for every call event, one for the rest,
/// and the verdict on messages announced by `before_message`. Each prints
/// one line starting with the trigger.
pub(crate) fn webhook_router() -> Router {
    Router::builder()
        .on(|sent: MessageSent| async move {
            let message = &sent.message;
            let sender = message.sender.as_deref().unwrap_or("-");
            println!("message_sent from={sender} text={:?}", message.text().unwrap_or(""));
            Ok::<_, Infallible>(())
        })
        .on(|joined: GroupMemberJoined| async move {
            let members: Vec<&str> = joined.members.keys().map(String::as_str).collect();
            println!(
                "group_member_joined group={} members={}",
                joined.group.guid,
                members.join(",")
            );
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
            let text = message.text().unwrap_or("");
            // The body of the answer decides: `{}` delivers, this drops.
            let outcome = if text.contains("forbidden") {
                BeforeMessageOutcome::DoNotPropagate
            } else {
                BeforeMessageOutcome::Deliver
            };
            println!("before_message text={text:?} outcome={outcome:?}");
            Ok::<_, Infallible>(outcome)
        })
        .build()
}

/// `<trigger> from=<uid>` and a detail for a few typed events.
pub(crate) fn describe(event: &Event) -> String {
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
