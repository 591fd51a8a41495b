//! The local receiver behind `listen` and `demo`: the axum adapter checks
//! credentials and decodes, the core router answers, and every delivery is
//! reported (and optionally saved) as it arrives.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::{FromRef, State};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use cometchat_webhooks::router::WebhookRouter;
use cometchat_webhooks::{BasicAuth, Event, ReceiverConfig, Trigger};
use cometchat_webhooks_axum::{CometChatEvent, CometChatRejection};
use tokio::net::TcpListener;

use crate::durable_listen::{Intake, Intaken};
use crate::errors::CliError;
use crate::saved_bodies::BodySaver;
use crate::summary::EventSummary;

/// What the receiver saw, in arrival order.
#[derive(Debug, Clone)]
pub(crate) enum Report {
    /// A webhook that passed authentication and decoded.
    Delivery { summary: Box<EventSummary>, saved_to: Option<PathBuf> },
    /// A request answered with an error before any handler ran.
    Rejected { status: u16, reason: String },
    /// A delivery that could not be saved (answered 500, so CometChat
    /// would retry it).
    SaveFailed { path: PathBuf, reason: String },
}

/// Called for every report, on the request's task.
pub(crate) type Reporter = Arc<dyn Fn(Report) + Send + Sync>;

/// How the receiver behaves.
pub(crate) struct ReceiverSettings {
    pub(crate) auth: BasicAuth,
    pub(crate) save_dir: Option<PathBuf>,
    pub(crate) reporter: Reporter,
    /// Durable mode: deliveries are stored here and answered once stored;
    /// the workers print and save them.
    pub(crate) intake: Option<Intake>,
}

/// A bound, not yet serving, receiver.
pub(crate) struct LocalReceiver {
    listener: TcpListener,
    app: axum::Router,
    address: SocketAddr,
}

#[derive(Clone)]
struct AppState {
    config: ReceiverConfig,
    router: WebhookRouter,
    reporter: Reporter,
    intake: Option<Intake>,
}

impl FromRef<AppState> for ReceiverConfig {
    fn from_ref(state: &AppState) -> Self {
        state.config.clone()
    }
}

impl LocalReceiver {
    /// Binds `requested` (port 0 for any free port).
    pub(crate) async fn bind(
        requested: SocketAddr,
        settings: ReceiverSettings,
    ) -> Result<Self, CliError> {
        let bind_error = |source| CliError::Bind { address: requested.to_string(), source };
        let listener = TcpListener::bind(requested).await.map_err(bind_error)?;
        let address = listener.local_addr().map_err(bind_error)?;
        let state = AppState {
            config: ReceiverConfig::new(settings.auth),
            router: build_router(settings.save_dir, Arc::clone(&settings.reporter)),
            reporter: settings.reporter,
            intake: settings.intake,
        };
        // Any path: the URL configured in CometChat may carry one.
        let app = axum::Router::new()
            .route("/", post(receive))
            .route("/{*path}", post(receive))
            .with_state(state);
        Ok(Self { listener, app, address })
    }

    /// `http://127.0.0.1:<port>/`.
    pub(crate) fn url(&self) -> String {
        format!("http://{}/", self.address)
    }

    /// Serves until `shutdown` completes, then finishes the requests in
    /// progress.
    pub(crate) async fn serve(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), CliError> {
        axum::serve(self.listener, self.app)
            .with_graceful_shutdown(shutdown)
            .await
            .map_err(|source| CliError::Serve { source })
    }
}

/// The router reports (and saves) every event it is handed; a delivery
/// that cannot be saved fails, so it is answered 500.
fn build_router(save_dir: Option<PathBuf>, reporter: Reporter) -> WebhookRouter {
    let saver = save_dir.map(|dir| Arc::new(BodySaver::new(dir)));
    WebhookRouter::builder()
        .fallback(move |event: Event| {
            let (saver, reporter) = (saver.clone(), Arc::clone(&reporter));
            async move { record(&event, saver.as_deref(), &*reporter).await }
        })
        .build()
}

async fn record(
    event: &Event,
    saver: Option<&BodySaver>,
    reporter: &(dyn Fn(Report) + Send + Sync),
) -> Result<(), std::io::Error> {
    let summary = EventSummary::of(event);
    let saved_to = match saver {
        Some(saver) => match saver.save(event, &summary).await {
            Ok(path) => Some(path),
            Err((path, error)) => {
                reporter(Report::SaveFailed { path, reason: error.to_string() });
                return Err(error);
            }
        },
        None => None,
    };
    reporter(Report::Delivery { summary: Box::new(summary), saved_to });
    Ok(())
}

async fn receive(
    State(state): State<AppState>,
    event: Result<CometChatEvent, CometChatRejection>,
) -> Response {
    match event {
        Ok(event) => {
            let event = event.into_inner();
            match &state.intake {
                // before_message stays inline: CometChat waits for its body.
                Some(intake) if event.known_trigger() != Some(Trigger::BeforeMessage) => {
                    let intaken = intake.take(&event).await;
                    if let Intaken::Refused(reason) = &intaken {
                        (state.reporter)(Report::Rejected { status: 503, reason: reason.clone() });
                    }
                    intaken.into_response()
                }
                _ => state.router.handle(event).await.into_http().map(axum::body::Body::from),
            }
        }
        Err(rejection) => {
            let status = rejection.0.status();
            (state.reporter)(Report::Rejected { status, reason: rejection.0.public_message() });
            rejection.into_response()
        }
    }
}
