//! The `tower` services on plain hyper, over real loopback sockets with a
//! real HTTP client: every case of the contract, the refusals' headers and
//! closed connections, and a router's deliveries answered exactly as the
//! axum adapter's `mount` answers them.

mod support;

use bytes::Bytes;
use cometchat_webhooks::router::WebhookRouter;
use cometchat_webhooks::testing::conformance;
use cometchat_webhooks::testing::routing::record_every_trigger;
use cometchat_webhooks::testing::{
    Answer, Delivery, PATH, Request, Sightings, TriggerLog, WRONG_PASSWORD, receiver_config,
    sample_body, samples,
};
use cometchat_webhooks::tower::{RouterService, WebhookService};
use cometchat_webhooks::{Event, Trigger, WebhookResponse};

use support::client::{self, Received};
use support::servers::{self, RunningServer};

const MIB: usize = 1024 * 1024;

/// A `WebhookService` whose handler records the event and answers with its
/// trigger, as the kit's handlers do.
fn serve_recording(sightings: &Sightings) -> RunningServer {
    let sightings = sightings.clone();
    servers::serve_hyper(WebhookService::new(receiver_config(), move |event: Event| {
        let trigger = sightings.record(&event);
        async move { WebhookResponse::accepted(Bytes::from(trigger)) }
    }))
}

async fn send(server: &RunningServer, request: &Request) -> Received {
    let address = server.address();
    client::send(address, client::kit_request(address, request))
        .await
        .unwrap_or_else(|error| panic!("no answer: {error}"))
}

#[tokio::test]
async fn every_conformance_case_is_answered_over_hyper_as_the_contract_says() {
    let sightings = Sightings::default();
    let server = serve_recording(&sightings);
    let mut problems = Vec::new();
    for case in conformance::cases() {
        let received = send(&server, &case.request).await;
        let answer = Answer::new(received.status, received.headers, received.body);
        if let Err(mismatch) = case.check(&answer.seeing(&sightings)) {
            problems.push(mismatch.to_string());
        }
    }
    assert!(problems.is_empty(), "{} problems:\n  {}", problems.len(), problems.join("\n  "));
}

#[tokio::test]
async fn accepted_refused_and_oversized_requests_get_their_status_and_headers() {
    let sightings = Sightings::default();
    let server = serve_recording(&sightings);

    let accepted = send(&server, &Request::webhook(sample_body(Trigger::MessageSent))).await;
    assert_eq!((accepted.status, &accepted.body[..]), (200, &b"message_sent"[..]));
    assert_eq!(sightings.take().len(), 1);

    let wrong = Request::signed_with(WRONG_PASSWORD, sample_body(Trigger::MessageSent));
    let unauthorized = send(&server, &wrong).await;
    assert_eq!(unauthorized.status, 401);
    let realm = r#"Basic realm="cometchat-webhooks""#;
    assert_eq!(unauthorized.header("www-authenticate").as_deref(), Some(realm));
    assert_eq!(unauthorized.header("connection").as_deref(), Some("close"));
    assert!(!String::from_utf8_lossy(&unauthorized.body).contains(WRONG_PASSWORD));

    let oversized = Request::webhook(vec![b' '; MIB + 1]);
    let chunked = oversized.clone().delivered(Delivery::Chunked { chunk_size: 64 * 1024 });
    for (request, how) in [(oversized, "declared"), (chunked, "chunked")] {
        let too_large = send(&server, &request).await;
        assert_eq!(too_large.status, 413, "{how}");
        assert_eq!(too_large.header("connection").as_deref(), Some("close"), "{how}");
        assert_eq!(too_large.header("content-type").as_deref(), Some("application/json"));
    }

    let not_json = send(&server, &Request::webhook("not json")).await;
    assert_eq!(not_json.status, 400);
    assert!(String::from_utf8_lossy(&not_json.body).starts_with(r#"{"error":"#));

    let other_method = send(&server, &Request { method: "GET", ..Request::webhook("") }).await;
    assert_eq!((other_method.status, other_method.header("allow")), (405, Some("POST".into())));
    assert!(sightings.take().is_empty(), "no refused request reached the handler");
}

/// The answer with its headers (but `date`) sorted by name.
fn comparable(answer: &Received) -> Received {
    let mut comparable = answer.clone();
    comparable.headers.retain(|(name, _)| name != "date");
    comparable.headers.sort();
    comparable
}

#[tokio::test]
async fn a_router_delivers_every_trigger_and_answers_as_the_axum_mount_does() {
    let log = TriggerLog::default();
    let router = record_every_trigger(WebhookRouter::builder(), &log).build();
    let hyper = servers::serve_hyper(RouterService::new(router.clone(), receiver_config()));
    let axum = servers::serve_axum(cometchat_webhooks_axum::mount(PATH, router, receiver_config()));

    for (trigger, body) in samples() {
        let request = Request::webhook(body);
        let answer = send(&hyper, &request).await;
        assert_eq!(answer.status, 200, "{trigger}");
        assert_eq!(log.take(), [trigger], "{trigger} reached its handler once");
        let by_axum = send(&axum, &request).await;
        log.take();
        assert_eq!(comparable(&answer), comparable(&by_axum), "{trigger}");
    }

    let refused = [
        Request::signed_with(WRONG_PASSWORD, sample_body(Trigger::MessageSent)),
        Request::webhook("not json"),
        Request::webhook(vec![b' '; MIB + 1]),
    ];
    for request in refused {
        let answer = send(&hyper, &request).await;
        assert_eq!(comparable(&answer), comparable(&send(&axum, &request).await));
        assert!(answer.status >= 400);
    }
    assert!(log.take().is_empty(), "no refused request reached a handler");
}
