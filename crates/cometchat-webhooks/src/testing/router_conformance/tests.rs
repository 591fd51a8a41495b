//! The suite checked against the core itself: a plain-Rust framework built
//! from [`ReceiverConfig`](crate::ReceiverConfig) and [`WebhookRouter::handle`]
//! passes every scenario, and a wrong answer is named.

use super::*;
use crate::contract::{self, RequestHead, WebhookResponse};
use crate::testing::conformance::receiver_config;

/// What every adapter's mount must reproduce, with no framework.
async fn reference(router: WebhookRouter, request: Request) -> Answer {
    if request.method != "POST" {
        return Answer::new(405, [("allow", "POST")], Vec::new());
    }
    let head = RequestHead::from_headers(request.headers.iter().map(|(n, v)| (*n, v.as_bytes())));
    let body =
        futures_util::stream::iter([Ok::<_, std::convert::Infallible>(request.body.clone())]);
    let response = match contract::receive(&receiver_config(), head, body).await {
        Ok(event) => router.handle(event).await,
        Err(rejection) => WebhookResponse::from(rejection),
    };
    Answer::new(response.status(), response.headers(), response.body().to_vec())
}

#[tokio::test]
async fn the_core_alone_passes_every_scenario() {
    run(reference).await.unwrap_or_else(|failures| panic!("{failures}"));
}

#[tokio::test]
async fn a_405_with_a_body_is_named_with_its_scenario() {
    let chatty = |router: WebhookRouter, request: Request| async move {
        let mut answer = reference(router, request).await;
        if answer.status == 405 {
            answer.body = b"Method Not Allowed".to_vec();
        }
        answer
    };
    let failures = run(chatty).await.unwrap_err();
    assert_eq!(
        failures.to_string(),
        format!(
            "1 of {} router scenarios failed:\n  `other methods are a 405`: expected body \"\", \
             got \"Method Not Allowed\"",
            Scenario::ALL.len()
        )
    );
}

#[tokio::test]
async fn a_framework_that_answers_without_the_router_is_caught() {
    let skips_the_router = |_router: WebhookRouter, _request: Request| async {
        Answer::new(200, [("content-type", "application/json")], b"{}".to_vec())
    };
    let mut framework = skips_the_router;
    let problem = Scenario::EveryTriggerReachesItsHandler.check(&mut framework).await.unwrap_err();
    assert!(problem.ends_with("expected its own handler alone to run, ran []"), "{problem}");
}
