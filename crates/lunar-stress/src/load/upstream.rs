//! A slow HTTP upstream for the mixed test: every request is answered
//! 200 with the body `upstream` after a fixed delay (a timer, so any
//! number wait at once).

use bytes::Bytes;
use http_body_util::Full;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpListener;

/// Binds 127.0.0.1:0 and serves there on `rt` until the runtime ends.
pub(crate) fn start(rt: &tokio::runtime::Handle, delay: Duration) -> Result<SocketAddr, String> {
    let std_listener =
        std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| format!("upstream: bind: {e}"))?;
    std_listener
        .set_nonblocking(true)
        .map_err(|e| format!("upstream: {e}"))?;
    let addr = std_listener
        .local_addr()
        .map_err(|e| format!("upstream: {e}"))?;
    let _entered = rt.enter();
    let listener = TcpListener::from_std(std_listener).map_err(|e| format!("upstream: {e}"))?;
    rt.spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                // Out of descriptors, most likely: wait for some to close.
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            };
            let _ = stream.set_nodelay(true);
            tokio::spawn(async move {
                let service = service_fn(move |_req: Request<hyper::body::Incoming>| async move {
                    tokio::time::sleep(delay).await;
                    Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(b"upstream"))))
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Ok(addr)
}
