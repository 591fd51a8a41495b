//! `send`: POST a trigger's sample (or a file) to a receiver.

use crate::body::{BodySource, Override, build_body, read_raw_body};
use crate::cli::SendArgs;
use crate::credentials::authorization_header;
use crate::errors::CliError;
use crate::http_client::WebhookSender;
use crate::output::{Palette, print_line};
use crate::triggers::resolve_trigger;

pub(crate) async fn run(args: SendArgs) -> Result<(), CliError> {
    let body = match &args.raw {
        Some(raw) => read_raw_body(raw)?,
        None => json_body(&args)?,
    };
    let Some(url) = args.url.as_deref().filter(|_| !args.dry_run) else {
        return print_line(&String::from_utf8_lossy(&body));
    };

    let authorization = authorization_header(&args.auth, args.no_auth)?;
    let sender = WebhookSender::new(url, authorization, args.timeout.timeout)?;
    let answer = sender.post(body).await?;

    let palette = Palette::for_stdout();
    let status = answer.status_line();
    let status = if answer.is_success() { palette.good(status) } else { palette.bad(status) };
    print_line(&format!("HTTP {status}"))?;
    if !answer.body.is_empty() {
        print_line(&answer.body)?;
    }
    if answer.is_success() { Ok(()) } else { Err(answer.refusal()) }
}

/// A sample or a JSON file, with the `--set` overrides applied.
fn json_body(args: &SendArgs) -> Result<Vec<u8>, CliError> {
    let source = match (&args.trigger, &args.file) {
        (_, Some(file)) => BodySource::File(file.clone()),
        (Some(name), None) => BodySource::Sample(resolve_trigger(name)?),
        // clap requires a trigger, --file or --raw.
        (None, None) => return Err(CliError::MissingTrigger),
    };
    let overrides =
        args.sets.iter().map(|set| Override::parse(set)).collect::<Result<Vec<_>, _>>()?;
    build_body(&source, &overrides)
}
