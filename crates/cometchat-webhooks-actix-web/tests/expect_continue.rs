//! `Expect: 100-continue` on a real server over loopback: served through
//! `GuardedServer`, a request refused on its headers (credentials missing
//! or wrong, declared length over the limit) is answered 401 or 413 as the
//! first response line, without `100 Continue`, and the connection is
//! closed; a good request still gets `100 Continue`, then 200. For
//! comparison, actix-web's own `HttpServer` sends `100 Continue` first.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::thread;
use std::time::{Duration, Instant};

use actix_web::dev::ServerHandle;
use actix_web::{App, HttpResponse, HttpServer, web};
use cometchat_webhooks_actix_web::testing::conformance::{self, PASSWORD, PATH, USERNAME};
use cometchat_webhooks_actix_web::testing::{basic_auth_header, slow_clients};
use cometchat_webhooks_actix_web::{CometChatEvent, ExpectGuard, GuardedServer};

const BODY: &[u8] = br#"{"trigger":"a_new_trigger","data":{}}"#;
/// An unguarded route of the same app.
const OTHER_PATH: &str = "/uploads";

async fn accept(_event: CometChatEvent) -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn app() -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .app_data(conformance::receiver_config())
        .service(web::resource(PATH).route(web::post().to(accept)))
        .service(web::resource(OTHER_PATH).route(web::post().to(HttpResponse::Ok)))
}

/// The app through `GuardedServer`, one worker on a loopback port.
fn guarded() -> (SocketAddr, ServerHandle) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let address = listener.local_addr().expect("an address");
    let guard = ExpectGuard::new(PATH, conformance::receiver_config());
    let server = GuardedServer::new(guard).workers(1).listen(listener, app).expect("listen");
    let handle = server.handle();
    actix_rt::spawn(server);
    (address, handle)
}

/// The app through actix-web's `HttpServer`, as the README's first example.
fn plain() -> (SocketAddr, ServerHandle) {
    let server = HttpServer::new(app).workers(1).bind(("127.0.0.1", 0)).expect("bind loopback");
    let address = server.addrs()[0];
    let server = server.run();
    let handle = server.handle();
    actix_rt::spawn(server);
    (address, handle)
}

/// Runs a blocking client on a thread while the server runs on this one.
async fn client<T: Send + 'static>(work: impl FnOnce() -> io::Result<T> + Send + 'static) -> T {
    let client = thread::spawn(work);
    while !client.is_finished() {
        actix_rt::time::sleep(Duration::from_millis(20)).await;
    }
    client.join().expect("client thread").expect("the client's exchange")
}

/// Sends a head with `Expect: 100-continue` and returns the first status
/// line the server writes, without sending any body.
fn first_line(
    address: SocketAddr,
    authorization: &str,
    path: &str,
    length: usize,
) -> io::Result<String> {
    let mut stream = slow_clients::connect(address)?;
    stream.write_all(head(authorization, path, length).as_bytes())?;
    let line = read_line(&mut stream)?;
    Ok(line)
}

fn head(authorization: &str, path: &str, length: usize) -> String {
    format!(
        "POST {path} HTTP/1.1\r\nhost: localhost\r\nauthorization: {authorization}\r\n\
         content-type: application/json\r\ncontent-length: {length}\r\nexpect: 100-continue\r\n\r\n"
    )
}

/// Reads up to the end of the first line (the status line).
fn read_line(stream: &mut std::net::TcpStream) -> io::Result<String> {
    let mut line = Vec::new();
    let mut byte = [0_u8; 1];
    while !line.ends_with(b"\r\n") {
        if stream.read(&mut byte)? == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "closed before a line"));
        }
        line.push(byte[0]);
    }
    Ok(String::from_utf8_lossy(&line).trim_end().to_owned())
}

/// The careful client: head, wait for `100 Continue`, then the body.
/// Returns the interim status line and the final answer.
fn careful_upload(
    address: SocketAddr,
    path: &str,
) -> io::Result<(String, slow_clients::RawAnswer)> {
    let mut stream = slow_clients::connect(address)?;
    stream.write_all(head(&good(), path, BODY.len()).as_bytes())?;
    let interim = read_line(&mut stream)?;
    let mut blank = [0_u8; 2];
    stream.read_exact(&mut blank)?;
    assert_eq!(&blank, b"\r\n", "100 Continue is a head without headers");
    stream.write_all(BODY)?;
    let answer = slow_clients::read_answer(&mut stream, Instant::now())?;
    Ok((interim, answer))
}

fn good() -> String {
    basic_auth_header(USERNAME, PASSWORD)
}

fn wrong() -> String {
    basic_auth_header(USERNAME, conformance::WRONG_PASSWORD)
}

#[actix_rt::test]
async fn wrong_or_empty_credentials_get_401_before_any_100_continue() {
    let (address, server) = guarded();
    let wrong_line = client(move || first_line(address, &wrong(), PATH, BODY.len())).await;
    let empty_line = client(move || first_line(address, "", PATH, BODY.len())).await;
    let refused = client(move || slow_clients::refused_upload(address, 1024 * 1024, true)).await;
    server.stop(false).await;

    assert_eq!(wrong_line, "HTTP/1.1 401 Unauthorized");
    assert_eq!(empty_line, "HTTP/1.1 401 Unauthorized");
    assert_eq!(refused.status, 401, "{refused:?}");
    assert!(!refused.interim_continue, "no 100 Continue: {refused:?}");
    assert!(refused.header("www-authenticate").is_some(), "{refused:?}");
    assert_eq!(refused.header("connection"), Some("close"), "{refused:?}");
    let closed_after = refused.closed_after.expect("the connection is closed");
    assert!(closed_after < Duration::from_millis(500), "closed after {closed_after:?}");
}

#[actix_rt::test]
async fn a_declared_length_over_the_limit_gets_413_before_any_100_continue() {
    let (address, server) = guarded();
    let limit = conformance::receiver_config().body_limit();
    let line = client(move || first_line(address, &good(), PATH, limit + 1)).await;
    let at_limit = client(move || first_line(address, &good(), PATH, limit)).await;
    server.stop(false).await;
    assert_eq!(line, "HTTP/1.1 413 Payload Too Large");
    assert_eq!(at_limit, "HTTP/1.1 100 Continue", "a length within the limit may be sent");
}

#[actix_rt::test]
async fn a_good_request_gets_100_continue_then_200() {
    let (address, server) = guarded();
    let (interim, answer) = client(move || careful_upload(address, PATH)).await;
    // Without `Expect`, on the same server: answered as before.
    let whole = client(move || slow_clients::whole_request(address, BODY)).await;
    server.stop(false).await;
    assert_eq!(interim, "HTTP/1.1 100 Continue");
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(whole.status, 200, "{whole:?}");
    assert!(!whole.interim_continue, "{whole:?}");
}

#[actix_rt::test]
async fn other_paths_are_not_checked() {
    let (address, server) = guarded();
    let line = client(move || first_line(address, "", OTHER_PATH, 10)).await;
    let (interim, answer) = client(move || careful_upload(address, OTHER_PATH)).await;
    server.stop(false).await;
    assert_eq!(line, "HTTP/1.1 100 Continue", "no credentials needed there");
    assert_eq!(interim, "HTTP/1.1 100 Continue");
    assert_eq!(answer.status, 200, "{answer:?}");
}

/// Why `GuardedServer` exists: `HttpServer` has no expect service, so
/// actix-http agrees to every upload before the receiver can refuse it.
#[actix_rt::test]
async fn actix_webs_http_server_sends_100_continue_before_the_401() {
    let (address, server) = plain();
    let refused = client(move || slow_clients::refused_upload(address, BODY.len(), true)).await;
    server.stop(false).await;
    assert!(refused.interim_continue, "{refused:?}");
    assert_eq!(refused.status, 401, "{refused:?}");
}

/// A chunked upload with wrong credentials: the head, one chunk, and a
/// sender that would go on; returns the answer and whether the server
/// closed the connection.
fn refused_chunked_upload(address: SocketAddr) -> io::Result<slow_clients::RawAnswer> {
    let mut stream = slow_clients::connect(address)?;
    let head = format!(
        "POST {PATH} HTTP/1.1\r\nhost: localhost\r\nauthorization: {}\r\n\
         transfer-encoding: chunked\r\n\r\n",
        wrong()
    );
    stream.write_all(head.as_bytes())?;
    let chunk = vec![b' '; 16 * 1024];
    stream.write_all(format!("{:x}\r\n", chunk.len()).as_bytes())?;
    stream.write_all(&chunk)?;
    stream.write_all(b"\r\n")?;
    slow_clients::read_answer(&mut stream, Instant::now())
}

fn chunked_upload(address: SocketAddr) -> io::Result<slow_clients::RawAnswer> {
    let mut stream = slow_clients::connect(address)?;
    let head = format!(
        "POST {PATH} HTTP/1.1\r\nhost: localhost\r\nauthorization: {}\r\n\
         transfer-encoding: chunked\r\nconnection: close\r\n\r\n",
        good()
    );
    stream.write_all(head.as_bytes())?;
    for part in BODY.chunks(10) {
        stream.write_all(format!("{:x}\r\n", part.len()).as_bytes())?;
        stream.write_all(part)?;
        stream.write_all(b"\r\n")?;
    }
    stream.write_all(b"0\r\n\r\n")?;
    slow_clients::read_answer(&mut stream, Instant::now())
}

#[actix_rt::test]
async fn a_refused_chunked_body_is_not_drained() {
    let (address, server) = guarded();
    let refused = client(move || refused_chunked_upload(address)).await;
    let accepted = client(move || chunked_upload(address)).await;
    server.stop(false).await;
    assert_eq!(refused.status, 401, "{refused:?}");
    let closed_after = refused.closed_after.expect("the connection is closed, not drained");
    assert!(closed_after < Duration::from_millis(500), "closed after {closed_after:?}");
    assert_eq!(accepted.status, 200, "a chunked webhook is still read whole: {accepted:?}");
}

/// Why `GuardedServer` holds refused chunked bodies: `HttpServer` reads a
/// dropped chunked body to its end, so the connection stays open for as
/// long as the sender goes on.
#[actix_rt::test]
async fn actix_webs_http_server_drains_a_refused_chunked_body() {
    let (address, server) = plain();
    let refused = client(move || refused_chunked_upload(address)).await;
    server.stop(false).await;
    assert_eq!(refused.status, 401, "{refused:?}");
    assert!(!refused.closed, "{refused:?}");
}
