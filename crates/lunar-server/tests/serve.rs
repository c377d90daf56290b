//! The server end to end: scripts in a temporary folder, a server on a
//! free loopback port, requests over real sockets.

use lunar_server::{Config, LimitSettings, Server};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A folder of scripts that removes itself.
struct Scripts(PathBuf);

impl Scripts {
    fn new(name: &str, files: &[(&str, &str)]) -> Scripts {
        let dir = std::env::temp_dir().join(format!("lunar-serve-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (file, source) in files {
            let path = dir.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, source).unwrap();
        }
        Scripts(dir)
    }

    fn write(&self, file: &str, source: &str) {
        std::fs::write(self.0.join(file), source).unwrap();
    }
}

impl Drop for Scripts {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn config(dir: &Path) -> Config {
    Config {
        dir: dir.to_path_buf(),
        listen: "127.0.0.1:0".into(),
        workers: 2,
        reload: false,
        ..Config::default()
    }
}

/// A response as the tests read it.
#[derive(Debug)]
struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// Sends one request (with `Connection: close`) and reads the response.
fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Resp {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n");
    for (n, v) in headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    parse(&raw)
}

fn parse(raw: &[u8]) -> Resp {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no head end: {text}"));
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(": "))
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    Resp {
        status,
        headers,
        body: body.to_string(),
    }
}

fn get(addr: SocketAddr, path: &str) -> Resp {
    request(addr, "GET", path, &[], b"")
}

#[test]
fn routes_answer_by_what_handlers_return() {
    let scripts = Scripts::new(
        "answers",
        &[
            (
                "index.lua",
                "return function(req) return 'home ' .. req.method end",
            ),
            (
                "api/users.lua",
                "return function(req) return {users = {'ann', 'bob'}, n = 2} end",
            ),
            (
                "api/echo.lua",
                "return function(req) return {status = 201, headers = {['x-echo'] = req.headers['x-in'], ['set-cookie'] = {'a=1', 'b=2'}}, body = req.query.q .. '|' .. req.body} end",
            ),
            (
                "api/multi.lua",
                "return function(req) return table.concat(req.query.k, ',') end",
            ),
            ("empty.lua", "return function() end"),
            ("num.lua", "return function() return 42 end"),
            ("docs/index.lua", "return function(req) return req.path end"),
            (
                "_lib/text.lua",
                "return {shout = function(s) return s:upper() end}",
            ),
            (
                "shout.lua",
                "local text = require('_lib.text') return function(req) return text.shout(req.query.s) end",
            ),
        ],
    );
    let server = Server::start(config(&scripts.0)).unwrap();
    let addr = server.local_addr();

    let r = get(addr, "/");
    assert_eq!((r.status, r.body.as_str()), (200, "home GET"));
    assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
    assert!(r.header("x-request-id").is_some());

    let r = get(addr, "/api/users");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(
        r.json(),
        serde_json::json!({"users": ["ann", "bob"], "n": 2})
    );

    let r = request(
        addr,
        "POST",
        "/api/echo?q=a%20b",
        &[("X-In", "hello")],
        b"payload",
    );
    assert_eq!((r.status, r.body.as_str()), (201, "a b|payload"));
    assert_eq!(r.header("x-echo"), Some("hello"));
    let cookies: Vec<&str> = r
        .headers
        .iter()
        .filter(|(n, _)| n == "set-cookie")
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(cookies, ["a=1", "b=2"]);

    let r = get(addr, "/api/multi?k=1&k=2&k=3");
    assert_eq!(r.body, "1,2,3");
    assert_eq!(get(addr, "/empty").status, 204);
    assert_eq!(get(addr, "/num").body, "42");
    assert_eq!(get(addr, "/docs/").body, "/docs/");
    assert_eq!(get(addr, "/shout?s=hey").body, "HEY");

    // Private modules are not routes; unknown paths are 404 in JSON.
    let r = get(addr, "/_lib/text");
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["error"], "no route for this path");

    // The client's request id is kept.
    let r = request(addr, "GET", "/", &[("X-Request-Id", "abc-123")], b"");
    assert_eq!(r.header("x-request-id"), Some("abc-123"));
    server.shutdown();
    server.wait();
}

#[test]
fn errors_and_limits_get_their_status_and_the_worker_keeps_serving() {
    let scripts = Scripts::new(
        "errors",
        &[
            ("boom.lua", "return function() error('secret detail') end"),
            ("table_error.lua", "return function() error({code = 7}) end"),
            (
                "forbidden.lua",
                "return function() error({status = 403, body = 'no entry'}) end",
            ),
            (
                "json.lua",
                "return function(req) return {got = req:json()} end",
            ),
            ("loop.lua", "return function() while true do end end"),
            (
                "bomb.lua",
                "return function() local t = {} for i = 1, 1e9 do t[i] = ('x'):rep(100) .. i end end",
            ),
            (
                "recurse.lua",
                "local function f(n) return f(n + 1) + 1 end return function() return f(1) end",
            ),
            ("slow.lua", "return function() sleep(5) return 'late' end"),
            ("yield.lua", "return function() coroutine.yield(1) end"),
            ("notfn.lua", "return 42"),
            ("ok.lua", "return function() return 'ok' end"),
        ],
    );
    let mut config = config(&scripts.0);
    config.workers = 1;
    config.limits = LimitSettings {
        instructions: Some(5_000_000),
        memory: Some(8 << 20),
        deadline_ms: Some(2_000),
    };
    config.routes.insert(
        "/slow".into(),
        LimitSettings {
            deadline_ms: Some(200),
            ..Default::default()
        },
    );
    config.max_body_bytes = 1000;
    let server = Server::start(config).unwrap();
    let addr = server.local_addr();

    let r = get(addr, "/boom");
    assert_eq!(r.status, 500);
    assert!(!r.body.contains("secret"), "{}", r.body);
    assert_eq!(r.json()["error"], "internal server error");
    assert_eq!(r.json()["request_id"], r.header("x-request-id").unwrap());
    assert_eq!(get(addr, "/table_error").status, 500);
    let r = get(addr, "/forbidden");
    assert_eq!((r.status, r.body.as_str()), (403, "no entry"));

    let r = request(addr, "POST", "/json", &[], br#"{"a": [1, 2]}"#);
    assert_eq!(r.json(), serde_json::json!({"got": {"a": [1, 2]}}));
    let r = request(addr, "POST", "/json", &[], b"{oops");
    assert_eq!(r.status, 400);
    assert!(
        r.json()["error"]
            .as_str()
            .unwrap()
            .starts_with("malformed JSON body: "),
        "{}",
        r.body
    );

    let r = get(addr, "/loop");
    assert_eq!(
        (r.status, r.json()["error"].as_str()),
        (503, Some("instructions limit exceeded"))
    );
    let r = get(addr, "/bomb");
    assert_eq!(
        (r.status, r.json()["error"].as_str()),
        (503, Some("memory limit exceeded"))
    );
    let r = get(addr, "/recurse");
    assert_eq!(r.status, 500);
    let start = Instant::now();
    let r = get(addr, "/slow");
    assert_eq!(
        (r.status, r.json()["error"].as_str()),
        (504, Some("deadline limit exceeded"))
    );
    assert!(start.elapsed() < Duration::from_secs(3));
    assert_eq!(get(addr, "/yield").status, 500);
    assert_eq!(get(addr, "/notfn").status, 500);

    let r = request(addr, "POST", "/ok", &[], &[b'x'; 5000]);
    assert_eq!(r.status, 413);

    // After all that, the one worker still serves.
    for _ in 0..3 {
        assert_eq!(get(addr, "/ok").body, "ok");
    }
    server.shutdown();
    server.wait();
}

#[test]
fn operations_endpoints() {
    let scripts = Scripts::new(
        "ops",
        &[
            ("a.lua", "return function() return 'a' end"),
            ("broken.lua", "return function("),
        ],
    );
    let server = Server::start(config(&scripts.0)).unwrap();
    let addr = server.local_addr();
    assert_eq!(get(addr, "/healthz").body, "ok\n");
    let r = get(addr, "/readyz");
    assert_eq!(r.status, 503);
    let errors = &r.json()["errors"];
    assert!(
        errors["broken.lua"]
            .as_str()
            .unwrap()
            .contains("broken.lua:1:"),
        "{}",
        r.body
    );
    for _ in 0..3 {
        assert_eq!(get(addr, "/a").status, 200);
    }
    let m = get(addr, "/metrics").body;
    assert!(
        m.contains("lunar_requests_total{route=\"/a\",status=\"200\"} 3"),
        "{m}"
    );
    assert!(m.contains("lunar_script_errors 1"), "{m}");
    assert!(m.contains("lunar_workers 2"), "{m}");
    assert!(m.contains("lunar_requests_in_flight 0"), "{m}");
    // Three requests on two workers: at least one reused a state.
    let reuses: u64 = m
        .lines()
        .find_map(|l| l.strip_prefix("lunar_state_reuses_total "))
        .unwrap()
        .parse()
        .unwrap();
    assert!(reuses >= 1, "{m}");
    assert!(
        m.contains("lunar_request_duration_seconds_count{route=\"/a\"} 3"),
        "{m}"
    );

    scripts.write("broken.lua", "return function() return 'fixed' end");
    server.reload();
    let r = get(addr, "/readyz");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(get(addr, "/broken").body, "fixed");
    server.shutdown();
    server.wait();
}

#[test]
fn hot_reload_keeps_the_last_good_version_and_loses_no_request() {
    let scripts = Scripts::new("reload", &[("v.lua", "return function() return 'v1' end")]);
    let mut config = config(&scripts.0);
    config.reload = true;
    let server = Server::start(config).unwrap();
    let addr = server.local_addr();
    assert_eq!(get(addr, "/v").body, "v1");

    // Load on the route while it changes, breaks and is fixed.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let load: Vec<_> = (0..2)
        .map(|_| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut seen = Vec::new();
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let r = get(addr, "/v");
                    assert_eq!(r.status, 200, "{}", r.body);
                    seen.push(r.body);
                }
                seen
            })
        })
        .collect();
    let wait_for = |want: &str| {
        let until = Instant::now() + Duration::from_secs(10);
        while get(addr, "/v").body != want {
            assert!(Instant::now() < until, "never saw {want}");
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    scripts.write("v.lua", "return function() return 'v2' end");
    wait_for("v2");
    scripts.write("v.lua", "return function( return 'broken' end");
    let until = Instant::now() + Duration::from_secs(10);
    loop {
        let r = get(addr, "/readyz");
        if r.json()["errors"].get("v.lua").is_some() {
            // Listed, but still ready: the last good version serves.
            assert_eq!(r.status, 200, "{}", r.body);
            break;
        }
        assert!(
            Instant::now() < until,
            "the broken script never showed on /readyz"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(get(addr, "/v").body, "v2");
    scripts.write("v.lua", "return function() return 'v3' end");
    wait_for("v3");
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut total = 0;
    for t in load {
        let seen = t.join().unwrap();
        assert!(
            seen.iter().all(|b| b == "v1" || b == "v2" || b == "v3"),
            "{seen:?}"
        );
        total += seen.len();
    }
    assert!(total > 0);
    let m = get(addr, "/metrics").body;
    assert!(m.contains("lunar_reloads_total{result=\"failed\"}"), "{m}");
    server.shutdown();
    server.wait();
}

#[test]
fn shutdown_drains_requests_in_flight() {
    let scripts = Scripts::new(
        "drain",
        &[("slow.lua", "return function() sleep(0.3) return 'done' end")],
    );
    let server = Server::start(config(&scripts.0)).unwrap();
    let addr = server.local_addr();
    let clients: Vec<_> = (0..6)
        .map(|_| std::thread::spawn(move || get(addr, "/slow")))
        .collect();
    std::thread::sleep(Duration::from_millis(100));
    server.shutdown();
    for c in clients {
        let r = c.join().unwrap();
        assert_eq!((r.status, r.body.as_str()), (200, "done"));
    }
    server.wait();
    // Gone: new connections are refused.
    assert!(TcpStream::connect(addr).is_err());
}

#[test]
fn waiting_scripts_do_not_block_a_worker() {
    let scripts = Scripts::new(
        "waiting",
        &[
            ("wait.lua", "return function() sleep(0.5) return 'woke' end"),
            ("fast.lua", "return function() return 'fast' end"),
        ],
    );
    let mut config = config(&scripts.0);
    config.workers = 1;
    let server = Server::start(config).unwrap();
    let addr = server.local_addr();
    let waiting: Vec<_> = (0..20)
        .map(|_| std::thread::spawn(move || get(addr, "/wait")))
        .collect();
    std::thread::sleep(Duration::from_millis(100));
    let start = Instant::now();
    assert_eq!(get(addr, "/fast").body, "fast");
    assert!(
        start.elapsed() < Duration::from_millis(300),
        "{:?}",
        start.elapsed()
    );
    for w in waiting {
        assert_eq!(w.join().unwrap().body, "woke");
    }
    server.shutdown();
    server.wait();
}

#[test]
fn bad_configuration_and_folders_are_errors() {
    let e = Server::start(Config {
        dir: "/nonexistent-lunar-dir".into(),
        listen: "127.0.0.1:0".into(),
        ..Config::default()
    })
    .unwrap_err();
    assert!(e.contains("cannot read /nonexistent-lunar-dir"), "{e}");
    let scripts = Scripts::new("badcfg", &[]);
    let e = Server::start(Config {
        listen: "999.1.1.1:80".into(),
        ..config(&scripts.0)
    })
    .unwrap_err();
    assert!(e.contains("listen"), "{e}");
}

#[test]
fn globals_a_request_creates_do_not_reach_the_next() {
    let scripts = Scripts::new(
        "globals",
        &[(
            "g.lua",
            "loaded_at_top = 'kept'\nlocal count = 0\nreturn function(req)\n  count = count + 1\n  local seen = leaked\n  leaked = req.query.v\n  return tostring(seen) .. ' ' .. loaded_at_top .. ' ' .. count\nend",
        )],
    );
    let mut config = config(&scripts.0);
    config.workers = 1;
    let server = Server::start(config).unwrap();
    let addr = server.local_addr();
    assert_eq!(get(addr, "/g?v=a").body, "nil kept 1");
    // The state is reused (its upvalue counts on), but `leaked` is gone.
    assert_eq!(get(addr, "/g?v=b").body, "nil kept 2");
    server.shutdown();
    server.wait();
}

#[test]
fn slow_clients_are_cut_off() {
    let scripts = Scripts::new(
        "slowclient",
        &[(
            "ok.lua",
            "return function(req) return 'ok ' .. #req.body end",
        )],
    );
    let mut config = config(&scripts.0);
    config.client_timeout_ms = 300;
    let server = Server::start(config).unwrap();
    let addr = server.local_addr();

    // A head that never ends: the connection is closed.
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(b"GET /ok HTTP/1.1\r\nHost: t\r\n").unwrap();
    let start = Instant::now();
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
    let text = String::from_utf8_lossy(&raw);
    assert!(raw.is_empty() || text.starts_with("HTTP/1.1 408"), "{text}");

    // A body that never comes: 408 with a reason.
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(b"POST /ok HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nab")
        .unwrap();
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let r = parse(&raw);
    assert_eq!(r.status, 408);
    assert_eq!(r.json()["error"], "request body not received in time");

    // Meanwhile others are served.
    assert_eq!(get(addr, "/ok").body, "ok 0");
    server.shutdown();
    server.wait();
}

#[test]
fn memory_returns_to_its_level_after_memory_bombs() {
    let scripts = Scripts::new(
        "bombs",
        &[(
            "bomb.lua",
            "return function() local t = {} for i = 1, 1e9 do t[i] = ('x'):rep(64) .. i end end",
        )],
    );
    let mut config = config(&scripts.0);
    config.workers = 1;
    config.limits.memory = Some(16 << 20);
    let server = Server::start(config).unwrap();
    let addr = server.local_addr();
    let rss = || -> u64 {
        let m = get(addr, "/metrics").body;
        let line = m
            .lines()
            .find(|l| l.starts_with("lunar_resident_memory_bytes "))
            .unwrap();
        line.split(' ').nth(1).unwrap().parse().unwrap()
    };
    assert_eq!(get(addr, "/bomb").status, 503);
    let before = rss();
    for _ in 0..10 {
        let r = get(addr, "/bomb");
        assert_eq!(
            (r.status, r.json()["error"].as_str()),
            (503, Some("memory limit exceeded"))
        );
    }
    let after = rss();
    // Ten bombs of 16 MiB each, kept, would add 160 MiB.
    assert!(
        after < before + (40 << 20),
        "RSS went from {before} to {after}"
    );
    server.shutdown();
    server.wait();
}

#[test]
fn serves_https_with_a_certificate() {
    use tokio_rustls::rustls;
    let scripts = Scripts::new(
        "tls",
        &[(
            "hi.lua",
            "return function(req) return 'secure ' .. req.path end",
        )],
    );
    let ck = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let cert_file = scripts.0.join("_cert.pem");
    let key_file = scripts.0.join("_key.pem");
    std::fs::write(&cert_file, ck.cert.pem()).unwrap();
    std::fs::write(&key_file, ck.signing_key.serialize_pem()).unwrap();
    let mut config = config(&scripts.0);
    config.tls = Some(lunar_server::TlsSettings {
        cert: cert_file.clone(),
        key: key_file.clone(),
    });
    let server = Server::start(config.clone()).unwrap();
    let addr = server.local_addr();

    let mut roots = rustls::RootCertStore::empty();
    roots.add(ck.cert.der().clone()).unwrap();
    #[allow(deprecated)] // the provider the server uses
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let client = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let body = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async move {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
            let connector = tokio_rustls::TlsConnector::from(std::sync::Arc::new(client));
            let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
            let mut tls = connector.connect(name, tcp).await.unwrap();
            tls.write_all(b"GET /hi HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .await
                .unwrap();
            let mut raw = Vec::new();
            let _ = tls.read_to_end(&mut raw).await;
            parse(&raw)
        });
    assert_eq!((body.status, body.body.as_str()), (200, "secure /hi"));
    // Plain HTTP on the TLS port gets no answer.
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(b"GET /hi HTTP/1.1\r\nHost: t\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    assert!(!String::from_utf8_lossy(&raw).contains("secure"));
    server.shutdown();
    server.wait();

    // A key that is not a key is an error naming the file.
    config.tls = Some(lunar_server::TlsSettings {
        cert: cert_file.clone(),
        key: cert_file.clone(),
    });
    let e = Server::start(config).unwrap_err();
    assert!(e.starts_with("tls: cannot read a private key from"), "{e}");
}

#[test]
fn reading_the_scripts_does_not_reload_them() {
    let scripts = Scripts::new(
        "noloop",
        &[
            ("a.lua", "return function() return 'a' end"),
            ("b.lua", "return function() return 'b' end"),
        ],
    );
    let mut config = config(&scripts.0);
    config.reload = true;
    let server = Server::start(config).unwrap();
    let addr = server.local_addr();
    let generation = |addr| get(addr, "/readyz").json()["generation"].as_u64().unwrap();
    // A reload reads (opens) every script; those events must not start
    // another reload.
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(generation(addr), 1);
    scripts.write("a.lua", "return function() return 'a2' end");
    let until = Instant::now() + Duration::from_secs(10);
    while get(addr, "/a").body != "a2" {
        assert!(Instant::now() < until, "the change was never picked up");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(generation(addr), 2);
    server.shutdown();
    server.wait();
}

#[test]
fn scripts_cannot_fill_the_process_through_kv() {
    let scripts = Scripts::new(
        "kvfull",
        &[(
            "fill.lua",
            "return function()\n  local v = ('x'):rep(1000)\n  for i = 1, 10000 do\n    local ok, e = pcall(kv.set, 'k' .. i, v)\n    if not ok then return 'stopped at ' .. i .. ': ' .. e end\n  end\n  return 'never full'\nend",
        )],
    );
    let mut config = config(&scripts.0);
    config.kv.max_bytes = 256 << 10;
    let server = Server::start(config).unwrap();
    let addr = server.local_addr();
    let r = get(addr, "/fill");
    assert_eq!(r.status, 200);
    assert!(r.body.starts_with("stopped at "), "{}", r.body);
    assert!(
        r.body.ends_with(": kv: store full (max_bytes)"),
        "{}",
        r.body
    );
    server.shutdown();
    server.wait();
}
