//! One module per subcommand; each exposes `run`.

pub(crate) mod completions;
pub(crate) mod demo;
pub(crate) mod inspect;
pub(crate) mod list;
pub(crate) mod listen;
pub(crate) mod media;
pub(crate) mod queue;
pub(crate) mod replay;
pub(crate) mod send;
