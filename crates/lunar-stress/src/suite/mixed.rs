//! Test 4: mixed CPU and I/O. A light route's latency alone, then at the
//! same rate while a CPU-heavy route takes about half the workers' time
//! and two waiting routes keep many requests suspended at once (`sleep`,
//! and an HTTP call to a slow upstream the suite runs). Waiting scripts
//! must not hold a worker: their latency stays at their wait, and the
//! light route stays under the p99 target.

use super::{Ctx, target};
use crate::machine;
use crate::model::{Figures, MixedFigures, TestEntry};
use crate::scripts;
use crate::server::{self, ServerProcess};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// How long `/sleep` sleeps.
const SLEEP_MS: u64 = 100;
/// How long the upstream takes.
const UPSTREAM_MS: u64 = 50;
/// The slack a waiting route may take over its wait, ms.
const WAIT_SLACK_MS: f64 = 50.0;

/// Runs test 4.
pub fn run(ctx: &mut Ctx) -> Result<TestEntry, String> {
    let split = machine::split(&ctx.machine, (ctx.machine.physical_cores / 2).max(1));
    let generator = ctx.generator(&split)?;
    let upstream = generator.start_upstream(Duration::from_millis(UPSTREAM_MS))?;
    let dir = ctx.folder("mixed")?;
    server::write_files(&dir, &scripts::mixed_routes(SLEEP_MS, upstream))?;
    let config = ctx.options.out.join("work").join("mixed.toml");
    std::fs::write(&config, scripts::mixed_config()).map_err(|e| e.to_string())?;
    let mut spec = ctx.server_spec(dir, &split, "mixed-server.log")?;
    spec.config = Some(config);
    let (server, _) = ServerProcess::start(&spec, Duration::from_secs(30))?;
    let addr = server.addr();
    let workers = split.server.len() as f64;

    // The CPU route's cost: closed loop on one connection per worker.
    let cpu_capacity =
        generator.closed_loop(addr, "/cpu", split.server.len(), Duration::from_millis(700));
    let cpu_rate = (0.5 * cpu_capacity).max(1.0);
    let light_rate = (200.0 * workers).max(100.0);
    let sleep_rate = 500.0 * workers;
    let upstream_rate = 200.0 * workers;
    ctx.progress.line(&format!(
        "   /cpu answers {cpu_capacity:.0}/s closed-loop; loading it at {cpu_rate:.0}/s (about half the workers' time)"
    ));
    let step = |route: &str, rate: f64| {
        let mut s = ctx.step_spec(route, rate);
        s.duration = ctx.timing.mixed;
        s.connections = 0;
        s.timeout = Duration::from_secs(5);
        s
    };
    let light_alone = ctx
        .run_load(
            &generator,
            addr,
            Some(&server),
            vec![step("/ok", light_rate)],
            "light alone",
        )
        .remove(0);

    // The loaded run, with the in-flight gauge watched from the side.
    let stop = Arc::new(AtomicBool::new(false));
    let watcher = {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            let mut peak: Option<f64> = None;
            while !stop.load(Ordering::Relaxed) {
                if let Ok((200, text)) = server::get(addr, "/metrics", Duration::from_secs(2))
                    && let Some(v) =
                        server::metric(&String::from_utf8_lossy(&text), "lunar_requests_in_flight")
                {
                    peak = Some(peak.map_or(v, |p: f64| p.max(v)));
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            peak
        })
    };
    // The waiting routes need a connection per request in flight.
    let mut sleeping = step("/sleep", sleep_rate);
    sleeping.connections = (sleep_rate * (SLEEP_MS as f64 / 1000.0) * 2.0) as usize + 8;
    let mut upstream_spec = step("/upstream", upstream_rate);
    upstream_spec.connections = (upstream_rate * (UPSTREAM_MS as f64 / 1000.0) * 2.0) as usize + 8;
    let mut cpu_spec = step("/cpu", cpu_rate);
    cpu_spec.connections = 16;
    let mut loaded = ctx.run_load(
        &generator,
        addr,
        Some(&server),
        vec![step("/ok", light_rate), cpu_spec, sleeping, upstream_spec],
        "mixed",
    );
    stop.store(true, Ordering::Relaxed);
    let peak_in_flight = watcher.join().unwrap_or(None);
    let f = MixedFigures {
        light_loaded: loaded.remove(0),
        cpu_heavy: loaded.remove(0),
        sleeping: loaded.remove(0),
        upstream: loaded.remove(0),
        light_alone,
        sleep_ms: SLEEP_MS as f64,
        upstream_delay_ms: UPSTREAM_MS as f64,
        peak_in_flight,
    };
    Ok(entry(&f, ctx.options.p99_target_ms, &split))
}

fn entry(f: &MixedFigures, p99_target: f64, split: &machine::Split) -> TestEntry {
    let ratio = f.light_loaded.latency.p99_ms / f.light_alone.latency.p99_ms.max(1e-6);
    let errors = f.light_loaded.errors + f.cpu_heavy.errors + f.sleeping.errors + f.upstream.errors;
    let targets = vec![
        target(
            "light route p99 under load",
            format!("<= {p99_target} ms"),
            format!(
                "{:.2} ms ({:.2} ms alone, {ratio:.1}x)",
                f.light_loaded.latency.p99_ms, f.light_alone.latency.p99_ms
            ),
            f.light_loaded.latency.p99_ms <= p99_target,
        ),
        target(
            "sleeping route p99 (no worker blocked by waiting scripts)",
            format!(
                "<= {} ms (its sleep + {WAIT_SLACK_MS} ms)",
                f.sleep_ms + WAIT_SLACK_MS
            ),
            format!("{:.1} ms", f.sleeping.latency.p99_ms),
            f.sleeping.latency.p99_ms <= f.sleep_ms + WAIT_SLACK_MS,
        ),
        target(
            "upstream route p99",
            format!(
                "<= {} ms (the upstream's delay + {WAIT_SLACK_MS} ms)",
                f.upstream_delay_ms + WAIT_SLACK_MS
            ),
            format!("{:.1} ms", f.upstream.latency.p99_ms),
            f.upstream.latency.p99_ms <= f.upstream_delay_ms + WAIT_SLACK_MS,
        ),
        target(
            "failed requests, all routes",
            "0".to_string(),
            errors.to_string(),
            errors == 0,
        ),
    ];
    let concurrent = f.sleeping.offered_rps * f.sleep_ms / 1000.0
        + f.upstream.offered_rps * f.upstream_delay_ms / 1000.0;
    let notes = vec![
        format!(
            "{} worker(s); the waiting routes keep about {concurrent:.0} requests suspended at once (the in-flight gauge's peak: {}).",
            split.server.len(),
            f.peak_in_flight.map_or("not scraped".to_string(), |p| format!("{p:.0}"))
        ),
        "The light route's p99 under load includes waiting behind CPU-heavy requests on the same worker: a script is not preempted.".to_string(),
    ];
    TestEntry::new(
        "mixed_cpu_io",
        "Mixed CPU and I/O",
        targets,
        notes,
        Figures::Mixed(f.clone()),
    )
}
