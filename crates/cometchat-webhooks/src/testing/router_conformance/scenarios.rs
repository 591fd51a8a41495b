//! The scenarios: each builds its router, sends its requests and checks
//! every answer.

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;

use super::expect::{self, Checked, at};
use super::handlers::{Gate, count_message_sent, counting_router};
use super::{Answer, Framework, Request, RunCount};
use crate::Trigger;
use crate::payload::{BeforeMessage, MessageSent};
use crate::router::{BackgroundConfig, BeforeMessageOutcome, MemoryDeduper, WebhookRouter};
use crate::testing::conformance::WRONG_PASSWORD;
use crate::testing::routing::{TriggerLog, record_every_trigger};
use crate::testing::{EventBuilder, sample_body, samples};

/// The body of the 500 for a handler that failed or panicked.
const HANDLER_FAILED: &str = r#"{"error":"the webhook handler failed"}"#;
/// The body of the 503 for a full background queue.
const QUEUE_FULL: &str = r#"{"error":"the webhook queue is full"}"#;

/// One thing a mounted router must do, whatever the framework.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scenario {
    /// Every bundled sample reaches the handler its argument type names,
    /// and only that one, answered 200 `{}`.
    EveryTriggerReachesItsHandler,
    /// A handler's `Err` is a 500 with the JSON error body.
    HandlerErrorIs500,
    /// A panicking handler is a 500, and the next request is served.
    PanicIs500ThenNextIsServed,
    /// With a `MemoryDeduper`, a duplicate delivery is answered 200 without
    /// running the handler again; another message still runs it.
    DuplicateRunsOnce,
    /// A full background queue is a 503 with `Retry-After: 7`, and the
    /// delivery still queued runs when the router shuts down.
    FullQueueIs503,
    /// The three `before_message` outcomes are the three response bodies.
    BeforeMessageOutcomesAreBodies,
    /// Bad credentials are a 401 with `WWW-Authenticate`, answered before
    /// the router runs.
    BadCredentialsAre401,
    /// Another method on the path is a 405 with `Allow: POST` and an empty
    /// body, and the router does not run.
    OtherMethodsAre405,
}

impl Scenario {
    /// Every scenario, in the order [`run`](super::run) plays them.
    pub const ALL: [Scenario; 8] = [
        Scenario::EveryTriggerReachesItsHandler,
        Scenario::HandlerErrorIs500,
        Scenario::PanicIs500ThenNextIsServed,
        Scenario::DuplicateRunsOnce,
        Scenario::FullQueueIs503,
        Scenario::BeforeMessageOutcomesAreBodies,
        Scenario::BadCredentialsAre401,
        Scenario::OtherMethodsAre405,
    ];

    /// What the scenario shows, in a few words.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::EveryTriggerReachesItsHandler => "every trigger reaches its typed handler",
            Scenario::HandlerErrorIs500 => "a handler error is a 500",
            Scenario::PanicIs500ThenNextIsServed => "a panic is a 500, then the next is served",
            Scenario::DuplicateRunsOnce => "a duplicate delivery runs the handler once",
            Scenario::FullQueueIs503 => "a full background queue is a 503 with Retry-After",
            Scenario::BeforeMessageOutcomesAreBodies => "before_message outcomes are the bodies",
            Scenario::BadCredentialsAre401 => "bad credentials are a 401 before the router",
            Scenario::OtherMethodsAre405 => "other methods are a 405",
        }
    }

    /// Plays the scenario through `framework`; the error says what differed
    /// first.
    pub async fn check(self, framework: &mut impl Framework) -> Result<(), String> {
        match self {
            Scenario::EveryTriggerReachesItsHandler => {
                every_trigger_reaches_its_handler(framework).await
            }
            Scenario::HandlerErrorIs500 => handler_error_is_500(framework).await,
            Scenario::PanicIs500ThenNextIsServed => {
                panic_is_500_then_next_is_served(framework).await
            }
            Scenario::DuplicateRunsOnce => duplicate_runs_once(framework).await,
            Scenario::FullQueueIs503 => full_queue_is_503(framework).await,
            Scenario::BeforeMessageOutcomesAreBodies => {
                before_message_outcomes_are_bodies(framework).await
            }
            Scenario::BadCredentialsAre401 => bad_credentials_are_401(framework).await,
            Scenario::OtherMethodsAre405 => other_methods_are_405(framework).await,
        }
    }
}

fn message_sent() -> &'static [u8] {
    sample_body(Trigger::MessageSent)
}

async fn every_trigger_reaches_its_handler(framework: &mut impl Framework) -> Checked {
    let log = TriggerLog::default();
    let router = record_every_trigger(WebhookRouter::builder(), &log).build();
    for (trigger, body) in samples() {
        let answer = framework.send(&router, Request::webhook(body)).await;
        at(trigger, expect::json(&answer, 200, "{}"))?;
        let ran = log.take();
        if ran != [trigger] {
            return Err(format!("{trigger}: expected its own handler alone to run, ran {ran:?}"));
        }
    }
    Ok(())
}

async fn handler_error_is_500(framework: &mut impl Framework) -> Checked {
    let router = WebhookRouter::builder()
        .on(|_sent: MessageSent| async { Err::<(), _>("database unavailable") })
        .build();
    let answer = framework.send(&router, Request::webhook(message_sent())).await;
    expect::json(&answer, 500, HANDLER_FAILED)
}

async fn panic_is_500_then_next_is_served(framework: &mut impl Framework) -> Checked {
    let runs = RunCount::default();
    let first_panics = {
        let runs = runs.clone();
        move |_sent: MessageSent| {
            let earlier_runs = runs.record();
            async move {
                assert!(earlier_runs > 0, "the first run panics");
                Ok::<_, Infallible>(())
            }
        }
    };
    let router = WebhookRouter::builder().on(first_panics).build();
    let panicked = framework.send(&router, Request::webhook(message_sent())).await;
    at("the run that panics", expect::json(&panicked, 500, HANDLER_FAILED))?;
    let served = framework.send(&router, Request::webhook(message_sent())).await;
    at("the run after the panic", expect::json(&served, 200, "{}"))?;
    expect::runs(&runs, 2, "both requests reached the handler")
}

async fn duplicate_runs_once(framework: &mut impl Framework) -> Checked {
    let runs = RunCount::default();
    let router = count_message_sent(WebhookRouter::builder(), &runs)
        .deduplicate(MemoryDeduper::new())
        .build();
    for delivery in ["the first delivery", "its copy"] {
        let answer = framework.send(&router, Request::webhook(message_sent())).await;
        at(delivery, expect::json(&answer, 200, "{}"))?;
    }
    expect::runs(&runs, 1, "the copy was answered without running")?;
    let other = EventBuilder::new(Trigger::MessageSent).set("data.message.id", "another").body();
    let answer = framework.send(&router, Request::webhook(other)).await;
    at("another message", expect::status(&answer, 200))?;
    expect::runs(&runs, 2, "another message still runs")
}

async fn full_queue_is_503(framework: &mut impl Framework) -> Checked {
    let gate = Gate::new();
    let router = gate
        .hold_message_sent(WebhookRouter::builder())
        .retry_after(Duration::from_secs(7))
        .build_background(BackgroundConfig::new().with_workers(1).with_queue_capacity(1));
    let refused = fill_the_queue(framework, &router, &gate).await;
    // Both held deliveries may finish whatever happened, so shutdown returns.
    gate.release(2);
    router.shutdown(Duration::from_secs(5)).await;

    let refused = refused?;
    at("the delivery past a full queue", expect::json(&refused, 503, QUEUE_FULL))?;
    at("the delivery past a full queue", expect::header(&refused, "retry-after", "7"))?;
    match gate.unawaited_starts() {
        1 => Ok(()),
        starts => Err(format!("the queued delivery should have run on shutdown; {starts} ran")),
    }
}

/// Sends three deliveries to a router with one worker and one queue slot:
/// the worker holds the first, the queue takes the second, the third finds
/// the queue full. Returns the answer to the third.
async fn fill_the_queue(
    framework: &mut impl Framework,
    router: &WebhookRouter,
    gate: &Gate,
) -> Result<Answer, String> {
    let first = framework.send(router, Request::webhook(message_sent())).await;
    at("the first delivery", expect::status(&first, 200))?;
    at("the first delivery", gate.one_started().await)?;
    let second = framework.send(router, Request::webhook(message_sent())).await;
    at("the queued delivery", expect::status(&second, 200))?;
    Ok(framework.send(router, Request::webhook(message_sent())).await)
}

async fn before_message_outcomes_are_bodies(framework: &mut impl Framework) -> Checked {
    let router = WebhookRouter::builder()
        .on_before_message(|message: BeforeMessage| async move {
            match message.text() {
                Some("drop me") => Ok(BeforeMessageOutcome::DoNotPropagate),
                Some("tag me") => BeforeMessageOutcome::inject(serde_json::json!({"score": 0.1})),
                _ => Ok(BeforeMessageOutcome::Deliver),
            }
        })
        .build();
    for (text, body) in [
        ("hello", "{}"),
        ("drop me", r#"{"action":"do_not_propagate"}"#),
        ("tag me", r#"{"score":0.1}"#),
    ] {
        let message = EventBuilder::new(Trigger::BeforeMessage).set("data.data.text", text).body();
        let answer = framework.send(&router, Request::webhook(message)).await;
        at(text, expect::json(&answer, 200, body))?;
    }
    Ok(())
}

async fn bad_credentials_are_401(framework: &mut impl Framework) -> Checked {
    let runs = RunCount::default();
    let request = Request::signed_with(WRONG_PASSWORD, message_sent());
    let answer = framework.send(&counting_router(&runs), request).await;
    expect::status(&answer, 401)?;
    expect::header(&answer, "www-authenticate", r#"Basic realm="cometchat-webhooks""#)?;
    expect::header(&answer, "content-type", "application/json")?;
    if answer.text().contains(WRONG_PASSWORD) {
        return Err(format!("the body echoes the password: {:?}", answer.text()));
    }
    expect::runs(&runs, 0, "refused before the router")
}

async fn other_methods_are_405(framework: &mut impl Framework) -> Checked {
    let runs = RunCount::default();
    let request = Request { method: "GET", ..Request::webhook(Bytes::new()) };
    let answer = framework.send(&counting_router(&runs), request).await;
    expect::status(&answer, 405)?;
    expect::header(&answer, "allow", "POST")?;
    expect::body(&answer, "")?;
    expect::runs(&runs, 0, "answered by the framework")
}
