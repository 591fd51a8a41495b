//! What a typed router mounted by an adapter must answer, as scenarios every
//! adapter runs through its [`Harness::mount`] (features `testing` and
//! `router`).
//!
//! Each [`Scenario`] builds its own router, sends its requests and checks
//! every answer: statuses, headers, bodies, how often handlers ran and in
//! what order. [`run`] plays every scenario and reports every failure at
//! once.

// Without the router there is nothing to mount.
#![cfg(feature = "router")]

mod expect;
mod handlers;
mod scenarios;

use super::harness::{Failure, Failures, Harness};

pub use handlers::counting_router;
pub use scenarios::Scenario;

/// Plays every scenario through `harness`, one after another: `Ok` when
/// every scenario got the answers it demands, otherwise every failure.
pub async fn run(harness: &mut impl Harness) -> Result<(), Failures> {
    let mut failures =
        Failures { suite: "router scenarios", total: Scenario::ALL.len(), failed: Vec::new() };
    for scenario in Scenario::ALL {
        if let Err(problem) = scenario.check(harness).await {
            failures.failed.push(Failure { name: scenario.name().to_owned(), problem });
        }
    }
    failures.into_result()
}

#[cfg(test)]
mod tests;
