//! The same webhook app in axum, actix-web and warp: `POST` the conformance
//! suite's `PATH`, mounted the way each adapter's README says, with a handler
//! that records what it saw of the event (the test kit's `Sightings`) and
//! answers with its trigger.

use cometchat_webhooks::testing::{PATH, Sightings, receiver_config};

use super::servers::{self, RunningServer};

/// A web framework with an adapter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framework {
    Axum,
    ActixWeb,
    Warp,
}

impl Framework {
    pub(crate) const ALL: [Self; 3] = [Self::Axum, Self::ActixWeb, Self::Warp];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Axum => "axum",
            Self::ActixWeb => "actix-web",
            Self::Warp => "warp",
        }
    }
}

/// The webhook app of one framework, listening on loopback.
#[derive(Debug)]
pub(crate) struct RecordingApp {
    pub(crate) framework: Framework,
    pub(crate) server: RunningServer,
    pub(crate) sightings: Sightings,
}

impl RecordingApp {
    /// Starts the framework's app with the conformance suite's receiver.
    pub(crate) fn start(framework: Framework) -> Self {
        let sightings = Sightings::default();
        let server = match framework {
            Framework::Axum => serve_axum(sightings.clone()),
            Framework::ActixWeb => serve_actix_web(sightings.clone()),
            Framework::Warp => serve_warp(sightings.clone()),
        };
        Self { framework, server, sightings }
    }
}

fn serve_axum(sightings: Sightings) -> RunningServer {
    use cometchat_webhooks_axum::CometChatEvent;

    let handler = move |event: CometChatEvent| {
        let trigger = sightings.record(&event);
        async move { trigger }
    };
    let app =
        axum::Router::new().route(PATH, axum::routing::post(handler)).with_state(receiver_config());
    servers::serve_axum(app)
}

fn serve_actix_web(sightings: Sightings) -> RunningServer {
    use actix_web::web;
    use cometchat_webhooks_actix_web::CometChatEvent;

    let handler = move |event: CometChatEvent| {
        let trigger = sightings.record(&event);
        async move { trigger }
    };
    servers::serve_actix_web(move |config: &mut web::ServiceConfig| {
        // A resource with a `post()` route, so other methods get a 405.
        config
            .app_data(receiver_config())
            .service(web::resource(PATH).route(web::post().to(handler.clone())));
    })
}

fn serve_warp(sightings: Sightings) -> RunningServer {
    use cometchat_webhooks_warp::{CometChatEvent, cometchat_event, recover};
    use warp::Filter;

    assert_eq!(PATH, "/webhooks/cometchat", "the warp route below serves this path");
    let route = warp::path!("webhooks" / "cometchat")
        .and(warp::post())
        .and(cometchat_event(receiver_config()))
        .map(move |event: CometChatEvent| sightings.record(&event))
        .recover(recover);
    servers::serve_warp(route)
}
