//! Test 3: cold start. Process start (spawn) to the first successful
//! response with 1, 100 and 1,000 scripts; the cost of a state (created
//! in this process with the embedding API, as a worker creates one); and
//! a changed script saved to the first response with its new answer.

use super::{Ctx, target};
use crate::machine;
use crate::model::{ColdStartFigures, ColdStartPoint, Figures, TestEntry};
use crate::scripts;
use crate::server::{self, ServerProcess};
use std::time::{Duration, Instant};

/// Process start to first response with 1,000 scripts, at most (ms).
pub const START_1000_MS: f64 = 1000.0;
/// ... with 1 script (ms).
pub const START_1_MS: f64 = 100.0;
/// A state with the standard library, at most (µs).
pub const STATE_NEW_US: f64 = 50.0;
/// Save to first new response, at most (ms; the watcher waits 150 ms for
/// a burst of saves to end).
pub const RELOAD_MS: f64 = 1000.0;

/// Runs test 3.
pub fn run(ctx: &mut Ctx) -> Result<TestEntry, String> {
    let split = machine::split(&ctx.machine, (ctx.machine.physical_cores / 2).max(1));
    let mut starts = Vec::new();
    for n in [1usize, 100, 1000] {
        let dir = ctx.folder(&format!("cold-{n}"))?;
        server::write_files(&dir, &scripts::cold_start_routes(n))?;
        let spec = ctx.server_spec(dir, &split, &format!("cold-{n}-server.log"))?;
        let started = Instant::now();
        let mut process = ServerProcess::spawn(&spec)?;
        let route = format!("/r{}", n - 1);
        process.wait_for(|s| s == 200, &route, Duration::from_secs(60))?;
        let first_response_ms = started.elapsed().as_secs_f64() * 1e3;
        let rss_mib = process.rss_mib();
        process.terminate(Duration::from_secs(10))?;
        ctx.progress.line(&format!(
            "   {n:>5} script(s): first response after {first_response_ms:.1} ms, RSS {:.1} MiB",
            rss_mib.unwrap_or(0.0)
        ));
        starts.push(ColdStartPoint {
            scripts: n,
            first_response_ms,
            rss_mib,
        });
    }
    let (state_new_us, state_load_us) = state_cost(if ctx.options.quick { 2000 } else { 20000 })?;
    ctx.progress.line(&format!(
        "   a state: {state_new_us:.1} µs; a state that ran a route's top level: {state_load_us:.1} µs"
    ));
    let reload_to_new_response_ms = reload_time(ctx, &split)?;
    ctx.progress.line(&format!(
        "   hot reload: new answer {reload_to_new_response_ms:.0} ms after the save"
    ));
    let f = ColdStartFigures {
        starts,
        state_new_us,
        state_load_us,
        reload_to_new_response_ms,
    };
    Ok(entry(&f))
}

/// The mean cost of `lunar::State::new()` and of a state that also ran
/// a route script's top level, microseconds, over `n` states each.
fn state_cost(n: usize) -> Result<(f64, f64), String> {
    let program =
        lunar::Program::compile("=route", scripts::cold_script(1)).map_err(|e| e.to_string())?;
    // Warm the allocator and the caches before timing.
    for _ in 0..n / 10 {
        drop(std::hint::black_box(lunar::State::new()));
    }
    let t = Instant::now();
    for _ in 0..n {
        drop(std::hint::black_box(lunar::State::new()));
    }
    let new_us = t.elapsed().as_secs_f64() * 1e6 / n as f64;
    let t = Instant::now();
    for _ in 0..n {
        let mut state = lunar::State::new();
        let handler: lunar::Value = state.run(&program).map_err(|e| e.to_string())?;
        std::hint::black_box(handler);
    }
    let load_us = t.elapsed().as_secs_f64() * 1e6 / n as f64;
    Ok((new_us, load_us))
}

/// Saves a new version of a served script and times the first response
/// that carries it.
fn reload_time(ctx: &Ctx, split: &machine::Split) -> Result<f64, String> {
    let dir = ctx.folder("reload")?;
    server::write_files(&dir, &scripts::cold_start_routes(1))?;
    let mut spec = ctx.server_spec(dir.clone(), split, "reload-server.log")?;
    spec.reload = true;
    let (server, _) = ServerProcess::start(&spec, Duration::from_secs(30))?;
    // Let the watcher settle: the files were written just before start.
    std::thread::sleep(Duration::from_millis(300));
    std::fs::write(dir.join("r0.lua"), scripts::cold_script(-7)).map_err(|e| e.to_string())?;
    let saved = Instant::now();
    loop {
        if let Ok((200, body)) = server::get(server.addr(), "/r0", Duration::from_secs(2))
            && String::from_utf8_lossy(&body).contains("\"n\":-7")
        {
            return Ok(saved.elapsed().as_secs_f64() * 1e3);
        }
        if saved.elapsed() > Duration::from_secs(20) {
            return Ok(f64::INFINITY);
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn entry(f: &ColdStartFigures) -> TestEntry {
    let start = |n: usize| {
        f.starts
            .iter()
            .find(|p| p.scripts == n)
            .map_or(f64::INFINITY, |p| p.first_response_ms)
    };
    let targets = vec![
        target(
            "first response, 1 script",
            format!("<= {START_1_MS} ms"),
            format!("{:.1} ms", start(1)),
            start(1) <= START_1_MS,
        ),
        target(
            "first response, 1,000 scripts",
            format!("<= {START_1000_MS} ms"),
            format!("{:.1} ms", start(1000)),
            start(1000) <= START_1000_MS,
        ),
        target(
            "a new state with the standard library",
            format!("<= {STATE_NEW_US} µs"),
            format!("{:.1} µs", f.state_new_us),
            f.state_new_us <= STATE_NEW_US,
        ),
        target(
            "a saved script's first new response (hot reload)",
            format!("<= {RELOAD_MS} ms"),
            if f.reload_to_new_response_ms.is_finite() {
                format!("{:.0} ms", f.reload_to_new_response_ms)
            } else {
                "never (20 s)".to_string()
            },
            f.reload_to_new_response_ms <= RELOAD_MS,
        ),
    ];
    let notes = vec![
        "First response: from spawning `lunar serve` to the first 200 of the last script's route (compiling every script comes first).".to_string(),
        "State costs are measured in the suite's own process with the embedding API (`lunar::State::new()`), the call a worker makes for a route's first request.".to_string(),
    ];
    TestEntry::new(
        "cold_start",
        "Cold start",
        targets,
        notes,
        Figures::ColdStart(f.clone()),
    )
}
