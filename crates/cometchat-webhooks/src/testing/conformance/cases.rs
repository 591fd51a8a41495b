//! The cases: one per row of the contract, plus every bundled sample.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;

use super::{Case, Expected, PASSWORD, USERNAME, WRONG_PASSWORD};
use crate::contract::{ReceiverConfig, WWW_AUTHENTICATE};
use crate::testing::harness::{Delivery, Request};
use crate::testing::{EventBuilder, SHAPE_VARIANTS, basic_auth_header, sample_body, samples};
use crate::trigger::Trigger;

const LIMIT: usize = ReceiverConfig::DEFAULT_BODY_LIMIT;
/// Big enough to cross the limit in a handful of chunks.
const LARGE_CHUNK: usize = 64 * 1024;
/// Small enough that a sample arrives in hundreds of pieces.
const TINY_CHUNK: usize = 7;

/// Every case, in contract order: accepted bodies, 401, 413, 400, bodies
/// that reach the handler untyped, `Content-Type` variants, wrong method.
pub fn cases() -> Vec<Case> {
    let mut cases = accepted_samples();
    cases.extend(unauthorized());
    cases.extend(too_large());
    cases.extend(not_a_webhook());
    cases.extend(untyped_but_delivered());
    cases.extend(content_types());
    cases.push(Case {
        name: "405: GET to a POST route".into(),
        request: post(message_sent()).method("GET").finish(),
        expected: Expected::Routed { status: 405 },
    });
    cases
}

/// A valid request, for an adapter whose receiver configuration can be
/// missing at run time (e.g. actix-web app data): it must answer 500.
pub fn not_configured() -> Case {
    refused("500: receiver not configured", post(message_sent()), 500)
}

fn accepted_samples() -> Vec<Case> {
    let bundled = samples().map(|(trigger, body)| {
        accepted(format!("200: {} sample", trigger.as_str()), post(body), trigger.as_str())
    });
    let variants = SHAPE_VARIANTS.iter().map(|variant| {
        accepted(format!("200: {}", variant.name), post(variant.body), variant.trigger.as_str())
    });
    let mut cases: Vec<Case> = bundled.chain(variants).collect();
    cases.push(accepted(
        "200: body in 7-byte chunks without Content-Length",
        post(message_sent()).chunked(TINY_CHUNK),
        "message_sent",
    ));
    cases.push(accepted(
        "200: scheme in lower case (`basic …`)",
        post(message_sent()).authorization(Some(format!("basic {}", token(USERNAME, PASSWORD)))),
        "message_sent",
    ));
    cases
}

fn unauthorized() -> Vec<Case> {
    let headers = [
        ("missing Authorization", None),
        ("wrong password", Some(basic_auth_header(USERNAME, WRONG_PASSWORD))),
        ("wrong username", Some(basic_auth_header("someone-else", PASSWORD))),
        ("empty Authorization", Some(String::new())),
        ("malformed: not base64", Some("Basic !!not-base64!!".to_owned())),
        ("malformed: no ':' in credentials", Some(format!("Basic {}", STANDARD.encode(USERNAME)))),
        ("malformed: scheme without credentials", Some("Basic".to_owned())),
        ("other scheme (Bearer)", Some(format!("Bearer {}", token(USERNAME, PASSWORD)))),
    ];
    let mut cases: Vec<Case> = headers
        .into_iter()
        .map(|(name, header)| {
            refused(format!("401: {name}"), post(message_sent()).authorization(header), 401)
        })
        .collect();
    // Two credentials are refused even when both are right: which one a
    // proxy or the framework would pick is not clear.
    let right = basic_auth_header(USERNAME, PASSWORD);
    let wrong = basic_auth_header(USERNAME, WRONG_PASSWORD);
    for (name, second) in [("twice, both right", right.clone()), ("twice, right then wrong", wrong)]
    {
        cases.push(refused(
            format!("401: Authorization {name}"),
            post(message_sent()).extra_authorization(second),
            401,
        ));
    }
    // Authorization is decided first: neither the size nor the content of
    // the body changes a 401.
    cases.push(refused(
        "401 before 413: no Authorization, body over the limit",
        post(padded_message(2 * LIMIT)).authorization(None),
        401,
    ));
    cases.push(refused(
        "401 before 400: wrong password, body not JSON",
        post(&b"not json"[..]).authorization(Some(basic_auth_header(USERNAME, WRONG_PASSWORD))),
        401,
    ));
    cases
}

fn too_large() -> Vec<Case> {
    vec![
        refused("413: limit + 1 byte, with Content-Length", post(padded_message(LIMIT + 1)), 413),
        refused("413: 2 MiB, with Content-Length", post(padded_message(2 * LIMIT)), 413),
        refused(
            "413: limit + 1 byte, chunked without Content-Length",
            post(padded_message(LIMIT + 1)).chunked(LARGE_CHUNK),
            413,
        ),
        refused(
            "413: 2 MiB, chunked without Content-Length",
            post(padded_message(2 * LIMIT)).chunked(LARGE_CHUNK),
            413,
        ),
        accepted(
            "200: exactly the limit, with Content-Length",
            post(padded_message(LIMIT)),
            "message_sent",
        ),
        accepted(
            "200: exactly the limit, chunked without Content-Length",
            post(padded_message(LIMIT)).chunked(LARGE_CHUNK),
            "message_sent",
        ),
    ]
}

fn not_a_webhook() -> Vec<Case> {
    let bodies: [(&str, &[u8]); 10] = [
        ("empty body", b""),
        ("not JSON", b"trigger=message_sent"),
        ("truncated JSON", b"{\"trigger\": \"message_sent\", \"data\": {"),
        ("not UTF-8", b"{\"trigger\": \"message_sent\xff\"}"),
        ("JSON array", b"[{\"trigger\": \"message_sent\"}]"),
        ("JSON string", b"\"message_sent\""),
        ("object without trigger", b"{\"appId\": \"app\", \"data\": {}}"),
        ("number as trigger", b"{\"trigger\": 42, \"data\": {}}"),
        ("null as trigger", b"{\"trigger\": null, \"data\": {}}"),
        ("object as trigger", b"{\"trigger\": {\"name\": \"message_sent\"}}"),
    ];
    bodies
        .into_iter()
        .map(|(name, body)| refused(format!("400: {name}"), post(body), 400))
        .collect()
}

fn untyped_but_delivered() -> Vec<Case> {
    let unknown = EventBuilder::new(Trigger::MessageSent).envelope("trigger", "a_future_trigger");
    let misfit = EventBuilder::new(Trigger::MessageSent).set("data.message", "not a message");
    vec![
        accepted(
            "200: unknown trigger reaches the handler",
            post(unknown.body()),
            "a_future_trigger",
        ),
        accepted(
            "200: known trigger whose data does not fit reaches the handler",
            post(misfit.body()),
            "message_sent",
        ),
    ]
}

fn content_types() -> Vec<Case> {
    [
        ("`Content-Type: Application/json` (as CometChat sends it)", Some("Application/json")),
        (
            "`Content-Type: application/json; charset=utf-8`",
            Some("application/json; charset=utf-8"),
        ),
        ("no Content-Type", None),
    ]
    .into_iter()
    .map(|(name, content_type)| {
        accepted(
            format!("200: {name}"),
            post(message_sent()).content_type(content_type),
            "message_sent",
        )
    })
    .collect()
}

fn accepted(name: impl Into<String>, request: Draft, trigger: &str) -> Case {
    Case {
        name: name.into(),
        request: request.finish(),
        expected: Expected::Accepted { trigger: trigger.to_owned() },
    }
}

fn refused(name: impl Into<String>, request: Draft, status: u16) -> Case {
    let headers = if status == 401 { vec![("www-authenticate", WWW_AUTHENTICATE)] } else { vec![] };
    Case {
        name: name.into(),
        request: request.finish(),
        expected: Expected::Refused { status, headers },
    }
}

fn message_sent() -> &'static [u8] {
    sample_body(Trigger::MessageSent)
}

/// A valid `message_sent` body padded with trailing whitespace to `length`
/// bytes: it would decode, so only the limit can refuse it.
fn padded_message(length: usize) -> Bytes {
    let mut body = message_sent().to_vec();
    body.resize(length.max(body.len()), b' ');
    Bytes::from(body)
}

fn token(username: &str, password: &str) -> String {
    STANDARD.encode(format!("{username}:{password}"))
}

fn post(body: impl Into<Bytes>) -> Draft {
    Draft {
        method: "POST",
        authorization: Some(basic_auth_header(USERNAME, PASSWORD)),
        extra_authorization: None,
        content_type: Some("application/json"),
        body: body.into(),
        delivery: Delivery::Whole,
    }
}

/// A request being described; [`Draft::finish`] fixes its headers.
struct Draft {
    method: &'static str,
    authorization: Option<String>,
    /// A second `Authorization` header, sent after the first.
    extra_authorization: Option<String>,
    content_type: Option<&'static str>,
    body: Bytes,
    delivery: Delivery,
}

impl Draft {
    fn method(self, method: &'static str) -> Self {
        Self { method, ..self }
    }

    fn authorization(self, authorization: Option<String>) -> Self {
        Self { authorization, ..self }
    }

    fn extra_authorization(self, second: String) -> Self {
        Self { extra_authorization: Some(second), ..self }
    }

    fn content_type(self, content_type: Option<&'static str>) -> Self {
        Self { content_type, ..self }
    }

    fn chunked(self, chunk_size: usize) -> Self {
        Self { delivery: Delivery::Chunked { chunk_size }, ..self }
    }

    fn finish(self) -> Request {
        let mut request = Request::new(self.method, super::PATH);
        for authorization in [self.authorization, self.extra_authorization].into_iter().flatten() {
            request = request.with_header("authorization", authorization);
        }
        if let Some(content_type) = self.content_type {
            request = request.with_header("content-type", content_type);
        }
        request.with_body(self.body).delivered(self.delivery)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Event;

    #[test]
    fn every_bundled_sample_and_shape_variant_has_an_accepted_case() {
        let names: Vec<String> = cases().into_iter().map(|case| case.name).collect();
        for (trigger, _) in samples() {
            let name = format!("200: {} sample", trigger.as_str());
            assert!(names.contains(&name), "no case for {trigger:?}");
        }
        for variant in SHAPE_VARIANTS {
            assert!(names.contains(&format!("200: {}", variant.name)), "{}", variant.name);
        }
    }

    #[test]
    fn accepted_bodies_decode_to_the_trigger_the_case_expects() {
        for case in cases() {
            if let Expected::Accepted { trigger } = &case.expected {
                let event = Event::from_slice(&case.request.body).expect(&case.name);
                assert_eq!(event.trigger(), trigger, "{}", case.name);
            }
        }
    }

    #[test]
    fn bad_request_bodies_fail_to_decode_and_untyped_ones_still_decode() {
        for case in cases() {
            if matches!(case.expected, Expected::Refused { status: 400, .. }) {
                assert!(Event::from_slice(&case.request.body).is_err(), "{}", case.name);
            }
        }
        let untyped = untyped_but_delivered();
        let unknown = Event::from_slice(&untyped[0].request.body).unwrap();
        assert!(!unknown.is_known());
        let misfit = Event::from_slice(&untyped[1].request.body).unwrap();
        assert!(misfit.decode_error().is_some(), "the misfit case must not decode typed");
    }

    #[test]
    fn whole_bodies_announce_their_length_and_chunked_ones_do_not() {
        for case in cases() {
            let request = &case.request;
            let declared = request.header("content-length");
            match request.delivery {
                Delivery::Whole => {
                    assert_eq!(declared, Some(request.body.len().to_string().as_str()))
                }
                _ => assert_eq!(declared, None, "{}", case.name),
            }
            let reassembled: Vec<u8> = request.chunks().concat();
            assert_eq!(reassembled, request.body, "{}", case.name);
        }
    }

    #[test]
    fn the_repeated_authorization_rows_send_two_headers() {
        let repeated: Vec<Case> =
            cases().into_iter().filter(|case| case.name.contains("Authorization twice")).collect();
        assert_eq!(repeated.len(), 2);
        for case in repeated {
            let sent = case.request.headers.iter().filter(|(name, _)| *name == "authorization");
            assert_eq!(sent.count(), 2, "{}", case.name);
            assert!(matches!(case.expected, Expected::Refused { status: 401, .. }));
        }
    }

    #[test]
    fn padding_hits_the_exact_length() {
        assert_eq!(padded_message(LIMIT + 1).len(), LIMIT + 1);
        assert!(Event::from_bytes(padded_message(LIMIT)).is_ok());
    }
}
