//! One typed router mounted with `mount` in axum, actix-web and warp, each
//! served on a real loopback socket: every trigger reaches its handler
//! through each framework, and the same request gets the same status,
//! headers and body from all three.

mod support;

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use cometchat_webhooks::Trigger;
use cometchat_webhooks::payload::{BeforeMessage, MessageSent};
use cometchat_webhooks::router::{BackgroundConfig, BeforeMessageOutcome, WebhookRouter};
use cometchat_webhooks::testing::conformance::{
    PASSWORD, PATH, USERNAME, WRONG_PASSWORD, receiver_config,
};
use cometchat_webhooks::testing::routing::{TriggerLog, record_every_trigger};
use cometchat_webhooks::testing::{EventBuilder, basic_auth_header, sample_body, samples};
use http_body_util::{BodyExt, Full};
use hyper::Request;
use support::client::{self, OutgoingBody, Received};
use support::recording_apps::Framework;
use support::servers::{self, RunningServer};
use tokio::sync::Semaphore;

/// A request to `PATH`.
#[derive(Debug, Clone)]
struct WebhookRequest {
    method: &'static str,
    authorization: Option<String>,
    body: Bytes,
}

impl WebhookRequest {
    /// A `POST` with the right credentials.
    fn webhook(body: impl Into<Bytes>) -> Self {
        Self::signed_with(PASSWORD, body)
    }

    fn signed_with(password: &str, body: impl Into<Bytes>) -> Self {
        let authorization = Some(basic_auth_header(USERNAME, password));
        Self { method: "POST", authorization, body: body.into() }
    }

    fn to(&self, server: &RunningServer) -> Request<OutgoingBody> {
        let mut request = Request::builder()
            .method(self.method)
            .uri(PATH)
            .header("host", server.address().to_string());
        if let Some(authorization) = &self.authorization {
            request = request.header("authorization", authorization);
        }
        request.body(Full::new(self.body.clone()).boxed()).expect("a valid request")
    }
}

/// The same router, served by each framework.
struct Mounted {
    servers: Vec<(Framework, RunningServer)>,
}

impl Mounted {
    fn start(router: &WebhookRouter) -> Self {
        let servers = Framework::ALL
            .into_iter()
            .map(|framework| (framework, serve(framework, router)))
            .collect();
        Self { servers }
    }

    async fn send_to(&self, framework: Framework, request: &WebhookRequest) -> Received {
        let (_, server) = self
            .servers
            .iter()
            .find(|(served_by, _)| *served_by == framework)
            .expect("every framework is served");
        client::send(server.address(), request.to(server))
            .await
            .unwrap_or_else(|error| panic!("{}: {error}", framework.name()))
    }

    /// Sends `request` to each framework in turn, checks that all three
    /// answered alike, and returns the answer.
    async fn same_answer(&self, case: &str, request: &WebhookRequest) -> Received {
        let mut answers = Vec::new();
        for (framework, _) in &self.servers {
            answers.push((framework.name(), self.send_to(*framework, request).await));
        }
        let (first_name, first) = &answers[0];
        for (name, answer) in &answers[1..] {
            assert_eq!(
                comparable(answer),
                comparable(first),
                "{case}: {name} answered unlike {first_name}"
            );
        }
        answers.swap_remove(0).1
    }
}

fn serve(framework: Framework, router: &WebhookRouter) -> RunningServer {
    let router = router.clone();
    match framework {
        Framework::Axum => {
            servers::serve_axum(cometchat_webhooks_axum::mount(PATH, router, receiver_config()))
        }
        Framework::ActixWeb => servers::serve_actix_web(move |app| {
            app.service(cometchat_webhooks_actix_web::mount(
                PATH,
                router.clone(),
                receiver_config(),
            ));
        }),
        Framework::Warp => {
            servers::serve_warp(cometchat_webhooks_warp::mount(PATH, router, receiver_config()))
        }
    }
}

/// Headers about the transport rather than the answer: when it was sent,
/// and whether the server keeps the connection (actix-web closes it after
/// answering before reading the body, as with a 401).
const TRANSPORT_HEADERS: [&str; 2] = ["date", "connection"];

/// Status, headers sorted by name (but the transport's), and body.
fn comparable(answer: &Received) -> (u16, Vec<(String, String)>, String) {
    let mut headers: Vec<(String, String)> = answer
        .headers
        .iter()
        .filter(|(name, _)| !TRANSPORT_HEADERS.contains(&name.as_str()))
        .map(|(name, value)| (name.clone(), String::from_utf8_lossy(value).into_owned()))
        .collect();
    headers.sort();
    (answer.status, headers, String::from_utf8_lossy(&answer.body).into_owned())
}

fn text(answer: &Received) -> &str {
    std::str::from_utf8(&answer.body).expect("UTF-8")
}

#[tokio::test]
async fn every_bundled_trigger_reaches_its_typed_handler_in_each_framework() {
    let log = TriggerLog::default();
    let mounted = Mounted::start(&record_every_trigger(WebhookRouter::builder(), &log).build());
    for (trigger, body) in samples() {
        let answer = mounted.same_answer(trigger.as_str(), &WebhookRequest::webhook(body)).await;
        assert_eq!((answer.status, text(&answer)), (200, "{}"), "{trigger}");
        assert_eq!(answer.header("content-type").as_deref(), Some("application/json"));
        assert_eq!(log.take(), vec![trigger; 3], "{trigger}: its handler, once per framework");
    }
}

fn message_sent(text: &str) -> Vec<u8> {
    EventBuilder::new(Trigger::MessageSent).set("data.message.data.text", text).body()
}

fn before_message(text: &str) -> Vec<u8> {
    EventBuilder::new(Trigger::BeforeMessage).set("data.data.text", text).body()
}

/// Fails, panics or succeeds by the message's text; decides `before_message`
/// the same way.
fn router_by_text() -> WebhookRouter {
    WebhookRouter::builder()
        .on(|sent: MessageSent| async move {
            match sent.message.text() {
                Some("fail") => Err("the database is down"),
                Some("panic") => panic!("a bug in the handler"),
                _ => Ok(()),
            }
        })
        .on_before_message(|message: BeforeMessage| async move {
            match message.text() {
                Some("drop me") => Ok(BeforeMessageOutcome::DoNotPropagate),
                Some("tag me") => BeforeMessageOutcome::inject(serde_json::json!({"score": 0.1})),
                _ => Ok(BeforeMessageOutcome::Deliver),
            }
        })
        .build()
}

#[tokio::test]
async fn the_same_request_gets_the_same_answer_from_each_framework() {
    let mounted = Mounted::start(&router_by_text());
    let failed = r#"{"error":"the webhook handler failed"}"#;
    let get = WebhookRequest { method: "GET", ..WebhookRequest::webhook(Bytes::new()) };
    let unsigned = WebhookRequest { authorization: None, ..WebhookRequest::webhook("{}") };
    let cases: Vec<(&str, WebhookRequest, u16, Option<&str>)> = vec![
        ("handled", WebhookRequest::webhook(message_sent("hello")), 200, Some("{}")),
        ("handler error", WebhookRequest::webhook(message_sent("fail")), 500, Some(failed)),
        ("handler panic", WebhookRequest::webhook(message_sent("panic")), 500, Some(failed)),
        ("after a panic", WebhookRequest::webhook(message_sent("hello")), 200, Some("{}")),
        ("no handler", WebhookRequest::webhook(sample_body(Trigger::UserBlocked)), 200, Some("{}")),
        ("before_message: deliver", WebhookRequest::webhook(before_message("hi")), 200, Some("{}")),
        (
            "before_message: drop",
            WebhookRequest::webhook(before_message("drop me")),
            200,
            Some(r#"{"action":"do_not_propagate"}"#),
        ),
        (
            "before_message: inject",
            WebhookRequest::webhook(before_message("tag me")),
            200,
            Some(r#"{"score":0.1}"#),
        ),
        ("wrong password", WebhookRequest::signed_with(WRONG_PASSWORD, "{}"), 401, None),
        ("no credentials", unsigned, 401, None),
        ("not JSON", WebhookRequest::webhook("not json"), 400, None),
        ("other method", get, 405, Some("")),
    ];
    for (case, request, status, body) in cases {
        let answer = mounted.same_answer(case, &request).await;
        assert_eq!(answer.status, status, "{case}");
        if let Some(body) = body {
            assert_eq!(text(&answer), body, "{case}");
        }
    }
}

#[tokio::test]
async fn a_full_background_queue_is_answered_alike() {
    let (started, release) = (Arc::new(Semaphore::new(0)), Arc::new(Semaphore::new(0)));
    let held = {
        let (started, release) = (Arc::clone(&started), Arc::clone(&release));
        move |_sent: MessageSent| {
            let (started, release) = (Arc::clone(&started), Arc::clone(&release));
            async move {
                started.add_permits(1);
                release.acquire().await.expect("never closed").forget();
                Ok::<_, Infallible>(())
            }
        }
    };
    // The workers run on this test's runtime; the servers only queue.
    let router = WebhookRouter::builder()
        .on(held)
        .retry_after(Duration::from_secs(7))
        .build_background(BackgroundConfig::new().with_workers(1).with_queue_capacity(1));
    let mounted = Mounted::start(&router);
    let delivery = WebhookRequest::webhook(sample_body(Trigger::MessageSent));

    assert_eq!(mounted.send_to(Framework::Axum, &delivery).await.status, 200);
    tokio::time::timeout(Duration::from_secs(5), started.acquire())
        .await
        .expect("the worker starts the first delivery")
        .expect("never closed")
        .forget();
    assert_eq!(mounted.send_to(Framework::Axum, &delivery).await.status, 200);
    let refused = mounted.same_answer("queue full", &delivery).await;

    assert_eq!(refused.status, 503);
    assert_eq!(refused.header("retry-after").as_deref(), Some("7"));
    assert_eq!(text(&refused), r#"{"error":"the webhook queue is full"}"#);
    release.add_permits(2);
    router.shutdown(Duration::from_secs(5)).await;
    assert_eq!(started.available_permits(), 1, "the queued delivery ran on shutdown");
}
