//! [`EarlyAnswerStream`]: the client side of a connection whose server may
//! answer before it has read the request body.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Wraps a client's connection so that the answer to a request refused
/// before its body was read (a 401 from the headers, a 413 at the limit)
/// can still be read.
///
/// Such a server answers and closes without reading the rest of the body,
/// so the client's next write fails (`EPIPE` or `ECONNRESET`), usually
/// before the client got round to reading the answer that already sits in
/// its receive buffer; an HTTP client then reports the write error and the
/// answer is lost. After the first failed write this stream accepts and
/// drops every further byte, so the client finishes "sending" at once and
/// goes on to read the answer, the way curl keeps reading after a failed
/// upload. Reads are untouched: a server that closed without answering is
/// still an error.
#[derive(Debug)]
pub struct EarlyAnswerStream<S> {
    inner: S,
    write_failed: Arc<AtomicBool>,
}

impl<S> EarlyAnswerStream<S> {
    /// Wraps `inner`.
    pub fn new(inner: S) -> Self {
        Self { inner, write_failed: Arc::default() }
    }

    /// Tells, after the stream has been handed to a client, whether a
    /// write failed, i.e. whether the server stopped reading the request.
    pub fn write_failure_flag(&self) -> WriteFailureFlag {
        WriteFailureFlag(Arc::clone(&self.write_failed))
    }
}

/// Whether the server stopped reading a request before its end; see
/// [`EarlyAnswerStream::write_failure_flag`].
#[derive(Debug, Clone)]
pub struct WriteFailureFlag(Arc<AtomicBool>);

impl WriteFailureFlag {
    /// Whether a write to the connection failed.
    pub fn is_set(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for EarlyAnswerStream<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
        buffer: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(context, buffer)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for EarlyAnswerStream<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
        bytes: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.write_failed.load(Ordering::Relaxed) {
            return Poll::Ready(Ok(bytes.len()));
        }
        match Pin::new(&mut self.inner).poll_write(context, bytes) {
            Poll::Ready(Err(error)) if stopped_reading(&error) => {
                self.write_failed.store(true, Ordering::Relaxed);
                Poll::Ready(Ok(bytes.len()))
            }
            other => other,
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.write_failed.load(Ordering::Relaxed) {
            return Poll::Ready(Ok(()));
        }
        match Pin::new(&mut self.inner).poll_flush(context) {
            Poll::Ready(Err(error)) if stopped_reading(&error) => {
                self.write_failed.store(true, Ordering::Relaxed);
                Poll::Ready(Ok(()))
            }
            other => other,
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(context)
    }
}

/// The errors of writing to a peer that closed its side of the connection.
fn stopped_reading(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::BrokenPipe
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
    )
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};

    use super::*;

    #[tokio::test]
    async fn the_answer_sent_before_the_server_stopped_reading_is_still_read() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            let (mut connection, _) = listener.accept().await.unwrap();
            let mut head = [0; 16];
            connection.read_exact(&mut head).await.unwrap();
            connection.write_all(b"refused").await.unwrap();
            // Closing with the rest of the request unread: the kernel
            // answers the client's next bytes with a reset.
        });

        let mut client = EarlyAnswerStream::new(TcpStream::connect(address).await.unwrap());
        let write_failed = client.write_failure_flag();
        let chunk = vec![b' '; 64 * 1024];
        let sending = async {
            // Far more than loopback's socket buffers hold.
            for _ in 0..1024 {
                client.write_all(&chunk).await.unwrap();
                if write_failed.is_set() {
                    break;
                }
            }
        };
        tokio::time::timeout(Duration::from_secs(10), sending).await.unwrap();
        server.await.unwrap();

        assert!(write_failed.is_set(), "the server stopped reading, so a write failed");
        let mut answer = [0; 7];
        client.read_exact(&mut answer).await.unwrap();
        assert_eq!(&answer, b"refused");
    }
}
