//! `probe`: checks the load generator against a running server (and
//! against `wrk` on the same route): a closed-loop run, then open-loop
//! steps at the given rates.
//!
//! ```text
//! probe http://127.0.0.1:8080/ok [--threads 1] [--cpus 1] [--connections 64]
//!       [--closed-secs 5] [--rates 10000,40000,80000] [--step-secs 5] [--warmup-secs 1]
//! ```

use lunar_stress::load::{Generator, StepSpec};
use std::time::Duration;

fn main() {
    if let Err(e) = run() {
        eprintln!("probe: {e}");
        std::process::exit(2);
    }
}

fn list<T: std::str::FromStr>(s: &str) -> Result<Vec<T>, String> {
    s.split(',')
        .filter(|p| !p.is_empty())
        .map(|p| p.trim().parse().map_err(|_| format!("bad number {p:?}")))
        .collect()
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let mut url = None;
    let (mut threads, mut cpus, mut connections) = (1usize, Vec::new(), 64usize);
    let (mut closed_secs, mut step_secs, mut warmup_secs) = (5.0f64, 5.0f64, 1.0f64);
    let mut rates: Vec<f64> = vec![10_000.0, 40_000.0, 80_000.0];
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or(format!("{a} wants a value"));
        match a.as_str() {
            "--threads" => threads = list(&value()?)?.first().copied().unwrap_or(1),
            "--cpus" => cpus = list(&value()?)?,
            "--connections" => connections = list(&value()?)?.first().copied().unwrap_or(64),
            "--closed-secs" => closed_secs = list(&value()?)?.first().copied().unwrap_or(5.0),
            "--step-secs" => step_secs = list(&value()?)?.first().copied().unwrap_or(5.0),
            "--warmup-secs" => warmup_secs = list(&value()?)?.first().copied().unwrap_or(1.0),
            "--rates" => rates = list(&value()?)?,
            _ if url.is_none() && a.starts_with("http://") => url = Some(a),
            _ => return Err(format!("unknown argument {a:?}")),
        }
    }
    let (addr, route) =
        lunar_stress::parse_target(&url.ok_or("usage: probe http://HOST:PORT/PATH [options]")?)?;
    let generator = Generator::new(threads, &cpus, connections)?;
    println!("generator: {:?}", generator.info());
    if closed_secs > 0.0 {
        let c = generator.closed_loop_detail(
            addr,
            &route,
            connections,
            Duration::from_secs_f64(closed_secs),
        );
        println!(
            "closed loop, {connections} connections, {closed_secs} s: {:.0} rps, generator CPU {:.2} cores, \
             non-200 {}, transport errors {}, latency p50 {:.3} ms p99 {:.3} ms",
            c.rps,
            c.generator_cpu,
            c.non_200,
            c.transport_errors,
            c.latency.p50_ms,
            c.latency.p99_ms
        );
    }
    for rate in rates {
        let mut spec = StepSpec::get(&route, rate, Duration::from_secs_f64(step_secs));
        spec.warmup = Duration::from_secs_f64(warmup_secs);
        let r = generator.run_step(addr, &spec);
        println!(
            "open loop {:>7.0} rps ({} conns): achieved {:>8.0} rps, sent {}, errors {} (timeouts {}, transport {}), \
             p50 {:.3} ms p90 {:.3} ms p99 {:.3} ms p99.9 {:.3} ms max {:.3} ms, send lag {:.3} ms, generator CPU {:.2} cores",
            rate,
            generator.connections_for(&spec),
            r.achieved_rps,
            r.sent,
            r.errors,
            r.timeouts,
            r.transport_errors,
            r.latency.p50_ms,
            r.latency.p90_ms,
            r.latency.p99_ms,
            r.latency.p999_ms,
            r.latency.max_ms,
            r.send_lag_ms,
            r.generator_cpu
        );
    }
    Ok(())
}
