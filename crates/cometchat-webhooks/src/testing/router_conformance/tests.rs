//! The suite checked against the core itself: a plain-Rust framework built
//! from [`ReceiverConfig`](crate::ReceiverConfig) and [`Router::handle`]
//! passes every scenario, and a wrong answer is named.

use super::*;
use crate::router::RouterResponse;
use crate::testing::conformance::receiver_config;

/// What every adapter's mount must reproduce, with no framework.
async fn reference(router: Router, request: Request) -> Answer {
    if request.method != "POST" {
        return Answer::new(405, [("allow", "POST")], Vec::new());
    }
    let config = receiver_config();
    let header = |name| request.header(name).map(str::as_bytes);
    let admitted = config.admit(header("authorization"), None).and_then(|mut collector| {
        collector.push(&request.body)?;
        config.decode(collector.finish())
    });
    let response = match admitted {
        Ok(event) => router.handle(event).await,
        Err(rejection) => RouterResponse::from(rejection),
    };
    let content_type = ("content-type", response.content_type.to_owned());
    let headers = std::iter::once(content_type).chain(response.headers);
    Answer::new(response.status, headers, response.body.to_vec())
}

#[tokio::test]
async fn the_core_alone_passes_every_scenario() {
    assert_eq!(run(reference).await, Ok(Scenario::ALL.len()));
}

#[tokio::test]
async fn a_405_with_a_body_is_named_with_its_scenario() {
    let chatty = |router: Router, request: Request| async move {
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
    let skips_the_router = |_router: Router, _request: Request| async {
        Answer::new(200, [("content-type", "application/json")], b"{}".to_vec())
    };
    let mut framework = skips_the_router;
    let problem = Scenario::EveryTriggerReachesItsHandler.check(&mut framework).await.unwrap_err();
    assert!(problem.ends_with("expected its own handler alone to run, ran []"), "{problem}");
}
