//! The suite checked against the core itself: the reference harness passes
//! every case, and wrong answers are named.

use super::*;
use crate::contract::Rejection;
use crate::testing::recorders::Sighting;
use crate::testing::reference::{Reference, block_on, refusal};

/// What the reference harness answers to `case`.
fn reference_answer(case: &Case) -> Answer {
    block_on(send(&mut Reference, case)).0
}

fn case_named(prefix: &str) -> Case {
    cases().into_iter().find(|case| case.name.starts_with(prefix)).expect(prefix)
}

fn sighting(trigger: &str) -> Sighting {
    Sighting { trigger: trigger.to_owned(), idempotency_key: "key".to_owned() }
}

/// A harness that answers like the core, distorted by `distort`.
struct Distorted<F>(F);

impl<F: FnMut(&Request, &mut Answer)> Harness for Distorted<F> {
    async fn receive(
        &mut self,
        config: &crate::ReceiverConfig,
        seen: &Sightings,
        request: Request,
    ) -> Answer {
        let mut answer = Reference.receive(config, seen, request.clone()).await;
        (self.0)(&request, &mut answer);
        answer
    }

    #[cfg(feature = "router")]
    async fn mount(&mut self, router: &crate::router::WebhookRouter, request: Request) -> Answer {
        Reference.mount(router, request).await
    }
}

#[test]
fn the_core_alone_passes_every_case() {
    block_on(run(&mut Reference)).unwrap_or_else(|failures| panic!("{failures}"));
    assert!(cases().len() > 90, "every sample plus every row");
}

#[test]
fn the_core_answers_the_not_configured_case_when_rendered() {
    let case = not_configured();
    let answer = refusal(&Rejection::NotConfigured("no receiver in app data"));
    assert_eq!(case.check(&answer), Ok(()));
}

#[test]
fn a_repeated_authorization_is_a_401_from_the_core() {
    for case in cases().iter().filter(|case| case.name.contains("Authorization twice")) {
        let answer = reference_answer(case);
        assert_eq!(answer.status, 401, "{}", case.name);
        assert_eq!(case.check(&answer), Ok(()));
    }
}

#[test]
fn a_401_without_the_contract_headers_is_named_problem_by_problem() {
    let case = case_named("401: wrong password");
    let answer = Answer::new(401, [("content-type", "text/plain")], b"Unauthorized".to_vec());
    let mismatch = case.check(&answer).unwrap_err();
    let report = mismatch.to_string();
    assert_eq!(mismatch.problems.len(), 3, "{report}");
    assert!(report.contains("`content-type: application/json`"), "{report}");
    assert!(report.contains("`www-authenticate: Basic realm=\"cometchat-webhooks\"`"), "{report}");
    assert!(report.contains("expected a body {\"error\": \"…\"}"), "{report}");
}

#[test]
fn a_handler_that_ran_on_a_refused_request_is_reported() {
    let case = case_named("413: 2 MiB, chunked");
    let mut answer = reference_answer(&case);
    answer.seen = vec![sighting("message_sent")];
    let report = case.check(&answer).unwrap_err().to_string();
    assert!(report.contains("the handler should not have run, but saw `message_sent`"));
}

#[test]
fn an_accepted_case_needs_the_handler_to_see_its_trigger_once() {
    let case = case_named("200: unknown trigger");
    let mut answer = reference_answer(&case);
    assert_eq!(case.check(&answer), Ok(()));
    answer.seen.push(answer.seen[0].clone());
    let report = case.check(&answer).unwrap_err().to_string();
    assert!(report.contains("the handler ran 2 times"), "{report}");
    answer.seen.clear();
    let report = case.check(&answer).unwrap_err().to_string();
    assert!(report.contains("should have seen `a_future_trigger`, but did not run"), "{report}");
}

#[test]
fn an_error_body_that_echoes_credentials_fails() {
    let case = case_named("401: wrong password");
    let mut answer = reference_answer(&case);
    answer.body = format!("{{\"error\": \"{WRONG_PASSWORD} is wrong\"}}").into_bytes();
    let report = case.check(&answer).unwrap_err().to_string();
    assert!(report.contains("echoes a credential"), "{report}");
}

#[test]
fn failures_list_every_mismatch_with_the_total() {
    let mut wrong_status = Distorted(|request: &Request, answer: &mut Answer| {
        if request.method == "GET" {
            answer.status = 404;
        }
    });
    let failures = block_on(run(&mut wrong_status)).unwrap_err();
    assert_eq!(failures.failed.len(), 1);
    assert_eq!(
        failures.to_string(),
        format!(
            "1 of {} conformance cases failed:\n  `405: GET to a POST route`: expected status \
             405, got 404 (answer: 404 \"\")",
            failures.total
        )
    );
}
