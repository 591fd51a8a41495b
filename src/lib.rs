//! The loopback HTTP client of the workspace's cross-framework tests and its
//! load benchmark (this package is not published): a connection whose server
//! may answer before it has read the request body, and a hyper HTTP/1.1
//! handshake on it. The examples do not use it; each one stands alone.

#![forbid(unsafe_code)]

mod early_answer;

use std::io;
use std::net::SocketAddr;

use hyper::body::Body;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

pub use early_answer::{EarlyAnswerStream, WriteFailureFlag};

/// An HTTP/1.1 connection to `address`, driven by a task of its own, with
/// Nagle off (requests and answers are single small writes). Requests the
/// server answers early (401 or 413 before reading the body) are still
/// answered on it: see [`EarlyAnswerStream`]; the flag tells whether that
/// happened. The connection's own error (the server closed it) shows in the
/// requests sent on it.
pub async fn open<B>(address: SocketAddr) -> io::Result<(SendRequest<B>, WriteFailureFlag)>
where
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let stream = TcpStream::connect(address).await?;
    stream.set_nodelay(true)?;
    let stream = EarlyAnswerStream::new(stream);
    let write_failed = stream.write_failure_flag();
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(io::Error::other)?;
    tokio::spawn(connection);
    Ok((sender, write_failed))
}
