//! Allocations of the embedding crate's typed calls (`lunar::Function::call`,
//! `lunar::State::call`, `lunar::Ctx::call`, and Lua calling a function
//! made by `State::register`), counted by a counting global allocator: a
//! call with a few number arguments and results, either way, must
//! allocate nothing.
//!
//! The counts are printed (`cargo test -p lunar-bench --test
//! typed_call_allocations -- --nocapture`) and required to be 0.

use lunar::{Function, State};

/// Calls made inside each measurement.
const CALLS: i64 = 1_000;

/// Real allocations made by `f`.
fn allocations(f: impl FnOnce()) -> u64 {
    allocation_counter::measure(f).count_total
}

/// A state and the Lua function `src` evaluates to, called once so that
/// the stack and the embedding layer's per-state data exist.
fn setup(src: &str) -> (State, Function) {
    let mut state = State::new();
    let f: Function = state.exec("t.lua", src).expect("compiles and runs");
    (state, f)
}

#[test]
fn host_calls_with_numbers_allocate_nothing() {
    let mut failures = Vec::new();

    // (i64) -> i64 through `Function::call`, the boundary bench's case.
    let (mut state, f) = setup("return function(x) return x + 1 end");
    let mut acc = f.call::<_, i64>(&mut state, 0).expect("warm-up");
    let n = allocations(|| {
        for _ in 0..CALLS {
            acc = f.call::<_, i64>(&mut state, acc).expect("call");
        }
    });
    assert_eq!(acc, CALLS + 1, "the calls ran");
    println!("Function::call (i64) -> i64: {n} allocations for {CALLS} calls");
    if n != 0 {
        failures.push(format!("Function::call (i64) -> i64: {n}"));
    }

    // (i64, f64) -> (i64, f64) through `State::call`; the function returns
    // three values, the third dropped.
    let (mut state, f) = setup("return function(a, b) return a + 1, b * 2, 'extra' end");
    let mut pair: (i64, f64) = state.call(&f, (0, 1.0)).expect("warm-up");
    let n = allocations(|| {
        for _ in 0..CALLS {
            pair = state.call(&f, (pair.0, 1.0)).expect("call");
        }
    });
    assert_eq!(pair, (CALLS + 1, 2.0), "the calls ran");
    println!("State::call (i64, f64) -> (i64, f64): {n} allocations for {CALLS} calls");
    if n != 0 {
        failures.push(format!("State::call (i64, f64) -> (i64, f64): {n}"));
    }

    // () -> () and missing results read as nil.
    let (mut state, f) = setup("local k = 0 return function() k = k + 1 end");
    f.call::<_, ()>(&mut state, ()).expect("warm-up");
    let mut missing = Some(0);
    let n = allocations(|| {
        for _ in 0..CALLS {
            f.call::<_, ()>(&mut state, ()).expect("call");
        }
        missing = f.call::<_, Option<i64>>(&mut state, ()).expect("call");
    });
    assert_eq!(missing, None, "no result reads as nil");
    println!(
        "Function::call () -> (): {n} allocations for {} calls",
        CALLS + 1
    );
    if n != 0 {
        failures.push(format!("Function::call () -> (): {n}"));
    }

    assert!(failures.is_empty(), "typed calls allocate: {failures:?}");
}

#[test]
fn calls_from_a_rust_function_allocate_nothing_per_call() {
    // A Rust function calling a Lua function `k` times: the Rust
    // function's own crossing may allocate (its argument list), the calls
    // inside it must not, so two values of `k` must allocate alike.
    let mut state = State::new();
    state
        .register("repeat_call", |cx, (f, k): (Function, i64)| {
            let mut x = 0i64;
            for _ in 0..k {
                x = cx.call(&f, x)?;
            }
            Ok(x)
        })
        .expect("registers");
    let run: Function = state
        .exec(
            "t.lua",
            "return function(k) return repeat_call(function(x) return x + 1 end, k) end",
        )
        .expect("compiles and runs");
    // The fewest of a few runs: a run may also meet a garbage collection
    // step (which allocates a little whatever the calls do).
    let mut counts = Vec::new();
    for k in [10, 10 + CALLS] {
        assert_eq!(run.call::<_, i64>(&mut state, k).expect("warm-up"), k);
        let mut fewest = u64::MAX;
        for _ in 0..5 {
            let mut got = 0;
            let n = allocations(|| {
                got = run.call::<_, i64>(&mut state, k).expect("call");
            });
            assert_eq!(got, k, "the calls ran");
            println!("  {k} calls: {n} allocations");
            fewest = fewest.min(n);
        }
        counts.push(fewest);
    }
    println!(
        "Ctx::call (i64) -> i64 inside a Rust function: {} allocations for 10 calls, {} for {}",
        counts[0],
        counts[1],
        10 + CALLS
    );
    assert_eq!(
        counts[0], counts[1],
        "calls from a Rust function allocate per call"
    );
}

#[test]
fn lua_calls_of_typed_rust_functions_allocate_nothing_per_call() {
    let mut state = State::new();
    state
        .register("add1", |_, x: i64| Ok(x + 1))
        .expect("registers");
    state
        .register("swap", |_, (a, b): (i64, f64)| Ok((b, a)))
        .expect("registers");
    state
        .register("nothing", |_, ()| Ok(()))
        .expect("registers");
    let run: Function = state
        .exec(
            "t.lua",
            "return function(k) local x, y = 0, 0 \
             for i = 1, k do x = add1(x) y = swap(1, 2.5) nothing() end \
             return x + y - 2.5 end",
        )
        .expect("compiles and runs");
    let mut counts = Vec::new();
    for k in [10, 10 + CALLS] {
        assert_eq!(
            run.call::<_, f64>(&mut state, k).expect("warm-up"),
            k as f64
        );
        let mut fewest = u64::MAX;
        for _ in 0..5 {
            let mut got = 0.0;
            let n = allocations(|| {
                got = run.call::<_, f64>(&mut state, k).expect("call");
            });
            assert_eq!(got, k as f64, "the calls ran");
            fewest = fewest.min(n);
        }
        counts.push(fewest);
    }
    println!(
        "Lua calling typed Rust functions: {} allocations for 10 iterations, {} for {}",
        counts[0],
        counts[1],
        10 + CALLS
    );
    assert_eq!(
        counts[0], counts[1],
        "Lua calls of typed Rust functions allocate per call"
    );
}
