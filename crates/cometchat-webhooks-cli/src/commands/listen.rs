//! `listen`: a local receiver that prints one line per delivery.

use std::sync::Arc;

use crate::cli::ListenArgs;
use crate::credentials::receiver_auth;
use crate::delivery_lines::DeliveryPrinter;
use crate::errors::CliError;
use crate::output::print_warning;
use crate::receiver::{LocalReceiver, ReceiverSettings, Reporter};

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
    let settings = ReceiverSettings { auth, save_dir: args.save.clone(), reporter };
    let receiver = LocalReceiver::bind(address, settings).await?;

    // Status goes to stderr, so stdout holds only deliveries (`--json`).
    eprintln!("Listening on {} (any path, POST only); Ctrl-C stops.", receiver.url());
    if unauthenticated {
        print_warning("accepting deliveries without checking credentials");
    }
    if let Some(dir) = &args.save {
        eprintln!("Saving each body to {}", dir.display());
    }
    receiver.serve(shutdown_requested()).await?;
    eprintln!("Stopped.");
    Ok(())
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
