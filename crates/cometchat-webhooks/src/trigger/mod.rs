//! Triggers: the [`Trigger`] and [`Payload`] enums generated from the one
//! trigger table (`table.rs`), the [`Category`] a trigger belongs to, and the
//! [`TypedPayload`] trait that picks a payload by type.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

mod category;
mod generate;
mod table;

pub use category::Category;
#[cfg(feature = "testing")]
pub(crate) use table::SAMPLES;
#[cfg(all(feature = "testing", feature = "router"))]
pub(crate) use table::fold_payload_types;
pub use table::{Payload, Trigger};

/// A payload type that belongs to exactly one trigger. The router uses it to
/// pick a handler by its argument type.
pub trait TypedPayload: Sized + Send + Sync + 'static {
    /// The trigger this payload is sent with.
    const TRIGGER: Trigger;

    /// Takes the payload out of a decoded [`Payload`], or gives it back.
    // The "error" is the caller's own payload handed back unchanged, not a
    // failure to be propagated, so its size is no concern.
    #[allow(clippy::result_large_err)]
    fn from_payload(payload: Payload) -> Result<Self, Payload>;

    /// Borrows the payload from a decoded [`Payload`].
    fn from_payload_ref(payload: &Payload) -> Option<&Self>;
}

/// Something done with a trigger's payload type, picked by
/// [`Trigger::with_payload_type`]: decoding `data` as that type.
pub(crate) trait PayloadTypeStep {
    /// What the step gives.
    type Output;

    /// Runs with payload type `T`; `wrap` makes a [`Payload`] of it.
    fn run<T: TypedPayload + serde::de::DeserializeOwned>(
        self,
        wrap: fn(Box<T>) -> Payload,
    ) -> Self::Output;
}

/// One step of [`fold_payload_types`], run once per payload type.
#[cfg(all(feature = "testing", feature = "router"))]
pub(crate) trait PayloadTypeFold<A> {
    /// Folds payload type `T` into `folded`.
    fn apply<T: TypedPayload>(&self, folded: A) -> A;
}

impl fmt::Display for Trigger {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// A name that is not a trigger this crate knows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown trigger `{0}`")]
pub struct UnknownTrigger(pub String);

/// Parses a wire name or a [`Trigger::unique_name`].
impl FromStr for Trigger {
    type Err = UnknownTrigger;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Trigger::from_name(name).ok_or_else(|| UnknownTrigger(name.to_owned()))
    }
}

impl Serialize for Trigger {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.unique_name())
    }
}

impl<'de> Deserialize<'de> for Trigger {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip_and_are_unique_but_for_legacy_receipts() {
        let mut seen = std::collections::HashSet::new();
        for &trigger in Trigger::ALL {
            assert_eq!(trigger.unique_name().parse::<Trigger>().unwrap(), trigger);
            let json = serde_json::to_string(&trigger).unwrap();
            assert_eq!(serde_json::from_str::<Trigger>(&json).unwrap(), trigger);
            let parsed: Trigger = trigger.as_str().parse().unwrap();
            if trigger.legacy_shape().is_none() && parsed != trigger {
                assert_eq!(parsed.legacy_shape(), Some(trigger));
            } else {
                assert_eq!(parsed, trigger);
                assert!(seen.insert(trigger.as_str()), "duplicate {trigger}");
            }
        }
        assert_eq!(Trigger::ALL.len(), 66);
        assert!(Trigger::LegacyMessageReadReceipt.is_legacy());
        assert!(!Trigger::MessageReadReceipt.is_legacy());
        assert!("no_such_trigger".parse::<Trigger>().is_err());
    }

    #[test]
    fn every_category_has_a_trigger() {
        for category in Category::ALL {
            assert!(Trigger::ALL.iter().any(|t| t.category() == *category), "{category}");
        }
    }

    #[cfg(feature = "testing")]
    #[test]
    fn every_trigger_has_a_sample_and_a_recipe_in_table_order() {
        let sampled: Vec<Trigger> = SAMPLES.iter().map(|(trigger, _)| *trigger).collect();
        assert_eq!(sampled, Trigger::ALL);
        for &(trigger, body) in SAMPLES {
            assert!(body.starts_with(b"{"), "{trigger}");
            assert!(!trigger.idempotency_recipe().is_empty(), "{trigger}");
        }
    }
}
