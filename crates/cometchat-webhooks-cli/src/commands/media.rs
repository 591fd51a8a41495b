//! `media presign`: a media URL from a webhook, made downloadable now.

use cometchat_webhooks::media::{MediaClient, PresignedUrl};
use serde::Serialize;

use crate::cli::{MediaCommand, PresignArgs};
use crate::errors::CliError;
use crate::output::{print_json_pretty, print_line};
use crate::utc::{format_remaining, format_system_time, unix_millis};

const APP_ID: &str = "--app-id (or COMETCHAT_APP_ID)";
const API_KEY: &str = "--api-key (or COMETCHAT_API_KEY)";
const KEYS_HINT: &str =
    "find both in the CometChat dashboard under API & Auth Keys (a REST API key)";

#[derive(Serialize)]
struct PresignedJson<'a> {
    url: &'a str,
    expires_at: String,
    expires_at_unix: i64,
    expires_in_seconds: u64,
}

pub(crate) async fn run(command: MediaCommand) -> Result<(), CliError> {
    match command {
        MediaCommand::Presign(args) => presign(args).await,
    }
}

async fn presign(args: PresignArgs) -> Result<(), CliError> {
    let client = client(&args)?;
    let presigned = client.presign(&args.url).await.map_err(|source| CliError::Media { source })?;
    if args.json {
        return print_json_pretty(&PresignedJson {
            url: presigned.as_str(),
            expires_at: format_system_time(presigned.expires_at),
            expires_at_unix: unix_millis(presigned.expires_at).div_euclid(1000),
            expires_in_seconds: presigned.expires_in().as_secs(),
        });
    }
    // The URL alone on stdout, so `$(cometchat-webhooks media presign …)` is it.
    print_line(presigned.as_str())?;
    eprintln!("{}", expiry_text(&presigned));
    Ok(())
}

fn client(args: &PresignArgs) -> Result<MediaClient, CliError> {
    let app_id = args
        .app_id
        .as_deref()
        .ok_or(CliError::MissingCredentials { missing: APP_ID, hint: KEYS_HINT })?;
    let api_key = args
        .api_key
        .as_deref()
        .ok_or(CliError::MissingCredentials { missing: API_KEY, hint: KEYS_HINT })?;
    let mut builder = MediaClient::builder(app_id, api_key).timeout(args.timeout.timeout);
    if let Some(region) = &args.region {
        builder = builder.region(region);
    }
    for base in &args.allow_base_url {
        builder = builder.allow_base_url(base);
    }
    builder.build().map_err(|source| CliError::Media { source })
}

fn expiry_text(presigned: &PresignedUrl) -> String {
    let at = format_system_time(presigned.expires_at);
    if presigned.is_expired() {
        format!("expired at {at}; CometChat cannot renew an already pre-signed URL")
    } else {
        format!("expires at {at} (in {})", format_remaining(presigned.expires_in()))
    }
}
