//! Test 1: stepped QPS. Open-loop load on the trivial route, from 100
//! requests per second up by doubling until a step breaks the p99 target
//! or the error budget, then refined; at the saturation rate, a CPU
//! profile (flame graph) and the server's metrics are captured.
//!
//! The server gets half the physical cores (one worker each, pinned), the
//! generator the other half: on a 2-core machine one worker against one
//! generator core, a clean split.

use super::{Ctx, rps, target};
use crate::machine;
use crate::model::{Figures, SteppedFigures, TestEntry};
use crate::scripts;
use crate::server::{self, ServerProcess};
use std::net::SocketAddr;
use std::time::Duration;

/// The seed's line: requests per second per core.
pub const SEED_RPS_PER_CORE: f64 = 1600.0;

/// Runs test 1 against a server the suite starts.
pub fn run(ctx: &mut Ctx) -> Result<TestEntry, String> {
    let workers = (ctx.machine.physical_cores / 2).max(1);
    let split = machine::split(&ctx.machine, workers);
    let dir = ctx.folder("stepped")?;
    server::write_files(&dir, &scripts::throughput_routes())?;
    let mut spec = ctx.server_spec(dir, &split, "stepped-server.log")?;
    spec.profiling = true;
    let (server, _) = ServerProcess::start(&spec, Duration::from_secs(30))?;
    let generator = ctx.generator(&split)?;
    let plan = ctx.plan(100.0, 2.0);
    let found = ctx.search(&generator, server.addr(), Some(&server), "/ok", &plan);
    let mut notes = vec![format!(
        "Server: {} worker(s) pinned to CPU {}; generator: {} thread(s) on CPU {}{}.",
        split.server.len(),
        lunar_server::cpu_list_text(&split.server),
        split.generator.len(),
        lunar_server::cpu_list_text(&split.generator),
        if split.clean {
            ""
        } else {
            " (shared with the server: no spare core)"
        }
    )];
    // The profile and metrics at the peak rate: one more step there while
    // the server samples itself.
    let (mut profile_svg, mut metrics_txt) = (None, None);
    if found.saturation_rps > 0.0 {
        let seconds = ctx.timing.profile.as_secs().max(1);
        let addr = server.addr();
        let profiler = std::thread::spawn(move || {
            server::get(
                addr,
                &format!("/debug/pprof/profile?seconds={seconds}"),
                Duration::from_secs(seconds + 30),
            )
        });
        let mut spec = ctx.step_spec("/ok", found.saturation_rps);
        spec.duration = ctx.timing.profile + Duration::from_millis(500);
        ctx.run_load(&generator, addr, Some(&server), vec![spec], "profile");
        match profiler.join() {
            Ok(Ok((200, svg))) => {
                std::fs::write(ctx.options.out.join("profile.svg"), svg)
                    .map_err(|e| format!("cannot write profile.svg: {e}"))?;
                profile_svg = Some("profile.svg".to_string());
            }
            Ok(Ok((status, body))) => notes.push(format!(
                "The profile request answered {status}: {}",
                String::from_utf8_lossy(&body).trim()
            )),
            _ => notes.push("The profile request failed.".to_string()),
        }
        if let Ok((200, text)) = server::get(addr, "/metrics", Duration::from_secs(10)) {
            std::fs::write(ctx.options.out.join("metrics.txt"), text)
                .map_err(|e| format!("cannot write metrics.txt: {e}"))?;
            metrics_txt = Some("metrics.txt".to_string());
        }
    }
    if let Some(peak) = found.peak.map(|i| &found.steps[i])
        && peak.generator_cpu > 0.9 * split.generator.len() as f64
    {
        notes.push(format!(
            "The generator used {:.2} of its {} core(s) at the peak: the saturation rate may be the generator's, a lower bound for the server.",
            peak.generator_cpu,
            split.generator.len()
        ));
    }
    let figures = SteppedFigures {
        route: "/ok".to_string(),
        workers: split.server.len(),
        p99_target_ms: plan.p99_target_ms,
        error_budget: plan.error_budget,
        steps: found.steps.clone(),
        saturation_rps: found.saturation_rps,
        peak_step: found.peak,
        profile_svg,
        metrics_txt,
    };
    Ok(entry(&figures, split.server.len(), notes))
}

/// Runs test 1 against a server the suite did not start (`--target`).
pub fn run_remote(ctx: &mut Ctx, addr: SocketAddr, route: &str) -> Result<TestEntry, String> {
    // The server is elsewhere: the generator may use every CPU here.
    let generator = ctx.generator(&machine::Split {
        server: Vec::new(),
        generator: ctx.machine.smt_groups.iter().flatten().copied().collect(),
        clean: false,
    })?;
    let plan = ctx.plan(100.0, 2.0);
    let found = ctx.search(&generator, addr, None, route, &plan);
    let figures = SteppedFigures {
        route: route.to_string(),
        workers: 0,
        p99_target_ms: plan.p99_target_ms,
        error_budget: plan.error_budget,
        steps: found.steps.clone(),
        saturation_rps: found.saturation_rps,
        peak_step: found.peak,
        profile_svg: None,
        metrics_txt: None,
    };
    let notes = vec![format!(
        "A server the suite did not start ({addr}): its workers and CPU are unknown, so the per-core target is judged as if it had one worker; no profile was taken."
    )];
    Ok(entry(&figures, 1, notes))
}

/// The entry and its targets.
fn entry(f: &SteppedFigures, workers: usize, notes: Vec<String>) -> TestEntry {
    let peak = f.peak_step.map(|i| &f.steps[i]);
    let per_worker = f.saturation_rps / workers.max(1) as f64;
    let goal_per_worker = 10.0 * SEED_RPS_PER_CORE;
    let targets = vec![
        target(
            "saturation rate per worker",
            format!(
                ">= {} (10x the seed's {} per core)",
                rps(goal_per_worker),
                rps(SEED_RPS_PER_CORE)
            ),
            rps(per_worker),
            per_worker >= goal_per_worker,
        ),
        target(
            "p99 at the saturation rate",
            format!("<= {} ms", f.p99_target_ms),
            peak.map_or("no step passed".to_string(), |s| {
                format!("{:.2} ms", s.latency.p99_ms)
            }),
            peak.is_some_and(|s| s.latency.p99_ms <= f.p99_target_ms),
        ),
        target(
            "failed requests at the saturation rate",
            format!("<= {:.2}%", f.error_budget * 100.0),
            peak.map_or("no step passed".to_string(), |s| {
                format!("{:.3}%", s.error_ratio() * 100.0)
            }),
            peak.is_some_and(|s| s.error_ratio() <= f.error_budget),
        ),
    ];
    TestEntry::new(
        "stepped_qps",
        "Stepped QPS to saturation",
        targets,
        notes,
        Figures::Stepped(f.clone()),
    )
}
