//! Reads the file endpoint's answer, `{"data":{"url": "…?fat=…"}}`, naming
//! exactly what is missing when it does not have that shape.

use serde_json::Value;
use url::Url;

use super::error::AnswerProblem;

/// The most bytes of an answer that are read. The real answer is one short
/// URL; anything far larger is not that answer, and is not buffered.
pub(super) const ANSWER_LIMIT: usize = 64 * 1024;

/// The download URL in an answer body.
pub(super) fn download_url(body: &[u8]) -> Result<String, AnswerProblem> {
    let answer: Value = serde_json::from_slice(body)
        .map_err(|error| AnswerProblem::NotJson { reason: error.to_string() })?;
    let data =
        answer.get("data").filter(|data| data.is_object()).ok_or(AnswerProblem::MissingData)?;
    let url = match data.get("url") {
        None | Some(Value::Null) => return Err(AnswerProblem::MissingUrl),
        Some(Value::String(url)) => url,
        Some(_) => return Err(AnswerProblem::UrlNotString),
    };
    let absolute = Url::parse(url)
        .is_ok_and(|parsed| matches!(parsed.scheme(), "http" | "https") && parsed.has_host());
    if absolute { Ok(url.clone()) } else { Err(AnswerProblem::UrlNotAbsolute) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_data_url() {
        let body = br#"{"data":{"url":"https://files-us.cometchat.io/app/media/a.png?fat=t"}}"#;
        assert_eq!(
            download_url(body).unwrap(),
            "https://files-us.cometchat.io/app/media/a.png?fat=t"
        );
    }

    #[test]
    fn names_what_is_missing() {
        assert!(matches!(download_url(b"<html>"), Err(AnswerProblem::NotJson { .. })));
        assert!(matches!(download_url(b""), Err(AnswerProblem::NotJson { .. })));
        assert_eq!(download_url(b"[]"), Err(AnswerProblem::MissingData));
        assert_eq!(download_url(br#"{"url":"https://x/"}"#), Err(AnswerProblem::MissingData));
        assert_eq!(download_url(br#"{"data":"https://x/"}"#), Err(AnswerProblem::MissingData));
        assert_eq!(download_url(br#"{"data":{}}"#), Err(AnswerProblem::MissingUrl));
        assert_eq!(download_url(br#"{"data":{"url":null}}"#), Err(AnswerProblem::MissingUrl));
        assert_eq!(download_url(br#"{"data":{"url":5}}"#), Err(AnswerProblem::UrlNotString));
        assert_eq!(
            download_url(br#"{"data":{"url":"/a.png"}}"#),
            Err(AnswerProblem::UrlNotAbsolute)
        );
        assert_eq!(
            download_url(br#"{"data":{"url":"javascript:alert(1)"}}"#),
            Err(AnswerProblem::UrlNotAbsolute)
        );
    }
}
