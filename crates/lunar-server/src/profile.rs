//! CPU profiles on demand: `GET /debug/pprof/profile?seconds=N` samples
//! the whole process (every worker thread) for N seconds and answers an
//! SVG flame graph.
//!
//! Off unless the configuration says `profiling = true` (the route then
//! answers 404 like any path without a script): sampling costs CPU, and
//! the graph shows the names of the server's functions. The sampler is
//! pprof-rs's: a process-wide `setitimer(ITIMER_PROF)` whose SIGPROF
//! handler records a backtrace of the thread that used the CPU. The
//! handler is installed only while a profile runs (and SIGPROF ignored
//! after it), so nothing changes for a server that is not profiled; it
//! restarts interrupted system calls (`SA_RESTART`). One profile runs at
//! a time (the sampler is one per process): a second request meanwhile
//! gets 409.
//!
//! The worker that serves the request is not blocked while sampling: it
//! sleeps on its timer, serving other requests, and only turning the
//! samples into a graph (symbol look-ups) runs on the blocking pool.

use crate::response;
use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderValue};
use hyper::{Response, StatusCode};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// The path of the endpoint.
pub(crate) const PATH: &str = "/debug/pprof/profile";

/// Seconds sampled when the query names none.
const DEFAULT_SECONDS: u64 = 10;

/// The longest profile a request may ask for.
const MAX_SECONDS: u64 = 60;

/// Samples per second of CPU time (Go's pprof takes 100; 99 keeps the
/// sampler out of step with work that repeats every 10 ms).
const FREQUENCY: i32 = 99;

/// Said when pprof-rs cannot create its profiler: it keeps the samples
/// in a temporary file, and once that failed it fails until a restart.
/// A container with a read-only root needs a writable `/tmp`.
const CREATE_HINT: &str = " (the profiler needs a writable temporary folder: TMPDIR, else /tmp)";

/// Whether a profile is running (the sampler is one per process).
static RUNNING: AtomicBool = AtomicBool::new(false);

/// Holds [`RUNNING`] while alive: released however the profile ends,
/// a dropped request or a panic included.
struct Running;

impl Running {
    /// Takes the flag, or `None` when a profile runs already.
    fn take() -> Option<Running> {
        RUNNING
            .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
            .then_some(Running)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        RUNNING.store(false, Ordering::Release);
    }
}

/// `GET /debug/pprof/profile[?seconds=N]`: samples every thread's CPU
/// use for N seconds (default 10, 1 to 60) and answers the flame graph
/// as `image/svg+xml`. 400 for a bad N, 409 while another profile runs,
/// 500 when the sampler cannot start.
pub(crate) async fn profile(query: Option<&str>) -> Response<Full<Bytes>> {
    let seconds = match seconds(query) {
        Ok(s) => s,
        Err(why) => return response::text(StatusCode::BAD_REQUEST, &why),
    };
    let Some(running) = Running::take() else {
        return response::text(
            StatusCode::CONFLICT,
            "a profile is already running; try again when it ends\n",
        );
    };
    let guard = match pprof::ProfilerGuardBuilder::default()
        .frequency(FREQUENCY)
        // Unwinding from inside these (in a dynamically linked build) can
        // deadlock or crash the signal handler; pprof-rs advises leaving
        // them out. A static `lunar` has no such libraries: nothing is
        // left out there.
        .blocklist(&["libc", "libgcc", "pthread", "vdso"])
        .build()
    {
        Ok(g) => g,
        Err(e) => {
            let hint = match e {
                pprof::Error::CreatingError => CREATE_HINT,
                _ => "",
            };
            tracing::error!(error = %e, hint, "cannot start the CPU profiler");
            return response::text(
                StatusCode::INTERNAL_SERVER_ERROR,
                &format!("cannot start the profiler: {e}{hint}\n"),
            );
        }
    };
    tracing::info!(seconds, "CPU profile started");
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    // The guard and the flag go to the blocking pool together: the flag
    // is released only once the sampler has stopped, even if this
    // request is dropped meanwhile.
    let rendered = tokio::task::spawn_blocking(move || {
        let svg = render(&guard, seconds);
        drop(guard);
        drop(running);
        svg
    })
    .await;
    match rendered {
        Ok(Ok(svg)) => {
            tracing::info!(seconds, bytes = svg.len(), "CPU profile done");
            let mut resp = Response::new(Full::new(Bytes::from(svg)));
            let headers = resp.headers_mut();
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("image/svg+xml"));
            headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
            resp
        }
        Ok(Err(why)) => {
            tracing::error!(error = %why, "CPU profile failed");
            response::text(StatusCode::INTERNAL_SERVER_ERROR, &format!("{why}\n"))
        }
        Err(e) => {
            tracing::error!(error = %e, "CPU profile failed");
            response::text(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the profile could not be drawn\n",
            )
        }
    }
}

/// The `seconds` of a query string: the default when absent, else a
/// whole number from 1 to [`MAX_SECONDS`].
fn seconds(query: Option<&str>) -> Result<u64, String> {
    let Some(query) = query else {
        return Ok(DEFAULT_SECONDS);
    };
    let Some((_, value)) = form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == "seconds")
    else {
        return Ok(DEFAULT_SECONDS);
    };
    match value.parse::<u64>() {
        Ok(n) if (1..=MAX_SECONDS).contains(&n) => Ok(n),
        _ => Err(format!(
            "seconds must be a whole number from 1 to {MAX_SECONDS}, not '{value}'\n"
        )),
    }
}

/// The samples so far as an SVG flame graph (one tower per thread, named
/// by the thread: `lunar-worker-0`, ...).
fn render(guard: &pprof::ProfilerGuard<'_>, seconds: u64) -> Result<Vec<u8>, String> {
    let report = guard
        .report()
        .build()
        .map_err(|e| format!("cannot read the samples: {e}"))?;
    let samples: isize = report.data.values().sum();
    let mut svg = Vec::new();
    if samples == 0 {
        // pprof-rs writes nothing for no samples: say so in a picture
        // rather than answer an empty body.
        svg.extend_from_slice(empty_graph(seconds).as_bytes());
        return Ok(svg);
    }
    let mut options = pprof::flamegraph::Options::default();
    options.title = format!("lunar serve: CPU, {seconds} s, {samples} samples at {FREQUENCY} Hz");
    options.count_name = "samples".to_string();
    report
        .flamegraph_with_options(&mut svg, &mut options)
        .map_err(|e| format!("cannot draw the flame graph: {e}"))?;
    Ok(svg)
}

/// The picture for a profile without a sample: the process used no CPU
/// time the sampler saw.
fn empty_graph(seconds: u64) -> String {
    format!(
        concat!(
            r#"<?xml version="1.0" standalone="no"?>"#,
            "\n",
            r#"<svg version="1.1" width="1200" height="60" xmlns="http://www.w3.org/2000/svg">"#,
            r#"<text x="600" y="36" text-anchor="middle" font-family="Verdana" font-size="17">"#,
            "lunar serve: no CPU samples in {} s (the process was idle)</text></svg>\n"
        ),
        seconds
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;
    use std::sync::Mutex;
    use std::sync::atomic::AtomicBool;
    use std::time::Instant;

    /// The sampler is one per process: the tests that start it take
    /// turns.
    static SERIAL: Mutex<()> = Mutex::new(());

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    async fn body(resp: Response<Full<Bytes>>) -> (StatusCode, Option<String>, Vec<u8>) {
        let status = resp.status();
        let ctype = resp
            .headers()
            .get(CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_string());
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        (status, ctype, bytes.to_vec())
    }

    /// Burns CPU until `stop`, in a function the graph can name.
    #[inline(never)]
    fn lunar_profile_test_spin(stop: &AtomicBool) -> u64 {
        let mut x = 1u64;
        while !stop.load(Ordering::Relaxed) {
            for i in 0..10_000u64 {
                x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(i));
            }
        }
        x
    }

    #[test]
    fn seconds_default_and_bounds() {
        assert_eq!(seconds(None), Ok(10));
        assert_eq!(seconds(Some("")), Ok(10));
        assert_eq!(seconds(Some("debug=1")), Ok(10));
        assert_eq!(seconds(Some("seconds=1")), Ok(1));
        assert_eq!(seconds(Some("x=y&seconds=60")), Ok(60));
        for bad in [
            "seconds=0",
            "seconds=61",
            "seconds=-1",
            "seconds=1.5",
            "seconds=",
            "seconds=ten",
        ] {
            let e = seconds(Some(bad)).unwrap_err();
            assert!(
                e.starts_with("seconds must be a whole number from 1 to 60"),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn a_bad_duration_is_400_and_starts_nothing() {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let (status, _, text) =
            runtime().block_on(async { body(profile(Some("seconds=600")).await).await });
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(String::from_utf8_lossy(&text).contains("not '600'"));
        assert!(!RUNNING.load(Ordering::Acquire));
    }

    #[test]
    fn a_profile_of_a_spinning_thread_is_a_flame_graph() {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let s = std::sync::Arc::clone(&stop);
        let spinner = std::thread::Builder::new()
            .name("profile-spinner".into())
            .spawn(move || lunar_profile_test_spin(&s))
            .unwrap();
        let started = Instant::now();
        let (status, ctype, svg) =
            runtime().block_on(async { body(profile(Some("seconds=1")).await).await });
        stop.store(true, Ordering::Relaxed);
        spinner.join().unwrap();
        assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&svg));
        assert_eq!(ctype.as_deref(), Some("image/svg+xml"));
        assert!(started.elapsed() >= Duration::from_secs(1));
        let svg = String::from_utf8(svg).unwrap();
        assert!(svg.contains("<svg"), "{svg}");
        // The spinning thread's tower, down to the function that spun.
        assert!(
            svg.contains("profile-spinner"),
            "no tower for the spinning thread"
        );
        assert!(
            svg.contains("lunar_profile_test_spin"),
            "the spinning function is not named"
        );
        assert!(svg.contains(" samples at 99 Hz"));
        // The sampler is stopped and free again.
        assert!(!RUNNING.load(Ordering::Acquire));
    }

    #[test]
    fn a_second_profile_meanwhile_is_409() {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        runtime().block_on(async {
            let local = tokio::task::LocalSet::new();
            local
                .run_until(async {
                    let first = tokio::task::spawn_local(profile(Some("seconds=1")));
                    // Let the first one take the sampler.
                    while !RUNNING.load(Ordering::Acquire) {
                        tokio::task::yield_now().await;
                    }
                    let (status, _, text) = body(profile(None).await).await;
                    assert_eq!(status, StatusCode::CONFLICT);
                    assert!(String::from_utf8_lossy(&text).contains("already running"));
                    let (status, ctype, _) = body(first.await.unwrap()).await;
                    assert_eq!(status, StatusCode::OK);
                    assert_eq!(ctype.as_deref(), Some("image/svg+xml"));
                })
                .await;
        });
        assert!(!RUNNING.load(Ordering::Acquire));
    }

    #[test]
    fn a_dropped_request_stops_the_sampler() {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        runtime().block_on(async {
            let dropped =
                tokio::time::timeout(Duration::from_millis(100), profile(Some("seconds=30"))).await;
            assert!(
                dropped.is_err(),
                "the profile should still have been running"
            );
        });
        assert!(
            !RUNNING.load(Ordering::Acquire),
            "the flag outlived the request"
        );
        // And the process-wide sampler can start again.
        let (status, _, _) =
            runtime().block_on(async { body(profile(Some("seconds=1")).await).await });
        assert_eq!(status, StatusCode::OK);
    }

    /// Sends `GET path` and reads the whole answer: the status and body.
    fn get(addr: std::net::SocketAddr, path: &str) -> (u16, String) {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).unwrap();
        let raw = String::from_utf8_lossy(&raw).into_owned();
        let status = raw[9..12].parse().unwrap();
        let body = raw
            .split_once("\r\n\r\n")
            .map_or("", |(_, b)| b)
            .to_string();
        (status, body)
    }

    #[test]
    fn the_server_serves_profiles_only_when_configured() {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let dir = std::env::temp_dir().join(format!("lunar-profile-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("busy.lua"),
            "return function(req) local x = 0 for i = 1, 200000 do x = x + i % 7 end return tostring(x) end",
        )
        .unwrap();
        let start = |profiling| {
            crate::Server::start(crate::Config {
                dir: dir.clone(),
                listen: "127.0.0.1:0".into(),
                workers: 2,
                reload: false,
                profiling,
                ..crate::Config::default()
            })
            .unwrap()
        };

        let off = start(false);
        assert_eq!(get(off.local_addr(), PATH).0, 404);
        off.shutdown();
        off.wait();

        let on = start(true);
        let addr = on.local_addr();
        assert_eq!(get(addr, &format!("{PATH}?seconds=99")).0, 400);
        // Requests keep a worker busy running Lua while the profile runs.
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let s = std::sync::Arc::clone(&stop);
        let load = std::thread::spawn(move || {
            let mut served = 0;
            while !s.load(Ordering::Relaxed) {
                assert_eq!(get(addr, "/busy").0, 200);
                served += 1;
            }
            served
        });
        let (status, svg) = get(addr, &format!("{PATH}?seconds=1"));
        stop.store(true, Ordering::Relaxed);
        let served = load.join().unwrap();
        on.shutdown();
        on.wait();
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(status, 200, "{svg}");
        assert!(served > 0);
        assert!(svg.contains("<svg"));
        // A worker's tower, running the VM.
        assert!(
            svg.contains("lunar-worker-"),
            "no worker thread in the graph"
        );
    }
}
