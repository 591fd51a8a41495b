//! The local receiver behind `listen` and `demo`: the axum adapter checks
//! credentials and decodes, the core router answers, and every delivery is
//! reported (and optionally saved) as it arrives.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use cometchat_webhooks::delivery::EventQueue;
use cometchat_webhooks::router::{DurableConfig, WebhookRouter};
use cometchat_webhooks::{BasicAuth, Event, ReceiverConfig};
use cometchat_webhooks_axum::{CometChatEvent, CometChatRejection};
use tokio::net::TcpListener;

use crate::durable_listen::Handling;
use crate::errors::CliError;
use crate::saved_bodies::BodySaver;
use crate::server_limits::{self, ServerLimits};
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
    /// Durable mode: deliveries are answered once stored in this queue,
    /// and the router's workers hand them to `handling`.
    pub(crate) durable: Option<DurableRouting>,
    /// Timeouts and the connection cap.
    pub(crate) limits: ServerLimits,
}

/// The store, the workers' settings and what they do with each event.
pub(crate) struct DurableRouting {
    pub(crate) queue: Arc<dyn EventQueue>,
    pub(crate) config: DurableConfig,
    pub(crate) handling: Arc<Handling>,
}

/// A bound, not yet serving, receiver.
pub(crate) struct LocalReceiver {
    listener: TcpListener,
    app: axum::Router,
    address: SocketAddr,
    router: WebhookRouter,
    limits: ServerLimits,
}

#[derive(Clone)]
struct AppState {
    router: WebhookRouter,
    reporter: Reporter,
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
        let router = match settings.durable {
            None => build_router(settings.save_dir, Arc::clone(&settings.reporter)),
            Some(durable) => build_durable_router(durable)?,
        };
        let state = AppState { router: router.clone(), reporter: settings.reporter };
        let receiver = ReceiverConfig::new(settings.auth)
            .with_body_read_deadline(settings.limits.body_read_timeout)
            .map_err(|error| CliError::BadServerSetting {
                flag: "--body-read-timeout",
                reason: error.to_string(),
            })?;
        // Any path: the URL configured in CometChat may carry one. The
        // extractor finds the receiver's configuration in an extension.
        let app = axum::Router::new()
            .route("/", post(receive))
            .route("/{*path}", post(receive))
            .layer(axum::Extension(receiver))
            .with_state(state);
        Ok(Self { listener, app, address, router, limits: settings.limits })
    }

    /// The router answering deliveries: shut it down after [`serve`](Self::serve).
    pub(crate) fn router(&self) -> WebhookRouter {
        self.router.clone()
    }

    /// `http://127.0.0.1:<port>/`.
    pub(crate) fn url(&self) -> String {
        format!("http://{}/", self.address)
    }

    /// Serves with its [`ServerLimits`] until `shutdown` completes, then
    /// finishes the requests in progress.
    pub(crate) async fn serve(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), CliError> {
        server_limits::serve(self.listener, self.app, self.limits, shutdown).await;
        Ok(())
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

/// Durable mode: every event is stored first; the workers run
/// `handling`, whose failures the router retries and dead-letters.
fn build_durable_router(durable: DurableRouting) -> Result<WebhookRouter, CliError> {
    let DurableRouting { queue, config, handling } = durable;
    WebhookRouter::builder()
        .fallback(move |event: Event| {
            let handling = Arc::clone(&handling);
            async move { handling.handle(&event).await }
        })
        .durable(queue, config)
        .map_err(|error| CliError::BadStoreSetting { flag: "--lease", reason: error.to_string() })
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
            let answer = state.router.handle(event.into_inner()).await;
            // Durable mode's refusals (store down, slow or full) are shown
            // like the adapter's; other failures report themselves.
            if answer.status() == 503 {
                let reason = serde_json::from_slice::<serde_json::Value>(answer.body())
                    .ok()
                    .and_then(|body| body["error"].as_str().map(str::to_owned))
                    .unwrap_or_default();
                (state.reporter)(Report::Rejected { status: 503, reason });
            }
            answer.into_http().map(axum::body::Body::from)
        }
        Err(rejection) => {
            let status = rejection.0.status();
            (state.reporter)(Report::Rejected { status, reason: rejection.0.public_message() });
            rejection.into_response()
        }
    }
}
