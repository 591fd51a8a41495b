//! What a router handler may look like: returning `()`, a `Result` or a
//! `before_message` outcome with no type annotations, and taking state
//! registered once on the builder.

#[path = "router_support/mod.rs"]
mod router_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use cometchat_webhooks::payload::{BeforeMessage, MessageSent};
use cometchat_webhooks::router::{BeforeMessageOutcome, State, WebhookRouter};
use cometchat_webhooks::{Category, Event, Trigger};
use router_support::sample;

#[derive(Default)]
struct App {
    messages: AtomicUsize,
    events: AtomicUsize,
}

#[derive(Debug, thiserror::Error)]
#[error("the store refused it")]
struct StoreError;

#[tokio::test]
async fn a_handler_returning_unit_is_a_success() {
    let app = Arc::new(App::default());
    let counted = Arc::clone(&app);
    let router = WebhookRouter::builder()
        .on(move |_sent: MessageSent| {
            let app = Arc::clone(&counted);
            async move {
                app.messages.fetch_add(1, Ordering::SeqCst);
            }
        })
        .build();
    let response = router.handle(sample(Trigger::MessageSent)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(&response.body()[..], b"{}");
    assert_eq!(app.messages.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_handler_returning_a_named_error_fails_with_500() {
    let router = WebhookRouter::builder()
        .on(|_sent: MessageSent| async { Err(StoreError) })
        .fallback(|_event: Event| async { Ok::<(), StoreError>(()) })
        .build();
    assert_eq!(router.handle(sample(Trigger::MessageSent)).await.status(), 500);
    assert_eq!(router.handle(sample(Trigger::GroupMemberJoined)).await.status(), 200);
}

#[tokio::test]
async fn a_before_message_handler_returns_its_outcome_bare() {
    let router = WebhookRouter::builder()
        .on_before_message(|_message: BeforeMessage| async { BeforeMessageOutcome::DoNotPropagate })
        .build();
    let response = router.handle(sample(Trigger::BeforeMessage)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(&response.body()[..], br#"{"action":"do_not_propagate"}"#);
}

#[tokio::test]
async fn handlers_take_the_state_registered_on_the_builder() {
    let app = Arc::new(App::default());
    let router = WebhookRouter::builder()
        .with_state(Arc::clone(&app))
        .with_state("shop")
        .on(|_sent: MessageSent, State(app): State<Arc<App>>| async move {
            app.messages.fetch_add(1, Ordering::SeqCst);
        })
        .on_category(Category::Group, |_event: Event, State(app): State<Arc<App>>| async move {
            app.events.fetch_add(1, Ordering::SeqCst);
            Ok::<(), StoreError>(())
        })
        .on_before_message(|_message: BeforeMessage, State(name): State<&'static str>| async move {
            BeforeMessageOutcome::inject(serde_json::json!({ "by": name }))
        })
        .build();
    assert_eq!(router.handle(sample(Trigger::MessageSent)).await.status(), 200);
    assert_eq!(router.handle(sample(Trigger::MessageSent)).await.status(), 200);
    assert_eq!(router.handle(sample(Trigger::GroupMemberJoined)).await.status(), 200);
    let injected = router.handle(sample(Trigger::BeforeMessage)).await;
    assert_eq!(&injected.body()[..], br#"{"by":"shop"}"#);
    assert_eq!(app.messages.load(Ordering::SeqCst), 2);
    assert_eq!(app.events.load(Ordering::SeqCst), 1);
}

#[test]
#[should_panic(expected = "no state of that type was registered")]
fn a_handler_asking_for_unregistered_state_is_refused_as_the_router_is_built() {
    let _ = WebhookRouter::builder()
        .on(|_sent: MessageSent, State(_app): State<Arc<App>>| async {})
        .build();
}
