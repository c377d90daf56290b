//! Test 2: scaling across cores. The server restarted with k = 1, 2, 4 ...
//! workers, each pinned to its own physical core, the generator on the
//! remaining cores; a saturation search per k; efficiency = rate(k) /
//! (k x rate(1)). A point is "clean" when server and generator share no
//! physical core; on a machine without spare cores (2 here) the largest
//! points share, and the report says which.

use super::{Ctx, rps, target};
use crate::machine;
use crate::model::{Figures, ScalingFigures, ScalingPoint, TestEntry};
use crate::scripts;
use crate::server::{self, ServerProcess};
use std::time::Duration;

/// The efficiency a clean point with k >= 2 must reach.
pub const EFFICIENCY_TARGET: f64 = 0.9;

/// Runs test 2.
pub fn run(ctx: &mut Ctx) -> Result<TestEntry, String> {
    let dir = ctx.folder("scaling")?;
    server::write_files(&dir, &scripts::throughput_routes())?;
    let ks = machine::scaling_steps(&ctx.machine, ctx.options.max_workers);
    let mut points: Vec<ScalingPoint> = Vec::new();
    for &k in &ks {
        let split = machine::split(&ctx.machine, k);
        ctx.progress.line(&format!(
            "   {k} worker(s) on CPU {}, generator on CPU {} ({})",
            lunar_server::cpu_list_text(&split.server),
            lunar_server::cpu_list_text(&split.generator),
            if split.clean { "clean" } else { "shared cores" }
        ));
        let spec = ctx.server_spec(dir.clone(), &split, &format!("scaling-{k}-server.log"))?;
        let (mut server, _) = ServerProcess::start(&spec, Duration::from_secs(30))?;
        let generator = ctx.generator(&split)?;
        // Start near the expected rate: half of k times the 1-worker rate
        // (from 100 for the first point), rising by 1.5.
        let start = points
            .first()
            .map_or(100.0, |p| (p.saturation_rps * k as f64 * 0.5).max(100.0));
        let factor = if points.is_empty() { 2.0 } else { 1.5 };
        let plan = ctx.plan(start, factor);
        let found = ctx.search(&generator, server.addr(), Some(&server), "/ok", &plan);
        server.terminate(Duration::from_secs(10))?;
        let base = points
            .first()
            .map_or(found.saturation_rps, |p| p.saturation_rps);
        let efficiency = if base > 0.0 {
            found.saturation_rps / (k as f64 * base)
        } else {
            0.0
        };
        points.push(ScalingPoint {
            workers: k,
            server_cpus: split.server.clone(),
            generator_cpus: split.generator.clone(),
            clean: split.clean,
            saturation_rps: found.saturation_rps,
            efficiency,
            steps: found.steps,
        });
    }
    let figures = ScalingFigures {
        route: "/ok".to_string(),
        seed_rps_per_core: super::stepped::SEED_RPS_PER_CORE,
        points,
    };
    Ok(entry(&figures, &ctx.machine))
}

fn entry(f: &ScalingFigures, m: &crate::model::Machine) -> TestEntry {
    let mut targets = Vec::new();
    let mut notes = Vec::new();
    for p in &f.points {
        let line = p.workers as f64 * f.seed_rps_per_core;
        targets.push(target(
            &format!("saturation with {} worker(s)", p.workers),
            format!(">= the seed's line, {}", rps(line)),
            rps(p.saturation_rps),
            p.saturation_rps >= line,
        ));
        if p.workers >= 2 && p.clean {
            targets.push(target(
                &format!("efficiency with {} workers (clean)", p.workers),
                format!(">= {EFFICIENCY_TARGET}"),
                format!("{:.2}", p.efficiency),
                p.efficiency >= EFFICIENCY_TARGET,
            ));
        }
    }
    let clean: Vec<String> = f
        .points
        .iter()
        .filter(|p| p.clean)
        .map(|p| p.workers.to_string())
        .collect();
    let shared: Vec<String> = f
        .points
        .iter()
        .filter(|p| !p.clean)
        .map(|p| p.workers.to_string())
        .collect();
    notes.push(format!(
        "{} physical core(s), {} logical CPU(s). Clean points (server and generator on different cores): k = {}. Points sharing cores with the generator: k = {}.",
        m.physical_cores,
        m.logical_cpus,
        if clean.is_empty() { "none".to_string() } else { clean.join(", ") },
        if shared.is_empty() { "none".to_string() } else { shared.join(", ") },
    ));
    if !f.points.iter().any(|p| p.clean && p.workers >= 2) {
        notes.push(format!(
            "No clean point with 2 or more workers on this machine: the efficiency target ({EFFICIENCY_TARGET} at the largest clean k) cannot be judged here; shared points' efficiencies are reported, not judged (the generator takes CPU from the workers)."
        ));
    }
    TestEntry::new(
        "scaling",
        "Scaling across cores",
        targets,
        notes,
        Figures::Scaling(f.clone()),
    )
}
