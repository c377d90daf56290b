//! The generator's side of HTTP: one HTTP/1.1 keep-alive connection with
//! one request in flight, the request a step sends again and again, and
//! the hang-up client of `disconnect` mode.
//!
//! A connection's hyper dispatcher is polled inside the task that sends
//! on it (see [`Conn::exchange`]) instead of in a task of its own: a
//! request then costs no wake-up of a second task, which matters at
//! 100k requests per second on one core.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{Connection, SendRequest};
use hyper::header::{CONTENT_TYPE, HOST, HeaderValue};
use hyper::{Method, Request, Uri};
use hyper_util::rt::TokioIo;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::{Pin, pin};
use std::task::Poll;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

/// The body type of the generator's requests.
pub(crate) type ReqBody = Full<Bytes>;

/// Why an exchange got no response.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The server never took the request: the connection was refused, or
    /// closed before any response came. Sent again under
    /// `retry_unanswered`.
    Unanswered,
    /// A reused keep-alive connection turned out closed before the
    /// request was written (the server closed it while idle): the request
    /// was never sent, so it goes out again on a fresh connection.
    Stale,
    /// Anything else: a malformed response, a reset mid-body.
    Transport,
}

/// The request of a step, built once and cloned per send.
pub(crate) struct Template {
    method: Method,
    uri: Uri,
    host: HeaderValue,
    content_type: Option<HeaderValue>,
    body: Bytes,
    /// The same request as bytes on the wire, for `disconnect` mode
    /// (written on a raw socket, which is then closed).
    raw: Bytes,
}

impl Template {
    /// The request for `route` (path and query) on `addr`; an error when
    /// the route or the content type is not valid in a request.
    pub(crate) fn new(
        addr: SocketAddr,
        method: &Method,
        route: &str,
        body: Option<&Bytes>,
        content_type: Option<&str>,
    ) -> Result<Template, String> {
        let uri: Uri = route.parse().map_err(|e| format!("route {route:?}: {e}"))?;
        if uri.scheme().is_some() || !route.starts_with('/') {
            return Err(format!("route {route:?}: want a path such as /ok"));
        }
        let host = HeaderValue::from_str(&addr.to_string()).map_err(|e| e.to_string())?;
        let content_type = content_type
            .map(HeaderValue::from_str)
            .transpose()
            .map_err(|e| format!("content type: {e}"))?;
        let body = body.cloned().unwrap_or_default();
        let mut raw = Vec::with_capacity(128 + body.len());
        raw.extend_from_slice(format!("{method} {route} HTTP/1.1\r\nHost: {addr}\r\n").as_bytes());
        if let Some(ct) = &content_type {
            raw.extend_from_slice(b"Content-Type: ");
            raw.extend_from_slice(ct.as_bytes());
            raw.extend_from_slice(b"\r\n");
        }
        if !body.is_empty() || method_has_body(method) {
            raw.extend_from_slice(format!("Content-Length: {}\r\n", body.len()).as_bytes());
        }
        raw.extend_from_slice(b"\r\n");
        raw.extend_from_slice(&body);
        Ok(Template {
            method: method.clone(),
            uri,
            host,
            content_type,
            body,
            raw: Bytes::from(raw),
        })
    }

    /// A fresh copy of the request (cheap: the parts are shared).
    pub(crate) fn request(&self) -> Request<ReqBody> {
        let mut req = Request::new(Full::new(self.body.clone()));
        *req.method_mut() = self.method.clone();
        *req.uri_mut() = self.uri.clone();
        let headers = req.headers_mut();
        headers.insert(HOST, self.host.clone());
        if let Some(ct) = &self.content_type {
            headers.insert(CONTENT_TYPE, ct.clone());
        }
        req
    }
}

/// Methods whose requests carry a length even when empty.
fn method_has_body(method: &Method) -> bool {
    matches!(*method, Method::POST | Method::PUT | Method::PATCH)
}

/// One open keep-alive connection.
pub(crate) struct Conn {
    sender: SendRequest<ReqBody>,
    driver: Pin<Box<Connection<TokioIo<TcpStream>, ReqBody>>>,
    /// The dispatcher has finished (the connection is closed).
    closed: bool,
}

impl Conn {
    /// Connects to `addr` (TCP_NODELAY) and does the HTTP/1 handshake.
    /// Every failure here is [`Failure::Unanswered`]: no request was
    /// written.
    pub(crate) async fn open(addr: SocketAddr) -> Result<Conn, Failure> {
        let stream = TcpStream::connect(addr)
            .await
            .map_err(|_| Failure::Unanswered)?;
        // Small requests must leave at once, not wait for Nagle's timer.
        stream.set_nodelay(true).map_err(|_| Failure::Unanswered)?;
        let (sender, driver) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|_| Failure::Unanswered)?;
        Ok(Conn {
            sender,
            driver: Box::pin(driver),
            closed: false,
        })
    }

    /// Whether another request may go on this connection.
    pub(crate) fn reusable(&self) -> bool {
        !self.closed && !self.sender.is_closed()
    }

    /// Sends `req`, reads the whole response, and returns its status.
    /// `reused`: the connection was opened before this request (then a
    /// connection found closed before writing is [`Failure::Stale`]).
    /// After an error the connection must be dropped.
    pub(crate) async fn exchange(
        &mut self,
        req: Request<ReqBody>,
        reused: bool,
    ) -> Result<u16, Failure> {
        let Conn {
            sender,
            driver,
            closed,
        } = self;
        let work = async move {
            if sender.ready().await.is_err() {
                return Err(if reused {
                    Failure::Stale
                } else {
                    Failure::Unanswered
                });
            }
            let resp = sender.send_request(req).await.map_err(|e| classify(&e))?;
            let status = resp.status().as_u16();
            let mut body = resp.into_body();
            while let Some(frame) = body.frame().await {
                frame.map_err(|_| Failure::Transport)?;
            }
            Ok(status)
        };
        drive(driver.as_mut(), closed, work).await
    }
}

/// Polls `work` and the connection's dispatcher together until `work`
/// is done. `work` is polled again right after the dispatcher, so a
/// response the dispatcher has just read is taken in the same poll.
async fn drive<F: Future>(
    mut driver: Pin<&mut Connection<TokioIo<TcpStream>, ReqBody>>,
    closed: &mut bool,
    work: F,
) -> F::Output {
    let mut work = pin!(work);
    std::future::poll_fn(move |cx| {
        if let Poll::Ready(out) = work.as_mut().poll(cx) {
            return Poll::Ready(out);
        }
        if !*closed {
            // A finished dispatcher fails whatever is waiting on it, so
            // `work` ends on its next poll.
            if driver.as_mut().poll(cx).is_ready() {
                *closed = true;
            }
            return work.as_mut().poll(cx);
        }
        Poll::Pending
    })
    .await
}

/// Sorts a hyper error from sending a request: a connection that closed
/// or reset before the response head means the server never answered.
fn classify(err: &hyper::Error) -> Failure {
    if err.is_canceled() || err.is_incomplete_message() || err.is_closed() {
        return Failure::Unanswered;
    }
    let mut source = std::error::Error::source(err);
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::*;
            if matches!(
                io.kind(),
                ConnectionReset | ConnectionAborted | BrokenPipe | UnexpectedEof
            ) {
                return Failure::Unanswered;
            }
        }
        source = e.source();
    }
    Failure::Transport
}

/// `disconnect` mode: connects, writes the request, and closes the
/// connection without waiting for an answer.
pub(crate) async fn send_and_hang_up(addr: SocketAddr, raw: &Template) -> Result<(), Failure> {
    let mut stream = TcpStream::connect(addr)
        .await
        .map_err(|_| Failure::Unanswered)?;
    stream.set_nodelay(true).map_err(|_| Failure::Unanswered)?;
    stream
        .write_all(&raw.raw)
        .await
        .map_err(|_| Failure::Unanswered)?;
    // Dropping the stream closes it: the server sees the request, then
    // the end of the connection, before it can answer.
    drop(stream);
    Ok(())
}
