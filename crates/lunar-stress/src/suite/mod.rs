//! The five tests, and what they share: the run's context, starting a
//! server for a test, running a step with the server's CPU measured, and
//! writing targets.

pub mod cold_start;
pub mod mixed;
pub mod scaling;
pub mod soak;
pub mod stepped;

use crate::Options;
use crate::Timing;
use crate::load::{Generator, StepSpec};
use crate::machine::Split;
use crate::model::{GeneratorInfo, Machine, StepResult, Target};
use crate::progress::Progress;
use crate::search::{self, Plan};
use crate::server::{ServerProcess, ServerSpec};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// What every test gets.
pub struct Ctx {
    /// The run's options.
    pub options: Options,
    /// The mode's durations.
    pub timing: Timing,
    /// The machine.
    pub machine: Machine,
    /// The terminal display.
    pub progress: Progress,
    /// The generator's set-up as last used (for the report).
    pub generator: GeneratorInfo,
}

impl Ctx {
    /// A folder under the report's for one test's files.
    pub fn folder(&self, name: &str) -> Result<PathBuf, String> {
        let dir = self.options.out.join("work").join(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        Ok(dir)
    }

    /// A generator on the split's generator CPUs.
    pub fn generator(&mut self, split: &Split) -> Result<Generator, String> {
        let threads = split.generator.len().max(1);
        let g = Generator::new(threads, &split.generator, self.options.connections)?;
        self.generator = g.info();
        Ok(g)
    }

    /// The spec of a server for `dir` with the split's workers, on a free
    /// port, logging under the report's folder.
    pub fn server_spec(
        &self,
        dir: PathBuf,
        split: &Split,
        log: &str,
    ) -> Result<ServerSpec, String> {
        Ok(ServerSpec {
            exe: self.options.exe.clone(),
            dir,
            config: None,
            workers: split.server.len(),
            cpus: split.server.clone(),
            port: crate::server::free_port()?,
            profiling: false,
            reload: false,
            log: self.options.out.join("work").join(log),
        })
    }

    /// The saturation search's plan from the options.
    pub fn plan(&self, start_rps: f64, factor: f64) -> Plan {
        Plan {
            start_rps,
            factor,
            max_rps: 5_000_000.0,
            refine_steps: self.timing.refine,
            p99_target_ms: self.options.p99_target_ms,
            error_budget: self.options.error_budget,
            min_achieved: 0.9,
        }
    }

    /// A GET step of the mode's length at `rate`.
    pub fn step_spec(&self, route: &str, rate: f64) -> StepSpec {
        let mut spec = StepSpec::get(route, rate, self.timing.step);
        spec.warmup = self.timing.warmup;
        spec.connections = self.options.connections;
        spec.timeout = Duration::from_secs(2);
        spec
    }

    /// Runs `specs` at once, with bars, and the server's CPU over the
    /// run (warm-up and drain included) put in each result.
    pub fn run_load(
        &self,
        generator: &Generator,
        addr: SocketAddr,
        server: Option<&ServerProcess>,
        mut specs: Vec<StepSpec>,
        label: &str,
    ) -> Vec<StepResult> {
        let mut bars = Vec::new();
        for spec in &mut specs {
            let planned = (spec.rate_rps * (spec.duration + spec.warmup).as_secs_f64()) as u64;
            let bar = self.progress.step_bar(label, planned);
            spec.progress = bar.clone();
            bars.push(bar);
        }
        let cpu0 = server.and_then(ServerProcess::cpu_seconds);
        let t0 = Instant::now();
        let mut results = generator.run(addr, &specs);
        let elapsed = t0.elapsed().as_secs_f64();
        let cpu = match (server.and_then(ServerProcess::cpu_seconds), cpu0) {
            (Some(c1), Some(c0)) if elapsed > 0.0 => Some((c1 - c0) / elapsed),
            _ => None,
        };
        for (r, bar) in results.iter_mut().zip(bars) {
            r.server_cpu = cpu;
            self.progress.step_done(bar, r, None);
        }
        results
    }

    /// A saturation search on `route`.
    pub fn search(
        &self,
        generator: &Generator,
        addr: SocketAddr,
        server: Option<&ServerProcess>,
        route: &str,
        plan: &Plan,
    ) -> search::Found {
        search::saturation(
            plan,
            |rate| {
                let spec = self.step_spec(route, rate);
                let bar = self.progress.step_bar(
                    &format!("{rate:.0} rps"),
                    (rate * (self.timing.step + self.timing.warmup).as_secs_f64()) as u64,
                );
                let mut spec = spec;
                spec.progress = bar.clone();
                let cpu0 = server.and_then(ServerProcess::cpu_seconds);
                let t0 = Instant::now();
                let mut r = generator.run_step(addr, &spec);
                let elapsed = t0.elapsed().as_secs_f64();
                if let (Some(c0), Some(c1)) = (cpu0, server.and_then(ServerProcess::cpu_seconds)) {
                    r.server_cpu = Some((c1 - c0) / elapsed.max(1e-9));
                }
                self.progress
                    .step_done(bar, &r, Some(search::passes(plan, &r)));
                r
            },
            || false,
        )
    }
}

/// A target: `what`, `goal` as written, `actual` as measured.
pub fn target(what: &str, goal: String, actual: String, met: bool) -> Target {
    Target {
        what: what.to_string(),
        goal,
        actual,
        met,
    }
}

/// A rate for people: `12,345 rps`.
pub fn rps(x: f64) -> String {
    let n = x.round() as u64;
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    format!("{out} rps")
}

#[cfg(test)]
mod tests {
    #[test]
    fn rates_read_with_separators() {
        assert_eq!(super::rps(1234567.4), "1,234,567 rps");
        assert_eq!(super::rps(100.0), "100 rps");
        assert_eq!(super::rps(0.0), "0 rps");
    }
}
