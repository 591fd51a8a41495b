//! Several triggers send the same `data` shape (all twelve group triggers, the
//! four receipts, …). Each still gets its own type, so a router can pick a
//! handler by argument type; `shared_shape!` declares such a type as a
//! transparent newtype that derefs to the shape.

macro_rules! shared_shape {
    ($( $(#[$meta:meta])* $name:ident($shape:ty); )+) => {
        $(
            $(#[$meta])*
            #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
            #[serde(transparent)]
            pub struct $name(pub $shape);

            impl $name {
                /// The shared shape.
                pub fn into_inner(self) -> $shape {
                    self.0
                }
            }

            impl ::std::ops::Deref for $name {
                type Target = $shape;

                fn deref(&self) -> &$shape {
                    &self.0
                }
            }

            impl ::std::ops::DerefMut for $name {
                fn deref_mut(&mut self) -> &mut $shape {
                    &mut self.0
                }
            }

            impl From<$shape> for $name {
                fn from(shape: $shape) -> Self {
                    Self(shape)
                }
            }
        )+
    };
}

pub(crate) use shared_shape;
