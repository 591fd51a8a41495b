//! `triggers!`: turns the trigger table (`table.rs`) into the [`Trigger`] and
//! [`Payload`] enums, the per-trigger dispatch (payload type, facts, recipe,
//! typed access) and the bundled samples. Names are spelled with full paths,
//! so the table needs nothing in scope but the payload types.
//!
//! [`Trigger`]: crate::Trigger
//! [`Payload`]: crate::Payload

macro_rules! triggers {
    (
        current {
            $( $(#[$doc:meta])* $variant:ident = $wire:literal, $category:ident, $legacy:literal, $sample:literal; )+
        }
        shape_aliases {
            $( $(#[$alias_doc:meta])* $alias:ident = $alias_wire:literal shared with $twin:ident, $alias_category:ident, $alias_sample:literal; )+
        }
    ) => {
        /// A trigger this crate knows. Its wire name is [`Trigger::as_str`].
        ///
        /// Two legacy receipts share their wire names with the current
        /// receipts; [`FromStr`](std::str::FromStr) returns the current one,
        /// and decoding tells them apart by the shape of `data`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Trigger {
            $( $(#[$doc])* $variant, )+
            $( $(#[$alias_doc])* $alias, )+
        }

        impl Trigger {
            /// Every trigger, current first, then legacy.
            pub const ALL: &'static [Trigger] = &[ $( Trigger::$variant, )+ $( Trigger::$alias, )+ ];

            /// The trigger's name on the wire.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( Trigger::$variant => $wire, )+
                    $( Trigger::$alias => $alias_wire, )+
                }
            }

            /// The family it belongs to.
            pub const fn category(self) -> $crate::trigger::Category {
                match self {
                    $( Trigger::$variant => $crate::trigger::Category::$category, )+
                    $( Trigger::$alias => $crate::trigger::Category::$alias_category, )+
                }
            }

            /// Whether it comes from CometChat's legacy (extension) webhooks.
            pub const fn is_legacy(self) -> bool {
                match self {
                    $( Trigger::$variant => $legacy, )+
                    $( Trigger::$alias => true, )+
                }
            }

            /// How [`Event::idempotency_key`](crate::Event::idempotency_key)
            /// is built for this trigger.
            pub const fn idempotency_recipe(self) -> &'static str {
                match self {
                    $( Trigger::$variant => <$variant as $crate::payload::event_facts::Facts>::IDEMPOTENCY_RECIPE, )+
                    $( Trigger::$alias => <$alias as $crate::payload::event_facts::Facts>::IDEMPOTENCY_RECIPE, )+
                }
            }

            /// The trigger with this wire name (the current receipt for the
            /// names legacy receipts share).
            pub fn from_wire(wire: &str) -> Option<Trigger> {
                match wire {
                    $( $wire => Some(Trigger::$variant), )+
                    _ => None,
                }
            }

            /// A name no other trigger has: the wire name, or for a legacy
            /// receipt `legacy_` and its wire name. Used by `Serialize`.
            pub const fn unique_name(self) -> &'static str {
                match self {
                    $( Trigger::$variant => $wire, )+
                    $( Trigger::$alias => concat!("legacy_", $alias_wire), )+
                }
            }

            /// The trigger with this [`unique_name`](Self::unique_name) or wire name.
            pub fn from_name(name: &str) -> Option<Trigger> {
                match name {
                    $( concat!("legacy_", $alias_wire) => Some(Trigger::$alias), )+
                    wire => Trigger::from_wire(wire),
                }
            }

            /// The legacy twin that shares this trigger's wire name, if any.
            pub(crate) fn legacy_shape(self) -> Option<Trigger> {
                match self {
                    $( Trigger::$twin => Some(Trigger::$alias), )+
                    _ => None,
                }
            }

            /// Runs `step` with the key view of this trigger's payload type
            /// (the acknowledge-first reading goes through here).
            pub(crate) fn with_key_view<S: $crate::decode::key_view::KeyViewStep>(self, step: S) -> S::Output {
                match self {
                    $( Trigger::$variant => step.run::<<$variant as $crate::payload::event_facts::Facts>::KeyView>(), )+
                    $( Trigger::$alias => step.run::<<$alias as $crate::payload::event_facts::Facts>::KeyView>(), )+
                }
            }

            /// Runs `step` with this trigger's payload type: the one place a
            /// trigger picks its type (decoding goes through here).
            pub(crate) fn with_payload_type<S: $crate::trigger::PayloadTypeStep>(self, step: S) -> S::Output {
                match self {
                    $( Trigger::$variant => step.run::<$variant>(Payload::$variant), )+
                    $( Trigger::$alias => step.run::<$alias>(Payload::$alias), )+
                }
            }
        }

        /// The typed `data` of an event, one variant per trigger, plus the two
        /// ways an event is kept when it cannot be typed. Serialises
        /// externally tagged by variant name (`{"MessageSent": {…}}`).
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[non_exhaustive]
        pub enum Payload {
            $( $(#[$doc])* $variant(Box<$variant>), )+
            $( $(#[$alias_doc])* $alias(Box<$alias>), )+
            /// A trigger this version does not know; `data` kept as sent.
            Unknown($crate::payload::UnknownPayload),
            /// A known trigger whose `data` did not fit its type; `data` kept
            /// as sent, with the reason.
            Undecodable($crate::payload::UndecodablePayload),
        }

        impl Payload {
            /// The trigger, when known and decoded.
            pub fn trigger(&self) -> Option<Trigger> {
                match self {
                    $( Payload::$variant(_) => Some(Trigger::$variant), )+
                    $( Payload::$alias(_) => Some(Trigger::$alias), )+
                    Payload::Unknown(_) => None,
                    Payload::Undecodable(undecodable) => Some(undecodable.trigger),
                }
            }

            /// What the payload says about its event, when it is typed.
            pub(crate) fn facts(&self) -> Option<&dyn $crate::payload::event_facts::AnyFacts> {
                match self {
                    $( Payload::$variant(payload) => Some(&**payload), )+
                    $( Payload::$alias(payload) => Some(&**payload), )+
                    Payload::Unknown(_) | Payload::Undecodable(_) => None,
                }
            }
        }

        $( $crate::trigger::generate::typed_payload!($variant); )+
        $( $crate::trigger::generate::typed_payload!($alias); )+

        /// Every trigger with its bundled sample body, in [`Trigger::ALL`] order.
        #[cfg(feature = "testing")]
        pub(crate) static SAMPLES: &[(Trigger, &[u8])] = &[
            $( (Trigger::$variant, include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/", $sample))), )+
            $( (Trigger::$alias, include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/", $alias_sample))), )+
        ];

        /// Folds `step` over every payload type, in [`Trigger::ALL`] order
        /// (registers a handler per trigger in the testing router).
        #[cfg(all(feature = "testing", feature = "router"))]
        pub(crate) fn fold_payload_types<A>(start: A, step: &impl $crate::trigger::PayloadTypeFold<A>) -> A {
            let folded = start;
            $( let folded = step.apply::<$variant>(folded); )+
            $( let folded = step.apply::<$alias>(folded); )+
            folded
        }
    };
}

macro_rules! typed_payload {
    ($variant:ident) => {
        impl $crate::trigger::TypedPayload for $variant {
            const TRIGGER: Trigger = Trigger::$variant;

            #[allow(clippy::result_large_err)]
            fn from_payload(payload: Payload) -> Result<Self, Payload> {
                match payload {
                    Payload::$variant(typed) => Ok(*typed),
                    other => Err(other),
                }
            }

            fn from_payload_ref(payload: &Payload) -> Option<&Self> {
                match payload {
                    Payload::$variant(typed) => Some(typed),
                    _ => None,
                }
            }
        }
    };
}

pub(super) use {triggers, typed_payload};
