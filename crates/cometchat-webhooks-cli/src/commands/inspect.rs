//! `inspect`: decode one body and show what it carries.

use cometchat_webhooks::Event;

use crate::body::{describe, read_input};
use crate::cli::InspectArgs;
use crate::errors::CliError;
use crate::output::{Palette, Table, print_json_pretty, print_line};
use crate::summary::EventSummary;
use crate::utc::format_unix_millis;

pub(crate) fn run(args: &InspectArgs) -> Result<(), CliError> {
    let bytes = read_input(&args.file)?;
    let event = Event::from_slice(&bytes)
        .map_err(|source| CliError::NotAWebhook { name: describe(&args.file), source })?;
    let summary = EventSummary::of(&event);
    if args.json {
        print_json_pretty(&summary)?;
    } else {
        print_line(render(&summary, Palette::for_stdout()).trim_end())?;
    }
    // Shown above in full; the exit code lets scripts tell it apart.
    match &summary.not_decoded {
        Some(problem) => Err(CliError::NotTyped {
            name: describe(&args.file),
            reason: format!("{} (as {}): {}", problem.path, problem.expected, problem.reason),
        }),
        None => Ok(()),
    }
}

fn render(summary: &EventSummary, palette: Palette) -> String {
    let decoded_as = match (&summary.not_decoded, summary.typed) {
        (None, true) => palette.good(&summary.variant),
        _ => palette.warn(&summary.variant),
    };
    let app = summary.app_id.as_ref().map(|app| match &summary.region {
        Some(region) => format!("{app} (region {region})"),
        None => app.clone(),
    });
    let mut rows: Vec<(&str, Option<String>, Option<String>)> = vec![
        ("trigger", Some(summary.trigger.clone()), Some(palette.strong(&summary.trigger))),
        ("decoded as", Some(summary.variant.clone()), Some(decoded_as)),
        ("app", app, None),
        ("webhook", summary.webhook_id.clone(), None),
        ("bot", summary.bot_id.clone(), None),
        ("sender", summary.sender.clone(), None),
        ("receiver", summary.receiver_text(), None),
        ("conversation", summary.conversation_id.clone(), None),
        ("message id", summary.message_id.clone(), None),
        ("occurred at", summary.occurred_at_ms.map(format_unix_millis), None),
        ("idempotency key", Some(summary.idempotency_key.clone()), None),
    ];
    for url in &summary.media_urls {
        rows.push(("media url", Some(url.clone()), None));
    }
    let not_decoded = match &summary.not_decoded {
        Some(problem) => {
            let text = format!("{} (as {}): {}", problem.path, problem.expected, problem.reason);
            (Some(text.clone()), Some(palette.warn(text)))
        }
        None => (Some("nothing: every field fit its type".to_owned()), None),
    };
    rows.push(("did not decode", not_decoded.0, not_decoded.1));
    for value in &summary.set_aside {
        let text = format!("{}: {}", value.path, value.reason);
        rows.push(("set aside", Some(text.clone()), Some(palette.warn(text))));
    }

    let mut table = Table::default();
    for (label, text, painted) in rows {
        let Some(text) = text else { continue };
        let painted = painted.unwrap_or_else(|| text.clone());
        table.row(vec![(label.to_owned(), palette.dim(label)), (text, painted)]);
    }
    table.render()
}

#[cfg(test)]
mod tests {
    use cometchat_webhooks::Trigger;
    use cometchat_webhooks::testing::{EventBuilder, sample_body};

    use super::*;

    fn plain(event: &Event) -> String {
        render(&EventSummary::of(event), Palette::plain())
    }

    #[test]
    fn shows_key_fields_of_a_message() {
        let event = Event::from_slice(sample_body(Trigger::MessageSent)).expect("sample decodes");
        let text = plain(&event);
        assert!(text.contains("trigger          message_sent"), "{text}");
        assert!(text.contains("decoded as       MessageSent"), "{text}");
        assert!(text.contains(&format!("idempotency key  {}", event.idempotency_key())), "{text}");
        assert!(text.contains("did not decode   nothing"), "{text}");
    }

    #[test]
    fn names_the_path_that_did_not_decode() {
        let event = EventBuilder::new(Trigger::MessageSent).set("data.message.id", vec![1]).build();
        let text = plain(&event);
        assert!(text.contains("decoded as       Undecodable"), "{text}");
        assert!(text.contains("did not decode   data.message.id (as MessageSent)"), "{text}");
    }
}
