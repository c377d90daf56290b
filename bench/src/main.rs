//! `lunar-bench`: Lunar's side-by-side benchmark harness.
//!
//! Runs the programs of `bench/programs/` on every engine present (Lunar as
//! a process and in-process, `lua5.4`, `luajit -joff`), interleaving the
//! engines round by round, checks that every engine printed the expected
//! checksum, and writes `bench/results/latest.md` and `latest.svg`: median
//! times, ratios to `lua5.4`, geometric means, peak memory. `--quick` runs
//! small sizes once and only checks checksums (CI); `--callgrind` counts
//! instructions per iteration of the micro-programs in `bench/callgrind/`
//! under valgrind, the steady figure on a noisy machine. `--scaling`
//! measures in-process throughput on 1..N threads (a state each) and
//! `--state-cost` the cost of a state with the whole library.
//!
//! The exit status is 1 when an engine failed or printed a wrong checksum,
//! 2 on a usage or setup error.

mod boundary;
mod callgrind;
mod engines;
mod inproc;
mod peers;
mod programs;
mod report;
mod results;
mod scaling;
mod state_cost;

#[cfg(all(feature = "mimalloc", feature = "count-allocations"))]
compile_error!("features mimalloc and count-allocations both set the global allocator");

// `--features mimalloc`: the allocator `--scaling` compares with the
// system's.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::Parser;
use engines::{BASELINE, Engine};
use results::{Cell, Metric, Results, Status};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

/// Command-line options.
#[derive(Parser, Debug)]
#[command(
    name = "lunar-bench",
    about = "Runs Lunar's benchmark programs side by side with lua5.4 and others"
)]
struct Options {
    /// Interleaved rounds per program; the median is reported.
    #[arg(long, default_value_t = 5)]
    rounds: usize,
    /// Small sizes and one round; only check checksums (writes no report).
    #[arg(long)]
    quick: bool,
    /// Comma-separated engines (default: all): lunar, lunar-inproc, lua5.4,
    /// luajit, and with --features peers mlua, piccolo, luars, lua-rs,
    /// tsuki, rune.
    #[arg(long, value_delimiter = ',')]
    engines: Vec<String>,
    /// Comma-separated programs (default: all); with --scaling, scripts
    /// of bench/scaling/ (fib, alloc, json) and `control` (fib(20) in Rust).
    #[arg(long, value_delimiter = ',')]
    programs: Vec<String>,
    /// Limit for a single run, in seconds.
    #[arg(long, default_value_t = 120)]
    timeout: u64,
    /// Directory for latest.md and latest.svg (default: bench/results).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Use this lunar binary instead of building target/release/lunar
    /// (or `$CARGO_TARGET_DIR/release/lunar`).
    #[arg(long)]
    lunar: Option<PathBuf>,
    /// Do not build lunar; use target/release/lunar (or
    /// `$CARGO_TARGET_DIR/release/lunar`) as it is.
    #[arg(long)]
    no_build: bool,
    /// What ratios and the chart use.
    #[arg(long, value_enum, default_value_t = Metric::Wall)]
    metric: Metric,
    /// Count instructions per iteration of bench/callgrind/*.lua under
    /// valgrind instead of timing the programs.
    #[arg(long)]
    callgrind: bool,
    /// Time Rust/Lua boundary crossings in-process (Lunar and, with
    /// --features peers, mlua) instead; writes results/boundary.md.
    #[arg(long)]
    boundary: bool,
    /// The register-versus-stack table (loop and fib on lunar, lua5.4,
    /// luajit -joff and rune) instead; writes results/regstack.md. With
    /// --callgrind, adds instructions per iteration (valgrind).
    #[arg(long)]
    regstack: bool,
    /// In-process scaling: each script of bench/scaling/ on 1..N threads
    /// with a state each; writes results/scaling.md (this allocator's
    /// section). With --quick: brief, checks results only.
    #[arg(long)]
    scaling: bool,
    /// Thread counts for --scaling (default 1,2,4,8; --quick 1,2).
    #[arg(long, value_delimiter = ',')]
    threads: Vec<String>,
    /// --scaling without `State::cache_proto`: every run verifies and
    /// converts the program again, as a lone `lunar::raw::run` does.
    #[arg(long)]
    uncached: bool,
    /// Seconds per --scaling measurement (default 2; --quick 0.2).
    #[arg(long)]
    seconds: Option<f64>,
    /// Time and size of `lunar::raw::new_state()` with a per-library
    /// breakdown; writes results/state-cost.md.
    #[arg(long)]
    state_cost: bool,
    /// Store lua5.4's outputs as programs/expected/NAME.SIZE.txt.
    #[arg(long)]
    write_expected: bool,
    /// Internal: run one program in-process with this engine (FILE SIZE follow).
    #[arg(long, hide = true, num_args = 3, value_names = ["ENGINE", "FILE", "SIZE"])]
    inproc: Option<Vec<String>>,
}

fn main() -> ExitCode {
    let o = Options::parse();
    if let Some(args) = &o.inproc {
        return inproc::run_once(&args[0], Path::new(&args[1]), &args[2]);
    }
    match run(&o) {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("lunar-bench: {msg}");
            ExitCode::from(2)
        }
    }
}

fn bench_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run(o: &Options) -> Result<ExitCode, String> {
    let bench = bench_dir();
    let root = bench
        .parent()
        .ok_or("bench has no parent directory")?
        .to_path_buf();
    let out_dir = o.out.clone().unwrap_or_else(|| bench.join("results"));
    if o.scaling {
        return run_scaling(o, &bench, &out_dir);
    }
    if o.state_cost {
        return run_state_cost(o, &out_dir);
    }
    let prog_dir = bench.join("programs");
    let progs =
        programs::select(&o.programs).map_err(|u| format!("unknown programs: {}", u.join(", ")))?;
    for e in &o.engines {
        if !engines::ENGINE_ORDER.contains(&e.as_str()) {
            return Err(format!(
                "unknown engine {e:?} (known: {})",
                engines::ENGINE_ORDER.join(", ")
            ));
        }
    }
    if o.boundary {
        return run_boundary(o, &out_dir);
    }
    let tmp = std::env::temp_dir().join(format!("lunar-bench-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).map_err(|e| e.to_string())?;
    let cfg = engines::Config {
        root: root.clone(),
        lunar_bin: o.lunar.clone(),
        no_build: o.no_build,
    };
    let all = engines::discover(&cfg, &o.engines);
    println!("lunar-bench: machine: {}", machine_info());
    for e in &all {
        match &e.skip {
            None => println!("lunar-bench: engine {:<13} {}", e.label(), e.version),
            Some(why) => println!("lunar-bench: engine {:<13} skipped: {why}", e.label()),
        }
    }
    if o.regstack {
        let engines: Vec<Engine> = all
            .iter()
            .filter(|e| {
                e.available() && (!o.engines.is_empty() || REGSTACK_ENGINES.contains(&e.name))
            })
            .cloned()
            .collect();
        let rounds = if o.quick { 1 } else { o.rounds.max(1) };
        let (table, ok) = peers::regstack::run(
            &engines,
            &prog_dir,
            rounds,
            o.quick,
            o.callgrind,
            Duration::from_secs(o.timeout),
            &tmp,
        );
        std::fs::remove_dir_all(&tmp).ok();
        println!("\n{table}");
        if !o.quick {
            let md = format!(
                "# Lunar: register versus stack\n\n- Date: {}\n- Machine: {}\n- Command: `{}`\n\n{table}",
                utc_now(),
                machine_info(),
                command_line()
            );
            std::fs::create_dir_all(&out_dir).map_err(|e| e.to_string())?;
            std::fs::write(out_dir.join("regstack.md"), md).map_err(|e| e.to_string())?;
            println!(
                "lunar-bench: wrote {}",
                out_dir.join("regstack.md").display()
            );
        }
        return Ok(if ok {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        });
    }
    if o.callgrind {
        let code = callgrind::run(
            &all,
            &bench.join("callgrind"),
            &tmp,
            Duration::from_secs(o.timeout * 10),
        );
        std::fs::remove_dir_all(&tmp).ok();
        return Ok(code);
    }
    let engines: Vec<Engine> = all.iter().filter(|e| e.available()).cloned().collect();
    if engines.is_empty() {
        return Err("no engine is available".into());
    }
    let rounds = if o.quick { 1 } else { o.rounds.max(1) };
    let load_before = load_average();
    let mut res = Results {
        machine: machine_info(),
        engines: all.clone(),
        programs: Vec::new(),
        cells: BTreeMap::new(),
        rounds,
        metric: o.metric,
        load: (load_before, String::new()),
        command: command_line(),
        date: utc_now(),
    };
    for p in progs {
        let size = if o.quick { p.quick_size } else { p.size };
        let cells = run_program(
            p.name,
            size,
            &engines,
            &prog_dir,
            rounds,
            Duration::from_secs(o.timeout),
            &tmp,
        );
        res.programs.push((p, size));
        res.cells.insert(p.name.to_string(), cells);
        let expected = if o.write_expected {
            None
        } else {
            std::fs::read_to_string(programs::expected_path(&prog_dir, p.name, size)).ok()
        };
        check_outputs(
            res.cells.get_mut(p.name).expect("just inserted"),
            expected.as_deref(),
        );
        if o.write_expected
            && let Some(c) = res.cell(p.name, BASELINE).filter(|c| c.ok())
        {
            let path = programs::expected_path(&prog_dir, p.name, size);
            std::fs::write(&path, format!("{}\n", c.output))
                .map_err(|e| format!("{}: {e}", path.display()))?;
        }
        print_program_line(&res, p.name, size, &engines);
    }
    res.load.1 = load_average();
    std::fs::remove_dir_all(&tmp).ok();

    println!();
    for e in &engines {
        let (g, n) = res.geomean_ratio(e.name);
        if let Some(g) = g {
            println!(
                "lunar-bench: {:<13} geometric mean ratio to {BASELINE}: {g:.2} over {n} programs",
                e.label()
            );
        }
    }
    let fails = res.failures();
    for f in &fails {
        println!("FAIL: {f}");
    }
    if !o.quick {
        let out = o.out.clone().unwrap_or_else(|| bench.join("results"));
        std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
        std::fs::write(out.join("latest.md"), report::markdown(&res)).map_err(|e| e.to_string())?;
        std::fs::write(out.join("latest.svg"), report::svg(&res)?).map_err(|e| e.to_string())?;
        println!(
            "lunar-bench: wrote {} and latest.svg",
            out.join("latest.md").display()
        );
    }
    if !fails.is_empty() {
        println!("lunar-bench: {} failure(s)", fails.len());
        return Ok(ExitCode::from(1));
    }
    println!("lunar-bench: all engines agree on every checksum");
    Ok(ExitCode::SUCCESS)
}

/// The engines of the register-versus-stack table when none are named.
const REGSTACK_ENGINES: &[&str] = &["lunar", "lunar-inproc", "lua5.4", "luajit", "rune"];

/// `--boundary`: times the boundary crossings and writes boundary.md.
fn run_boundary(o: &Options, out_dir: &Path) -> Result<ExitCode, String> {
    let (n, rounds) = if o.quick {
        (10_000, 1)
    } else {
        (1_000_000, o.rounds.max(1))
    };
    let rows = boundary::measure(n, rounds);
    let md = boundary::markdown(&rows, n, rounds, &machine_info(), &utc_now());
    println!("{md}");
    if !o.quick {
        std::fs::create_dir_all(out_dir).map_err(|e| e.to_string())?;
        std::fs::write(out_dir.join("boundary.md"), &md).map_err(|e| e.to_string())?;
        println!(
            "lunar-bench: wrote {}",
            out_dir.join("boundary.md").display()
        );
    }
    let failed = rows.iter().any(|r| r.ns.iter().any(|x| x.is_err()));
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `--scaling`: measures and writes this allocator's section of
/// scaling.md (not with --quick).
fn run_scaling(o: &Options, bench: &Path, out_dir: &Path) -> Result<ExitCode, String> {
    let threads = if o.threads.is_empty() {
        if o.quick {
            vec![1, 2]
        } else {
            vec![1, 2, 4, 8]
        }
    } else {
        scaling::parse_threads(&o.threads)?
    };
    let secs = o.seconds.unwrap_or(if o.quick { 0.2 } else { 2.0 });
    if !(secs > 0.0 && secs <= 600.0) {
        return Err(format!("--seconds {secs} out of range (0, 600]"));
    }
    let cfg = scaling::Config {
        threads,
        duration: Duration::from_secs_f64(secs),
        rounds: if o.quick { 1 } else { o.rounds.max(1) },
        cache: !o.uncached,
        scripts: o.programs.clone(),
    };
    let alloc = if o.uncached {
        format!("{} (uncached)", scaling::allocator_name())
    } else {
        scaling::allocator_name().to_string()
    };
    println!("lunar-bench: machine: {}", machine_info());
    println!("lunar-bench: allocator: {alloc}");
    let load_before = load_average();
    let rows = match scaling::run(&bench.join("scaling"), &cfg) {
        Ok(rows) => rows,
        Err(e) => {
            println!("FAIL: scaling: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    if o.quick {
        println!("lunar-bench: scaling: every run gave its script's result");
        return Ok(ExitCode::SUCCESS);
    }
    let meta = [
        ("Date", utc_now()),
        ("Machine", machine_info()),
        ("Build", build_profile().to_string()),
        (
            "Load average (1, 5, 15 min) before / after",
            format!("{load_before} / {}", load_average()),
        ),
        ("Command", command_line_with_features()),
    ];
    let section = scaling::section(&rows, &alloc, &cfg, &meta);
    println!("\n{section}");
    let path = out_dir.join("scaling.md");
    let old = std::fs::read_to_string(&path).ok();
    std::fs::create_dir_all(out_dir).map_err(|e| e.to_string())?;
    std::fs::write(&path, scaling::splice(old.as_deref(), &alloc, &section))
        .map_err(|e| e.to_string())?;
    println!("lunar-bench: wrote {}", path.display());
    Ok(ExitCode::SUCCESS)
}

/// `--state-cost`: measures and writes state-cost.md (not with --quick).
fn run_state_cost(o: &Options, out_dir: &Path) -> Result<ExitCode, String> {
    let (n, rounds) = if o.quick {
        (200, 1)
    } else {
        (20_000, o.rounds.max(1))
    };
    let cost = state_cost::measure(n, rounds);
    let meta = [
        ("Date", utc_now()),
        ("Machine", machine_info()),
        ("Build", build_profile().to_string()),
        ("Allocator", scaling::allocator_name().to_string()),
        ("Load average (1, 5, 15 min)", load_average()),
        ("Command", command_line_with_features()),
    ];
    let md = state_cost::markdown(&cost, &meta);
    println!("{md}");
    if !o.quick {
        std::fs::create_dir_all(out_dir).map_err(|e| e.to_string())?;
        let path = out_dir.join("state-cost.md");
        std::fs::write(&path, md).map_err(|e| e.to_string())?;
        println!("lunar-bench: wrote {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// The command line, with the allocator feature this binary was built
/// with (`--scaling` and `--state-cost` depend on it).
fn command_line_with_features() -> String {
    let features = if cfg!(feature = "mimalloc") {
        "-p lunar-bench --features mimalloc"
    } else if cfg!(feature = "count-allocations") {
        "-p lunar-bench --features count-allocations"
    } else {
        "-p lunar-bench"
    };
    command_line().replacen("-p lunar-bench", features, 1)
}

/// "release" or "debug", as this binary was built.
fn build_profile() -> &'static str {
    if cfg!(debug_assertions) {
        "debug (timings not meaningful)"
    } else {
        "release"
    }
}

/// Runs one program on every engine for `rounds` rounds, interleaving the
/// engines (A B C A B C …). An engine that fails is not run again on it.
fn run_program(
    name: &str,
    size: u64,
    engines: &[Engine],
    dir: &Path,
    rounds: usize,
    timeout: Duration,
    tmp: &Path,
) -> BTreeMap<String, Cell> {
    let mut cells = BTreeMap::new();
    let mut files = BTreeMap::new();
    for e in engines {
        match programs::program_file(dir, name, e.dialect) {
            Some(f) => {
                files.insert(e.name, f);
                cells.insert(e.name.to_string(), Cell::pending());
            }
            None => {
                cells.insert(
                    e.name.to_string(),
                    Cell {
                        status: Status::NotApplicable,
                        ..Cell::pending()
                    },
                );
            }
        }
    }
    for round in 0..rounds {
        for e in engines {
            let Some(file) = files.get(e.name) else {
                continue;
            };
            let c = cells.get_mut(e.name).expect("every engine has a cell");
            if c.status != Status::Ok {
                continue;
            }
            match e.run(file, size, timeout, tmp) {
                Err(msg) => c.status = Status::Failed(msg),
                Ok((out, t)) => {
                    let out = results::normalize_output(&out);
                    if round > 0 && out != c.output {
                        c.status = Status::Mismatch(format!(
                            "round {}: {}",
                            round + 1,
                            results::describe_diff(&out, &c.output, "round 1")
                        ));
                    } else {
                        c.output = out;
                        c.times.push(t);
                    }
                }
            }
        }
    }
    cells
}

/// Checks every engine's output against the stored expected output (or,
/// without one, the baseline's).
fn check_outputs(cells: &mut BTreeMap<String, Cell>, expected: Option<&str>) {
    let reference = match expected {
        Some(e) => Some((results::normalize_output(e), "the expected output")),
        None => cells
            .get(BASELINE)
            .filter(|c| c.ok())
            .map(|c| (c.output.clone(), "lua5.4")),
    };
    let Some((want, what)) = reference else {
        return;
    };
    for c in cells.values_mut() {
        if c.ok() && c.output != want {
            c.status = Status::Mismatch(results::describe_diff(&c.output, &want, what));
        }
    }
}

fn print_program_line(res: &Results, name: &str, size: u64, engines: &[Engine]) {
    let parts: Vec<String> = engines
        .iter()
        .map(|e| {
            let text = match res.cell(name, e.name) {
                Some(c) if c.ok() => format!("{:.3}s", c.median_wall().as_secs_f64()),
                Some(c) => match &c.status {
                    Status::NotApplicable => "n/a".into(),
                    Status::Failed(m) => format!("failed ({m})"),
                    Status::Mismatch(m) => format!("wrong ({m})"),
                    Status::Ok => "—".into(),
                },
                None => "—".into(),
            };
            format!("{} {text}", e.label())
        })
        .collect();
    println!("lunar-bench: {name:<13} {size:<9} {}", parts.join(", "));
}

/// CPU model, core count, memory and kernel, from /proc.
fn machine_info() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .map(|r| r.trim_start_matches([' ', '\t', ':']).trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let mem_gib = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines().find_map(|l| {
                l.strip_prefix("MemTotal:")
                    .and_then(|r| r.split_whitespace().next()?.parse::<f64>().ok())
            })
        })
        .map(|kib| kib / 1024.0 / 1024.0)
        .unwrap_or(0.0);
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    format!(
        "{model}, {cores} logical CPUs, {mem_gib:.0} GiB memory, Linux {}",
        kernel.trim()
    )
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn command_line() -> String {
    let args: Vec<String> = std::env::args().skip(1).collect();
    format!("cargo run --release -p lunar-bench -- {}", args.join(" "))
        .trim_end()
        .to_string()
}

/// The current UTC time as "YYYY-MM-DD HH:MM UTC" (no date crate needed:
/// the civil-from-days conversion is a few lines).
fn utc_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = (secs / 86_400) as i64;
    let (h, m) = ((secs % 86_400) / 3600, (secs % 3600) / 60);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let mo = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(mo <= 2);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{m:02} UTC")
}
