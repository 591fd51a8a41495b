//! One line per delivery for `listen`: text for people, or one JSON object
//! per line for programs.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::output::{Palette, print_json_line, print_line, print_warning};
use crate::receiver::Report;
use crate::summary::EventSummary;
use crate::utc::time_of_day_now;

#[derive(Debug, Clone, Copy)]
pub(crate) struct DeliveryPrinter {
    json: bool,
    palette: Palette,
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum JsonLine<'a> {
    Delivery {
        #[serde(flatten)]
        summary: &'a EventSummary,
        saved_to: Option<&'a PathBuf>,
    },
    Rejected {
        status: u16,
        reason: &'a str,
    },
}

impl DeliveryPrinter {
    pub(crate) fn new(json: bool) -> Self {
        Self { json, palette: Palette::for_stdout() }
    }

    pub(crate) fn print(&self, report: &Report) {
        let printed = match report {
            Report::Delivery { summary, saved_to } if self.json => {
                print_json_line(&JsonLine::Delivery { summary, saved_to: saved_to.as_ref() })
            }
            Report::Delivery { summary, saved_to } => {
                print_line(&self.delivery_text(summary, saved_to.as_deref()))
            }
            Report::Rejected { status, reason } if self.json => {
                print_json_line(&JsonLine::Rejected { status: *status, reason })
            }
            Report::Rejected { status, reason } => print_line(&self.rejected_text(*status, reason)),
            Report::SaveFailed { path, reason } => {
                print_warning(format_args!("could not save {}: {reason}", path.display()));
                Ok(())
            }
        };
        // Stdout going away is not the sender's problem: the delivery is
        // still answered, so a failed print is dropped here.
        drop(printed);
    }

    fn delivery_text(&self, summary: &EventSummary, saved_to: Option<&Path>) -> String {
        let palette = self.palette;
        let variant = if summary.typed {
            palette.good(&summary.variant)
        } else {
            palette.warn(&summary.variant)
        };
        let mut line = format!(
            "{}  {}  {variant}",
            palette.dim(time_of_day_now()),
            palette.strong(&summary.trigger)
        );
        for (name, value) in key_fields(summary) {
            line.push_str(&format!("  {}{value}", palette.dim(format_args!("{name}="))));
        }
        if let Some(not_decoded) = &summary.not_decoded {
            let problem = format!("{}: {}", not_decoded.path, not_decoded.reason);
            line.push_str(&format!("  {}{}", palette.dim("not-decoded="), palette.warn(problem)));
        }
        if let Some(path) = saved_to {
            line.push_str(&format!("  {}{}", palette.dim("saved="), path.display()));
        }
        line
    }

    fn rejected_text(&self, status: u16, reason: &str) -> String {
        let palette = self.palette;
        let rejected = palette.bad(format_args!("rejected {status}"));
        format!("{}  {rejected}  {reason}", palette.dim(time_of_day_now()))
    }
}

/// The fields that tell deliveries apart at a glance, when present.
fn key_fields(summary: &EventSummary) -> Vec<(&'static str, String)> {
    let receiver = summary.receiver.as_ref().map(|r| format!("{}({})", r.id, r.receiver_type));
    [
        ("sender", summary.sender.clone()),
        ("receiver", receiver),
        ("message", summary.message_id.clone()),
        ("key", Some(summary.idempotency_key.clone())),
    ]
    .into_iter()
    .filter_map(|(name, value)| Some((name, value?)))
    .collect()
}
