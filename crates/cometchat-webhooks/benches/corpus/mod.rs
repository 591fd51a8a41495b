//! The bodies the decode benchmarks run on, grouped by family, and the three
//! ways of decoding them that are compared: validating the JSON
//! (`IgnoredAny`, the floor any receiver pays), building a
//! `serde_json::Value` (what a hand-written receiver does) and the typed
//! `Event`.

use std::hint::black_box;

use cometchat_webhooks::testing::{minify_json, samples};
use cometchat_webhooks::{Bytes, Category, Event, Trigger};

/// How a body is decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decoder {
    /// `serde_json` into `IgnoredAny`: the JSON validated, nothing built.
    Floor,
    /// `serde_json::Value`.
    Value,
    /// The typed `Event`, from the received `Bytes` (as the adapters do).
    Event,
}

impl Decoder {
    pub(crate) const ALL: [Decoder; 3] = [Decoder::Floor, Decoder::Value, Decoder::Event];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Decoder::Floor => "ignored_any",
            Decoder::Value => "serde_json_value",
            Decoder::Event => "typed_event",
        }
    }

    pub(crate) fn from_name(name: &str) -> Option<Decoder> {
        Decoder::ALL.into_iter().find(|decoder| decoder.name() == name)
    }

    /// Decodes one body and drops the result.
    #[inline(always)]
    pub(crate) fn decode(self, body: &Bytes) {
        match self {
            Decoder::Floor => {
                black_box(serde_json::from_slice::<serde::de::IgnoredAny>(black_box(body)).ok());
            }
            Decoder::Value => {
                black_box(serde_json::from_slice::<serde_json::Value>(black_box(body)).ok());
            }
            Decoder::Event => {
                black_box(Event::from_bytes(black_box(body.clone())).ok());
            }
        }
    }
}

/// The samples as bundled (indented) or minified (as servers send them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    Bundled,
    Minified,
}

impl Layout {
    pub(crate) const ALL: [Layout; 2] = [Layout::Bundled, Layout::Minified];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Layout::Bundled => "bundled",
            Layout::Minified => "minified",
        }
    }

    pub(crate) fn from_name(name: &str) -> Option<Layout> {
        Layout::ALL.into_iter().find(|layout| layout.name() == name)
    }
}

/// The groups of samples reported: the whole corpus, each category, the
/// receipts (current and legacy) and `message_sent` alone.
pub(crate) fn selections() -> Vec<&'static str> {
    let mut names = vec!["corpus"];
    names.extend(Category::ALL.iter().map(|category| category.as_str()));
    names.extend(["receipts", "message_sent"]);
    names
}

fn is_receipt(trigger: Trigger) -> bool {
    matches!(
        trigger,
        Trigger::MessageDeliveryReceipt
            | Trigger::MessageReadReceipt
            | Trigger::MessageDeliveredToAll
            | Trigger::MessageReadByAll
            | Trigger::LegacyMessageDeliveryReceipt
            | Trigger::LegacyMessageReadReceipt
    )
}

fn selected(selection: &str, trigger: Trigger) -> bool {
    match selection {
        "corpus" => true,
        "receipts" => is_receipt(trigger),
        "message_sent" => trigger == Trigger::MessageSent,
        category => trigger.category().as_str() == category,
    }
}

/// The bodies of `selection`, laid out as asked; `None` for an unknown name.
pub(crate) fn bodies(selection: &str, layout: Layout) -> Option<Vec<Bytes>> {
    if !selections().contains(&selection) {
        return None;
    }
    let bodies = samples()
        .filter(|(trigger, _)| selected(selection, *trigger))
        .map(|(_, body)| match layout {
            Layout::Bundled => Bytes::from_static(body),
            Layout::Minified => Bytes::from(minify_json(body)),
        })
        .collect();
    Some(bodies)
}
