//! The HTTP client against a local hyper server this test starts on
//! 127.0.0.1:0: from Rust (`HttpClient::request`) and from Lua (`http`).

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::{Frame, Incoming};
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use lunar_server::host_api::{self, HostServices};
use lunar_server::http_client::{HttpClient, HttpClientConfig, HttpError};
use lunar_server::kv::Kv;
use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

/// A body of `left` 16 KiB frames with no declared length (sent chunked).
struct Chunks {
    left: usize,
}

impl hyper::body::Body for Chunks {
    type Data = Bytes;
    type Error = Infallible;
    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if self.left == 0 {
            return Poll::Ready(None);
        }
        self.left -= 1;
        Poll::Ready(Some(Ok(Frame::data(Bytes::from(vec![b'x'; 16 << 10])))))
    }
}

fn full(b: impl Into<Bytes>) -> BoxBody<Bytes, Infallible> {
    Full::new(b.into()).boxed()
}

async fn handle(
    req: Request<Incoming>,
) -> Result<Response<BoxBody<Bytes, Infallible>>, Infallible> {
    let path = req.uri().path().to_string();
    let resp = match path.as_str() {
        "/hello" => Response::builder()
            .header("Content-Type", "text/plain")
            .header("X-Multi", "a")
            .header("X-Multi", "b")
            .body(full("hello")),
        "/echo" => {
            let method = req.method().to_string();
            let token = req
                .headers()
                .get("x-token")
                .map(|v| v.as_bytes().to_vec())
                .unwrap_or_default();
            let body = req.into_body().collect().await.unwrap().to_bytes();
            Response::builder()
                .status(201)
                .header("x-method", method)
                .header("x-token", token)
                .body(full(body))
        }
        "/slow" => {
            tokio::time::sleep(Duration::from_secs(3)).await;
            Response::builder().body(full("late"))
        }
        "/big" => Response::builder().body(full(vec![b'x'; 1 << 20])),
        "/chunked" => Response::builder().body(Chunks { left: 64 }.boxed()),
        "/small-chunked" => Response::builder().body(Chunks { left: 2 }.boxed()),
        _ => Response::builder().status(404).body(full("not found")),
    };
    Ok(resp.unwrap())
}

/// Starts the test server; its port.
async fn start_server() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            tokio::spawn(async move {
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), hyper::service::service_fn(handle))
                    .await;
            });
        }
    });
    port
}

/// A port nothing listens on (bound, then freed).
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn client() -> HttpClient {
    HttpClient::new(HttpClientConfig {
        allow_hosts: vec!["127.0.0.1".into()],
        timeout: Duration::from_secs(5),
        max_response_bytes: 64 << 10,
    })
}

#[tokio::test]
async fn rust_requests() {
    let port = start_server().await;
    let http = client();
    let url = |p: &str| format!("http://127.0.0.1:{port}{p}");

    let r = http
        .request("GET", &url("/hello"), vec![], vec![], None)
        .await
        .unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.body, b"hello");
    let get = |name: &str| -> Vec<Vec<u8>> {
        r.headers
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .collect()
    };
    assert_eq!(get("content-type"), [b"text/plain".to_vec()]);
    assert_eq!(get("x-multi"), [b"a".to_vec(), b"b".to_vec()]);

    let r = http
        .request(
            "post",
            &url("/echo"),
            vec![("X-Token".into(), b"secret".to_vec())],
            b"payload \0\xff".to_vec(),
            None,
        )
        .await
        .unwrap();
    assert_eq!(r.status, 201);
    assert_eq!(r.body, b"payload \0\xff");
    assert!(r.headers.contains(&("x-method".into(), b"POST".to_vec())));
    assert!(r.headers.contains(&("x-token".into(), b"secret".to_vec())));

    let r = http
        .request("GET", &url("/nope"), vec![], vec![], None)
        .await
        .unwrap();
    assert_eq!((r.status, r.body.as_slice()), (404, &b"not found"[..]));

    // Bodies within the bound, chunked or not.
    let r = http
        .request("GET", &url("/small-chunked"), vec![], vec![], None)
        .await
        .unwrap();
    assert_eq!(r.body.len(), 32 << 10);

    // Oversized, with and without a declared length.
    for p in ["/big", "/chunked"] {
        let e = http
            .request("GET", &url(p), vec![], vec![], None)
            .await
            .unwrap_err();
        assert_eq!(e, HttpError::TooLarge(64 << 10), "{p}");
        assert_eq!(e.to_string(), "http: response body larger than 65536 bytes");
    }

    // Timeout: the request's own, then the configured default.
    let started = Instant::now();
    let e = http
        .request(
            "GET",
            &url("/slow"),
            vec![],
            vec![],
            Some(Duration::from_millis(200)),
        )
        .await
        .unwrap_err();
    assert_eq!(e, HttpError::Timeout(Duration::from_millis(200)));
    assert_eq!(e.to_string(), "http: timed out after 0.2 s");
    assert!(started.elapsed() < Duration::from_secs(2));
    let short = HttpClient::new(HttpClientConfig {
        allow_hosts: vec!["127.0.0.1".into()],
        timeout: Duration::from_millis(100),
        ..Default::default()
    });
    let e = short
        .request("GET", &url("/slow"), vec![], vec![], None)
        .await
        .unwrap_err();
    assert_eq!(e, HttpError::Timeout(Duration::from_millis(100)));

    // Refused connection.
    let e = http
        .request(
            "GET",
            &format!("http://127.0.0.1:{}/", closed_port()),
            vec![],
            vec![],
            None,
        )
        .await
        .unwrap_err();
    assert!(matches!(e, HttpError::Network(_)), "{e:?}");
    assert!(e.to_string().contains("refused"), "{e}");
    assert!(!e.is_refusal());

    // Refusals: the allowlist, bad requests.
    let e = http
        .request("GET", "http://localhost:1/", vec![], vec![], None)
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "http: host 'localhost' is not allowed");
    assert!(e.is_refusal());
    let e = http
        .request("GE T", &url("/"), vec![], vec![], None)
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "http: invalid method 'GE T'");
    let e = http
        .request(
            "GET",
            &url("/"),
            vec![("bad name".into(), b"x".to_vec())],
            vec![],
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "http: invalid header name 'bad name'");
    let e = http
        .request(
            "GET",
            &url("/"),
            vec![("x-a".into(), b"a\nb".to_vec())],
            vec![],
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "http: invalid value for header 'x-a'");
}

/// A state with the host modules, the test server's port as `port`.
fn lua_state(port: u16) -> lunar::State {
    let mut state = lunar::State::new();
    let services = HostServices {
        kv: Kv::memory(),
        http: client(),
    };
    host_api::install(&mut state, &services).unwrap();
    state
        .set_global("base", format!("http://127.0.0.1:{port}"))
        .unwrap();
    state
        .set_global("closed", format!("http://127.0.0.1:{}/", closed_port()))
        .unwrap();
    state
}

async fn run(state: &mut lunar::State, code: &str) -> lunar::Result<String> {
    let p = lunar::Program::compile("t.lua", code).unwrap();
    state.run_async::<String>(&p).await
}

#[tokio::test]
async fn lua_requests() {
    let port = start_server().await;
    let mut state = lua_state(port);
    let ok = run(
        &mut state,
        r#"
        local r = http.get(base .. "/hello")
        assert(r.status == 200 and r.body == "hello", r.body)
        assert(r.headers["content-type"] == "text/plain")
        assert(r.headers["x-multi"] == "a, b", r.headers["x-multi"])

        r = http.post(base .. "/echo", "data\0", {headers = {["X-Token"] = "t1"}})
        assert(r.status == 201 and r.body == "data\0")
        assert(r.headers["x-method"] == "POST" and r.headers["x-token"] == "t1")

        -- A number body is its text.
        r = http.post(base .. "/echo", 42)
        assert(r.body == "42")

        r = http.request{method = "put", url = base .. "/echo", body = "b", headers = {["x-token"] = 7}}
        assert(r.status == 201 and r.body == "b" and r.headers["x-method"] == "PUT" and r.headers["x-token"] == "7")
        r = http.request{url = base .. "/hello"}
        assert(r.body == "hello")

        -- I/O failures: nil and a message.
        local r, err = http.get(base .. "/slow", {timeout = 0.2})
        assert(r == nil and err == "http: timed out after 0.2 s", err)
        r, err = http.get(closed)
        assert(r == nil and err:find("refused"), err)
        r, err = http.get(base .. "/big")
        assert(r == nil and err == "http: response body larger than 65536 bytes", err)
        -- TLS to a server that does not speak it: a failure, not a hang.
        r, err = http.get("https://127.0.0.1:" .. base:match(":(%d+)$") .. "/")
        assert(r == nil and err:find("^http: "), err)
        return "ok"
    "#,
    )
    .await
    .unwrap();
    assert_eq!(ok, "ok");

    // Refusals are errors, which pcall catches.
    let msg = run(
        &mut state,
        r#"local ok, e = pcall(http.get, "http://example.com/") return e"#,
    )
    .await
    .unwrap();
    assert_eq!(msg, "http: host 'example.com' is not allowed");
    let err = run(&mut state, "http.get('http://example.com/x')")
        .await
        .unwrap_err();
    assert_eq!(
        err.message(),
        "t.lua:1: http: host 'example.com' is not allowed"
    );
    let err = run(&mut state, "http.get('ftp://127.0.0.1/')")
        .await
        .unwrap_err();
    assert_eq!(err.message(), "t.lua:1: http: unsupported URL scheme 'ftp'");

    // Bad arguments.
    for (code, want) in [
        (
            "http.get()",
            "t.lua:1: bad argument #1 to 'get' (string expected, got no value)",
        ),
        (
            "http.get(base, 5)",
            "t.lua:1: bad argument #2 to 'get' (table expected, got number)",
        ),
        (
            "http.get(base, {timeout = -1})",
            "t.lua:1: bad argument #2 to 'get' (field 'timeout': seconds must be a non-negative number)",
        ),
        (
            "http.get(base, {headers = 1})",
            "t.lua:1: bad argument #2 to 'get' (field 'headers': table expected, got number)",
        ),
        (
            "http.post(base)",
            "t.lua:1: bad argument #2 to 'post' (string expected, got no value)",
        ),
        (
            "http.request{}",
            "t.lua:1: bad argument #1 to 'request' (field 'url': string expected, got nil)",
        ),
    ] {
        let err = run(&mut state, code).await.unwrap_err();
        assert_eq!(err.message(), want, "{code}");
    }
}

#[tokio::test]
async fn lua_requests_run_concurrently() {
    // Ten scripts each waiting on a slow request take one timeout, not ten.
    let port = start_server().await;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..10 {
        tasks.push(tokio::spawn(async move {
            let mut state = lua_state(port);
            run(
                &mut state,
                "local r, e = http.get(base .. '/slow', {timeout = 0.3}) return e",
            )
            .await
            .unwrap()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), "http: timed out after 0.3 s");
    }
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

/// Starts a TLS server with a self-signed certificate for `localhost`;
/// its port.
async fn start_tls_server() -> u16 {
    let ck = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let cert = ck.cert.der().clone();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(ck.signing_key.serialize_der().into());
    #[allow(deprecated)] // the provider the client uses
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                if let Ok(tls) = acceptor.accept(stream).await {
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(tls), hyper::service::service_fn(handle))
                        .await;
                }
            });
        }
    });
    port
}

#[tokio::test]
async fn https_verifies_certificates() {
    // The handshake happens, and a certificate no known authority signed
    // is refused.
    let port = start_tls_server().await;
    let http = HttpClient::new(HttpClientConfig {
        allow_hosts: vec!["localhost".into(), "127.0.0.1".into()],
        timeout: Duration::from_secs(5),
        ..Default::default()
    });
    let e = http
        .request(
            "GET",
            &format!("https://localhost:{port}/hello"),
            vec![],
            vec![],
            None,
        )
        .await
        .unwrap_err();
    assert!(matches!(e, HttpError::Network(_)), "{e:?}");
    assert!(e.to_string().contains("UnknownIssuer"), "{e}");
    // Plain HTTP to the TLS port is no answer either.
    let e = http
        .request(
            "GET",
            &format!("http://127.0.0.1:{port}/hello"),
            vec![],
            vec![],
            None,
        )
        .await
        .unwrap_err();
    assert!(matches!(e, HttpError::Network(_)), "{e:?}");
}

#[test]
fn client_outlives_the_runtime_that_used_it() {
    // Each runtime gets its own pool; one that is gone leaves no broken
    // connections behind for the others.
    let rt = || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    };
    let server_rt = tokio::runtime::Runtime::new().unwrap();
    let port = server_rt.block_on(start_server());
    let http = client();
    let url = format!("http://127.0.0.1:{port}/hello");
    let first = rt();
    let r = first
        .block_on(http.request("GET", &url, vec![], vec![], None))
        .unwrap();
    assert_eq!(r.body, b"hello");
    drop(first);
    let r = rt()
        .block_on(http.request("GET", &url, vec![], vec![], None))
        .unwrap();
    assert_eq!(r.body, b"hello");
}
