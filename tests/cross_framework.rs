//! The same requests, over real loopback sockets and a real HTTP client, to
//! the same webhook app in axum, actix-web and warp. Every case of the
//! core's conformance suite (the one each adapter also runs in process) must
//! be answered as the contract says, identically by all three, and reach the
//! handler exactly when it should.

mod support;

use std::convert::Infallible;

use bytes::Bytes;
use cometchat_webhooks::contract::WWW_AUTHENTICATE;
use cometchat_webhooks::testing::conformance::{self, Case, Expected};
use cometchat_webhooks::testing::{
    Answer, PASSWORD, PATH, SHAPE_VARIANTS, Sighting, USERNAME, WRONG_PASSWORD, basic_auth_header,
    samples,
};
use cometchat_webhooks::{Event, ParseError, ReceiverConfig, Trigger};
use futures_util::future::join_all;
use futures_util::stream;
use http_body_util::{BodyExt, StreamBody};
use hyper::Request;
use hyper::body::Frame;

use support::client::{self, Received};
use support::recording_apps::{Framework, RecordingApp};

const MIB: usize = 1024 * 1024;

/// One framework's answer to one case, and what its handler saw meanwhile.
struct Outcome {
    framework: Framework,
    received: Result<Received, String>,
    sightings: Vec<Sighting>,
}

async fn send_case(app: &RecordingApp, case: &Case) -> Outcome {
    let address = app.server.address();
    let request = client::kit_request(address, &case.request);
    let received = client::send(address, request).await;
    Outcome { framework: app.framework, received, sightings: app.sightings.take() }
}

#[tokio::test]
async fn every_conformance_case_gets_the_same_answer_from_all_three_frameworks() {
    // One server per framework for every case: starting them is the slow part.
    let apps = Framework::ALL.map(RecordingApp::start);
    let cases = conformance::cases();
    let mut problems = Vec::new();
    for case in &cases {
        let outcomes = join_all(apps.iter().map(|app| send_case(app, case))).await;
        for outcome in &outcomes {
            problems.extend(contract_problems(case, outcome));
        }
        problems.extend(disagreements(case, &outcomes));
    }
    assert!(
        problems.is_empty(),
        "{} problems over {} cases:\n  {}",
        problems.len(),
        cases.len(),
        problems.join("\n  ")
    );
}

/// How one framework's answer differs from what the case demands: the
/// suite's own check (the handler ran once, or not at all), plus what only
/// the full event can tell (the whole event arrived).
fn contract_problems(case: &Case, outcome: &Outcome) -> Vec<String> {
    let framework = outcome.framework.name();
    let received = match &outcome.received {
        Ok(received) => received,
        Err(error) => return vec![format!("`{}`: {framework}: no answer: {error}", case.name)],
    };
    let mut problems = Vec::new();
    let mut answer = Answer::new(received.status, received.headers.clone(), received.body.clone());
    answer.seen = outcome.sightings.clone();
    if let Err(mismatch) = case.check(&answer) {
        problems.push(format!("{framework}: {mismatch}"));
    }
    if let Expected::Accepted { trigger } = &case.expected {
        let event = Event::from_slice(&case.request.body).expect("an accepted case decodes");
        if outcome.sightings.first().is_some_and(|seen| *seen != Sighting::of(&event)) {
            problems.push(format!(
                "`{}`: {framework}: the handler saw {:?}, the body is {:?}",
                case.name,
                outcome.sightings[0],
                Sighting::of(&event)
            ));
        }
        if received.body != trigger.as_bytes() {
            problems.push(format!("`{}`: {framework}: the handler's answer was lost", case.name));
        }
    }
    problems
}

/// What must be the same in every framework's answer to a case. The body and
/// `content-type` of a router's own answer (405) are the framework's
/// business; everything the adapters or the handler write is compared.
#[derive(Debug, PartialEq, Eq)]
struct Comparable {
    status: u16,
    content_type: Option<String>,
    www_authenticate: Option<String>,
    body: Option<String>,
    sightings: Vec<Sighting>,
}

impl Comparable {
    fn of(case: &Case, received: &Received, sightings: &[Sighting]) -> Self {
        let answered_by_adapter = !matches!(case.expected, Expected::Routed { .. });
        Self {
            status: received.status,
            content_type: received.header("content-type").filter(|_| answered_by_adapter),
            www_authenticate: received.header("www-authenticate"),
            body: answered_by_adapter.then(|| String::from_utf8_lossy(&received.body).into_owned()),
            sightings: sightings.to_vec(),
        }
    }
}

fn disagreements(case: &Case, outcomes: &[Outcome]) -> Vec<String> {
    let comparable: Vec<(Framework, Comparable)> = outcomes
        .iter()
        .filter_map(|outcome| {
            let received = outcome.received.as_ref().ok()?;
            Some((outcome.framework, Comparable::of(case, received, &outcome.sightings)))
        })
        .collect();
    let Some(((first, reference), others)) = comparable.split_first() else { return Vec::new() };
    others
        .iter()
        .filter(|(_, answer)| answer != reference)
        .map(|(framework, answer)| {
            format!(
                "`{}`: {} and {} differ:\n    {reference:?}\n    {answer:?}",
                case.name,
                first.name(),
                framework.name()
            )
        })
        .collect()
}

/// The cases come from the core so this suite and the adapters' in-process
/// ones cannot drift apart; this pins that they still hold every request
/// the cross-framework suite promises to send.
#[test]
fn the_shared_cases_hold_every_request_this_suite_promises() {
    let cases = conformance::cases();
    let missing: Vec<String> = promised_requests()
        .into_iter()
        .filter(|(_, is_it)| !cases.iter().any(is_it))
        .map(|(what, _)| what)
        .collect();
    assert!(missing.is_empty(), "no conformance case for: {missing:?}");
}

type Recognizer = Box<dyn Fn(&Case) -> bool>;

fn promised_requests() -> Vec<(String, Recognizer)> {
    let mut promised: Vec<(String, Recognizer)> = Vec::new();
    for (trigger, body) in samples() {
        let accepts_it = move |case: &Case| accepted(case) && case.request.body == body;
        promised.push((format!("the {} sample", trigger.as_str()), Box::new(accepts_it)));
    }
    for variant in SHAPE_VARIANTS {
        let accepts_it = |case: &Case| accepted(case) && case.request.body == variant.body;
        promised.push((variant.name.to_owned(), Box::new(accepts_it)));
    }
    let wrong_password = basic_auth_header(USERNAME, WRONG_PASSWORD);
    let more: [(&str, Recognizer); 12] = [
        (
            "missing Authorization",
            Box::new(|case| refused(case, 401) && case.request.header("authorization").is_none()),
        ),
        (
            "wrong password",
            Box::new(move |case| {
                refused(case, 401) && case.request.header("authorization") == Some(&wrong_password)
            }),
        ),
        (
            "Authorization twice",
            Box::new(|case| {
                let sent = case.request.headers.iter().filter(|(name, _)| *name == "authorization");
                refused(case, 401) && sent.count() == 2
            }),
        ),
        (
            "malformed Authorization (credentials not base64)",
            Box::new(|case| {
                refused(case, 401)
                    && case.request.header("authorization").is_some_and(|value| {
                        value.strip_prefix("Basic ").is_some_and(|token| !is_base64(token))
                    })
            }),
        ),
        (
            "a body that is not JSON",
            Box::new(|case| {
                refused(case, 400)
                    && matches!(
                        Event::from_slice(&case.request.body),
                        Err(ParseError::Syntax { .. })
                    )
            }),
        ),
        (
            "JSON without `trigger`",
            Box::new(|case| {
                refused(case, 400)
                    && matches!(
                        Event::from_slice(&case.request.body),
                        Err(ParseError::MissingTrigger)
                    )
            }),
        ),
        (
            "2 MiB with Content-Length",
            Box::new(|case| {
                refused(case, 413)
                    && case.request.body.len() == 2 * MIB
                    && !case.request.is_chunked()
            }),
        ),
        (
            "2 MiB streamed without Content-Length",
            Box::new(|case| {
                refused(case, 413)
                    && case.request.body.len() == 2 * MIB
                    && case.request.is_chunked()
            }),
        ),
        (
            "an unknown trigger",
            Box::new(|case| {
                matches!(&case.expected, Expected::Accepted { trigger }
                    if Trigger::from_wire(trigger).is_none())
            }),
        ),
        (
            "`Content-Type: Application/json`",
            Box::new(|case| {
                accepted(case) && case.request.header("content-type") == Some("Application/json")
            }),
        ),
        (
            "no Content-Type",
            Box::new(|case| accepted(case) && case.request.header("content-type").is_none()),
        ),
        (
            "GET answered 405",
            Box::new(|case| {
                case.request.method == "GET" && case.expected == Expected::Routed { status: 405 }
            }),
        ),
    ];
    promised.extend(more.into_iter().map(|(what, is_it)| (what.to_owned(), is_it)));
    promised
}

fn accepted(case: &Case) -> bool {
    matches!(case.expected, Expected::Accepted { .. })
}

fn refused(case: &Case, wanted: u16) -> bool {
    matches!(case.expected, Expected::Refused { status, .. } if status == wanted)
}

fn is_base64(token: &str) -> bool {
    !token.is_empty()
        && token.bytes().all(|byte| byte.is_ascii_alphanumeric() || b"+/=".contains(&byte))
}

/// A 401 (missing, wrong or repeated credentials) and a 413 (declared
/// length) are decided from the headers alone: announced bodies that never arrive must not delay them.
/// An adapter that read the body first would wait until the client's
/// timeout instead.
#[tokio::test]
async fn refusals_decided_by_the_headers_come_without_waiting_for_the_body() {
    let apps = Framework::ALL.map(RecordingApp::start);
    let right = basic_auth_header(USERNAME, PASSWORD);
    let wrong = basic_auth_header(USERNAME, WRONG_PASSWORD);
    let over_the_limit = ReceiverConfig::DEFAULT_BODY_LIMIT + 1;
    let requests: [(&str, &[&str], usize, u16); 4] = [
        ("no Authorization", &[], MIB, 401),
        ("wrong password", &[wrong.as_str()], MIB, 401),
        ("Authorization twice", &[right.as_str(), right.as_str()], MIB, 401),
        ("Content-Length over the limit", &[right.as_str()], over_the_limit, 413),
    ];
    let mut problems = Vec::new();
    for app in &apps {
        for (name, authorizations, declared_length, status) in requests {
            let address = app.server.address();
            let request = announced_but_never_sent(address, authorizations, declared_length);
            let framework = app.framework.name();
            match client::send(address, request).await {
                Ok(received) if received.status == status => {
                    if status == 401
                        && received.header("www-authenticate").as_deref() != Some(WWW_AUTHENTICATE)
                    {
                        problems.push(format!("{framework}, {name}: no `www-authenticate`"));
                    }
                }
                Ok(received) => problems.push(format!(
                    "{framework}, {name}: expected {status}, got {}",
                    received.status
                )),
                Err(error) => problems.push(format!("{framework}, {name}: {error}")),
            }
            if !app.sightings.take().is_empty() {
                problems.push(format!("{framework}, {name}: the handler ran"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A `POST` with these `Authorization` headers that declares
/// `declared_length` body bytes and then sends none.
fn announced_but_never_sent(
    address: std::net::SocketAddr,
    authorizations: &[&str],
    declared_length: usize,
) -> Request<client::OutgoingBody> {
    let never = stream::pending::<Result<Frame<Bytes>, Infallible>>();
    let mut request = Request::post(PATH)
        .header("host", address.to_string())
        .header("content-type", "application/json")
        .header("content-length", declared_length);
    for authorization in authorizations {
        request = request.header("authorization", *authorization);
    }
    request.body(StreamBody::new(never).boxed()).expect("a valid request")
}
