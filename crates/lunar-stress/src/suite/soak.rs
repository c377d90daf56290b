//! Test 5: soak with faults. A bounded run of mixed requests, most of
//! them faults (script errors, non-string errors, infinite loops stopped
//! by the instruction limit and by the deadline, memory bombs, unbounded
//! recursion, a yield at the top level, malformed JSON), while a script
//! is saved with syntax errors and fixed again (hot reload), clients hang
//! up before their answers, and the server is restarted gracefully
//! (SIGTERM, drain, start again on the same port). Every request must get
//! its right status and none may be lost; the server's RSS must stay
//! flat and no worker may be lost.
//!
//! Requests the restart refuses (connection refused, or closed by the
//! draining server before any response) are sent again by the generator,
//! as any HTTP client retries a request the server never took; they are
//! counted as `retried`. A request that got no answer at all is lost.

use super::{Ctx, target};
use crate::load::StepSpec;
use crate::machine;
use crate::model::{Figures, SoakFigures, SoakRoute, TestEntry};
use crate::scripts;
use crate::server::{self, ServerProcess, ServerSpec};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The RSS trend after warm-up a soak may show, MiB per minute.
pub const RSS_SLOPE_MIB_PER_MIN: f64 = 5.0;

/// Runs test 5.
pub fn run(ctx: &mut Ctx) -> Result<TestEntry, String> {
    let split = machine::split(&ctx.machine, (ctx.machine.physical_cores / 2).max(1));
    let dir = ctx.folder("soak")?;
    server::write_files(&dir, &scripts::soak_routes())?;
    let config = ctx.options.out.join("work").join("soak.toml");
    std::fs::write(&config, scripts::soak_config()).map_err(|e| e.to_string())?;
    let mut spec = ctx.server_spec(dir.clone(), &split, "soak-server.log")?;
    spec.config = Some(config);
    spec.reload = true;
    let (first, _) = ServerProcess::start(&spec, Duration::from_secs(30))?;
    let addr = first.addr();
    let workers_before = workers(addr);
    let generator = ctx.generator(&split)?;
    let duration = ctx.timing.soak;
    let total_rate = 1000.0 * split.server.len() as f64;
    let kinds = scripts::soak_kinds();
    let mut specs: Vec<StepSpec> = kinds
        .iter()
        .map(|k| {
            let rate = (total_rate * k.weight).max(1.0);
            let mut s = StepSpec::get(k.route, rate, duration);
            if let Some(body) = k.body {
                s.method = hyper::Method::POST;
                s.body = Some(bytes::Bytes::from_static(body.as_bytes()));
                s.content_type = Some("application/json".to_string());
            }
            s.expect_status = k.status;
            s.connections = ((rate / 100.0) as usize).clamp(2, 16);
            s.timeout = Duration::from_secs(15);
            s.retry_unanswered = true;
            s
        })
        .collect();
    let mut hangups = StepSpec::get("/slow", 20.0, duration);
    hangups.disconnect = true;
    hangups.connections = 4;
    specs.push(hangups);
    let offered_rps: f64 = specs.iter().map(|s| s.rate_rps).sum();
    ctx.progress.line(&format!(
        "   {:.0} s at {offered_rps:.0} requests/s over {} kinds, with broken saves, hang-ups and a restart",
        duration.as_secs_f64(),
        kinds.len() + 1
    ));

    let current_pid = Arc::new(AtomicU32::new(first.pid()));
    let server = Arc::new(Mutex::new(first));
    let done = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let sampler = spawn_rss_sampler(Arc::clone(&current_pid), Arc::clone(&done), start);
    let faults = spawn_faults(
        spec.clone(),
        dir,
        Arc::clone(&server),
        Arc::clone(&current_pid),
        duration,
        start,
    );
    let results = ctx.run_load(&generator, addr, None, specs, "soak");
    done.store(true, Ordering::Relaxed);
    let rss = sampler.join().unwrap_or_default();
    let fault_log = faults
        .join()
        .map_err(|_| "the fault thread panicked".to_string())??;
    let ready_after = matches!(
        server::get(addr, "/readyz", Duration::from_secs(5)),
        Ok((200, _))
    );
    // A worker lost by the first server shows before its restart; one
    // lost by the second at the end.
    let workers_after = workers(addr).min(fault_log.workers_before_restart);
    let mut routes = Vec::new();
    let (mut retried, mut disconnects) = (0, 0);
    for (r, k) in results.iter().zip(kinds.iter().map(Some).chain([None])) {
        retried += r.retried;
        disconnects += r.disconnects;
        let Some(k) = k else { continue };
        let right = r.statuses.get(&k.status).copied().unwrap_or(0);
        let answered: u64 = r.statuses.values().sum();
        routes.push(SoakRoute {
            route: k.route.to_string(),
            kind: k.kind.to_string(),
            expected_status: k.status,
            sent: r.sent,
            right,
            wrong: answered - right,
            lost: r.sent.saturating_sub(answered),
        });
    }
    let warm = duration.as_secs_f64() * 0.25;
    let end = fault_log.restart_at_s.unwrap_or(f64::INFINITY);
    let window: Vec<(f64, f64)> = rss
        .iter()
        .copied()
        .filter(|(t, _)| *t >= warm && *t < end)
        .collect();
    let f = SoakFigures {
        duration_s: duration.as_secs_f64(),
        offered_rps,
        routes,
        rss_slope_mib_per_min: slope(&window) * 60.0,
        rss,
        restart_at_s: fault_log.restart_at_s,
        broken_saves: fault_log.broken_saves,
        client_disconnects: disconnects,
        retried,
        workers_before,
        workers_after,
    };
    let mut notes = fault_log.notes;
    if !ready_after {
        notes.push("After the soak the server did not answer /readyz with 200.".to_string());
    }
    notes.push(format!(
        "The RSS trend is a least-squares slope over the first server's samples from {warm:.0} s (after warm-up) to the restart."
    ));
    Ok(entry(&f, ready_after, notes))
}

/// The live worker count, from the server's metrics (0 when it does not
/// answer).
fn workers(addr: std::net::SocketAddr) -> usize {
    match server::get(addr, "/metrics", Duration::from_secs(5)) {
        Ok((200, text)) => server::metric(&String::from_utf8_lossy(&text), "lunar_workers ")
            .unwrap_or(0.0) as usize,
        _ => 0,
    }
}

/// Samples the current server's RSS every 250 ms until `done`.
fn spawn_rss_sampler(
    pid: Arc<AtomicU32>,
    done: Arc<AtomicBool>,
    start: Instant,
) -> std::thread::JoinHandle<Vec<(f64, f64)>> {
    std::thread::spawn(move || {
        let mut samples = Vec::new();
        while !done.load(Ordering::Relaxed) {
            if let Some(rss) = server::rss_mib(pid.load(Ordering::Relaxed)) {
                samples.push((start.elapsed().as_secs_f64(), rss));
            }
            std::thread::sleep(Duration::from_millis(250));
        }
        samples
    })
}

/// What the fault thread did.
#[derive(Debug, Default)]
struct FaultLog {
    broken_saves: u64,
    /// Live workers of the first server just before its restart.
    workers_before_restart: usize,
    restart_at_s: Option<f64>,
    notes: Vec<String>,
}

/// Breaks and fixes `/flaky` four times, then restarts the server at 80%
/// of the run.
fn spawn_faults(
    spec: ServerSpec,
    dir: std::path::PathBuf,
    server: Arc<Mutex<ServerProcess>>,
    pid: Arc<AtomicU32>,
    duration: Duration,
    start: Instant,
) -> std::thread::JoinHandle<Result<FaultLog, String>> {
    std::thread::spawn(move || {
        let mut log = FaultLog::default();
        let at = |share: f64| start + duration.mul_f64(share);
        let sleep_until = |t: Instant| {
            let now = Instant::now();
            if t > now {
                std::thread::sleep(t - now);
            }
        };
        let flaky = dir.join("flaky.lua");
        for k in 1..=4u64 {
            sleep_until(at(k as f64 / 6.0));
            std::fs::write(&flaky, scripts::FLAKY_BROKEN).map_err(|e| e.to_string())?;
            log.broken_saves += 1;
            // Long enough for the watcher to see it and reject it.
            std::thread::sleep(Duration::from_millis(600));
            std::fs::write(&flaky, scripts::flaky(k)).map_err(|e| e.to_string())?;
        }
        sleep_until(at(0.8));
        log.workers_before_restart =
            workers(std::net::SocketAddr::from(([127, 0, 0, 1], spec.port)));
        let restart = Instant::now();
        let clean_exit = {
            let mut s = server.lock().map_err(|_| "the server lock is poisoned")?;
            s.terminate(Duration::from_secs(20))?
        };
        if !clean_exit {
            log.notes
                .push("The first server did not exit cleanly on SIGTERM.".to_string());
        }
        log.restart_at_s = Some(restart.duration_since(start).as_secs_f64());
        let (next, ready) = ServerProcess::start(&spec, Duration::from_secs(30))?;
        pid.store(next.pid(), Ordering::Relaxed);
        log.notes.push(format!(
            "Graceful restart at {:.1} s: the old server drained and exited in {:.0} ms, the new one answered /readyz {:.0} ms after its start.",
            log.restart_at_s.unwrap_or(0.0),
            (restart.elapsed() - ready).as_secs_f64() * 1e3,
            ready.as_secs_f64() * 1e3
        ));
        *server.lock().map_err(|_| "the server lock is poisoned")? = next;
        Ok(log)
    })
}

/// The least-squares slope of `points` (y per x unit); 0 for fewer than 2.
pub fn slope(points: &[(f64, f64)]) -> f64 {
    let n = points.len() as f64;
    if points.len() < 2 {
        return 0.0;
    }
    let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
    let my = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    if sxx == 0.0 { 0.0 } else { sxy / sxx }
}

fn entry(f: &SoakFigures, ready_after: bool, notes: Vec<String>) -> TestEntry {
    let sent: u64 = f.routes.iter().map(|r| r.sent).sum();
    let wrong: u64 = f.routes.iter().map(|r| r.wrong).sum();
    let lost: u64 = f.routes.iter().map(|r| r.lost).sum();
    let targets = vec![
        target(
            "requests answered with the wrong status",
            "0".to_string(),
            format!("{wrong} of {sent}"),
            wrong == 0 && sent > 0,
        ),
        target(
            "requests lost",
            "0".to_string(),
            lost.to_string(),
            lost == 0,
        ),
        target(
            "RSS trend after warm-up",
            format!("<= {RSS_SLOPE_MIB_PER_MIN} MiB/min"),
            format!("{:+.2} MiB/min", f.rss_slope_mib_per_min),
            f.rss_slope_mib_per_min <= RSS_SLOPE_MIB_PER_MIN,
        ),
        target(
            "workers serving after the faults",
            format!("= before ({})", f.workers_before),
            format!(
                "{}{}",
                f.workers_after,
                if ready_after { "" } else { ", not ready" }
            ),
            f.workers_after == f.workers_before && f.workers_before > 0 && ready_after,
        ),
    ];
    TestEntry::new(
        "soak",
        "Soak with faults",
        targets,
        notes,
        Figures::Soak(f.clone()),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_slope_is_least_squares() {
        let line: Vec<(f64, f64)> = (0..10).map(|i| (i as f64, 3.0 + 0.5 * i as f64)).collect();
        assert!((super::slope(&line) - 0.5).abs() < 1e-12);
        assert_eq!(super::slope(&[(1.0, 2.0)]), 0.0);
        assert_eq!(super::slope(&[(1.0, 2.0), (1.0, 3.0)]), 0.0);
    }
}
