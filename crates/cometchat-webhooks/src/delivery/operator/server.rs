//! [`OperatorSocket`]: serves operator requests for a queue on a Unix
//! socket, so `cometchat-webhooks queue` can inspect and redrive a store
//! that a running receiver holds (an embedded store belongs to one
//! process).

use std::io;
use std::os::unix::fs::{DirBuilderExt, FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::oneshot;
use tokio::task::{JoinHandle, JoinSet};

use super::wire::{Answer, Request, WireDeadLetter, WireDetails, WireError, WireStats};
use crate::delivery::queue::EventQueue;

/// The longest request line read; a request is a few dozen bytes.
const MAX_REQUEST: u64 = 64 * 1024;
/// How long one connection may take, from accept to answer written.
const EXCHANGE_DEADLINE: Duration = Duration::from_secs(30);

/// Serves a queue's operator requests (stats, dead letters, show, redrive,
/// purge) on a Unix socket, for
/// [`OperatorClient`](super::OperatorClient) and `cometchat-webhooks
/// queue`; never the worker's operations (claim, ack, ...), nor enqueue.
///
/// - The socket file is readable and writable by its owner only from the
///   moment it appears (it is bound in a private directory, then moved
///   into place): whoever may use it may redrive and purge.
/// - A socket file left by a process that died is replaced; one a live
///   process serves is not ([`io::ErrorKind::AddrInUse`]).
/// - Each connection carries one request line and one answer line; a
///   request longer than 64 KiB, or a connection that takes longer than
///   30 seconds, is closed.
/// - Dropping it stops serving and removes the socket file.
///
/// ```no_run
/// # #[cfg(feature = "redb")]
/// # async fn serve() -> Result<(), Box<dyn std::error::Error>> {
/// use std::sync::Arc;
///
/// use cometchat_webhooks::delivery::{OperatorSocket, QueueConfig, RedbStore};
///
/// let store = Arc::new(RedbStore::open("deliveries.redb", &QueueConfig::new())?);
/// // `cometchat-webhooks queue --store redb:deliveries.redb stats` finds it
/// // next to the file while this process holds the store.
/// let socket = OperatorSocket::bind(OperatorSocket::path_for("deliveries.redb"), store.clone())?;
/// # drop(socket);
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct OperatorSocket {
    path: PathBuf,
    server: Option<JoinHandle<()>>,
    stop: Option<oneshot::Sender<()>>,
}

impl OperatorSocket {
    /// Where the socket of an embedded store at `store_path` lives: next to
    /// it, with `.sock` appended (`deliveries.redb.sock`). The CLI looks
    /// there when the store's file is locked.
    pub fn path_for(store_path: impl AsRef<Path>) -> PathBuf {
        let mut path = store_path.as_ref().as_os_str().to_owned();
        path.push(".sock");
        PathBuf::from(path)
    }

    /// Binds the socket at `path` and serves `queue`'s operator requests
    /// on the current Tokio runtime until closed or dropped.
    ///
    /// # Errors
    ///
    /// [`io::ErrorKind::AddrInUse`] when a live process serves `path`;
    /// otherwise what binding or setting the file's permissions failed
    /// with.
    ///
    /// # Panics
    ///
    /// Outside a Tokio runtime.
    pub fn bind(path: impl AsRef<Path>, queue: Arc<dyn EventQueue>) -> io::Result<Self> {
        let path = path.as_ref().to_path_buf();
        remove_if_stale(&path)?;
        let listener = bind_private(&path)?;
        let (stop, stopped) = oneshot::channel();
        let server = tokio::spawn(serve(listener, queue, stopped));
        Ok(Self { path, server: Some(server), stop: Some(stop) })
    }

    /// The socket's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Stops serving, removes the socket file, and returns once every
    /// connection is closed and nothing here holds the queue any more (so
    /// an embedded store can then be closed).
    pub async fn close(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
        let _ = std::fs::remove_file(&self.path);
    }
}

impl Drop for OperatorSocket {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            server.abort();
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Binds at `path` a socket only its owner can use, with no moment in
/// which others could connect: it is bound in a new directory only the
/// owner can enter, made owner-only there, then moved into place.
fn bind_private(path: &Path) -> io::Result<UnixListener> {
    let parent = path.parent().filter(|parent| !parent.as_os_str().is_empty());
    let parent = parent.unwrap_or_else(|| Path::new("."));
    let staging =
        parent.join(format!(".operator-socket-{}-{}", std::process::id(), fastrand::u32(..)));
    std::fs::DirBuilder::new().mode(0o700).create(&staging)?;
    let staged = staging.join("socket");
    let bound = UnixListener::bind(&staged).and_then(|listener| {
        std::fs::set_permissions(&staged, std::fs::Permissions::from_mode(0o600))?;
        std::fs::rename(&staged, path)?;
        Ok(listener)
    });
    let _ = std::fs::remove_file(&staged);
    let _ = std::fs::remove_dir(&staging);
    bound
}

/// Removes a socket file nobody listens on (its process died); refuses
/// one a live process serves, and anything at `path` that is not a socket.
fn remove_if_stale(path: &Path) -> io::Result<()> {
    let Ok(metadata) = std::fs::symlink_metadata(path) else { return Ok(()) };
    if !metadata.file_type().is_socket() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} exists and is not a socket; move it or pick another path", path.display()),
        ));
    }
    match std::os::unix::net::UnixStream::connect(path) {
        Ok(_) => Err(io::Error::new(
            io::ErrorKind::AddrInUse,
            format!("{} is served by another process", path.display()),
        )),
        Err(error) if error.kind() == io::ErrorKind::ConnectionRefused => {
            std::fs::remove_file(path)
        }
        Err(error) => Err(error),
    }
}

/// Accepts connections until told to stop (or aborted), then ends the
/// connections still open. They run in a set the loop owns, so aborting
/// the loop ends them too.
async fn serve(
    listener: UnixListener,
    queue: Arc<dyn EventQueue>,
    mut stop: oneshot::Receiver<()>,
) {
    let mut connections = JoinSet::new();
    loop {
        while connections.try_join_next().is_some() {}
        let accepted = tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((stream, _)) => {
                let queue = Arc::clone(&queue);
                connections.spawn(async move {
                    let _ =
                        tokio::time::timeout(EXCHANGE_DEADLINE, exchange(stream, &*queue)).await;
                });
            }
            Err(error) => {
                tracing::warn!(%error, "operator socket: accepting a connection failed");
                // Out of file descriptors, say: give the process a moment.
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
    connections.shutdown().await;
}

/// Reads one request line, answers it, and closes.
async fn exchange(stream: UnixStream, queue: &dyn EventQueue) -> io::Result<()> {
    let (reader, mut writer) = stream.into_split();
    let mut line = Vec::new();
    let mut reader = BufReader::new(reader).take(MAX_REQUEST + 1);
    reader.read_until(b'\n', &mut line).await?;
    let answer = if line.len() as u64 > MAX_REQUEST {
        Answer::Error(WireError::bad_request(format!(
            "the request is longer than {MAX_REQUEST} bytes"
        )))
    } else {
        match serde_json::from_slice::<Request>(&line) {
            Ok(request) => run(request, queue).await,
            Err(error) => Answer::Error(WireError::bad_request(format!(
                "the request is not one the socket knows: {error}"
            ))),
        }
    };
    let mut text = serde_json::to_vec(&answer).map_err(io::Error::other)?;
    text.push(b'\n');
    writer.write_all(&text).await?;
    writer.shutdown().await
}

async fn run(request: Request, queue: &dyn EventQueue) -> Answer {
    let result = match request {
        Request::Stats {} => queue.stats().await.map(|stats| json(WireStats::from(stats))),
        Request::DeadLetters { limit } => queue
            .dead_letters(limit)
            .await
            .map(|dead| json(dead.into_iter().map(WireDeadLetter::from).collect::<Vec<_>>())),
        Request::Show { key } => {
            queue.show(&key).await.map(|details| json(details.map(WireDetails::from)))
        }
        Request::Redrive { key } => queue.redrive(&key).await.map(json),
        Request::RedriveAll {} => queue.redrive_all().await.map(json),
        Request::PurgeDead { older_than_ms } => {
            queue.purge_dead(Duration::from_millis(older_than_ms)).await.map(json)
        }
    };
    match result {
        Ok(value) => Answer::Ok(value),
        Err(error) => Answer::Error(WireError::from_delivery(&error)),
    }
}

fn json(value: impl serde::Serialize) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}
