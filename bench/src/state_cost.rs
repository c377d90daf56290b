//! `--state-cost`: what a state with the whole standard library costs:
//! the time of `lunar::raw::new_state()` plus dropping the state, the
//! bytes its heap counts (`Heap::bytes_in_use`, what
//! `collectgarbage("count")` reports) and, in a build with the
//! `count-allocations` feature, the real allocations it makes and holds
//! (counted by `allocation-counter`'s global allocator). A breakdown
//! gives the same figures for `State::new()` and for each library's
//! `open_*`, in `open_all`'s order, to show where the cost goes.

use crate::scaling::thread_cpu_ns;
use lunar::stdlib;
use lunar::vm::State;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

/// A library's opening function.
pub type Open = fn(&mut State);

/// The steps of `lunar::raw::new_state()`, in order: a bare state, then
/// each library as `lunar_stdlib::open_all` opens it.
pub const STEPS: &[(&str, Open)] = &[
    ("State::new", |_| {}),
    ("reserve", stdlib::reserve_for_all),
    ("base", stdlib::open_base),
    ("package", stdlib::package::open_package),
    ("coroutine", stdlib::open_coroutine),
    ("table", stdlib::table::open_table),
    ("string", stdlib::string::open_string),
    ("math", stdlib::math::open_math),
    ("utf8", stdlib::utf8::open_utf8),
    ("os", stdlib::os::open_os),
    ("io", stdlib::io::open_io),
    ("debug", stdlib::open_debug),
];

/// Real allocations over a piece of code (with `count-allocations`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Allocs {
    /// Allocations made.
    pub count: u64,
    /// Bytes allocated.
    pub bytes: u64,
    /// Allocations still held at the end.
    pub live_count: i64,
    /// Bytes still held at the end.
    pub live_bytes: i64,
}

/// Counts the allocations `f` makes; `None` in a build without the
/// `count-allocations` feature.
#[cfg(feature = "count-allocations")]
pub fn count_allocs<R>(f: impl FnOnce() -> R) -> (R, Option<Allocs>) {
    let mut out = None;
    let info = allocation_counter::measure(|| out = Some(f()));
    (
        out.expect("measure runs the closure"),
        Some(Allocs {
            count: info.count_total,
            bytes: info.bytes_total,
            live_count: info.count_current,
            live_bytes: info.bytes_current,
        }),
    )
}

/// Counts the allocations `f` makes; `None` in a build without the
/// `count-allocations` feature.
#[cfg(not(feature = "count-allocations"))]
pub fn count_allocs<R>(f: impl FnOnce() -> R) -> (R, Option<Allocs>) {
    (f(), None)
}

/// One line of the breakdown.
#[derive(Debug, Clone)]
pub struct Step {
    /// Step name (`State::new` or a library).
    pub name: &'static str,
    /// Time of the step (fastest round).
    pub time: Duration,
    /// Heap bytes the step added.
    pub heap_bytes: usize,
    /// Real allocations of the step.
    pub allocs: Option<Allocs>,
}

/// A time per state: median round, wall and (when the kernel gives the
/// thread's CPU time) CPU.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timing {
    /// Wall time per state.
    pub wall: Duration,
    /// The thread's CPU time per state, steadier than wall time on a busy
    /// machine.
    pub cpu: Option<Duration>,
}

/// States per timed batch where states are kept (create only, drop
/// only): small enough that their memory is reused batch after batch
/// rather than fresh pages, large enough that reading the CPU clock
/// between batches costs little.
const BATCH: u32 = 200;

/// Times `rounds` rounds of `iterations` states: `timed(batch)` does the
/// measured work for `batch` states, `untimed()` what must happen between
/// batches (outside the clocks); the median round, per state.
fn time_rounds(
    iterations: u32,
    rounds: usize,
    mut timed: impl FnMut(u32),
    mut untimed: impl FnMut(),
) -> Timing {
    let (mut walls, mut cpus) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let (mut wall, mut cpu, mut cpu_ok) = (Duration::ZERO, 0u64, true);
        let mut left = iterations;
        while left > 0 {
            let batch = left.min(BATCH);
            left -= batch;
            let c = thread_cpu_ns();
            let t = Instant::now();
            timed(batch);
            wall += t.elapsed();
            match (c, thread_cpu_ns()) {
                (Some(a), Some(b)) if b >= a => cpu += b - a,
                _ => cpu_ok = false,
            }
            untimed();
        }
        walls.push(wall / iterations);
        if cpu_ok {
            cpus.push(Duration::from_nanos(cpu / iterations as u64));
        }
    }
    Timing {
        wall: crate::results::median(walls),
        cpu: (cpus.len() == rounds).then(|| crate::results::median(cpus)),
    }
}

/// The whole measurement.
#[derive(Debug, Clone)]
pub struct Cost {
    /// Iterations per round.
    pub iterations: u32,
    /// Rounds (the median is kept).
    pub rounds: usize,
    /// `new_state()` followed at once by dropping the state.
    pub create_drop: Timing,
    /// `new_state()` alone (states dropped untimed, in batches).
    pub create: Timing,
    /// Dropping a fresh state alone (states made untimed, in batches).
    pub drop: Timing,
    /// Heap bytes of a fresh state.
    pub heap_bytes: usize,
    /// Real allocations of `new_state()` (live = what the state holds).
    pub allocs: Option<Allocs>,
    /// Real allocations of `new_state()` + drop (live should be 0).
    pub allocs_with_drop: Option<Allocs>,
    /// A state that opens the libraries itself (`State::new` +
    /// `open_all`, the `lunar` command's way), created and dropped.
    pub opened: Timing,
    /// Taking the library image `new_state()` copies (once per process).
    pub capture: Duration,
    /// The breakdown of `opened`.
    pub steps: Vec<Step>,
}

/// Measures `iterations` states per round, `rounds` rounds.
pub fn measure(iterations: u32, rounds: usize) -> Cost {
    let rounds = rounds.max(1);
    let iterations = iterations.max(1);
    // Warm-up: the allocator's free lists and the os library's first-use
    // caches (the clock's start) are set up once per process.
    for _ in 0..iterations.min(1000) {
        drop(std::hint::black_box(lunar::raw::new_state()));
    }
    let create_drop = time_rounds(
        iterations,
        rounds,
        |n| {
            for _ in 0..n {
                drop(std::hint::black_box(lunar::raw::new_state()));
            }
        },
        || {},
    );
    let keep = std::cell::RefCell::new(Vec::<State>::with_capacity(BATCH as usize));
    let create = time_rounds(
        iterations,
        rounds,
        |n| {
            let mut k = keep.borrow_mut();
            for _ in 0..n {
                k.push(std::hint::black_box(lunar::raw::new_state()));
            }
        },
        || keep.borrow_mut().clear(),
    );
    let fill = || {
        let mut k = keep.borrow_mut();
        while k.len() < BATCH as usize {
            k.push(lunar::raw::new_state());
        }
    };
    fill();
    let drop_only = time_rounds(
        iterations,
        rounds,
        |n| {
            let mut k = keep.borrow_mut();
            let at = k.len().saturating_sub(n as usize);
            k.truncate(at);
        },
        fill,
    );
    keep.borrow_mut().clear();
    let (mut st, allocs) = count_allocs(lunar::raw::new_state);
    let heap_bytes = st.heap().bytes_in_use();
    drop(st);
    let ((), allocs_with_drop) = count_allocs(|| drop(lunar::raw::new_state()));
    let opened = time_rounds(
        iterations,
        rounds,
        |n| {
            for _ in 0..n {
                let mut st = State::new();
                stdlib::open_all(&mut st);
                drop(std::hint::black_box(st));
            }
        },
        || {},
    );
    // Each image taken is kept for the life of the process: once.
    let t = Instant::now();
    let _ = std::hint::black_box(stdlib::image_of(stdlib::open_all_shared));
    let capture = t.elapsed();
    Cost {
        opened,
        capture,
        iterations,
        rounds,
        create_drop,
        create,
        drop: drop_only,
        heap_bytes,
        allocs,
        allocs_with_drop,
        steps: breakdown(iterations, rounds),
    }
}

/// Times each step over `iterations` fresh states per round (each step
/// timed on its own, the state built by the steps before it; the fastest
/// round is kept, the one least disturbed by other work) and counts its
/// heap bytes and allocations once.
fn breakdown(iterations: u32, rounds: usize) -> Vec<Step> {
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); STEPS.len()];
    for _ in 0..rounds {
        let mut sums = vec![Duration::ZERO; STEPS.len()];
        for _ in 0..iterations {
            let t = Instant::now();
            let mut st = std::hint::black_box(State::new());
            sums[0] += t.elapsed();
            for (i, (_, open)) in STEPS.iter().enumerate().skip(1) {
                let t = Instant::now();
                open(&mut st);
                sums[i] += t.elapsed();
            }
            drop(st);
        }
        for (i, s) in sums.into_iter().enumerate() {
            times[i].push(s / iterations);
        }
    }
    let (mut st, a0) = count_allocs(State::new);
    let mut steps = vec![Step {
        name: STEPS[0].0,
        time: Duration::ZERO,
        heap_bytes: st.heap().bytes_in_use(),
        allocs: a0,
    }];
    for (name, open) in &STEPS[1..] {
        let before = st.heap().bytes_in_use();
        let ((), a) = count_allocs(|| open(&mut st));
        steps.push(Step {
            name,
            time: Duration::ZERO,
            heap_bytes: st.heap().bytes_in_use().saturating_sub(before),
            allocs: a,
        });
    }
    for (step, t) in steps.iter_mut().zip(times) {
        step.time = t.into_iter().min().unwrap_or_default();
    }
    steps
}

fn us(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1e6)
}

fn kb(b: impl Into<i64>) -> String {
    format!("{:.1}", b.into() as f64 / 1000.0)
}

/// The Markdown report.
pub fn markdown(c: &Cost, meta: &[(&str, String)]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Lunar: the cost of a state\n");
    for (k, v) in meta {
        let _ = writeln!(s, "- {k}: {v}");
    }
    let _ = writeln!(
        s,
        "- Method: {} states per round ({BATCH} per timed batch where states are kept), {} round(s), median round; wall times from `std::time::Instant`, CPU times from the thread's own CPU time (`/proc/thread-self/schedstat`, the steadier figure on a busy machine), each over the whole round divided by the count; the breakdown's times are the fastest round's. Heap bytes: `Heap::bytes_in_use()` of a fresh state (what `collectgarbage(\"count\")` reports × 1024). Real allocations: `allocation-counter`'s counting global allocator (build with `--features count-allocations`); *held* = allocated and not freed when `new_state()` returns. KB = 1,000 bytes.\n",
        c.iterations, c.rounds
    );
    let _ = writeln!(s, "| `lunar::raw::new_state()` (whole library) | figure |");
    let _ = writeln!(s, "|---|---:|");
    for (what, t) in [
        ("create + drop", c.create_drop),
        ("create only", c.create),
        ("drop only", c.drop),
    ] {
        let cpu = t
            .cpu
            .map(|d| format!("{} µs CPU, ", us(d)))
            .unwrap_or_default();
        let _ = writeln!(s, "| time, {what} | {cpu}{} µs wall |", us(t.wall));
    }
    let cpu = c
        .opened
        .cpu
        .map(|d| format!("{} µs CPU, ", us(d)))
        .unwrap_or_default();
    let _ = writeln!(
        s,
        "| time, create + drop opening the libraries instead (`State::new()` + `open_all`) | {cpu}{} µs wall |",
        us(c.opened.wall)
    );
    let _ = writeln!(
        s,
        "| time, taking the library image (once per process) | {} µs wall |",
        us(c.capture)
    );
    let _ = writeln!(
        s,
        "| heap bytes (GC-counted) | {} KB |",
        kb(c.heap_bytes as i64)
    );
    match (c.allocs, c.allocs_with_drop) {
        (Some(a), Some(d)) => {
            let _ = writeln!(
                s,
                "| real allocations held | {} KB in {} blocks |",
                kb(a.live_bytes),
                a.live_count
            );
            let _ = writeln!(
                s,
                "| real allocations made | {} KB in {} allocations |",
                kb(a.bytes as i64),
                a.count
            );
            let _ = writeln!(
                s,
                "| left after drop | {} bytes in {} blocks |",
                d.live_bytes, d.live_count
            );
        }
        _ => {
            let _ = writeln!(
                s,
                "| real allocations | not counted (build with `--features count-allocations`) |"
            );
        }
    }
    let _ = writeln!(
        s,
        "\n`new_state()` copies a library image the process takes once (`lunar_vm::image`): one block holds every table's box and the hash storage of the tables that refer to other tables, the main thread and io's three standard files (userdata whose streams are made when first used); the image's strings, the string table's buckets (until the state interns a string of its own), the metamethod names and the storage of the tables that hold no other table are read in place from the image (copied at a table's first write); the stack is the state's own. What opening the libraries costs without the image (the `lunar` command's way, and what the image is taken from): a bare `State::new()`, then each library's `open_*` in `open_all`'s order; times are each step alone:\n"
    );
    let counted = c.steps.iter().all(|st| st.allocs.is_some());
    if counted {
        let _ = writeln!(
            s,
            "| step | time µs | heap KB | allocations | allocated KB | held KB |"
        );
        let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|");
    } else {
        let _ = writeln!(s, "| step | time µs | heap KB |");
        let _ = writeln!(s, "|---|---:|---:|");
    }
    let total: Duration = c.steps.iter().map(|st| st.time).sum();
    for st in &c.steps {
        let _ = write!(
            s,
            "| {} | {} | {}",
            st.name,
            us(st.time),
            kb(st.heap_bytes as i64)
        );
        if let Some(a) = st.allocs {
            let _ = write!(
                s,
                " | {} | {} | {}",
                a.count,
                kb(a.bytes as i64),
                kb(a.live_bytes)
            );
        }
        let _ = writeln!(s, " |");
    }
    let heap: usize = c.steps.iter().map(|st| st.heap_bytes).sum();
    let _ = write!(s, "| **sum** | {} | {}", us(total), kb(heap as i64));
    if counted {
        let n: u64 = c
            .steps
            .iter()
            .filter_map(|st| st.allocs)
            .map(|a| a.count)
            .sum();
        let b: u64 = c
            .steps
            .iter()
            .filter_map(|st| st.allocs)
            .map(|a| a.bytes)
            .sum();
        let l: i64 = c
            .steps
            .iter()
            .filter_map(|st| st.allocs)
            .map(|a| a.live_bytes)
            .sum();
        let _ = write!(s, " | {n} | {} | {}", kb(b as i64), kb(l));
    }
    let _ = writeln!(s, " |");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_steps_build_the_same_heap_as_new_state() {
        // The breakdown must open what open_all opens: the heap byte
        // counts of the steps add up to those of such a state.
        let mut whole = State::new();
        stdlib::open_all(&mut whole);
        let mut st = State::new();
        for (_, open) in &STEPS[1..] {
            open(&mut st);
        }
        assert_eq!(st.heap().bytes_in_use(), whole.heap().bytes_in_use());
        let c = measure(3, 1);
        let sum: usize = c.steps.iter().map(|s| s.heap_bytes).sum();
        assert_eq!(sum, whole.heap().bytes_in_use());
        // The copy costs less heap than opening.
        assert!(c.heap_bytes < sum);
        assert!(c.heap_bytes > 0);
        let md = markdown(&c, &[]);
        assert!(md.contains("| base |") && md.contains("| **sum** |"));
    }

    #[cfg(feature = "count-allocations")]
    #[test]
    fn a_dropped_state_frees_everything() {
        let c = measure(2, 1);
        let d = c.allocs_with_drop.expect("counted");
        assert_eq!((d.live_count, d.live_bytes), (0, 0));
        assert!(c.allocs.expect("counted").live_bytes > 0);
    }
}
