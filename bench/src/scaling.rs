//! `--scaling`: in-process scaling across threads. One compiled
//! `lunar::Program` per script of `bench/scaling/` is shared by 1..N
//! threads, each running it over and over on a state of its own for a
//! fixed time; throughput is runs per second summed over the threads and
//! efficiency is throughput(N) / (N × throughput(1)). Every run's result
//! is checked against the script's first result, so a broken run cannot
//! look fast. Each thread also reads its own CPU time (the kernel's
//! `/proc/thread-self/schedstat`), so that the report can give runs per
//! CPU-second too: on a machine busy with other work the wall-clock
//! efficiency says how much CPU the scheduler gave, the CPU-time
//! efficiency whether a run costs more when other states run beside it
//! (shared locks, atomics, allocator contention, cache traffic).
//! `--quick` runs the same path briefly and checks only the
//! results (no timing in pass/fail, for CI).
//!
//! A control row runs the same recursion as `fib.lua` compiled from Rust,
//! with no state at all: it shares nothing between threads, so its
//! efficiency is what the machine itself allows (host SMT siblings,
//! frequency, neighbours), the ceiling against which the scripts' figures
//! are read.
//!
//! The report (`results/scaling.md`) keeps one section per global
//! allocator (system, mimalloc), so that running the mode once per build
//! fills in both; text outside the sections is kept as it is.

use lunar::Program;
use lunar::raw::Value;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

/// The scripts of `bench/scaling/`, in table order: the name and what one
/// run does.
pub const SCRIPTS: &[(&str, &str)] = &[
    ("fib", "fib(20), 21,891 Lua calls, allocates nothing"),
    (
        "alloc",
        "builds and drops 1,000 small tables and 1,000 strings",
    ),
    ("json", "JSON-encodes a nested table of 60 records"),
];

/// The name of the control row: `fib(20)` compiled from Rust.
pub const CONTROL: &str = "control";

/// The control's work: the recursion of `bench/scaling/fib.lua` in Rust.
/// `black_box` keeps the compiler from folding or memoising it.
fn control_fib(n: i64) -> i64 {
    let n = std::hint::black_box(n);
    if n < 2 {
        n
    } else {
        control_fib(n - 1) + control_fib(n - 2)
    }
}

/// What a measurement runs on each thread.
#[derive(Clone, Copy)]
pub enum Work<'a> {
    /// A compiled script, on a state of the thread's own.
    Script(&'a Program),
    /// [`CONTROL`]: `fib(20)` in Rust, no state.
    Control,
}

/// The global allocator this binary was built with.
pub fn allocator_name() -> &'static str {
    if cfg!(feature = "mimalloc") {
        "mimalloc"
    } else if cfg!(feature = "count-allocations") {
        "system (counting)"
    } else {
        "system"
    }
}

/// Options of one scaling run.
pub struct Config {
    /// Thread counts to measure (1 is added when missing: it is the base).
    pub threads: Vec<usize>,
    /// How long each measurement runs.
    pub duration: Duration,
    /// Measurements per (script, threads) pair; the median is kept.
    pub rounds: usize,
    /// Whether each state keeps the program's runtime prototype
    /// (`State::cache_proto`, what a host running one program many times
    /// does); without it every run verifies the prototype and converts it
    /// for the state again, as a single `lunar::raw::run` does.
    pub cache: bool,
    /// Scripts to run (names of [`SCRIPTS`]; empty: all).
    pub scripts: Vec<String>,
}

/// One measurement series: a script at a thread count.
#[derive(Debug, Clone)]
pub struct Row {
    /// Script name.
    pub script: &'static str,
    /// Threads (one state each).
    pub threads: usize,
    /// Runs per second of every round, all threads together.
    pub rates: Vec<f64>,
    /// Runs per CPU-second of every round (all runs over all the threads'
    /// CPU time); empty where the kernel gives no per-thread CPU time.
    pub cpu_rates: Vec<f64>,
}

impl Row {
    /// The median rate of the rounds.
    pub fn median(&self) -> f64 {
        median_f64(&self.rates)
    }

    /// The median runs per CPU-second, if measured.
    pub fn cpu_median(&self) -> Option<f64> {
        (!self.cpu_rates.is_empty()).then(|| median_f64(&self.cpu_rates))
    }
}

/// The calling thread's CPU time in nanoseconds, from the first field of
/// `/proc/thread-self/schedstat` (time spent on a CPU); `None` where the
/// kernel does not provide it.
pub fn thread_cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

/// One measurement: runs per wall second (all threads together) and runs
/// per CPU-second (when the CPU time could be read).
#[derive(Debug, Clone, Copy)]
pub struct Rate {
    /// Runs per second, all threads together.
    pub wall: f64,
    /// All runs over the threads' total CPU time.
    pub cpu: Option<f64>,
}

/// The median of `xs` (0 for none).
pub fn median_f64(xs: &[f64]) -> f64 {
    let mut v = xs.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    match v.len() {
        0 => 0.0,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// throughput(n) / (n × throughput(1)).
pub fn efficiency(rate_n: f64, n: usize, rate_1: f64) -> f64 {
    if rate_1 <= 0.0 || n == 0 {
        0.0
    } else {
        rate_n / (n as f64 * rate_1)
    }
}

/// Compiles the scripts of `dir` and checks each once on a fresh state,
/// returning the programs with their expected results.
pub fn load_scripts(
    dir: &Path,
    only: &[String],
) -> Result<Vec<(&'static str, Program, i64)>, String> {
    if let Some(bad) = only
        .iter()
        .find(|n| *n != CONTROL && !SCRIPTS.iter().any(|(s, _)| s == n))
    {
        let mut known: Vec<&str> = SCRIPTS.iter().map(|(s, _)| *s).collect();
        known.push(CONTROL);
        return Err(format!(
            "unknown scaling script {bad:?} (known: {})",
            known.join(", ")
        ));
    }
    let mut out = Vec::new();
    for (name, _) in SCRIPTS {
        if !only.is_empty() && !only.iter().any(|n| n == name) {
            continue;
        }
        let path = dir.join(format!("{name}.lua"));
        let src = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let program =
            Program::compile(&format!("@{}", path.display()), &src).map_err(|e| e.to_string())?;
        let mut st = lunar::raw::new_state();
        let want = run_once(&mut st, &program)?;
        out.push((*name, program, want));
    }
    Ok(out)
}

/// Runs `program` once on `st`; its result must be an integer.
fn run_once(st: &mut lunar::raw::State, program: &Program) -> Result<i64, String> {
    match lunar::raw::run(st, program, &[]) {
        Ok(v) => match v.first() {
            Some(Value::Int(i)) => Ok(*i),
            other => Err(format!("expected an integer result, got {other:?}")),
        },
        Err(e) => Err(e.to_string()),
    }
}

/// Runs `program` on `threads` threads, each with its own state, for
/// `duration` (after a short warm-up outside the timing), and returns runs
/// per second over all threads. Each thread's rate is its own runs over
/// its own elapsed time, so a run that ends past the deadline is counted
/// fairly.
pub fn measure(
    work: Work<'_>,
    want: i64,
    threads: usize,
    duration: Duration,
    cache: bool,
) -> Result<Rate, String> {
    let barrier = Arc::new(Barrier::new(threads));
    // Per thread: (runs per wall second, runs, CPU nanoseconds).
    type Out = Result<(f64, u64, Option<u64>), String>;
    let results: Vec<Out> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let barrier = barrier.clone();
                s.spawn(move || -> Out {
                    let mut st = lunar::raw::new_state();
                    if let Work::Script(program) = work
                        && cache
                        && st.cache_proto(program.proto()).is_err()
                    {
                        barrier.wait();
                        return Err("the prototype does not verify".into());
                    }
                    let mut run_once = || match work {
                        Work::Script(program) => run_once(&mut st, program),
                        Work::Control => Ok(control_fib(20)),
                    };
                    // Warm-up: the state's stack, string table and
                    // caches grow to their working size.
                    let warm = Instant::now();
                    let mut warm_err = None;
                    while warm.elapsed() < duration / 10 {
                        match run_once() {
                            Ok(v) if v == want => {}
                            Ok(v) => {
                                warm_err = Some(format!("result {v}, expected {want}"));
                                break;
                            }
                            Err(e) => {
                                warm_err = Some(e);
                                break;
                            }
                        }
                    }
                    // Every thread reaches the barrier, even a failed one,
                    // so that the others are not left waiting.
                    barrier.wait();
                    if let Some(e) = warm_err {
                        return Err(e);
                    }
                    let cpu0 = thread_cpu_ns();
                    let start = Instant::now();
                    let mut runs = 0u64;
                    loop {
                        let v = run_once()?;
                        if v != want {
                            return Err(format!("result {v}, expected {want}"));
                        }
                        runs += 1;
                        let t = start.elapsed();
                        if t >= duration {
                            let cpu = match (cpu0, thread_cpu_ns()) {
                                (Some(a), Some(b)) if b > a => Some(b - a),
                                _ => None,
                            };
                            return Ok((runs as f64 / t.as_secs_f64(), runs, cpu));
                        }
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err("thread panicked".into())))
            .collect()
    });
    let (mut wall, mut runs, mut cpu_ns) = (0.0, 0u64, Some(0u64));
    for r in results {
        let (w, n, c) = r?;
        wall += w;
        runs += n;
        cpu_ns = cpu_ns.zip(c).map(|(a, b)| a + b);
    }
    Ok(Rate {
        wall,
        cpu: cpu_ns.map(|ns| runs as f64 / (ns as f64 / 1e9)),
    })
}

/// Measures every script at every thread count, `cfg.rounds` times,
/// interleaving the thread counts round by round. Prints progress.
pub fn run(dir: &Path, cfg: &Config) -> Result<Vec<Row>, String> {
    let scripts = load_scripts(dir, &cfg.scripts)?;
    let mut threads = cfg.threads.clone();
    if !threads.contains(&1) {
        threads.insert(0, 1);
    }
    threads.sort_unstable();
    threads.dedup();
    let mut works: Vec<(&'static str, Work<'_>, i64)> = scripts
        .iter()
        .map(|(name, program, want)| (*name, Work::Script(program), *want))
        .collect();
    if cfg.scripts.is_empty() || cfg.scripts.iter().any(|n| n == CONTROL) {
        works.push((CONTROL, Work::Control, control_fib(20)));
    }
    let mut rows = Vec::new();
    for (name, work, want) in works {
        let mut series: Vec<Row> = threads
            .iter()
            .map(|&n| Row {
                script: name,
                threads: n,
                rates: Vec::new(),
                cpu_rates: Vec::new(),
            })
            .collect();
        for _ in 0..cfg.rounds.max(1) {
            for row in series.iter_mut() {
                let r = measure(work, want, row.threads, cfg.duration, cfg.cache)
                    .map_err(|e| format!("{name} on {} thread(s): {e}", row.threads))?;
                row.rates.push(r.wall);
                row.cpu_rates.extend(r.cpu);
            }
        }
        let base = series[0].median();
        let cpu_base = series[0].cpu_median();
        for row in &series {
            let m = row.median();
            let cpu = match (row.cpu_median(), cpu_base) {
                (Some(c), Some(b)) => format!(
                    "  {c:>10.1} runs/CPU-s  CPU efficiency {:.3}",
                    efficiency(c, 1, b)
                ),
                _ => String::new(),
            };
            println!(
                "lunar-bench: scaling {name:<6} {:>3} thread(s) {m:>10.1} runs/s  efficiency {:.3}{cpu}",
                row.threads,
                efficiency(m, row.threads, base)
            );
        }
        rows.extend(series);
    }
    Ok(rows)
}

/// The Markdown section for one allocator: a table of script, threads,
/// runs/s and efficiency, plus efficiency per busy core where threads
/// outnumber cores.
pub fn section(rows: &[Row], allocator: &str, cfg: &Config, meta: &[(&str, String)]) -> String {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let mut s = String::new();
    let _ = writeln!(s, "## Allocator: {allocator}\n");
    for (k, v) in meta {
        let _ = writeln!(s, "- {k}: {v}");
    }
    let _ = writeln!(
        s,
        "- Method: {}; each measurement runs for {:.1} s per thread count (after a warm-up of a tenth of that), {} round(s) interleaved; runs/s is the median round, all threads together. Efficiency = runs/s(N) / (N × runs/s(1)); per core = runs/s(N) / (min(N, {cores}) × runs/s(1)), the figure that matters once threads outnumber the {cores} cores. Range: the slowest and fastest round. Best per core: per core from the fastest rounds (fastest at N over fastest at 1), the estimate least moved by other work on a shared machine, since that only ever slows a round. The `control` row is `fib(20)` compiled from Rust, no state and nothing shared: its efficiency is what this machine allows any program. Runs/CPU-s = all runs over the threads' CPU time (`/proc/thread-self/schedstat`); CPU efficiency = runs/CPU-s(N) / runs/CPU-s(1): below 1 means a run costs more CPU when other states run beside it (contention), whatever else the machine runs.\n",
        if cfg.cache {
            "each state keeps the program's runtime prototype (`State::cache_proto`) and runs it with `lunar::raw::run`"
        } else {
            "`--uncached`: each run is a plain `lunar::raw::run`, which verifies the prototype and converts it for the state again"
        },
        cfg.duration.as_secs_f64(),
        cfg.rounds.max(1)
    );
    let _ = writeln!(
        s,
        "| script | threads | runs/s | range | efficiency | per core | best per core | runs/CPU-s | CPU efficiency |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    let (mut base, mut best_base, mut cpu_base) = (0.0, 0.0, None);
    for r in rows {
        let m = r.median();
        let lo = r.rates.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = r.rates.iter().copied().fold(0.0, f64::max);
        if r.threads == 1 {
            base = m;
            best_base = hi;
            cpu_base = r.cpu_median();
        }
        let (cpu, cpu_eff) = match (r.cpu_median(), cpu_base) {
            (Some(c), Some(b)) => (format!("{c:.0}"), format!("{:.3}", efficiency(c, 1, b))),
            _ => ("—".to_string(), "—".to_string()),
        };
        let _ = writeln!(
            s,
            "| {} | {} | {m:.0} | {lo:.0}–{hi:.0} | {:.3} | {:.3} | {:.3} | {cpu} | {cpu_eff} |",
            r.script,
            r.threads,
            efficiency(m, r.threads, base),
            efficiency(m, r.threads.min(cores), base),
            efficiency(hi, r.threads.min(cores), best_base),
        );
    }
    s
}

/// The markers around an allocator's section in the report.
fn markers(allocator: &str) -> (String, String) {
    (
        format!("<!-- scaling:{allocator}:begin -->"),
        format!("<!-- scaling:{allocator}:end -->"),
    )
}

/// The report with `section` put in place of this allocator's previous
/// section (or appended), everything else kept. `old` is the previous
/// report, if any.
pub fn splice(old: Option<&str>, allocator: &str, section: &str) -> String {
    let (b, e) = markers(allocator);
    let block = format!("{b}\n{}\n{e}\n", section.trim_end());
    let old = old.unwrap_or(
        "# Lunar: scaling across threads\n\nOne compiled program per script, run over and over on 1..N threads with a state each (`lunar-bench --scaling`). Scripts (bench/scaling/): fib (fib(20)), alloc (builds and drops 1,000 small tables and strings), json (JSON-encodes a nested table). Sections are replaced per allocator on each run; other text is kept.\n\n",
    );
    if let (Some(i), Some(j)) = (old.find(&b), old.find(&e))
        && i < j
    {
        let mut end = j + e.len();
        if old[end..].starts_with('\n') {
            end += 1;
        }
        return format!("{}{block}{}", &old[..i], &old[end..]);
    }
    let mut s = old.to_string();
    if !s.ends_with("\n\n") {
        s.push('\n');
    }
    s.push_str(&block);
    s
}

/// Parses "1,2,4" (also as separate values) into thread counts.
pub fn parse_threads(v: &[String]) -> Result<Vec<usize>, String> {
    let mut out = Vec::new();
    for part in v.iter().flat_map(|s| s.split(',')) {
        let n: usize = part
            .trim()
            .parse()
            .map_err(|_| format!("bad thread count {part:?}"))?;
        if n == 0 || n > 256 {
            return Err(format!("thread count {n} out of range 1..256"));
        }
        out.push(n);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scaling")
    }

    #[test]
    fn efficiency_is_relative_to_one_thread_times_n() {
        assert_eq!(efficiency(200.0, 2, 100.0), 1.0);
        assert_eq!(efficiency(150.0, 2, 100.0), 0.75);
        assert_eq!(efficiency(10.0, 2, 0.0), 0.0);
        assert_eq!(median_f64(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median_f64(&[4.0, 1.0, 2.0, 3.0]), 2.5);
    }

    #[test]
    fn thread_lists_parse_and_reject_nonsense() {
        let v = |s: &str| vec![s.to_string()];
        assert_eq!(parse_threads(&v("1,2,4")).unwrap(), vec![1, 2, 4]);
        assert!(parse_threads(&v("0")).is_err());
        assert!(parse_threads(&v("two")).is_err());
    }

    #[test]
    fn thread_cpu_time_advances_with_work() {
        let Some(a) = thread_cpu_ns() else {
            // Kernels without schedstat: the report shows dashes.
            return;
        };
        // Spin until 5 ms of CPU time are counted (on a busy machine that
        // takes longer than 5 ms of wall time); a counter that does not
        // advance fails after 10 s.
        let t = Instant::now();
        let mut x = 0u64;
        loop {
            for _ in 0..10_000 {
                x = std::hint::black_box(x.wrapping_add(1));
            }
            let b = thread_cpu_ns().expect("readable once");
            if b - a >= 5_000_000 {
                break;
            }
            assert!(t.elapsed() < Duration::from_secs(10), "CPU time stuck");
        }
    }

    #[test]
    fn splice_replaces_only_its_own_section() {
        let first = splice(None, "system", "## Allocator: system\nA\n");
        let both = splice(Some(&first), "mimalloc", "## Allocator: mimalloc\nB\n");
        let notes = format!("{both}\n## Notes\nkept\n");
        let again = splice(Some(&notes), "system", "## Allocator: system\nC\n");
        assert!(again.contains("\nC\n") && !again.contains("\nA\n"));
        assert!(again.contains("\nB\n") && again.contains("kept"));
        assert_eq!(again.matches("scaling:system:begin").count(), 1);
        assert!(again.find("\nC\n") < again.find("\nB\n"), "order kept");
    }

    #[test]
    fn every_script_runs_and_agrees_across_threads() {
        let scripts = load_scripts(&dir(), &[]).expect("scripts load and run");
        assert_eq!(scripts.len(), SCRIPTS.len());
        let one = load_scripts(&dir(), &["json".to_string()]).expect("json alone");
        assert_eq!(one.len(), 1);
        let err = load_scripts(&dir(), &["nope".to_string()]).unwrap_err();
        assert!(err.ends_with("(known: fib, alloc, json, control)"), "{err}");
        let control = load_scripts(&dir(), &[CONTROL.to_string()]).expect("control alone");
        assert!(control.is_empty());
        for (name, program, want) in &scripts {
            // A short run on two threads: only the results are checked.
            let r = measure(
                Work::Script(program),
                *want,
                2,
                Duration::from_millis(20),
                true,
            );
            assert!(r.as_ref().is_ok_and(|r| r.wall > 0.0), "{name}: {r:?}");
        }
    }

    #[test]
    fn a_wrong_result_fails_the_measurement() {
        let program = Program::compile("=t", b"return 1").unwrap();
        let r = measure(
            Work::Script(&program),
            2,
            2,
            Duration::from_millis(5),
            false,
        );
        assert!(r.unwrap_err().contains("expected 2"));
    }

    #[test]
    fn the_control_computes_what_fib_lua_returns() {
        assert_eq!(control_fib(20), 6765);
        let r = measure(Work::Control, 6765, 2, Duration::from_millis(5), false);
        assert!(r.is_ok_and(|r| r.wall > 0.0));
        let r = measure(Work::Control, 6766, 1, Duration::from_millis(5), false);
        assert!(r.unwrap_err().contains("expected 6766"));
    }
}
