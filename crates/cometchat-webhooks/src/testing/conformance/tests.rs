//! The suite checked against the core itself: a plain-Rust receiver built
//! from [`ReceiverConfig`] passes every case, and wrong answers are named.

use std::pin::pin;
use std::task::{Context, Poll, Waker};

use super::*;
use crate::contract::{self, Rejection, RequestHead, WebhookResponse};

/// The contract with no framework: what every adapter must reproduce.
fn reference_answer(case: &Case) -> Answer {
    let request = &case.request;
    if request.method != "POST" {
        return Answer { status: 405, headers: Vec::new(), body: Vec::new(), seen_trigger: None };
    }
    let head = RequestHead::from_headers(request.headers.iter().map(|(n, v)| (*n, v.as_bytes())));
    let chunks = request.chunks().into_iter().map(Ok::<_, std::convert::Infallible>);
    let body = futures_util::stream::iter(chunks);
    match block_on(contract::receive(&receiver_config(), head, body)) {
        Ok(event) => Answer {
            status: 200,
            headers: Vec::new(),
            body: b"ok".to_vec(),
            seen_trigger: Some(event.trigger().to_owned()),
        },
        Err(rejection) => render(&rejection),
    }
}

fn render(rejection: &Rejection) -> Answer {
    let response = WebhookResponse::from(rejection);
    let headers = response.headers().map(|(n, v)| (n.to_owned(), v.as_bytes().to_vec())).collect();
    Answer {
        status: response.status(),
        headers,
        body: response.body().to_vec(),
        seen_trigger: None,
    }
}

/// Runs a future that never waits, as `run` with a synchronous sender.
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
    }
}

fn case_named(prefix: &str) -> Case {
    cases().into_iter().find(|case| case.name.starts_with(prefix)).expect(prefix)
}

#[test]
fn the_core_alone_passes_every_case() {
    let result = block_on(run(|case| async move { reference_answer(&case) }));
    result.unwrap_or_else(|failures| panic!("{failures}"));
    assert!(cases().len() > 90, "every sample plus every row");
}

#[test]
fn the_core_answers_the_not_configured_case_when_rendered() {
    let case = not_configured();
    let answer = render(&Rejection::NotConfigured("no receiver in app data"));
    assert_eq!(case.check(&answer), Ok(()));
}

#[test]
fn a_401_without_the_contract_headers_is_named_problem_by_problem() {
    let case = case_named("401: wrong password");
    let answer = Answer {
        status: 401,
        headers: vec![("content-type".into(), b"text/plain".to_vec())],
        body: b"Unauthorized".to_vec(),
        seen_trigger: None,
    };
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
    answer.seen_trigger = Some("message_sent".into());
    let report = case.check(&answer).unwrap_err().to_string();
    assert!(report.contains("the handler should not have run, but saw `message_sent`"));
}

#[test]
fn an_accepted_case_needs_the_handler_to_see_its_trigger() {
    let case = case_named("200: unknown trigger");
    let mut answer = reference_answer(&case);
    assert_eq!(case.check(&answer), Ok(()));
    answer.seen_trigger = None;
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
    let wrong_status = |case: Case| async move {
        let mut answer = reference_answer(&case);
        if case.name.starts_with("405") {
            answer.status = 404;
        }
        answer
    };
    let failures = block_on(run(wrong_status)).unwrap_err();
    assert_eq!(failures.mismatches.len(), 1);
    assert_eq!(
        failures.to_string(),
        format!(
            "1 of {} conformance cases failed:\n  `405: GET to a POST route`: expected status \
             405, got 404 (answer: 404 \"\")",
            failures.total
        )
    );
}
