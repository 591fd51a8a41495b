//! Comparing an adapter's [`Answer`] with what a [`Case`] demands, and
//! saying precisely what differs.

use std::fmt;

use super::{Answer, Case, Expected, Failure, PASSWORD, WRONG_PASSWORD};
use crate::contract::JSON_CONTENT_TYPE;

/// How much of an unexpected body a report shows.
const BODY_EXCERPT: usize = 200;

impl Case {
    /// Checks an answer against this case; the error lists every problem.
    pub fn check(&self, answer: &Answer) -> Result<(), Mismatch> {
        let mut problems = Vec::new();
        let (status, handler_should_see) = match &self.expected {
            Expected::Accepted { trigger } => (200, Some(trigger.as_str())),
            Expected::Refused { status, .. } | Expected::Routed { status } => (*status, None),
        };
        if answer.status != status {
            problems.push(format!("expected status {status}, got {}", answer.status));
        }
        if answer.seen.len() > 1 {
            problems.push(format!("the handler ran {} times", answer.seen.len()));
        }
        match (handler_should_see, answer.seen_trigger()) {
            (Some(expected), Some(seen)) if expected != seen => {
                problems.push(format!("the handler should have seen `{expected}`, saw `{seen}`"))
            }
            (Some(expected), None) => {
                problems.push(format!("the handler should have seen `{expected}`, but did not run"))
            }
            (None, Some(seen)) => {
                problems.push(format!("the handler should not have run, but saw `{seen}`"))
            }
            _ => {}
        }
        if let Expected::Refused { headers, .. } = &self.expected {
            self.check_refusal(answer, headers, &mut problems);
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Mismatch {
                case: self.name.clone(),
                problems,
                status: answer.status,
                body: excerpt(&answer.body),
            })
        }
    }

    fn check_refusal(
        &self,
        answer: &Answer,
        headers: &[(&'static str, &'static str)],
        problems: &mut Vec<String>,
    ) {
        let required = std::iter::once(&("content-type", JSON_CONTENT_TYPE)).chain(headers);
        for (name, value) in required {
            let found = header_values(answer, name);
            if !found.iter().any(|found| found.eq_ignore_ascii_case(value.as_bytes())) {
                let found: Vec<_> = found.iter().map(|v| String::from_utf8_lossy(v)).collect();
                problems.push(format!("expected header `{name}: {value}`, found {found:?}"));
            }
        }
        if let Err(problem) = error_body_shape(&answer.body) {
            problems.push(problem);
        }
        for secret in self.secrets() {
            if contains(&answer.body, secret.as_bytes()) {
                problems.push(format!("the error body echoes a credential (`{secret}`)"));
            }
        }
    }

    /// Strings an error body must never contain: the passwords and the
    /// credentials part of the request's `Authorization`.
    fn secrets(&self) -> Vec<&str> {
        let sent_credentials = self
            .request
            .headers
            .iter()
            .filter(|(name, _)| name.eq_ignore_ascii_case("authorization"))
            .filter_map(|(_, value)| value.trim().split_once(' '))
            .map(|(_, credentials)| credentials.trim())
            .filter(|credentials| credentials.len() > 3);
        [PASSWORD, WRONG_PASSWORD].into_iter().chain(sent_credentials).collect()
    }
}

/// `{"error": "<non-empty reason>"}` and nothing else.
fn error_body_shape(body: &[u8]) -> Result<(), String> {
    let shape_problem = || format!("expected a body {{\"error\": \"…\"}}, got {:?}", excerpt(body));
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|_| shape_problem())?;
    let object = value.as_object().ok_or_else(shape_problem)?;
    match object.get("error").and_then(serde_json::Value::as_str) {
        Some(reason) if !reason.is_empty() && object.len() == 1 => Ok(()),
        _ => Err(shape_problem()),
    }
}

fn header_values<'a>(answer: &'a Answer, name: &str) -> Vec<&'a [u8]> {
    answer
        .headers
        .iter()
        .filter(|(header, _)| header.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_slice())
        .collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|window| window == needle)
}

fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(BODY_EXCERPT)]);
    if body.len() > BODY_EXCERPT { format!("{text}…") } else { text.into_owned() }
}

/// One case answered wrongly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The case's name.
    pub case: String,
    /// Everything that differs from the contract.
    pub problems: Vec<String>,
    /// The status received.
    pub status: u16,
    /// The start of the body received.
    pub body: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&Failure::from(self.clone()), formatter)
    }
}

impl std::error::Error for Mismatch {}

impl From<Mismatch> for Failure {
    fn from(mismatch: Mismatch) -> Self {
        let problem = format!(
            "{} (answer: {} {:?})",
            mismatch.problems.join("; "),
            mismatch.status,
            mismatch.body
        );
        Failure { name: mismatch.case, problem }
    }
}
