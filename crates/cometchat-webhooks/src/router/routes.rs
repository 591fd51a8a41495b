//! The routing table and its precedence: trigger, then unknown, then
//! category, then fallback (documented on the `router` module).

use std::fmt;

use super::handler::ErasedHandler;
use crate::trigger::{Category, Payload, Trigger};

/// Handlers by trigger and category, indexed by the enums' declaration order
/// so a lookup is an array index rather than a hash.
pub(crate) struct Routes {
    triggers: Vec<Option<ErasedHandler>>,
    categories: Vec<Option<ErasedHandler>>,
    unknown: Option<ErasedHandler>,
    fallback: Option<ErasedHandler>,
}

impl Routes {
    pub(crate) fn new() -> Self {
        Self {
            triggers: vec![None; Trigger::ALL.len()],
            categories: vec![None; Category::ALL.len()],
            unknown: None,
            fallback: None,
        }
    }

    pub(crate) fn set_trigger(&mut self, trigger: Trigger, handler: ErasedHandler) {
        if let Some(slot) = self.triggers.get_mut(trigger as usize) {
            *slot = Some(handler);
        }
    }

    pub(crate) fn set_category(&mut self, category: Category, handler: ErasedHandler) {
        if let Some(slot) = self.categories.get_mut(category as usize) {
            *slot = Some(handler);
        }
    }

    pub(crate) fn set_unknown(&mut self, handler: ErasedHandler) {
        self.unknown = Some(handler);
    }

    pub(crate) fn set_fallback(&mut self, handler: ErasedHandler) {
        self.fallback = Some(handler);
    }

    /// The handler for a payload, first match wins.
    pub(crate) fn route(&self, payload: &Payload) -> Option<&ErasedHandler> {
        let chosen = match payload {
            Payload::Unknown(_) => self.unknown.as_ref(),
            // A typed handler cannot take data that did not decode; its
            // category or the fallback still sees the raw event.
            Payload::Undecodable(undecodable) => self.category(undecodable.trigger),
            typed => typed
                .trigger()
                .and_then(|trigger| self.trigger(trigger).or_else(|| self.category(trigger))),
        };
        chosen.or(self.fallback.as_ref())
    }

    /// Whether some handler may take an event of this trigger (`None`: a
    /// trigger this version does not know), before its `data` is typed:
    /// the trigger's handler (or its legacy twin's), its category's, or the
    /// fallback. Routing the typed event later picks among them.
    pub(crate) fn may_route(&self, trigger: Option<Trigger>) -> bool {
        if self.fallback.is_some() {
            return true;
        }
        let Some(trigger) = trigger else { return self.unknown.is_some() };
        let twin = trigger.legacy_shape().and_then(|twin| self.trigger(twin));
        self.trigger(trigger).or(twin).or_else(|| self.category(trigger)).is_some()
    }

    fn trigger(&self, trigger: Trigger) -> Option<&ErasedHandler> {
        self.triggers.get(trigger as usize)?.as_ref()
    }

    fn category(&self, trigger: Trigger) -> Option<&ErasedHandler> {
        self.categories.get(trigger.category() as usize)?.as_ref()
    }
}

impl fmt::Debug for Routes {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let triggers: Vec<&str> = Trigger::ALL
            .iter()
            .filter(|trigger| self.trigger(**trigger).is_some())
            .map(|trigger| trigger.as_str())
            .collect();
        let categories: Vec<&str> = Category::ALL
            .iter()
            .filter(|category| self.categories[**category as usize].is_some())
            .map(|category| category.as_str())
            .collect();
        formatter
            .debug_struct("Routes")
            .field("triggers", &triggers)
            .field("categories", &categories)
            .field("unknown", &self.unknown.is_some())
            .field("fallback", &self.fallback.is_some())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table relies on `as usize` matching the position in `ALL`.
    #[test]
    fn enum_discriminants_are_positions_in_all() {
        for (position, trigger) in Trigger::ALL.iter().enumerate() {
            assert_eq!(*trigger as usize, position, "{trigger}");
        }
        for (position, category) in Category::ALL.iter().enumerate() {
            assert_eq!(*category as usize, position, "{category}");
        }
    }
}
