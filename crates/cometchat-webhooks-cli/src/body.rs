//! The body `send` posts: a trigger's bundled sample or a file, with `--set`
//! overrides applied.

use std::io::Read;
use std::path::{Path, PathBuf};

use cometchat_webhooks::Trigger;
use cometchat_webhooks::testing::{sample_body, set_path};
use serde_json::Value;

use crate::errors::CliError;

/// Where the body comes from.
#[derive(Debug)]
pub(crate) enum BodySource {
    Sample(Trigger),
    /// A file, or standard input for `-`.
    File(PathBuf),
}

/// One `--set PATH=JSON`, parsed.
#[derive(Debug)]
pub(crate) struct Override {
    path: String,
    value: Value,
}

impl Override {
    /// Splits at the first `=`: paths never contain one, JSON values may.
    pub(crate) fn parse(given: &str) -> Result<Self, CliError> {
        let Some((path, value)) = given.split_once('=') else {
            return Err(CliError::SetNotAssignment { given: given.to_owned() });
        };
        let path = path.trim();
        if path.is_empty() {
            return Err(CliError::SetNotAssignment { given: given.to_owned() });
        }
        let value = serde_json::from_str(value).map_err(|error| CliError::SetValueNotJson {
            path: path.to_owned(),
            value: value.to_owned(),
            reason: error.to_string(),
        })?;
        Ok(Self { path: path.to_owned(), value })
    }
}

/// The bytes to send. Without overrides they are the sample or the file
/// byte for byte; overrides re-serialise the JSON.
pub(crate) fn build_body(source: &BodySource, overrides: &[Override]) -> Result<Vec<u8>, CliError> {
    let (bytes, name, trigger) = match source {
        BodySource::Sample(trigger) => (
            sample_body(*trigger).to_vec(),
            format!("the {} sample", trigger.unique_name()),
            Some(trigger.unique_name()),
        ),
        BodySource::File(path) => (read_input(path)?, describe(path), None),
    };
    let mut json: Value = serde_json::from_slice(&bytes)
        .map_err(|error| CliError::NotJson { name: name.clone(), reason: error.to_string() })?;
    if overrides.is_empty() {
        return Ok(bytes);
    }
    for Override { path, value } in overrides {
        set_path(&mut json, path, value.clone()).map_err(|source| CliError::SetPath {
            path: path.clone(),
            body_name: name.clone(),
            trigger,
            source,
        })?;
    }
    Ok(json.to_string().into_bytes())
}

/// The most `send --raw` reads: 16 times a receiver's default limit, room to
/// see a receiver refuse an oversized body, and far below a file sent by
/// mistake (a disk image, a log).
pub(crate) const MAX_RAW_BODY: u64 = 16 * 1024 * 1024;

/// A `--raw` body: the file's bytes as they are, refused when empty or
/// larger than [`MAX_RAW_BODY`] (without reading more than one byte past
/// the limit).
pub(crate) fn read_raw_body(path: &Path) -> Result<Vec<u8>, CliError> {
    let name = describe(path);
    let mut bytes = Vec::new();
    let read = if path == Path::new("-") {
        std::io::stdin()
            .lock()
            .take(MAX_RAW_BODY + 1)
            .read_to_end(&mut bytes)
            .map_err(|source| CliError::ReadStdin { source })
    } else {
        let read_error = |source| CliError::Read { path: path.to_owned(), source };
        let file = std::fs::File::open(path).map_err(read_error)?;
        file.take(MAX_RAW_BODY + 1).read_to_end(&mut bytes).map_err(read_error)
    };
    match read? {
        0 => Err(CliError::EmptyBody { name }),
        length if length as u64 > MAX_RAW_BODY => {
            Err(CliError::BodyTooLarge { name, limit: "16 MiB".to_owned() })
        }
        _ => Ok(bytes),
    }
}

/// Reads a file, or standard input for `-`.
pub(crate) fn read_input(path: &Path) -> Result<Vec<u8>, CliError> {
    if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|source| CliError::ReadStdin { source })?;
        return Ok(bytes);
    }
    std::fs::read(path).map_err(|source| CliError::Read { path: path.to_owned(), source })
}

/// How a file is named in messages.
pub(crate) fn describe(path: &Path) -> String {
    if path == Path::new("-") { "standard input".to_owned() } else { path.display().to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_are_sent_byte_for_byte_without_overrides() {
        let body = build_body(&BodySource::Sample(Trigger::MessageSent), &[]).ok();
        assert_eq!(body.as_deref(), Some(sample_body(Trigger::MessageSent)));
    }

    #[test]
    fn overrides_replace_existing_fields() -> Result<(), CliError> {
        let set = Override::parse(r#"data.message.data.text="hi there""#)?;
        let body = build_body(&BodySource::Sample(Trigger::MessageSent), &[set])?;
        let json: Value = serde_json::from_slice(&body).map_err(|error| CliError::NotJson {
            name: "body".into(),
            reason: error.to_string(),
        })?;
        assert_eq!(json["data"]["message"]["data"]["text"], "hi there");
        Ok(())
    }

    #[test]
    fn bad_overrides_say_what_to_write() {
        assert!(matches!(Override::parse("no-equals"), Err(CliError::SetNotAssignment { .. })));
        assert!(matches!(Override::parse("=1"), Err(CliError::SetNotAssignment { .. })));
        let not_json = Override::parse("data.text=hi").map(|_| ()).unwrap_err().to_string();
        assert!(not_json.contains(r#"--set 'data.text="hi"'"#), "{not_json}");
        let missing = Override::parse("data.nope=1")
            .and_then(|set| build_body(&BodySource::Sample(Trigger::MessageSent), &[set]));
        let message = missing.map(|_| ()).unwrap_err().to_string();
        assert!(message.contains("data.nope"), "{message}");
        assert!(message.contains("send message_sent --dry-run"), "{message}");
    }
}
