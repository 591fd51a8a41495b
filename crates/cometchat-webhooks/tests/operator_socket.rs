//! The operator socket: a queue held by one handle (a running receiver's
//! redb store) inspected and changed through another, over a real Unix
//! socket; and what bad, oversized, silent or absent peers get.

#![cfg(all(feature = "operator-socket", feature = "redb", unix))]

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use cometchat_webhooks::delivery::{
    DeliveryError, EventQueue, EventState, FailOutcome, OperatorClient, OperatorSocket,
    QueueConfig, RedbStore, StoredEvent,
};
use proptest::prelude::Strategy as _;
use tempfile::TempDir;

const TIMEOUT: Duration = Duration::from_secs(5);

fn event(key: &str, body: &'static [u8]) -> StoredEvent {
    StoredEvent::new(key, "message_sent", Bytes::from_static(body))
}

/// A redb store with one waiting event and one dead letter, served on a
/// socket next to its file.
async fn served_store(dir: &Path) -> (Arc<RedbStore>, OperatorSocket, OperatorClient) {
    let path = dir.join("deliveries.redb");
    let config = QueueConfig::new().with_max_attempts(1);
    let store = Arc::new(RedbStore::open(&path, &config).unwrap());
    store.enqueue(&event("dead-1", b"{\"n\":1}")).await.unwrap();
    let claimed = store.claim(Duration::from_secs(60)).await.unwrap().unwrap();
    let outcome = store.fail(&claimed.lease, "downstream said 503", Duration::ZERO).await;
    assert_eq!(outcome.unwrap(), FailOutcome::DeadLettered);
    store.enqueue(&event("waiting-1", b"\xff not UTF-8")).await.unwrap();

    let socket_path = OperatorSocket::path_for(&path);
    assert_eq!(socket_path, dir.join("deliveries.redb.sock"));
    let socket = OperatorSocket::bind(&socket_path, store.clone()).unwrap();
    (store, socket, OperatorClient::new(socket_path, TIMEOUT))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_sees_and_changes_the_queue_a_process_holds() {
    let dir = TempDir::new().unwrap();
    let (store, _socket, client) = served_store(dir.path()).await;

    assert_eq!(client.stats().await.unwrap(), store.stats().await.unwrap());
    let dead = client.dead_letters(10).await.unwrap();
    assert_eq!(dead, store.dead_letters(10).await.unwrap());
    assert_eq!(dead[0].idempotency_key, "dead-1");
    assert_eq!(dead[0].last_error.as_deref(), Some("downstream said 503"));

    let shown = client.show("waiting-1").await.unwrap().expect("stored");
    let direct = store.show("waiting-1").await.unwrap().unwrap();
    assert_eq!(shown.event.body, Bytes::from_static(b"\xff not UTF-8"), "bytes travel exactly");
    assert_eq!(shown.event.received_at, direct.event.received_at);
    assert!(matches!(shown.state, EventState::Waiting), "{:?}", shown.state);
    let shown_dead = client.show("dead-1").await.unwrap().unwrap();
    assert_eq!(shown_dead.event.body, Bytes::from_static(b"{\"n\":1}"));
    assert!(matches!(shown_dead.state, EventState::Dead { .. }), "{:?}", shown_dead.state);
    assert!(client.show("never-sent").await.unwrap().is_none());

    assert!(client.redrive("dead-1").await.unwrap());
    assert!(!client.redrive("dead-1").await.unwrap(), "no longer dead");
    assert_eq!(store.stats().await.unwrap().waiting, 2, "the holder sees the change");
    assert_eq!(client.redrive_all().await.unwrap(), 0);

    let claimed = store.claim(Duration::from_secs(60)).await.unwrap().unwrap();
    store.fail(&claimed.lease, "again", Duration::ZERO).await.unwrap();
    assert_eq!(client.purge_dead(Duration::from_secs(3600)).await.unwrap(), 0, "too young");
    assert_eq!(client.purge_dead(Duration::ZERO).await.unwrap(), 1);
    assert_eq!(store.stats().await.unwrap().dead, 0);
}

#[tokio::test]
async fn the_workers_operations_stay_with_the_holder() {
    let dir = TempDir::new().unwrap();
    let (_store, _socket, client) = served_store(dir.path()).await;
    let error = client.enqueue(&event("x", b"{}")).await.unwrap_err();
    assert!(matches!(error, DeliveryError::Unsupported { operation: "enqueue" }), "{error}");
    let error = client.claim(Duration::from_secs(1)).await.unwrap_err();
    assert!(matches!(error, DeliveryError::Unsupported { operation: "claim" }), "{error}");
}

#[tokio::test]
async fn the_socket_is_its_owners_alone_and_goes_with_it() {
    let dir = TempDir::new().unwrap();
    let (_store, socket, client) = served_store(dir.path()).await;
    let path = socket.path().to_path_buf();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "{mode:o}");

    drop(socket);
    assert!(!path.exists(), "dropping the socket removes its file");
    let error = client.stats().await.unwrap_err();
    assert!(matches!(error, DeliveryError::Unavailable { .. }), "{error}");
    assert!(error.to_string().contains("deliveries.redb.sock"), "{error}");
}

#[tokio::test]
async fn a_stale_socket_is_replaced_a_live_one_refused_and_anything_else_left_alone() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("q.redb.sock");
    // A process that died leaves its socket file with nobody listening.
    drop(UnixListener::bind(&path).unwrap());
    assert!(path.exists());
    let store = Arc::new(RedbStore::open(dir.path().join("q.redb"), &QueueConfig::new()).unwrap());
    let socket = OperatorSocket::bind(&path, store.clone()).expect("replaces the stale file");

    let error = OperatorSocket::bind(&path, store.clone()).unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::AddrInUse, "{error}");
    let client = OperatorClient::new(&path, TIMEOUT);
    assert_eq!(client.stats().await.unwrap().live(), 0, "the first one still serves");
    drop(socket);

    // Anything else at the path is left alone.
    let taken = dir.path().join("notes.txt");
    std::fs::write(&taken, "keep me").unwrap();
    let error = OperatorSocket::bind(&taken, store).unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::AlreadyExists, "{error}");
    assert_eq!(std::fs::read_to_string(&taken).unwrap(), "keep me");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.starts_with(".operator-socket"))
        .collect();
    assert!(leftovers.is_empty(), "no staging directory left: {leftovers:?}");
}

/// Sends `request` as is and returns the answer line.
fn raw_exchange(path: &Path, request: &[u8]) -> String {
    let mut stream = UnixStream::connect(path).unwrap();
    stream.set_read_timeout(Some(TIMEOUT)).unwrap();
    // The server may close before reading all of an oversized request.
    let _ = stream.write_all(request);
    // An empty request ends here: the server reads to the end of input.
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let mut answer = String::new();
    BufReader::new(stream).read_line(&mut answer).unwrap();
    answer
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_an_answer_and_change_nothing() {
    let dir = TempDir::new().unwrap();
    let (store, socket, client) = served_store(dir.path()).await;
    let before = store.stats().await.unwrap();
    let path = socket.path().to_path_buf();
    let oversized = [vec![b' '; 70 * 1024], b"\n".to_vec()].concat();
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"not json\n".to_vec(), "not one the socket knows"),
        (b"{\"op\":\"claim\"}\n".to_vec(), "unknown variant `claim`"),
        (b"{\"op\":\"redrive\"}\n".to_vec(), "missing field `key`"),
        (b"{\"op\":\"dead_letters\",\"limit\":-1}\n".to_vec(), "not one the socket knows"),
        (b"{\"op\":\"stats\",\"extra\":1}\n".to_vec(), "unknown field `extra`"),
        (b"{\"op\":\"show\",\"key\":\"\\ud800\"}\n".to_vec(), "not one the socket knows"),
        (oversized, "longer than 65536 bytes"),
        (b"".to_vec(), "not one the socket knows"),
    ];
    for (request, expected) in cases {
        let path = path.clone();
        let answer =
            tokio::task::spawn_blocking(move || raw_exchange(&path, &request)).await.unwrap();
        assert!(answer.starts_with("{\"error\":{\"kind\":\"bad_request\""), "{answer}");
        assert!(answer.contains(expected), "`{expected}` not in {answer}");
    }
    assert_eq!(store.stats().await.unwrap(), before);
    assert_eq!(client.stats().await.unwrap(), before, "the socket still serves");
}

#[tokio::test]
async fn a_socket_that_never_answers_times_out() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("silent.sock");
    let listener = UnixListener::bind(&path).unwrap();
    // Accepts and reads, never answers.
    std::thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            let mut sink = Vec::new();
            let _ = stream.read_to_end(&mut sink);
        }
    });
    let timeout = Duration::from_millis(300);
    let started = Instant::now();
    let error = OperatorClient::new(&path, timeout).stats().await.unwrap_err();
    assert!(matches!(error, DeliveryError::Timeout { .. }), "{error}");
    // A deadline, not a benchmark: slack for a loaded machine.
    assert!(started.elapsed() < timeout + Duration::from_secs(2), "{:?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_the_socket_lets_go_of_the_store_even_with_a_connection_open() {
    let dir = TempDir::new().unwrap();
    let (store, socket, client) = served_store(dir.path()).await;
    client.stats().await.unwrap();
    // A peer that connected and never sent a line.
    let idle = UnixStream::connect(socket.path()).unwrap();

    let started = Instant::now();
    socket.close().await;
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    let store = Arc::try_unwrap(store).expect("nothing else holds the store");
    store.close().await;
    RedbStore::open(dir.path().join("deliveries.redb"), &QueueConfig::new())
        .expect("the file is free again");
    drop(idle);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Whatever a peer sends, it gets one answer line (never a hang or a
    /// dropped connection), and a request that is not a read changes
    /// nothing unless it is a well-formed operator request.
    #[test]
    fn any_bytes_get_one_answer_line(
        request in proptest::prop_oneof![
            proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512),
            "\\{\"op\":\"(stats|dead_letters|show|redrive|purge_dead|claim)\"(,\"(limit|key|older_than_ms)\":(-?[0-9]{1,20}|\"[a-z\\\\-]{0,12}\"|null))?\\}"
                .prop_map(String::into_bytes),
        ]
    ) {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let dir = TempDir::new().unwrap();
        let (store, socket, _client) = runtime.block_on(served_store(dir.path()));
        let before = runtime.block_on(store.stats()).unwrap();
        let mut line = request.clone();
        line.push(b'\n');
        let answer = raw_exchange(socket.path(), &line);
        proptest::prop_assert!(
            answer.starts_with("{\"ok\":") || answer.starts_with("{\"error\":"),
            "{answer}"
        );
        proptest::prop_assert!(answer.ends_with('\n'), "{answer}");
        let changes = request.windows(7).any(|window| window == b"redrive")
            || request.windows(10).any(|window| window == b"purge_dead");
        if !changes {
            proptest::prop_assert_eq!(runtime.block_on(store.stats()).unwrap(), before);
        }
        drop(socket);
    }
}
