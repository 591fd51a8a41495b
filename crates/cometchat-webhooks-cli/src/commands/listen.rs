//! `listen`: a local receiver that prints one line per delivery; with
//! `--store`, a durable one that stores first and prints, saves or
//! forwards from workers.

use std::sync::Arc;
use std::time::Duration;

use cometchat_webhooks::delivery::{Backoff, QueueConfig};
use cometchat_webhooks::router::DurableConfig;

use crate::cli::ListenArgs;
use crate::credentials::receiver_auth;
use crate::delivery_lines::DeliveryPrinter;
use crate::durable_listen::{Forwarder, Handling};
use crate::duration_arg::format_duration;
use crate::errors::CliError;
use crate::output::print_warning;
use crate::receiver::{DurableRouting, LocalReceiver, ReceiverSettings, Reporter};
use crate::saved_bodies::BodySaver;
use crate::store_open::{IfMissing, OpenedStore, open_store};
use crate::store_spec::StoreSpec;
#[cfg(unix)]
use cometchat_webhooks::delivery::OperatorSocket;

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
    let store = match args.durable.store_args() {
        Some(store_args) => {
            let spec = StoreSpec::from_args(&store_args)?;
            let config = queue_config(&args)?;
            Some((open_store(&spec, &config, IfMissing::Create).await?, config))
        }
        None => None,
    };
    let durable = match &store {
        Some((opened, config)) => Some(durable_routing(&args, opened, config, &reporter)?),
        None => None,
    };
    let settings = ReceiverSettings {
        auth,
        save_dir: args.save.clone(),
        reporter: Arc::clone(&reporter),
        durable,
        limits: args.limits,
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
    let Some((store, config)) = store else {
        receiver.serve(shutdown_requested()).await?;
        eprintln!("Stopped.");
        return Ok(());
    };
    announce(&args, &store, &config).await;
    #[cfg(unix)]
    let operator_socket = serve_operators(&store);
    let router = receiver.router();
    let served = receiver.serve(shutdown_requested()).await;
    // No more deliveries come in; the events being handled get the grace
    // period, everything else stays stored.
    let grace = args.durable.grace;
    eprintln!("Stopping: events being handled get up to {}.", format_duration(grace));
    let report = router.shutdown(grace).await;
    if report.is_complete() {
        eprintln!("Stopped; unhandled events stay in {}.", store.spec());
    } else {
        print_warning(format_args!(
            "stopped with {} event(s) still being handled; they stay in {} and are handled \
             again once their lease ends",
            report.interrupted.len(),
            store.spec()
        ));
    }
    // The workers and the operator socket hold the store until they are
    // gone.
    drop(router);
    #[cfg(unix)]
    if let Some(socket) = operator_socket {
        socket.close().await;
    }
    store.close().await;
    served
}

/// Serves operator commands for an embedded store while this process
/// holds it, and says where; a socket that cannot be served is a warning,
/// not a reason to refuse deliveries.
#[cfg(unix)]
fn serve_operators(store: &OpenedStore) -> Option<OperatorSocket> {
    match store.serve_operators()? {
        Ok(socket) => {
            eprintln!(
                "`cometchat-webhooks queue --store {}` works while this runs, through {}",
                store.spec(),
                socket.path().display()
            );
            Some(socket)
        }
        Err(error) => {
            print_warning(error);
            None
        }
    }
}

/// The router's durable mode on `store`, running the print, save and
/// forward handler.
fn durable_routing(
    args: &ListenArgs,
    store: &OpenedStore,
    config: &QueueConfig,
    reporter: &Reporter,
) -> Result<DurableRouting, CliError> {
    let durable = &args.durable;
    let forwarder = match &durable.forward_to {
        Some(url) => Some(Forwarder::new(url, durable.forward_timeout)?),
        None => None,
    };
    let handling = Arc::new(Handling {
        forwarder,
        saver: args.save.clone().map(BodySaver::new),
        reporter: Arc::clone(reporter),
        max_attempts: config.max_attempts(),
    });
    let config = DurableConfig::from_queue_config(config)
        .with_workers(usize::from(durable.workers))
        // One event per claim: `--workers` is exactly how many events are
        // forwarded at once, so a slow endpoint never holds finished ones.
        .with_claim_batch(1)
        .with_handler_timeout(durable.forward_timeout);
    Ok(DurableRouting { queue: Arc::clone(&store.queue), config, handling })
}

async fn announce(args: &ListenArgs, store: &OpenedStore, config: &QueueConfig) {
    eprintln!(
        "Storing every delivery in {} before answering 200; {} worker(s), {} attempt(s) each.",
        store.spec(),
        args.durable.workers,
        config.max_attempts()
    );
    if let Some(url) = &args.durable.forward_to {
        eprintln!("Forwarding each stored event to {url}");
    }
    for problem in store.durability_problems().await {
        print_warning(format_args!("{}: {problem}", store.spec()));
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
