//! Allocations of the embedding crate's other per-call paths, counted by a
//! counting global allocator (as `typed_call_allocations.rs` does for the
//! typed calls): running a cached `Program` with arguments, the table
//! handles' operations, userdata methods and fields called from Lua,
//! asynchronous Rust functions and runs, `MultiValue`/`Variadic` lists,
//! and strings (where what remains is the `String` the caller asked for).
//!
//! The counts are printed (`cargo test -p lunar-bench --test
//! host_path_allocations -- --nocapture`); each test states the count it
//! requires and why.

use lunar::{Function, MetaMethod, Program, State, UserData, UserDataFields, UserDataMethods};

/// Calls made inside each measurement.
const CALLS: i64 = 1_000;

/// Real allocations made by `f`.
fn allocations(f: impl FnOnce()) -> u64 {
    allocation_counter::measure(f).count_total
}

/// The fewest allocations of a few runs of `f` (a run may also meet a
/// garbage collection step, which allocates a little whatever the path
/// does).
fn fewest(mut f: impl FnMut()) -> u64 {
    (0..5).map(|_| allocations(&mut f)).min().unwrap_or(0)
}

/// Allocations per iteration of a Lua function `run(k)` that does `k`
/// iterations of the path: the difference between `10 + CALLS` and `10`
/// iterations, so that the crossing into `run` itself does not count.
/// `check(k, result)` checks what `run` returned.
fn per_iteration(state: &mut State, run: &Function, check: impl Fn(i64, f64)) -> (u64, u64) {
    let mut counts = Vec::new();
    for k in [10, 10 + CALLS] {
        check(k, run.call::<_, f64>(state, k).expect("warm-up"));
        let n = fewest(|| {
            let got = run.call::<_, f64>(state, k).expect("call");
            check(k, got);
        });
        counts.push(n);
    }
    (counts[0], counts[1])
}

/// Runs each case's loop body `k` times in a Lua function that returns
/// `s + k` (the body keeps `s` at 0) and records in `failures` every case
/// whose allocations per iteration are not the `want` it states.
fn check_loop_cases(state: &mut State, cases: &[(&str, &str, u64)], failures: &mut Vec<String>) {
    for &(what, body, want) in cases {
        let run: Function = state
            .exec(
                "t.lua",
                format!(
                    "return function(k) local s = 0 for i = 1, k do {body} end return s + k end"
                ),
            )
            .expect("compiles and runs");
        let (few, many) = per_iteration(state, &run, |k, got| {
            assert_eq!(got, k as f64, "{what}: the loop ran")
        });
        println!(
            "{what}: {few} allocations for 10 iterations, {many} for {}",
            10 + CALLS
        );
        if many - few != want * CALLS as u64 {
            failures.push(format!(
                "{what}: {} for {CALLS}, {want} a call wanted",
                many - few
            ));
        }
    }
}

#[test]
fn running_a_cached_program_allocates_only_its_main_closure() {
    let mut state = State::new();
    let p = Program::compile("add.lua", "local a, b = ... return a + b").expect("compiles");
    let mut acc: i64 = state.run_with(&p, (0, 1)).expect("warm-up");
    let n = allocations(|| {
        for _ in 0..CALLS {
            acc = state.run_with(&p, (acc, 1)).expect("run");
        }
    });
    assert_eq!(acc, CALLS + 1, "the runs ran");
    println!("State::run_with (i64, i64) -> i64: {n} allocations for {CALLS} runs");
    // Each run is a new main closure of the chunk with its own `_ENV`
    // upvalue, as `load` makes: the closure, its upvalue and its upvalue
    // list are three objects of the VM's heap. Nothing else may allocate.
    assert!(
        n <= 3 * CALLS as u64,
        "a run allocates more than its main closure: {n} for {CALLS}"
    );
}

#[test]
fn table_handle_operations_allocate_nothing() {
    let mut state = State::new();
    let t = state.create_table();
    t.set(&mut state, 1, 0).expect("warm-up");
    let _: i64 = t.get(&mut state, 1).expect("warm-up");
    let _ = t.len(&mut state).expect("warm-up");
    let mut failures = Vec::new();

    let n = allocations(|| {
        for i in 0..CALLS {
            t.set(&mut state, 1, i).expect("set");
        }
    });
    println!("Table::set (i64, i64): {n} allocations for {CALLS} calls");
    if n != 0 {
        failures.push(format!("Table::set: {n}"));
    }

    let mut sum = 0;
    let n = allocations(|| {
        for _ in 0..CALLS {
            sum += t.get::<_, i64>(&mut state, 1).expect("get");
        }
    });
    assert_eq!(sum, CALLS * (CALLS - 1), "the gets ran");
    println!("Table::get i64 -> i64: {n} allocations for {CALLS} calls");
    if n != 0 {
        failures.push(format!("Table::get: {n}"));
    }

    let mut len = 0;
    let n = allocations(|| {
        for _ in 0..CALLS {
            len += t.len(&mut state).expect("len");
        }
    });
    assert_eq!(len, CALLS, "the lengths ran");
    println!("Table::len: {n} allocations for {CALLS} calls");
    if n != 0 {
        failures.push(format!("Table::len: {n}"));
    }

    // Through metamethods (Lua functions), with a string key: the key is
    // interned once (`create_string`), then passed as a handle.
    let proxy: lunar::Table = state
        .exec(
            "t.lua",
            "local store = {} return setmetatable({}, {__index = store, \
             __newindex = function(_, k, v) rawset(store, k, v) end, \
             __len = function() return 7 end})",
        )
        .expect("compiles and runs");
    let key = state.create_string("k");
    proxy.set(&mut state, &key, 0).expect("warm-up");
    let mut got = 0;
    let n = allocations(|| {
        for i in 0..CALLS {
            proxy.set(&mut state, &key, i).expect("set");
            got = proxy.get::<_, i64>(&mut state, &key).expect("get");
            got += proxy.len(&mut state).expect("len") - 7;
        }
    });
    assert_eq!(got, CALLS - 1, "the metamethods ran");
    println!("Table set/get/len through metamethods: {n} allocations for {CALLS} rounds");
    if n != 0 {
        failures.push(format!("metamethods: {n}"));
    }

    assert!(
        failures.is_empty(),
        "table handle operations allocate: {failures:?}"
    );
}

/// A userdata with a method, a field getter and a setter.
struct Point {
    x: i64,
}

impl UserData for Point {
    fn add_fields(f: &mut UserDataFields<Self>) {
        f.add_field_method_get("x", |_, p| Ok(p.x));
        f.add_field_method_set("x", |_, p, x: i64| {
            p.x = x;
            Ok(())
        });
    }
    fn add_methods(m: &mut UserDataMethods<Self>) {
        m.add_method_mut("add", |_, p, by: i64| {
            p.x += by;
            Ok(p.x)
        });
        m.add_method("get", |_, p, ()| Ok(p.x));
        m.add_meta_method(MetaMethod::Len, |_, p, ()| Ok(p.x));
    }
}

#[test]
fn userdata_methods_and_fields_allocate_nothing_per_call() {
    // Also: a new userdata allocates only itself.
    let mut state = State::new();
    state.set_global("p", Point { x: 0 }).expect("sets");
    let mut failures = Vec::new();
    let cases = [
        (
            "method",
            "p.x = 0 for i = 1, k do p:add(1) end return p:get()",
        ),
        (
            "field get",
            "p.x = 1 local s = 0 for i = 1, k do s = s + p.x end return s",
        ),
        ("field set", "for i = 1, k do p.x = i end return p.x"),
        (
            "metamethod",
            "p.x = 1 local s = 0 for i = 1, k do s = s + #p end return s",
        ),
    ];
    for (name, body) in cases {
        let run: Function = state
            .exec("t.lua", format!("return function(k) {body} end"))
            .expect("compiles and runs");
        let (few, many) = per_iteration(&mut state, &run, |k, got| {
            assert_eq!(got, k as f64, "{name}: the loop ran")
        });
        println!(
            "userdata {name}: {few} allocations for 10 iterations, {many} for {}",
            10 + CALLS
        );
        if few != many {
            failures.push(format!("{name}: {few} vs {many}"));
        }
    }

    // A Rust function returning a new userdata each call: its data's box
    // and the userdata object, nothing else (the metatable is found
    // without a registry key or a handle).
    state
        .register("make", |_, x: i64| Ok(Point { x }))
        .expect("registers");
    let run: Function = state
        .exec(
            "t.lua",
            "return function(k) local s = 0 for i = 1, k do s = s + make(1).x end return s end",
        )
        .expect("compiles and runs");
    let (few, many) = per_iteration(&mut state, &run, |k, got| {
        assert_eq!(got, k as f64, "new userdata: the loop ran")
    });
    println!(
        "new userdata from a Rust function: {few} allocations for 10 iterations, {many} for {}",
        10 + CALLS
    );
    // Rounded: the garbage these calls make brings collection steps,
    // whose own few allocations (the collector's lists) come with them.
    let per_call = (many - few + CALLS as u64 / 2) / CALLS as u64;
    if per_call != 2 {
        failures.push(format!(
            "new userdata: {} for {CALLS}, 2 a call wanted",
            many - few
        ));
    }
    assert!(
        failures.is_empty(),
        "userdata calls allocate per call: {failures:?}"
    );
}

/// Polls `fut` to the end with a waker that does nothing: the futures
/// here are ready whenever they are polled.
fn block_on<T>(fut: impl std::future::Future<Output = T>) -> T {
    let mut fut = std::pin::pin!(fut);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    loop {
        if let std::task::Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

#[test]
fn asynchronous_functions_allocate_only_their_future_per_call() {
    let mut state = State::new();
    state
        .register_async("add1", |x: i64| async move { Ok(x + 1) })
        .expect("registers");
    let run: Function = state
        .exec(
            "t.lua",
            "return function(k) local x = 0 for i = 1, k do x = add1(x) end return x end",
        )
        .expect("compiles and runs");
    let mut counts = Vec::new();
    for k in [10, 10 + CALLS] {
        let got: i64 = block_on(state.call_async(&run, k)).expect("warm-up");
        assert_eq!(got, k);
        let n = fewest(|| {
            let got: i64 = block_on(state.call_async(&run, k)).expect("run");
            assert_eq!(got, k, "the calls ran");
        });
        counts.push(n);
    }
    let per_call = (counts[1] - counts[0]) as f64 / CALLS as f64;
    println!(
        "asynchronous function (i64) -> i64: {} allocations for 10 calls, {} for {} ({per_call} a call)",
        counts[0],
        counts[1],
        10 + CALLS
    );
    // The future is type-erased and kept in the state while the script
    // waits: one box a call, and nothing else.
    assert!(
        counts[1] - counts[0] <= CALLS as u64,
        "an asynchronous call allocates more than its future: {per_call} a call"
    );
}

#[test]
fn asynchronous_runs_with_numbers_allocate_nothing() {
    // A run that waits on nothing: the driver's own work (the reused
    // coroutine, arguments pushed and results read on the stack).
    let mut state = State::new();
    let f: Function = state
        .exec("t.lua", "return function(a, b) return a + b, a * b end")
        .expect("compiles and runs");
    let mut pair: (i64, i64) = block_on(state.call_async(&f, (1, 2))).expect("warm-up");
    let n = allocations(|| {
        for _ in 0..CALLS {
            pair = block_on(state.call_async(&f, (pair.0, 1))).expect("run");
        }
    });
    assert_eq!(pair.0, CALLS + 3, "the runs ran");
    println!("State::call_async (i64, i64) -> (i64, i64): {n} allocations for {CALLS} runs");
    assert_eq!(n, 0, "an asynchronous run allocates");

    // A program's asynchronous run: its main closure, as a run's.
    let p = Program::compile("add.lua", "local a, b = ... return a + b").expect("compiles");
    let mut acc: i64 = block_on(state.run_async_with(&p, (0, 1))).expect("warm-up");
    let n = allocations(|| {
        for _ in 0..CALLS {
            acc = block_on(state.run_async_with(&p, (acc, 1))).expect("run");
        }
    });
    assert_eq!(acc, CALLS + 1, "the runs ran");
    println!("State::run_async_with (i64, i64) -> i64: {n} allocations for {CALLS} runs");
    assert!(
        n <= 3 * CALLS as u64,
        "an asynchronous run allocates more than its main closure: {n} for {CALLS}"
    );
}

#[test]
fn value_lists_allocate_only_their_own_vectors() {
    use lunar::{MultiValue, Variadic};
    let mut failures = Vec::new();
    // `MultiValue` and `Variadic` hold a `Vec` (a public field): none
    // allocates for no value, and the paths add no list of their own
    // beyond the one the VM's call returns.
    let mut state = State::new();
    state
        .register("count", |_, xs: Variadic<i64>| Ok(xs.0.len() as i64))
        .expect("registers");
    state
        .register("none", |_, ()| Ok(Variadic::<i64>(Vec::new())))
        .expect("registers");
    state
        .register("two", |_, x: i64| Ok(Variadic(vec![x, x])))
        .expect("registers");
    let cases = [
        // (what, loop body, allocations per iteration)
        ("Variadic arguments, none", "s = s + count()", 0),
        ("Variadic results, none", "none() s = s + 0", 0),
        (
            "Variadic arguments, two (the Vec<i64>)",
            "s = s + count(1, 2) - 2",
            1,
        ),
        (
            "Variadic results, two (the Vec<i64>)",
            "local a, b = two(1) s = s + a - b",
            1,
        ),
    ];
    check_loop_cases(&mut state, &cases, &mut failures);

    // Results of a call from the host.
    let f: Function = state
        .exec(
            "t.lua",
            "return function(n) if n > 0 then return 1, 2 end end",
        )
        .expect("compiles and runs");
    let _: MultiValue = f.call(&mut state, 0).expect("warm-up");
    let _: Variadic<i64> = f.call(&mut state, 1).expect("warm-up");
    let n = allocations(|| {
        for _ in 0..CALLS {
            let none: MultiValue = f.call(&mut state, 0).expect("call");
            assert!(none.is_empty());
            let none: Variadic<i64> = f.call(&mut state, 0).expect("call");
            assert!(none.0.is_empty());
        }
    });
    println!("MultiValue and Variadic of no result: {n} allocations for {CALLS} calls");
    if n != 0 {
        failures.push(format!("no result: {n}"));
    }
    let n = allocations(|| {
        for _ in 0..CALLS {
            let two: Variadic<i64> = f.call(&mut state, 1).expect("call");
            assert_eq!(two.0, [1, 2]);
        }
    });
    println!("Variadic<i64> of two results: {n} allocations for {CALLS} calls");
    // The VM's list of results and the `Vec<i64>`.
    if n != 2 * CALLS as u64 {
        failures.push(format!("Variadic of two results: {n}"));
    }
    assert!(failures.is_empty(), "value lists allocate: {failures:?}");
}

#[test]
fn strings_allocate_only_their_rust_strings() {
    // Short strings are interned by the VM: once a string exists, making
    // it again finds it. What remains is a `String` the caller asked for.
    let mut failures = Vec::new();
    let mut state = State::new();
    let f: Function = state
        .exec("t.lua", "return function(a, b) return #a + #b end")
        .expect("compiles and runs");
    let echo: Function = state
        .exec("t.lua", "return function(s) return s end")
        .expect("compiles and runs");
    let mut n_got = f
        .call::<_, i64>(&mut state, ("GET", "/index"))
        .expect("warm-up");
    let _: String = echo.call(&mut state, "moon").expect("warm-up");
    let n = allocations(|| {
        for _ in 0..CALLS {
            n_got = f
                .call::<_, i64>(&mut state, ("GET", "/index"))
                .expect("call");
        }
    });
    assert_eq!(n_got, 9, "the calls ran");
    println!("Function::call (&str, &str) -> i64: {n} allocations for {CALLS} calls");
    if n != 0 {
        failures.push(format!("string arguments: {n}"));
    }
    let n = allocations(|| {
        for _ in 0..CALLS {
            let s: String = echo.call(&mut state, "moon").expect("call");
            assert_eq!(s, "moon");
        }
    });
    println!("Function::call &str -> String: {n} allocations for {CALLS} calls");
    if n != CALLS as u64 {
        failures.push(format!("a String result: {n}, {CALLS} wanted"));
    }
    let pair: Function = state
        .exec("t.lua", "return function(s) return s, #s end")
        .expect("compiles and runs");
    let _: (String, i64) = pair.call(&mut state, "moon").expect("warm-up");
    let n = allocations(|| {
        for _ in 0..CALLS {
            let (s, len): (String, i64) = pair.call(&mut state, "moon").expect("call");
            assert_eq!((s.as_str(), len), ("moon", 4));
        }
    });
    println!("Function::call &str -> (String, i64): {n} allocations for {CALLS} calls");
    if n != CALLS as u64 {
        failures.push(format!("a (String, i64) result: {n}, {CALLS} wanted"));
    }

    let t = state.create_table();
    t.set(&mut state, "name", "moon").expect("warm-up");
    let n = allocations(|| {
        for _ in 0..CALLS {
            t.set(&mut state, "name", "moon").expect("set");
            let s: String = t.get(&mut state, "name").expect("get");
            assert_eq!(s, "moon");
        }
    });
    println!("Table::set &str, Table::get -> String: {n} allocations for {CALLS} rounds");
    if n != CALLS as u64 {
        failures.push(format!("table string keys: {n}, {CALLS} wanted"));
    }

    // Rust functions taking a `String` and giving back a `&str` or an
    // `Err` as `nil, message`.
    state
        .register("len", |_, s: String| Ok(s.len() as i64))
        .expect("registers");
    state
        .register("kind", |_, n: i64| {
            Ok(if n > 0 { "positive" } else { "other" })
        })
        .expect("registers");
    state
        .register("check", |_, n: i64| {
            Ok(if n > 0 {
                Ok(n)
            } else {
                Err(lunar::Error::runtime("not positive"))
            })
        })
        .expect("registers");
    let cases = [
        (
            "a String argument (the String)",
            "s = s + len('moon') - 4",
            1,
        ),
        ("a &str result", "s = s + #kind(i) - 8", 0),
        ("a Result's Ok", "s = s + check(i) - i", 0),
        // The `Error` the function makes: its box and its message.
        (
            "a Result's Err (the Error's own)",
            "local v, e = check(0) s = s + #e - 12",
            2,
        ),
    ];
    check_loop_cases(&mut state, &cases, &mut failures);
    assert!(failures.is_empty(), "strings allocate: {failures:?}");
}
