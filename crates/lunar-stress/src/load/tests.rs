//! Tests of the generator against small in-test HTTP servers.

use super::*;
use bytes::Bytes;
use http_body_util::Full;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::sync::Mutex;
use std::sync::atomic::AtomicU64;

/// What the test server saw.
#[derive(Default)]
struct Seen {
    /// Arrival time and path of every request, in order.
    requests: Mutex<Vec<(Instant, String)>>,
    /// Connections accepted.
    connections: AtomicU64,
}

type Handler = dyn Fn(u64, &str) -> (u16, Duration) + Send + Sync;

/// Serves on `listener` (bound, non-blocking) from `rt`: request `n`
/// (counting from 0, all connections together) to `path` gets
/// `handler(n, path)`: a status after a delay.
fn serve_on(
    rt: &tokio::runtime::Handle,
    listener: std::net::TcpListener,
    handler: Arc<Handler>,
) -> Arc<Seen> {
    let seen = Arc::new(Seen::default());
    let count = Arc::new(AtomicU64::new(0));
    let _entered = rt.enter();
    let listener = tokio::net::TcpListener::from_std(listener).unwrap();
    let seen2 = seen.clone();
    rt.spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            seen2.connections.fetch_add(1, Ordering::Relaxed);
            let (seen, count, handler) = (seen2.clone(), count.clone(), handler.clone());
            tokio::spawn(async move {
                let service = service_fn(move |req: Request<hyper::body::Incoming>| {
                    let path = req.uri().path().to_string();
                    seen.requests
                        .lock()
                        .unwrap()
                        .push((Instant::now(), path.clone()));
                    let n = count.fetch_add(1, Ordering::Relaxed);
                    let (status, delay) = handler(n, &path);
                    async move {
                        if delay > Duration::ZERO {
                            tokio::time::sleep(delay).await;
                        }
                        let mut resp =
                            Response::new(Full::new(Bytes::from_static(b"{\"ok\":true}")));
                        *resp.status_mut() = hyper::StatusCode::from_u16(status).unwrap();
                        Ok::<_, Infallible>(resp)
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    seen
}

/// A test server on a free port of 127.0.0.1.
fn server(
    generator: &Generator,
    handler: impl Fn(u64, &str) -> (u16, Duration) + Send + Sync + 'static,
) -> (SocketAddr, Arc<Seen>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    (
        addr,
        serve_on(&generator.handle(), listener, Arc::new(handler)),
    )
}

/// A port on 127.0.0.1 where nothing listens (bound, then closed).
fn closed_port() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap()
}

fn generator() -> Generator {
    Generator::new(2, &[], 64).unwrap()
}

#[test]
fn the_rate_is_kept_and_spread_in_time() {
    let g = generator();
    let (addr, seen) = server(&g, |_, _| (200, Duration::ZERO));
    let spec = StepSpec::get("/ok", 400.0, Duration::from_secs(1));
    let r = g.run_step(addr, &spec);
    assert_eq!(r.sent, 400);
    assert_eq!(r.errors, 0, "{r:?}");
    assert_eq!(r.ok, 400);
    assert_eq!(r.statuses.get(&200), Some(&400));
    assert!((r.achieved_rps - 400.0).abs() <= 8.0, "{}", r.achieved_rps);
    assert!(
        r.latency.p50_ms > 0.0 && r.latency.p50_ms < 50.0,
        "{:?}",
        r.latency
    );
    assert!(r.send_lag_ms < 5.0, "lag {}", r.send_lag_ms);
    assert!(r.generator_cpu > 0.0);
    // Open loop at a fixed rate: as many arrivals in each half second,
    // not a burst at the start.
    let arrivals = seen.requests.lock().unwrap();
    let first = arrivals[0].0;
    let early = arrivals
        .iter()
        .filter(|(t, _)| *t < first + Duration::from_millis(500))
        .count();
    assert!(
        (170..=230).contains(&early),
        "{early} of 400 in the first half"
    );
    // 400 rps sizes 4 connections, not the default 64.
    assert_eq!(seen.connections.load(Ordering::Relaxed), 4);
}

#[test]
fn a_stalling_server_shows_in_the_percentiles() {
    let g = generator();
    // Every 10th request takes 200 ms; one connection, so the requests
    // meant to leave meanwhile wait (open loop: their wait counts).
    let (addr, _) = server(&g, |n, _| {
        let stall = if n % 10 == 9 { 200 } else { 0 };
        (200, Duration::from_millis(stall))
    });
    let mut spec = StepSpec::get("/ok", 20.0, Duration::from_millis(1500));
    spec.connections = 1;
    let r = g.run_step(addr, &spec);
    assert_eq!(r.sent, 30);
    assert_eq!(r.ok, 30, "{r:?}");
    assert!(r.latency.p99_ms >= 150.0, "{:?}", r.latency);
    // Of each 10 requests one stalls (200 ms) and the next three queue
    // behind it (150, 100, 50 ms): measured from the send, as a closed
    // loop would, only one in ten would be slow and p90 would be ~0.
    assert!(r.latency.p90_ms >= 100.0, "{:?}", r.latency);
    assert!(r.latency.p50_ms < 20.0, "{:?}", r.latency);
}

#[test]
fn the_generators_own_lateness_is_not_latency() {
    // One generator thread, blocked for 200 ms in the middle of the step;
    // the server runs on a runtime of its own and answers at once.
    let g = Generator::new(1, &[], 64).unwrap();
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    serve_on(
        server_rt.handle(),
        listener,
        Arc::new(|_, _| (200, Duration::ZERO)),
    );
    g.handle().spawn(async {
        tokio::time::sleep(Duration::from_millis(250)).await;
        std::thread::sleep(Duration::from_millis(200));
    });
    let r = g.run_step(
        addr,
        &StepSpec::get("/ok", 200.0, Duration::from_millis(600)),
    );
    assert_eq!(r.ok, 120, "{r:?}");
    // About 40 requests were up to 200 ms late: that is the generator's.
    // Counted as latency, the slowest tenth would be 140 ms or more; the
    // bound is loose because a busy machine (CI) stalls a request or two
    // on its own.
    assert!(r.send_lag_ms > 5.0, "lag {}", r.send_lag_ms);
    assert!(r.latency.p90_ms < 70.0, "{:?}", r.latency);
}

#[test]
fn wrong_statuses_are_errors() {
    let g = generator();
    let (addr, _) = server(&g, |n, _| {
        (if n % 2 == 0 { 200 } else { 503 }, Duration::ZERO)
    });
    let r = g.run_step(
        addr,
        &StepSpec::get("/ok", 200.0, Duration::from_millis(300)),
    );
    assert_eq!(r.sent, 60);
    assert_eq!(r.completed, 60);
    assert_eq!(r.statuses.get(&200), Some(&30));
    assert_eq!(r.statuses.get(&503), Some(&30));
    assert_eq!(r.ok, 30);
    assert_eq!(r.errors, 30);
    assert_eq!(r.transport_errors + r.timeouts, 0);
}

#[test]
fn a_refused_port_gives_transport_errors() {
    let g = generator();
    let r = g.run_step(
        closed_port(),
        &StepSpec::get("/ok", 100.0, Duration::from_millis(300)),
    );
    assert_eq!(r.sent, 30);
    assert_eq!(r.transport_errors, 30, "{r:?}");
    assert_eq!(r.errors, 30);
    assert_eq!(r.completed + r.retried + r.timeouts, 0);
}

#[test]
fn unanswered_requests_are_retried_until_their_timeout() {
    let g = generator();
    let mut spec = StepSpec::get("/ok", 50.0, Duration::from_millis(300));
    spec.retry_unanswered = true;
    spec.timeout = Duration::from_millis(200);
    let began = Instant::now();
    let r = g.run_step(closed_port(), &spec);
    assert!(began.elapsed() < Duration::from_millis(300 + 200 + 1000));
    assert_eq!(r.sent, 15);
    assert_eq!(r.retried, 15, "{r:?}");
    assert_eq!(r.timeouts, 15);
    assert_eq!(r.errors, 15);
    assert_eq!(r.transport_errors, 0);
}

#[test]
fn retried_requests_reach_a_server_that_comes_back() {
    let g = generator();
    let addr = closed_port();
    let mut spec = StepSpec::get("/ok", 100.0, Duration::from_millis(600));
    spec.retry_unanswered = true;
    spec.timeout = Duration::from_millis(1000);
    // The server starts listening 200 ms into the step (a restart).
    let handle = g.handle();
    let starter = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        let listener = std::net::TcpListener::bind(addr).unwrap();
        listener.set_nonblocking(true).unwrap();
        serve_on(&handle, listener, Arc::new(|_, _| (200, Duration::ZERO)))
    });
    let r = g.run_step(addr, &spec);
    let seen = starter.join().unwrap();
    assert_eq!(r.sent, 60);
    assert_eq!(r.ok, 60, "{r:?}");
    assert_eq!(r.errors, 0);
    // Each connection's request in flight at the outage is retried; the
    // ones queued behind it go on the new connection.
    assert!((4..30).contains(&r.retried), "{r:?}");
    // The requests that waited show the wait in their latency.
    assert!(r.latency.max_ms >= 100.0, "{:?}", r.latency);
    assert_eq!(seen.requests.lock().unwrap().len(), 60);
}

#[test]
fn unanswered_requests_time_out_within_the_bound() {
    let g = generator();
    let (addr, _) = server(&g, |_, _| (200, Duration::from_secs(30)));
    let mut spec = StepSpec::get("/slow", 50.0, Duration::from_millis(200));
    spec.timeout = Duration::from_millis(150);
    let began = Instant::now();
    let r = g.run_step(addr, &spec);
    assert!(began.elapsed() < Duration::from_millis(200 + 150 + 1000));
    assert_eq!(r.sent, 10);
    assert_eq!(r.timeouts, 10, "{r:?}");
    assert_eq!(r.completed, 0);
    assert_eq!(r.latency.p99_ms, 0.0);
}

#[test]
fn a_late_answer_is_a_timeout_that_keeps_its_connection() {
    let g = generator();
    // The first request takes 300 ms against a timeout of 200 ms.
    let (addr, seen) = server(&g, |n, _| {
        (200, Duration::from_millis(if n == 0 { 300 } else { 0 }))
    });
    let mut spec = StepSpec::get("/ok", 10.0, Duration::from_secs(1));
    spec.connections = 1;
    spec.timeout = Duration::from_millis(200);
    let r = g.run_step(addr, &spec);
    // Request 0 timed out in flight; request 1 (meant for 100 ms, due by
    // 300 ms) could not leave before the answer came: a timeout, never
    // sent; request 2 (200 ms) left at 300 ms and waited 100 ms.
    assert_eq!(r.sent, 10);
    assert_eq!(r.timeouts, 2, "{r:?}");
    assert_eq!(r.ok, 8);
    assert!(r.latency.max_ms >= 100.0, "{:?}", r.latency);
    assert_eq!(seen.connections.load(Ordering::Relaxed), 1);
    assert_eq!(seen.requests.lock().unwrap().len(), 9);
}

#[test]
fn disconnect_mode_hangs_up_after_sending() {
    let g = generator();
    let (addr, seen) = server(&g, |_, _| (200, Duration::from_millis(50)));
    let mut spec = StepSpec::get("/bye", 100.0, Duration::from_millis(300));
    spec.disconnect = true;
    let r = g.run_step(addr, &spec);
    assert_eq!(r.sent, 30);
    assert_eq!(r.disconnects, 30, "{r:?}");
    assert_eq!(r.completed + r.errors, 0);
    // One fresh connection per request, each carrying the request.
    assert_eq!(seen.connections.load(Ordering::Relaxed), 30);
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(seen.requests.lock().unwrap().len(), 30);
}

#[test]
fn warmup_is_sent_but_not_measured() {
    let g = generator();
    let (addr, seen) = server(&g, |_, _| (200, Duration::ZERO));
    let mut spec = StepSpec::get("/ok", 100.0, Duration::from_millis(300));
    spec.warmup = Duration::from_millis(200);
    let bar = indicatif::ProgressBar::hidden();
    spec.progress = Some(bar.clone());
    let r = g.run_step(addr, &spec);
    assert_eq!(r.sent, 30);
    assert_eq!(r.ok, 30);
    assert_eq!(seen.requests.lock().unwrap().len(), 50);
    // The bar counts the window's requests only.
    assert_eq!(bar.position(), 30);
}

#[test]
fn specs_of_one_run_go_together() {
    let g = generator();
    let (addr, seen) = server(&g, |_, path| {
        (if path == "/a" { 200 } else { 201 }, Duration::ZERO)
    });
    let a = StepSpec::get("/a", 100.0, Duration::from_millis(400));
    let mut b = StepSpec::get("/b", 50.0, Duration::from_millis(400));
    b.method = hyper::Method::POST;
    b.body = Some(Bytes::from_static(b"{}"));
    b.content_type = Some("application/json".to_string());
    b.expect_status = 201;
    let began = Instant::now();
    let r = g.run(addr, &[a, b]);
    // Together, not one after the other.
    assert!(began.elapsed() < Duration::from_millis(750));
    assert_eq!((r[0].route.as_str(), r[0].ok, r[0].errors), ("/a", 40, 0));
    assert_eq!((r[1].route.as_str(), r[1].ok, r[1].errors), ("/b", 20, 0));
    let seen = seen.requests.lock().unwrap();
    let first_b = seen.iter().position(|(_, p)| p == "/b").unwrap();
    assert!(first_b < 10, "/b started late: request {first_b}");
}

#[test]
fn an_absurd_rate_ends_within_the_bound() {
    let g = generator();
    let mut spec = StepSpec::get("/ok", 1e9, Duration::from_millis(50));
    spec.timeout = Duration::from_millis(10);
    let began = Instant::now();
    let r = g.run_step(closed_port(), &spec);
    assert!(began.elapsed() < Duration::from_millis(50 + 10 + 1000));
    assert_eq!(r.sent, 50_000_000);
    assert_eq!(r.errors, r.sent, "{r:?}");
}

#[test]
fn a_bad_route_fails_without_panicking() {
    let g = generator();
    let r = g.run_step(
        closed_port(),
        &StepSpec::get("no slash", 100.0, Duration::from_millis(100)),
    );
    assert_eq!(r.sent, 10);
    assert_eq!(r.transport_errors, 10);
    let r = g.run_step(
        closed_port(),
        &StepSpec::get("/ok", 0.0, Duration::from_millis(100)),
    );
    assert_eq!(r.sent, 0);
}

#[test]
fn closed_loop_answers_as_fast_as_it_can() {
    let g = generator();
    let (addr, seen) = server(&g, |_, _| (200, Duration::ZERO));
    let d = g.closed_loop_detail(addr, "/ok", 4, Duration::from_millis(300));
    assert!(d.rps > 100.0, "{d:?}");
    assert_eq!(d.non_200 + d.transport_errors, 0);
    assert!(d.responses as usize <= seen.requests.lock().unwrap().len());
    assert_eq!(seen.connections.load(Ordering::Relaxed), 4);
    assert!(g.closed_loop(closed_port(), "/ok", 2, Duration::from_millis(100)) == 0.0);
}

#[test]
fn the_upstream_answers_after_its_delay() {
    let g = generator();
    let addr = g.start_upstream(Duration::from_millis(100)).unwrap();
    let mut spec = StepSpec::get("/anything", 40.0, Duration::from_millis(500));
    // All 20 wait at once: 100 ms each, not 20 x 100 ms.
    spec.connections = 20;
    let began = Instant::now();
    let r = g.run_step(addr, &spec);
    assert!(began.elapsed() < Duration::from_millis(900));
    assert_eq!(r.ok, 20, "{r:?}");
    assert!(
        r.latency.p50_ms >= 100.0 && r.latency.p50_ms < 180.0,
        "{:?}",
        r.latency
    );
}

#[test]
fn connections_follow_the_rate() {
    let g = Generator::new(1, &[], 64).unwrap();
    let count = |rate: f64, conns: usize| {
        let mut s = StepSpec::get("/ok", rate, Duration::from_secs(10));
        s.connections = conns;
        g.connections_for(&s)
    };
    assert_eq!(count(100.0, 0), 4);
    assert_eq!(count(1_000.0, 0), 10);
    assert_eq!(count(100_000.0, 0), 64);
    assert_eq!(count(100.0, 200), 200);
    assert_eq!(count(0.2, 0), 2);
    assert_eq!(g.info().connections, 64);
    assert_eq!(g.info().threads, 1);
}

#[test]
fn threads_pin_to_existing_cpus_only() {
    let g = Generator::new(2, &[0], 8).unwrap();
    assert_eq!(g.info().cpus, vec![0]);
    // The workers run on CPU 0 only.
    let allowed = g.handle().block_on(async {
        tokio::spawn(async {
            let status = std::fs::read_to_string("/proc/thread-self/status").unwrap();
            status
                .lines()
                .find(|l| l.starts_with("Cpus_allowed_list:"))
                .unwrap()
                .split_whitespace()
                .nth(1)
                .unwrap()
                .to_string()
        })
        .await
        .unwrap()
    });
    assert_eq!(allowed, "0");
    assert!(Generator::new(1, &[100_000], 8).is_err());
    assert!(Generator::new(0, &[], 8).is_err());
}

#[test]
fn several_pinned_threads_share_a_step() {
    let cpus: Vec<usize> = core_affinity::get_core_ids()
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .take(2)
        .collect();
    let g = Generator::new(3, &cpus, 16).unwrap();
    let (addr, seen) = server(&g, |_, _| (200, Duration::ZERO));
    let r = g.run_step(
        addr,
        &StepSpec::get("/ok", 2_000.0, Duration::from_millis(300)),
    );
    assert_eq!(r.sent, 600);
    assert_eq!(r.ok, 600, "{r:?}");
    // 2000 rps asks for 20 connections; the generator's default caps it.
    assert_eq!(seen.connections.load(Ordering::Relaxed), 16);
}
