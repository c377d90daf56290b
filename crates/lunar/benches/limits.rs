//! What limits cost: fib(25) on a state without limits, with an
//! instruction limit, and with an instruction limit and a deadline (the
//! goal: under 5% over no limits).
//!
//! Criterion times the three one after the other; on a shared, noisy
//! machine the drift between them can be as large as the overhead, so
//! after the criterion report (in bench mode only) the file also times
//! the three interleaved, round by round, and prints each one's overhead
//! over no limits. Run with `cargo bench -p lunar --bench limits`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode};
use lunar::{Function, Limits, Program, State};

/// The argument of fib: 2*fib(26)-1 = 242785 Lua calls per run.
const N: i64 = 25;

/// The criterion group's name.
const GROUP: &str = "limits_fib25";

/// Rounds of the interleaved comparison (each round runs each state once).
const ROUNDS: usize = 40;

/// Fibonacci the way the Lua script computes it, to check its result.
fn fib(n: i64) -> i64 {
    if n < 2 { n } else { fib(n - 1) + fib(n - 2) }
}

/// A state with `limits` and the Lua fib function loaded in it, checked
/// once (which also warms the state's caches).
fn fib_state(limits: Limits) -> (State, Function) {
    let program = Program::compile(
        "fib.lua",
        "local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
         return fib",
    )
    .expect("fib compiles");
    let mut state = State::new();
    state.set_limits(limits);
    let f: Function = state.run(&program).expect("fib.lua returns fib");
    let got: i64 = f.call(&mut state, N).expect("fib runs within its limits");
    assert_eq!(got, fib(N), "fib({N})");
    (state, f)
}

/// The three configurations compared, by name.
fn configurations() -> Vec<(&'static str, Limits)> {
    let instructions = Limits {
        instructions: Some(u64::MAX / 2),
        ..Limits::default()
    };
    // An hour is far past any bench run, so the deadline never trips:
    // only the cost of watching it is measured.
    let deadline = Limits {
        deadline: Some(Instant::now() + Duration::from_secs(3600)),
        ..instructions
    };
    vec![
        ("no_limits", Limits::default()),
        ("instructions", instructions),
        ("instructions_deadline", deadline),
    ]
}

/// The criterion group: fib(25) under each configuration.
fn bench_limits(c: &mut Criterion) {
    let mut g = c.benchmark_group(GROUP);
    // One run takes milliseconds: flat sampling keeps the sample count
    // without criterion's linearly growing iteration counts.
    g.sampling_mode(SamplingMode::Flat);
    for (name, limits) in configurations() {
        let (mut state, f) = fib_state(limits);
        assert_eq!(state.limits().instructions, limits.instructions);
        g.bench_function(name, |b| {
            b.iter(|| f.call::<_, i64>(&mut state, black_box(N)).unwrap())
        });
    }
    g.finish();
}

/// Times the three configurations interleaved (ROUNDS rounds, each runs
/// every state once) and prints each one's minimum and median, and its
/// overhead over no limits.
fn interleaved_report() {
    let mut runs: Vec<(&str, State, Function, Vec<Duration>)> = configurations()
        .into_iter()
        .map(|(name, limits)| {
            let (state, f) = fib_state(limits);
            (name, state, f, Vec::with_capacity(ROUNDS))
        })
        .collect();
    for _ in 0..ROUNDS {
        for (_, state, f, times) in &mut runs {
            let start = Instant::now();
            black_box(f.call::<_, i64>(state, black_box(N)).unwrap());
            times.push(start.elapsed());
        }
    }
    let stats: Vec<(&str, Duration, Duration)> = runs
        .iter_mut()
        .map(|(name, _, _, times)| {
            times.sort();
            (*name, times[0], times[times.len() / 2])
        })
        .collect();
    let (_, base_min, base_median) = stats[0];
    println!("\nlimits overhead on fib({N}), {ROUNDS} interleaved rounds:");
    for (name, min, median) in &stats {
        println!(
            "  {name:<22} min {:>9.3} ms ({:+6.2}%)   median {:>9.3} ms ({:+6.2}%)",
            min.as_secs_f64() * 1e3,
            percent_over(*min, base_min),
            median.as_secs_f64() * 1e3,
            percent_over(*median, base_median),
        );
    }
}

/// How much longer `t` is than `base`, in percent.
fn percent_over(t: Duration, base: Duration) -> f64 {
    (t.as_secs_f64() / base.as_secs_f64() - 1.0) * 100.0
}

fn main() {
    let mut c = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    bench_limits(&mut c);
    c.final_summary();
    if wants_report() {
        interleaved_report();
    }
}

/// Whether this run is a measuring one that the interleaved report fits:
/// `cargo bench` passes `--bench` (without it, as under `cargo test
/// --benches`, criterion runs each bench once as a test), `--list` and
/// `--test` measure nothing, and a name filter must match this group.
fn wants_report() -> bool {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |f: &str| args.iter().any(|a| a == f);
    if !flag("--bench") || flag("--list") || flag("--test") {
        return false;
    }
    // Criterion's filter is the one argument that is not an option (its
    // options with values are not used with `cargo bench` here); it
    // selects the benches whose id contains it.
    let ids: Vec<String> = configurations()
        .iter()
        .map(|(name, _)| format!("{GROUP}/{name}"))
        .collect();
    args.iter()
        .filter(|a| !a.starts_with('-'))
        .all(|filter| ids.iter().any(|id| id.contains(filter.as_str())))
}
