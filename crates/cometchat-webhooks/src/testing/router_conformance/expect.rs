//! Comparing an answer with what a scenario demands, in words that say
//! what differed.

use std::fmt::Display;

use crate::testing::harness::Answer;
use crate::testing::recorders::RunCount;

/// The first difference from what a scenario demands, if any.
pub(super) type Checked = Result<(), String>;

/// The status.
pub(super) fn status(answer: &Answer, expected: u16) -> Checked {
    if answer.status == expected {
        return Ok(());
    }
    Err(format!("expected status {expected}, got {} (body {:?})", answer.status, answer.text()))
}

/// Exactly this body.
pub(super) fn body(answer: &Answer, expected: &str) -> Checked {
    if answer.body == expected.as_bytes() {
        return Ok(());
    }
    Err(format!("expected body {expected:?}, got {:?}", answer.text()))
}

/// A header whose first value is exactly `expected`.
pub(super) fn header(answer: &Answer, name: &str, expected: &str) -> Checked {
    match answer.header(name) {
        Some(found) if found == expected => Ok(()),
        found => Err(format!("expected header `{name}: {expected}`, found {found:?}")),
    }
}

/// This status, `Content-Type: application/json` and exactly this body:
/// what the router answers.
pub(super) fn json(answer: &Answer, expected_status: u16, expected_body: &str) -> Checked {
    status(answer, expected_status)?;
    body(answer, expected_body)?;
    header(answer, "content-type", "application/json")
}

/// That the handler ran `expected` times; `why` says what the count shows.
pub(super) fn runs(runs: &RunCount, expected: usize, why: &str) -> Checked {
    let counted = runs.get();
    if counted == expected {
        return Ok(());
    }
    Err(format!("expected {expected} handler runs ({why}), counted {counted}"))
}

/// Says which step of a scenario a difference came from.
pub(super) fn at<T>(step: impl Display, checked: Result<T, String>) -> Result<T, String> {
    checked.map_err(|problem| format!("{step}: {problem}"))
}
