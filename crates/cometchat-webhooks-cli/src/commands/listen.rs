//! `listen`: a local receiver that prints one line per delivery; with
//! `--store`, a durable one that stores first and prints, saves or
//! forwards from workers.

use std::sync::Arc;
use std::time::Duration;

use cometchat_webhooks::delivery::{Backoff, QueueConfig};

use crate::cli::ListenArgs;
use crate::credentials::receiver_auth;
use crate::delivery_lines::DeliveryPrinter;
use crate::durable_listen::{Drained, Forwarder, Handling, Intake, Workers};
use crate::duration_arg::format_duration;
use crate::errors::CliError;
use crate::output::print_warning;
use crate::receiver::{LocalReceiver, ReceiverSettings, Reporter};
use crate::saved_bodies::BodySaver;
use crate::store_open::{IfMissing, OpenedStore, open_store};
use crate::store_spec::StoreSpec;

/// The longest wait between retries.
const RETRY_CAP: Duration = Duration::from_secs(60 * 60);

pub(crate) async fn run(args: ListenArgs) -> Result<(), CliError> {
    let address = args.bind.with_port(args.port)?;
    let auth = receiver_auth(&args.auth, args.allow_unauthenticated)?;
    let unauthenticated = auth.is_unauthenticated();
    if let Some(dir) = &args.save {
        tokio::fs::create_dir_all(dir)
            .await
            .map_err(|source| CliError::CreateDir { path: dir.clone(), source })?;
    }
    let printer = DeliveryPrinter::new(args.json);
    let reporter: Reporter = Arc::new(move |report| printer.print(&report));
    let durable = match args.durable.store_args() {
        Some(store_args) => Some(Durable::open(&args, &StoreSpec::from_args(&store_args)?).await?),
        None => None,
    };
    let intake = durable.as_ref().map(|durable| durable.intake.clone());
    let settings = ReceiverSettings {
        auth,
        save_dir: args.save.clone(),
        reporter: Arc::clone(&reporter),
        intake,
    };
    let receiver = LocalReceiver::bind(address, settings).await?;

    // Status goes to stderr, so stdout holds only deliveries (`--json`).
    eprintln!("Listening on {} (any path, POST only); Ctrl-C stops.", receiver.url());
    if unauthenticated {
        print_warning("accepting deliveries without checking credentials");
    }
    if let Some(dir) = &args.save {
        eprintln!("Saving each body to {}", dir.display());
    }
    let Some(durable) = durable else {
        receiver.serve(shutdown_requested()).await?;
        eprintln!("Stopped.");
        return Ok(());
    };
    durable.announce(&args).await;
    let workers = durable.start_workers(&args, reporter, args.save.clone().map(BodySaver::new))?;
    let served = receiver.serve(shutdown_requested()).await;
    // The server has stopped taking deliveries; the events being handled
    // get the grace period, everything else stays stored.
    let grace = args.durable.grace;
    eprintln!("Stopping: events being handled get up to {}.", format_duration(grace));
    match workers.shutdown(grace).await {
        Drained::Finished => {
            eprintln!("Stopped; unhandled events stay in {}.", durable.store.spec())
        }
        Drained::Abandoned(count) => print_warning(format_args!(
            "stopped with {count} event(s) still being handled; they stay in {} and are \
             handled again after their lease ends",
            durable.store.spec()
        )),
    }
    durable.store.close().await;
    served
}

/// The store and the request path of a durable listener.
struct Durable {
    store: OpenedStore,
    config: QueueConfig,
    intake: Intake,
}

impl Durable {
    async fn open(args: &ListenArgs, spec: &StoreSpec) -> Result<Self, CliError> {
        let config = queue_config(args)?;
        let store = open_store(spec, &config, IfMissing::Create).await?;
        let intake = Intake::new(Arc::clone(&store.queue), config.request_budget());
        Ok(Self { store, config, intake })
    }

    async fn announce(&self, args: &ListenArgs) {
        eprintln!(
            "Storing every delivery in {} before answering 200; {} worker(s), {} attempt(s) each.",
            self.store.spec(),
            args.durable.workers,
            self.config.max_attempts()
        );
        for problem in self.store.durability_problems().await {
            print_warning(format_args!("{}: {problem}", self.store.spec()));
        }
    }

    fn start_workers(
        &self,
        args: &ListenArgs,
        reporter: Reporter,
        saver: Option<BodySaver>,
    ) -> Result<Workers, CliError> {
        let forwarder = match &args.durable.forward_to {
            Some(url) => {
                let forwarder = Forwarder::new(url, args.durable.forward_timeout)?;
                eprintln!("Forwarding each stored event to {}", forwarder.url());
                Some(forwarder)
            }
            None => None,
        };
        let handling = Arc::new(Handling { forwarder, saver, reporter });
        Ok(Workers::start(
            args.durable.workers,
            &self.store.queue,
            &self.config,
            &handling,
            args.durable.forward_timeout,
        ))
    }
}

/// Lease, attempts and retry delays from the flags.
fn queue_config(args: &ListenArgs) -> Result<QueueConfig, CliError> {
    let durable = &args.durable;
    let lease = durable.lease()?;
    Ok(QueueConfig::new()
        .with_lease(lease)
        .with_max_attempts(durable.max_attempts)
        .with_backoff(Backoff::new(durable.retry_delay, RETRY_CAP.max(durable.retry_delay))))
}

/// Ctrl-C, or SIGTERM where there is one (a service manager, `kill`).
async fn shutdown_requested() {
    let ctrl_c = async {
        // If the handler cannot be installed, only SIGTERM (or killing the
        // process) stops the receiver: wait forever rather than stop now.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                terminate.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
