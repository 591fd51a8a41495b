//! The suite checked against the core itself: the reference harness passes
//! every scenario, and a wrong answer is named.

use super::*;
use crate::ReceiverConfig;
use crate::router::WebhookRouter;
use crate::testing::harness::{Answer, Request};
use crate::testing::recorders::Sightings;
use crate::testing::reference::Reference;

/// A harness that mounts like the core, its answers passed through `distort`.
struct Distorted<F>(F);

impl<F: FnMut(&mut Answer)> Harness for Distorted<F> {
    async fn receive(
        &mut self,
        config: &ReceiverConfig,
        seen: &Sightings,
        request: Request,
    ) -> Answer {
        Reference.receive(config, seen, request).await
    }

    async fn mount(&mut self, router: &WebhookRouter, request: Request) -> Answer {
        let mut answer = Reference.mount(router, request).await;
        (self.0)(&mut answer);
        answer
    }
}

#[tokio::test]
async fn the_core_alone_passes_every_scenario() {
    run(&mut Reference).await.unwrap_or_else(|failures| panic!("{failures}"));
}

#[tokio::test]
async fn a_405_with_a_body_is_named_with_its_scenario() {
    let mut chatty = Distorted(|answer: &mut Answer| {
        if answer.status == 405 {
            answer.body = b"Method Not Allowed".to_vec();
        }
    });
    let failures = run(&mut chatty).await.unwrap_err();
    assert_eq!(
        failures.to_string(),
        format!(
            "1 of {} router scenarios failed:\n  `other methods are a 405`: expected body \"\", \
             got \"Method Not Allowed\"",
            Scenario::ALL.len()
        )
    );
}

#[tokio::test]
async fn a_harness_that_answers_without_the_router_is_caught() {
    struct SkipsTheRouter;
    impl Harness for SkipsTheRouter {
        async fn receive(&mut self, _: &ReceiverConfig, _: &Sightings, _: Request) -> Answer {
            unreachable!("the router scenarios only mount")
        }

        async fn mount(&mut self, _: &WebhookRouter, _: Request) -> Answer {
            Answer::new(200, [("content-type", "application/json")], b"{}".to_vec())
        }
    }
    let problem =
        Scenario::EveryTriggerReachesItsHandler.check(&mut SkipsTheRouter).await.unwrap_err();
    assert!(problem.ends_with("expected its own handler alone to run, ran []"), "{problem}");
}
