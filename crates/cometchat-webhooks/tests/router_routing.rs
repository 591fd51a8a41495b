//! Which handler the router picks, and how each result is answered.

#![cfg(all(feature = "router", feature = "testing"))]

mod router_support;

use std::collections::BTreeSet;
use std::convert::Infallible;
use std::future::{Ready, ready};
use std::sync::{Arc, Mutex};

use cometchat_webhooks::payload::{BeforeMessage, MessageSent};
use cometchat_webhooks::router::{BeforeMessageOutcome, Delivery, WebhookRouter};
use cometchat_webhooks::testing::RunCount;
use cometchat_webhooks::testing::TriggerLog;
use cometchat_webhooks::testing::routing::record_every_trigger;
use cometchat_webhooks::testing::{EventBuilder, samples};
use cometchat_webhooks::{Category, Event, Rejection, Trigger};
use router_support::{json, message_sent, sample};

type Log = Arc<Mutex<Vec<&'static str>>>;

/// A whole-event handler that writes `name` to `log`.
fn note(
    log: &Log,
    name: &'static str,
) -> impl Fn(Event) -> Ready<Result<(), Infallible>> + Send + Sync + use<> {
    let log = Arc::clone(log);
    move |_event| {
        log.lock().expect("not poisoned").push(name);
        ready(Ok(()))
    }
}

#[tokio::test]
async fn every_bundled_trigger_reaches_the_handler_its_argument_type_names() {
    let log = TriggerLog::default();
    let router = record_every_trigger(WebhookRouter::builder(), &log).build();

    let mut reached = BTreeSet::new();
    for (trigger, _) in samples() {
        let event = sample(trigger);
        assert!(event.is_typed(), "{trigger}: the bundled sample should decode");
        let response = router.handle(event).await;
        assert_eq!(response.status(), 200, "{trigger}");
        let ran = log.take();
        assert_eq!(ran.len(), 1, "{trigger}: exactly one handler runs");
        assert_eq!(ran.last(), Some(&trigger), "{trigger}: ran another trigger's handler");
        reached.insert(trigger);
    }
    let all: BTreeSet<Trigger> = Trigger::ALL.iter().copied().collect();
    assert_eq!(reached, all, "every trigger has a sample and a handler");
}

#[tokio::test]
async fn a_delivery_handler_gets_the_envelope_key_and_exact_bytes() {
    let captured = Arc::new(Mutex::new(None));
    let sink = Arc::clone(&captured);
    let router = WebhookRouter::builder()
        .on_with_delivery(move |sent: MessageSent, delivery: Delivery| {
            *sink.lock().expect("not poisoned") = Some((sent, delivery));
            ready(Ok::<_, Infallible>(()))
        })
        .build();
    let event = EventBuilder::new(Trigger::MessageSent).app_id("app-7").webhook("hook-3").build();
    let key = event.idempotency_key();
    let raw = event.raw_bytes().clone();

    assert_eq!(router.handle(event).await.status(), 200);

    let (sent, delivery) = captured.lock().expect("not poisoned").take().expect("the handler ran");
    assert_eq!(sent.message.id.as_deref(), Some("1"));
    assert_eq!(delivery.app_id(), Some("app-7"));
    assert_eq!(delivery.webhook_id(), Some("hook-3"));
    assert_eq!(delivery.trigger(), "message_sent");
    assert_eq!(delivery.idempotency_key(), &key);
    assert_eq!(delivery.raw(), &raw);
    assert_eq!(delivery.event().typed::<MessageSent>(), Some(&sent));
}

#[tokio::test]
async fn a_trigger_handler_beats_its_category_which_beats_the_fallback() {
    let log = Log::default();
    let router = WebhookRouter::builder()
        .on({
            let log = Arc::clone(&log);
            move |_sent: MessageSent| {
                log.lock().expect("not poisoned").push("message_sent");
                ready(Ok::<_, Infallible>(()))
            }
        })
        .on_category(Category::Message, note(&log, "message category"))
        .on_category(Category::Group, note(&log, "group category"))
        .fallback(note(&log, "fallback"))
        .build();

    for trigger in [
        Trigger::MessageSent,
        Trigger::MessageEdited,
        Trigger::GroupCreated,
        Trigger::CallInitiated,
    ] {
        assert_eq!(router.handle(sample(trigger)).await.status(), 200);
    }
    assert_eq!(
        *log.lock().expect("not poisoned"),
        ["message_sent", "message category", "group category", "fallback"]
    );
}

#[tokio::test]
async fn unknown_triggers_go_to_the_unknown_handler_else_the_fallback_never_a_category() {
    let unknown = || {
        EventBuilder::from_json(
            serde_json::json!({"trigger": "brand_new_trigger", "data": {"x": 1}}),
        )
        .build()
    };
    let log = Log::default();
    let without = WebhookRouter::builder()
        .on_category(Category::Message, note(&log, "message category"))
        .fallback(note(&log, "fallback"))
        .build();
    let with = WebhookRouter::builder()
        .on_unknown(note(&log, "unknown"))
        .fallback(note(&log, "fallback"))
        .build();

    assert_eq!(without.handle(unknown()).await.status(), 200);
    assert_eq!(with.handle(unknown()).await.status(), 200);
    assert_eq!(*log.lock().expect("not poisoned"), ["fallback", "unknown"]);
}

#[tokio::test]
async fn data_that_does_not_fit_reaches_the_category_with_its_raw_data() {
    let received = Arc::new(Mutex::new(None));
    let sink = Arc::clone(&received);
    let typed = RunCount::default();
    let typed_runs = typed.clone();
    let router = WebhookRouter::builder()
        .on(move |_sent: MessageSent| {
            typed_runs.bump();
            ready(Ok::<_, Infallible>(()))
        })
        .on_category(Category::Message, move |event: Event| {
            *sink.lock().expect("not poisoned") = Some(event);
            ready(Ok::<_, Infallible>(()))
        })
        .build();
    let misfit = EventBuilder::from_json(
        serde_json::json!({"trigger": "message_sent", "data": {"message": "not an object"}}),
    )
    .build();
    assert!(misfit.decode_error().is_some(), "the body should not fit MessageSent");

    assert_eq!(router.handle(misfit).await.status(), 200);

    assert_eq!(typed.get(), 0);
    let event = received.lock().expect("not poisoned").take().expect("the category handler ran");
    assert_eq!(event.raw_data().map(|data| data.get()), Some(r#"{"message":"not an object"}"#));
}

#[tokio::test]
async fn no_handler_is_answered_200_with_an_empty_object() {
    let router = WebhookRouter::builder().build();
    let response = router.handle(sample(Trigger::GroupCreated)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.header("content-type"), Some("application/json"));
    assert_eq!(&response.body()[..], b"{}");
}

#[tokio::test]
async fn a_handler_error_is_a_500_that_does_not_leak_the_error() {
    let router = WebhookRouter::builder()
        .on(|_sent: MessageSent| async { Err::<(), _>("database password rejected") })
        .build();
    let response = router.handle(message_sent("1")).await;
    assert_eq!(response.status(), 500);
    assert_eq!(json(response.body()), json(Rejection::HandlerFailed.body().as_bytes()));
    assert!(!String::from_utf8_lossy(response.body()).contains("password"));
}

#[tokio::test]
async fn a_panicking_handler_is_a_500_and_the_router_keeps_serving() {
    let handled = RunCount::default();
    let runs = handled.clone();
    let router = WebhookRouter::builder()
        .on(move |sent: MessageSent| {
            let runs = runs.clone();
            async move {
                tokio::task::yield_now().await;
                if sent.message.id.as_deref() == Some("boom") {
                    panic!("handler bug");
                }
                runs.bump();
                Ok::<_, Infallible>(())
            }
        })
        .on_category(Category::Group, |_event: Event| -> Ready<Result<(), Infallible>> {
            panic!("a panic before the first await")
        })
        .build();

    assert_eq!(router.handle(message_sent("boom")).await.status(), 500);
    assert_eq!(router.handle(sample(Trigger::GroupCreated)).await.status(), 500);
    assert_eq!(router.clone().handle(message_sent("2")).await.status(), 200);
    assert_eq!(handled.get(), 1);
}

fn before_message(text: &str) -> Event {
    EventBuilder::new(Trigger::BeforeMessage).set("data.data.text", text).build()
}

#[tokio::test]
async fn before_message_outcomes_become_the_response_body() {
    let router = WebhookRouter::builder()
        .on_before_message(|message: BeforeMessage| async move {
            let outcome = match message.text() {
                Some("drop me") => BeforeMessageOutcome::DoNotPropagate,
                Some("tag me") => {
                    BeforeMessageOutcome::inject(serde_json::json!({"moderation": {"score": 0.1}}))?
                }
                _ => BeforeMessageOutcome::Deliver,
            };
            Ok::<_, serde_json::Error>(outcome)
        })
        .build();

    let deliver = router.handle(before_message("hello")).await;
    let dropped = router.handle(before_message("drop me")).await;
    let injected = router.handle(before_message("tag me")).await;

    assert_eq!((deliver.status(), &deliver.body()[..]), (200, &b"{}"[..]));
    assert_eq!(
        (dropped.status(), &dropped.body()[..]),
        (200, &br#"{"action":"do_not_propagate"}"#[..])
    );
    assert_eq!(
        (injected.status(), &injected.body()[..]),
        (200, &br#"{"moderation":{"score":0.1}}"#[..])
    );
}

#[tokio::test]
async fn before_message_without_an_outcome_handler_delivers_unchanged() {
    let plain = WebhookRouter::builder()
        .on(|_message: BeforeMessage| async { Ok::<_, Infallible>(()) })
        .build();
    let none = WebhookRouter::builder().build();
    let failing = WebhookRouter::builder()
        .on_before_message(|_message: BeforeMessage| async {
            Err::<BeforeMessageOutcome, _>("moderation service down")
        })
        .build();

    assert_eq!(&plain.handle(before_message("hi")).await.body()[..], b"{}");
    assert_eq!(&none.handle(before_message("hi")).await.body()[..], b"{}");
    assert_eq!(failing.handle(before_message("hi")).await.status(), 500);
}

#[test]
fn a_router_can_be_shared_between_framework_workers() {
    fn shareable<T: Send + Sync + Clone + 'static>() {}
    fn sendable<T: Send>(_: &T) {}
    shareable::<WebhookRouter>();
    let router = WebhookRouter::builder().build();
    sendable(&router.handle(sample(Trigger::MessageSent)));
}
