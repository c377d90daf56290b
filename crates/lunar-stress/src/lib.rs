//! `lunar stress`: the five pre-launch stress tests of `lunar serve`,
//! written up as `report.html` and `report.json`.
//!
//! 1. **Stepped QPS**: open-loop load stepping up from 100 requests per
//!    second until the p99 target or the error budget breaks.
//! 2. **Scaling across cores**: the same search with 1, 2, 4 ... workers
//!    pinned to their own cores, the generator on the others.
//! 3. **Cold start**: process start to first response with 1, 100 and
//!    1,000 scripts; state creation; first response after a hot reload.
//! 4. **Mixed CPU and I/O**: a light route's p99 alone and while a
//!    CPU-heavy route, a sleeping route and a route waiting on a slow
//!    upstream run at once.
//! 5. **Soak with faults**: erroring scripts, infinite loops, memory
//!    bombs, broken saves during hot reload, client disconnects and a
//!    graceful restart; every request must get its right status, none may
//!    be lost, RSS must stay flat.
//!
//! The suite starts its own `lunar serve` processes (the executable in
//! [`Options::exe`]) on loopback, pins them and its load generator
//! ([`load`]) to separate cores ([`machine`]), and writes the report
//! ([`report`]). With `--target URL` it loads a server it did not start:
//! only test 1 runs then (the others need to start, stop and watch the
//! server's process).
//!
//! ```no_run
//! let options = lunar_stress::Options::new("target/lunar".into(), "stress-out".into(), true);
//! let report = lunar_stress::run(&options).unwrap();
//! println!("{}", lunar_stress::report::summary_text(&report));
//! ```

#![forbid(unsafe_code)]

pub mod load;
pub mod machine;
pub mod model;
pub mod progress;
pub mod report;
pub mod scripts;
pub mod search;
pub mod server;
mod suite;

use model::{GeneratorInfo, Report, Verdict};
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// What a run does.
#[derive(Debug, Clone)]
pub struct Options {
    /// The `lunar` executable whose `serve` the suite starts.
    pub exe: PathBuf,
    /// Where `report.html`, `report.json` and the servers' files go.
    pub out: PathBuf,
    /// The short mode (under 2 minutes; CI runs it).
    pub quick: bool,
    /// Load this server instead of starting one (`http://HOST:PORT/PATH`;
    /// the path is the route test 1 loads).
    pub target: Option<String>,
    /// The p99 a step of test 1 must stay under, ms.
    pub p99_target_ms: f64,
    /// The share of failed requests a step may have.
    pub error_budget: f64,
    /// Connections the generator keeps per route.
    pub connections: usize,
    /// Run only these tests (by id; empty: all).
    pub only: Vec<String>,
    /// The largest worker count of test 2 (default: the physical cores).
    pub max_workers: Option<usize>,
    /// The build of the server under test, for the report (`lunar
    /// version`'s words: version, compiler, target).
    pub build: String,
}

impl Options {
    /// The defaults: a 50 ms p99 target, a 0.1% error budget, 64
    /// connections, every test.
    pub fn new(exe: PathBuf, out: PathBuf, quick: bool) -> Options {
        Options {
            exe,
            out,
            quick,
            target: None,
            p99_target_ms: 50.0,
            error_budget: 0.001,
            connections: 64,
            only: Vec::new(),
            max_workers: None,
            build: String::new(),
        }
    }
}

/// The ids of the five tests, in the order they run.
pub const TEST_IDS: [&str; 5] = [
    "stepped_qps",
    "scaling",
    "cold_start",
    "mixed_cpu_io",
    "soak",
];

/// How long each part runs in a mode.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timing {
    /// One measured step.
    pub step: Duration,
    /// Load before a step's window (connections open, caches warm).
    pub warmup: Duration,
    /// Steps between the last good and first bad rate.
    pub refine: usize,
    /// The profile taken at the peak rate.
    pub profile: Duration,
    /// Each phase of test 4.
    pub mixed: Duration,
    /// Test 5.
    pub soak: Duration,
}

impl Timing {
    fn of(quick: bool) -> Timing {
        if quick {
            Timing {
                step: Duration::from_millis(1000),
                warmup: Duration::from_millis(300),
                refine: 2,
                profile: Duration::from_secs(2),
                mixed: Duration::from_secs(2),
                soak: Duration::from_secs(20),
            }
        } else {
            Timing {
                step: Duration::from_secs(5),
                warmup: Duration::from_secs(1),
                refine: 4,
                profile: Duration::from_secs(5),
                mixed: Duration::from_secs(10),
                soak: Duration::from_secs(180),
            }
        }
    }
}

/// Runs the suite and writes the report; returns it. Errors are what
/// stopped the run (no server, no folder); a failed test is a `fail`
/// verdict in the report, not an error.
pub fn run(options: &Options) -> Result<Report, String> {
    let started = Instant::now();
    let started_utc = utc_now();
    std::fs::create_dir_all(&options.out)
        .map_err(|e| format!("cannot create {}: {e}", options.out.display()))?;
    let machine = machine::detect();
    let target = match &options.target {
        Some(url) => Some(parse_target(url)?),
        None => {
            if !options.exe.is_file() {
                return Err(format!(
                    "{}: no lunar executable there",
                    options.exe.display()
                ));
            }
            None
        }
    };
    let wanted = |id: &str| options.only.is_empty() || options.only.iter().any(|o| o == id);
    let ids: Vec<&str> = TEST_IDS
        .iter()
        .copied()
        .filter(|id| wanted(id) && (target.is_none() || *id == "stepped_qps"))
        .collect();
    let progress = progress::Progress::new(ids.len());
    let mut ctx = suite::Ctx {
        options: options.clone(),
        timing: Timing::of(options.quick),
        machine: machine.clone(),
        progress,
        generator: GeneratorInfo::default(),
    };
    let mut tests = Vec::new();
    for id in ids {
        ctx.progress.begin_test(id);
        let entry = match (id, &target) {
            ("stepped_qps", Some((addr, route))) => {
                suite::stepped::run_remote(&mut ctx, *addr, route)
            }
            ("stepped_qps", None) => suite::stepped::run(&mut ctx),
            ("scaling", _) => suite::scaling::run(&mut ctx),
            ("cold_start", _) => suite::cold_start::run(&mut ctx),
            ("mixed_cpu_io", _) => suite::mixed::run(&mut ctx),
            _ => suite::soak::run(&mut ctx),
        }
        .map_err(|e| format!("{id}: {e}"))?;
        ctx.progress.end_test(&entry);
        tests.push(entry);
    }
    ctx.progress.finish();
    let report = Report {
        lunar_version: env!("CARGO_PKG_VERSION").to_string(),
        build: options.build.clone(),
        started_utc,
        duration_s: started.elapsed().as_secs_f64(),
        mode: if options.quick { "quick" } else { "full" }.to_string(),
        target: options.target.clone(),
        machine,
        generator: ctx.generator,
        tests,
    };
    report::write(&report, &options.out)?;
    Ok(report)
}

/// How many tests of a report failed.
pub fn failures(report: &Report) -> usize {
    report
        .tests
        .iter()
        .filter(|t| t.verdict == Verdict::Fail)
        .count()
}

/// `http://HOST:PORT/PATH` as an address and a route (`/` by default;
/// port 80 when none is given).
pub fn parse_target(url: &str) -> Result<(SocketAddr, String), String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| format!("--target: '{url}' is not an http:// URL"))?;
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let host = if host.contains(':') {
        host.to_string()
    } else {
        format!("{host}:80")
    };
    let addr = host
        .to_socket_addrs()
        .map_err(|e| format!("--target: cannot resolve '{host}': {e}"))?
        .next()
        .ok_or_else(|| format!("--target: '{host}' has no address"))?;
    Ok((addr, path.to_string()))
}

/// The time now, UTC, as `YYYY-MM-DDTHH:MM:SSZ`: Lua's own `os.date`
/// (the standard library's calendar code) rather than a second copy.
fn utc_now() -> String {
    let mut state = lunar::State::new();
    state
        .exec::<String>("=utc", "return os.date('!%Y-%m-%dT%H:%M:%SZ')")
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse() {
        let (addr, route) = parse_target("http://127.0.0.1:8080/ok?x=1").unwrap();
        assert_eq!(addr.port(), 8080);
        assert_eq!(route, "/ok?x=1");
        let (_, route) = parse_target("http://127.0.0.1:9").unwrap();
        assert_eq!(route, "/");
        assert!(parse_target("https://x/").is_err());
    }

    #[test]
    fn the_date_is_iso() {
        let now = utc_now();
        assert_eq!(now.len(), 20, "{now}");
        assert!(now.starts_with("20") && now.ends_with('Z'));
    }

    #[test]
    fn a_missing_executable_is_an_error_not_a_panic() {
        let mut o = Options::new(
            "/nonexistent/lunar".into(),
            std::env::temp_dir().join("lunar-stress-none"),
            true,
        );
        o.only = vec!["cold_start".into()];
        let e = run(&o).unwrap_err();
        assert!(e.contains("no lunar executable"), "{e}");
    }
}
