//! Trigger names typed by people: exact names, and the closest known names
//! when a name is not one.

use cometchat_webhooks::Trigger;

use crate::errors::CliError;

/// At most this many suggestions, closest first.
const MAX_SUGGESTIONS: usize = 3;

/// The trigger with this wire name (`message_sent`) or unique name
/// (`legacy_message_read_receipt`), or an error suggesting the closest.
pub(crate) fn resolve_trigger(name: &str) -> Result<Trigger, CliError> {
    Trigger::from_name(name.trim()).ok_or_else(|| CliError::UnknownTrigger {
        name: name.to_owned(),
        suggestions: closest_triggers(name),
    })
}

/// Known names within a small edit distance of `name` (case, `-` and `_`
/// ignored, since notification triggers use hyphens and the rest
/// underscores), closest first, or else the names that contain it.
pub(crate) fn closest_triggers(name: &str) -> Vec<&'static str> {
    let wanted = normalise(name);
    if wanted.is_empty() {
        return Vec::new();
    }
    let allowed_distance = (wanted.chars().count() / 4).max(2);
    let mut near: Vec<(usize, &'static str)> = Trigger::ALL
        .iter()
        .map(|trigger| trigger.unique_name())
        .map(|known| (strsim::damerau_levenshtein(&wanted, &normalise(known)), known))
        .filter(|(distance, _)| *distance <= allowed_distance)
        .collect();
    near.sort();
    // Only the best and the nearly-as-good: a case or dash slip should not
    // drag in every name a few edits away.
    if let Some(&(best, _)) = near.first() {
        near.retain(|(distance, _)| *distance <= best + 1);
    }
    if near.is_empty() && wanted.chars().count() >= 3 {
        near = Trigger::ALL
            .iter()
            .map(|trigger| trigger.unique_name())
            .filter(|known| normalise(known).contains(&wanted))
            .map(|known| (0, known))
            .collect();
    }
    near.into_iter().map(|(_, known)| known).take(MAX_SUGGESTIONS).collect()
}

fn normalise(name: &str) -> String {
    name.trim().to_ascii_lowercase().replace('-', "_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_wire_and_unique_names() {
        assert_eq!(resolve_trigger("message_sent").ok(), Some(Trigger::MessageSent));
        assert_eq!(
            resolve_trigger("legacy_message_read_receipt").ok(),
            Some(Trigger::LegacyMessageReadReceipt)
        );
        assert_eq!(resolve_trigger("message_read_receipt").ok(), Some(Trigger::MessageReadReceipt));
    }

    #[test]
    fn suggests_names_close_to_a_typo() {
        assert_eq!(closest_triggers("mesage_sent"), vec!["message_sent"]);
        assert_eq!(closest_triggers("MESSAGE_SENT"), vec!["message_sent"]);
        assert_eq!(
            closest_triggers("push_notification_payload_generated"),
            vec!["push-notification-payload-generated"]
        );
        assert_eq!(
            closest_triggers("reaction"),
            vec!["message_reaction_added", "message_reaction_removed"]
        );
        assert!(closest_triggers("zz").is_empty());
        assert!(closest_triggers("").is_empty());
    }
}
